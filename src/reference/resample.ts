/**
 * Band-limited resampling, pure float64 reference, plus the filter design shared with the WASM
 * path (src/wasm/resample.ts builds its float32 tables from the same functions, so both paths run
 * one algorithm).
 *
 * Target: the class of libsoxr 'HQ' (librosa 0.10's default `res_type='soxr_hq'`): linear phase,
 * pass band flat to ~0.913 of the lower Nyquist, stop band from the lower Nyquist on, at least
 * 120 dB rejection (soxr HQ = 20-bit precision, 20 × 6.02 dB), and zero delay: output sample k is
 * the band-limited input evaluated at time k / srOut.
 *
 * Method: a Kaiser-windowed sinc low-pass (Kaiser 1974; order and beta from Oppenheim & Schafer,
 * "Discrete-Time Signal Processing", eq. 7.62-7.63) evaluated at the fractional input positions
 * t_k = k · srIn / srOut. With the reduced ratio L/M = srOut/srIn (gcd), t_k only takes L distinct
 * fractional parts, so the taps for each one are precomputed once: an L-phase filter bank
 * (polyphase). When L is so large that the bank would not fit a sensible budget (e.g.
 * 44099 → 22050), the bank is replaced by a table of P + 1 equally spaced fractional positions and
 * each output linearly interpolates between the two nearest rows ("interpolated" mode; the
 * interpolation error is ~1.2/P² relative to the band, i.e. about -120 dB for the P chosen here).
 * Samples outside the signal are zeros (as soxr's one-shot flush).
 */
import { DspError } from '../dsp/errors.js';
import type { Real } from '../dsp/types.js';
import { assertSignal } from '../dsp/validate.js';

/** Quality label used in cache keys; there is one quality today (soxr-HQ class). */
export const RESAMPLE_QUALITY = 'hq';

// Pass-band end as libsoxr computes it for HQ: rejection = 20 bits × 6.02 dB = 120.4 dB, and
// passband_end = 1 - 0.05 / TO_3dB(rejection), TO_3dB(a) = (1.6e-6·a - 7.5e-4)·a + 0.646,
// i.e. 0.91363 of the lower Nyquist. The stop band begins at that Nyquist.
const SOXR_HQ_REJECTION_DB = 20 * 20 * Math.log10(2);
const PASSBAND_END = 1 - 0.05 / ((1.6e-6 * SOXR_HQ_REJECTION_DB - 7.5e-4) * SOXR_HQ_REJECTION_DB + 0.646);
const STOPBAND_BEGIN = 1.0;
// Design attenuation fed to Kaiser's formulas. soxr sizes its filters with its own Kaiser fits;
// with the textbook formulas, 136 dB reproduces soxr HQ's transition band best (calibrated on the
// librosa 0.10 fixtures: full-band SNR against soxr climbs from 63-81 dB at 120 dB to 83-94 dB;
// 130 or 142 dB lose 6-10 dB). The stop band is thus at least as deep as soxr's 120 dB.
const ATTENUATION_DB = 136;
/** Largest exact polyphase bank, in taps (4 MiB of float32); beyond it, interpolated mode. */
const MAX_BANK_TAPS = 1 << 20;
/** Interpolated-mode table rows per input sample for a full-band filter (r = 1). Linear
 *  interpolation error grows as (cutoff / P)², so P is scaled by r to keep it constant. */
const INTERP_PHASES_FULL_BAND = 1024;
const MIN_INTERP_PHASES = 32;
/** Largest factor between the two rates, either way (taps per output grow with the decimation factor). */
export const MAX_RATE_RATIO = 256;
/** Taps per row are padded to a multiple of this (two f32x4 accumulators in the WASM kernel). */
const TAP_ALIGN = 8;

export type ResampleMode = 'polyphase' | 'interpolated';

export interface ResamplerDesign {
  srIn: number;
  srOut: number;
  /** Reduced ratio: srOut / srIn = up / down. */
  up: number;
  down: number;
  /** -6 dB point of the low-pass, as a fraction of the input Nyquist. */
  cutoff: number;
  /** Half-length of the Kaiser window, in input samples. */
  halfWidth: number;
  beta: number;
  /** Taps per row (multiple of 8; trailing taps past the window are zeros). */
  taps: number;
  /** Tap m of a row multiplies input sample n0 + firstTap + m, where n0 = floor(t_k). */
  firstTap: number;
  mode: ResampleMode;
  /** Fractional positions tabulated: row p is at p / phases (interpolated mode adds row `phases`). */
  phases: number;
  /** Number of rows in the table: phases (polyphase) or phases + 1 (interpolated). */
  rows: number;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Output length exactly as librosa.resample: `int(np.ceil(n * (target_sr / orig_sr)))`, the
 * ratio taken in float64 first. (For some rate pairs, e.g. 11025 → 12000, this float expression
 * gives one more sample than the exact rational ceiling; librosa's length is kept.)
 */
export function resampledLength(n: number, srIn: number, srOut: number): number {
  if (srIn === srOut) return n;
  return Math.ceil(n * (srOut / srIn));
}

function assertRate(sr: number, name: string): void {
  if (typeof sr !== 'number' || !Number.isSafeInteger(sr) || sr <= 0) {
    throw new DspError(`${name} must be a positive integer sample rate in Hz, got ${sr}`);
  }
}

/** Input checks shared by the WASM and reference resamplers (same inputs rejected, same messages). */
export function assertResampleArgs(y: Real, srIn: number, srOut: number): void {
  assertSignal(y, 'resample input');
  assertRate(srIn, 'srIn');
  assertRate(srOut, 'srOut');
  const ratio = srOut / srIn;
  if (ratio > MAX_RATE_RATIO || ratio < 1 / MAX_RATE_RATIO) {
    throw new DspError(
      `resampling ${srIn} Hz -> ${srOut} Hz is a factor of ${ratio >= 1 ? ratio : 1 / ratio}; at most ${MAX_RATE_RATIO} is supported`,
    );
  }
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for beta ≤ 20). */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; term > 1e-17 * sum; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

export function designResampler(srIn: number, srOut: number): ResamplerDesign {
  const g = gcd(srIn, srOut);
  const up = srOut / g;
  const down = srIn / g;
  // Band edges relative to the input Nyquist: the lower of the two Nyquists sets the band.
  const r = Math.min(1, srOut / srIn);
  const passEnd = PASSBAND_END * r;
  const stopBegin = STOPBAND_BEGIN * r;
  const cutoff = (passEnd + stopBegin) / 2;
  const transition = Math.PI * (stopBegin - passEnd); // rad / input sample
  // Kaiser's design formulas (A > 50 dB branch).
  const beta = 0.1102 * (ATTENUATION_DB - 8.7);
  const order = (ATTENUATION_DB - 8) / (2.285 * transition);
  const halfWidth = order / 2;
  // A row must cover every integer i with |frac - i| < halfWidth for frac in [0, 1].
  const firstTap = -Math.ceil(halfWidth);
  const lastTap = Math.floor(halfWidth) + 1;
  const taps = Math.ceil((lastTap - firstTap + 1) / TAP_ALIGN) * TAP_ALIGN;
  const polyphase = up * taps <= MAX_BANK_TAPS;
  const phases = polyphase ? up : Math.max(MIN_INTERP_PHASES, Math.ceil(INTERP_PHASES_FULL_BAND * r));
  return {
    srIn, srOut, up, down, cutoff, halfWidth, beta, taps, firstTap,
    mode: polyphase ? 'polyphase' : 'interpolated',
    phases,
    rows: polyphase ? phases : phases + 1,
  };
}

/**
 * The continuous low-pass impulse response at offset t (input samples): cutoff · sinc(cutoff · t)
 * under a Kaiser window of half-length halfWidth. Unit DC gain per input sample (before the
 * per-row normalisation in {@link resamplerBank}).
 */
export function lowpassResponse(design: ResamplerDesign, t: number, i0Beta = besselI0(design.beta)): number {
  const u = t / design.halfWidth;
  if (Math.abs(u) >= 1) return 0;
  const x = design.cutoff * t;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  return design.cutoff * sinc * (besselI0(design.beta * Math.sqrt(1 - u * u)) / i0Beta);
}

/**
 * Filter table, row-major [rows, taps]. Row p holds the taps for fractional position
 * frac = p / phases: tap m = h(frac - (firstTap + m)). Each row is scaled to sum to exactly 1 so
 * that DC passes unchanged whatever the phase (no DC-modulated images).
 */
export function resamplerBank(design: ResamplerDesign): Float64Array {
  const { rows, taps, phases, firstTap } = design;
  const bank = new Float64Array(rows * taps);
  const i0Beta = besselI0(design.beta);
  for (let p = 0; p < rows; p++) {
    const frac = p / phases;
    const row = bank.subarray(p * taps, (p + 1) * taps);
    let sum = 0;
    for (let m = 0; m < taps; m++) {
      row[m] = lowpassResponse(design, frac - (firstTap + m), i0Beta);
      sum += row[m]!;
    }
    for (let m = 0; m < taps; m++) row[m] = row[m]! / sum;
  }
  return bank;
}

/** Dot product of one table row with the input around n0, zeros outside the signal. */
function rowDot(y: Real, n0: number, bank: Float64Array, row: number, design: ResamplerDesign): number {
  const start = n0 + design.firstTap;
  const base = row * design.taps;
  let acc = 0;
  for (let m = 0; m < design.taps; m++) {
    const i = start + m;
    if (i >= 0 && i < y.length) acc += y[i]! * bank[base + m]!;
  }
  return acc;
}

/** Resamples y from srIn to srOut (float64 throughout). Same rate: a copy. */
export function resampleReference(y: Real, srIn: number, srOut: number): Float64Array {
  assertResampleArgs(y, srIn, srOut);
  if (srIn === srOut) return Float64Array.from(y);
  const design = designResampler(srIn, srOut);
  const bank = resamplerBank(design);
  const out = new Float64Array(resampledLength(y.length, srIn, srOut));
  if (design.mode === 'polyphase') {
    // t_k = k · down / up = n0 + phase / up, advanced incrementally in integers (exact).
    let n0 = 0;
    let phase = 0;
    for (let k = 0; k < out.length; k++) {
      out[k] = rowDot(y, n0, bank, phase, design);
      phase += design.down;
      n0 += Math.floor(phase / design.up);
      phase %= design.up;
    }
  } else {
    const step = srIn / srOut;
    const P = design.phases;
    for (let k = 0; k < out.length; k++) {
      const t = k * step;
      const n0 = Math.floor(t);
      const pos = (t - n0) * P;
      const p = Math.min(Math.floor(pos), P - 1);
      const w = pos - p;
      const a = rowDot(y, n0, bank, p, design);
      const b = rowDot(y, n0, bank, p + 1, design);
      out[k] = a + w * (b - a);
    }
  }
  return out;
}
