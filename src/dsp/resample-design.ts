/**
 * The resampler's filter design, shared by both backends: the float64 reference
 * (src/reference/resample.ts) filters with these tables in float64, the WASM path
 * (src/wasm/resample.ts, src/wasm/stream-resample.ts) writes them as float32 for the kernels in
 * assembly/resample.ts, so both run one algorithm and reject the same input with the same messages.
 *
 * Target: the class of libsoxr 'HQ' (librosa 0.10's default `res_type='soxr_hq'`): linear phase,
 * pass band flat to ~0.913 of the lower Nyquist, stop band from the lower Nyquist on, at least
 * 120 dB rejection (soxr HQ = 20-bit precision, 20 × 6.02 dB), and zero delay: output sample k is
 * the band-limited input evaluated at time k / srOut.
 *
 * Method: a Kaiser-windowed sinc low-pass (Kaiser 1974; order and beta from Oppenheim & Schafer,
 * "Discrete-Time Signal Processing", eq. 7.62-7.63) evaluated at the fractional input positions
 * t_k = k · srIn / srOut. Every ratio uses one prototype g(u) (the full-band filter, in input
 * samples at ratio 1) scaled in time by the band factor r = min(1, srOut / srIn): taps are
 * r · g(r · t), so the cutoff, the window and the tap count all follow r (J. O. Smith,
 * "Digital Audio Resampling Home Page", bandlimited interpolation).
 *
 * Two ways to apply it:
 *  - polyphase: with the reduced ratio L/M = srOut/srIn (gcd), t_k only takes L distinct
 *    fractional parts, so the taps for each one are precomputed once: an L-phase filter bank;
 *  - interpolated (any real ratio, and integer rates whose L would make the bank too large, e.g.
 *    44099 → 22050): a grid of P + 1 equally spaced fractional positions, and each output
 *    linearly interpolates between the two nearest rows (error ~1.2/P² relative to the band,
 *    about -120 dB for the P chosen here). The WASM path fills that grid per call from a finely
 *    sampled, cached copy of g (see {@link prototypeTable}), so a new ratio costs no table design.
 * Samples outside the signal are zeros (as soxr's one-shot flush).
 */
import { DspError } from './errors.js';
import type { Real } from './types.js';
import { assertSignal } from './validate.js';

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
// The prototype (band factor r = 1), from Kaiser's formulas (A > 50 dB branch). For r < 1 the
// transition band shrinks by r, so the window grows by 1/r: the same filter, time-scaled.
const PROTOTYPE_CUTOFF = (PASSBAND_END + STOPBAND_BEGIN) / 2;
const PROTOTYPE_TRANSITION = Math.PI * (STOPBAND_BEGIN - PASSBAND_END); // rad / input sample
const KAISER_BETA = 0.1102 * (ATTENUATION_DB - 8.7);
const PROTOTYPE_HALF_WIDTH = (ATTENUATION_DB - 8) / (2.285 * PROTOTYPE_TRANSITION) / 2;
/** Samples of the cached prototype per input sample (Smith's "L"): linear interpolation between
 *  them errs by at most |g''| / (8·L²) = (π·cutoff)² / (24·L²) of the peak, 2.2e-8 at L = 4096
 *  (float32 rounding territory; the table is 1.7 MB of float32). */
export const PROTOTYPE_SAMPLES_PER_UNIT = 4096;
/** Entries of {@link prototypeTable}: the window's half-length in table steps, plus a final 0. */
export const PROTOTYPE_TABLE_LENGTH = Math.ceil(PROTOTYPE_HALF_WIDTH * PROTOTYPE_SAMPLES_PER_UNIT) + 1;
/** Largest exact polyphase bank, in taps (4 MiB of float32); beyond it, interpolated mode. */
const MAX_BANK_TAPS = 1 << 20;
/** Interpolated-mode grid rows per input sample for a full-band filter (r = 1). Linear
 *  interpolation error grows as (cutoff / P)², so P is scaled by r to keep it constant. */
const INTERP_PHASES_FULL_BAND = 1024;
const MIN_INTERP_PHASES = 32;
/** Largest factor between the two rates, either way (taps per output grow with the decimation factor). */
export const MAX_RATE_RATIO = 256;
/** Taps per row are padded to a multiple of this (two f32x4 accumulators in the WASM kernel). */
const TAP_ALIGN = 8;

export type ResampleMode = 'polyphase' | 'interpolated';

/** The low-pass for one band factor: r · g(r · t), t in input samples. */
export interface FilterShape {
  /** r = min(1, srOut / srIn): the prototype's time scale. */
  bandScale: number;
  /** -6 dB point of the low-pass, as a fraction of the input Nyquist. */
  cutoff: number;
  /** Half-length of the Kaiser window, in input samples. */
  halfWidth: number;
  beta: number;
  /** Taps per row (multiple of 8; trailing taps past the window are zeros). */
  taps: number;
  /** Tap m of a row multiplies input sample n0 + firstTap + m, where n0 = floor(t_k). */
  firstTap: number;
  /** Fractional positions tabulated: row p is at p / phases (interpolated mode adds row `phases`). */
  phases: number;
  /** Number of rows in the table: phases (polyphase) or phases + 1 (interpolated). */
  rows: number;
}

export interface ResamplerDesign extends FilterShape {
  srIn: number;
  srOut: number;
  /** Reduced ratio: srOut / srIn = up / down. */
  up: number;
  down: number;
  mode: ResampleMode;
}

/** Interpolated-mode design for a real ratio (resampleRatio). */
export interface RatioDesign extends FilterShape {
  /** srOut / srIn. */
  ratio: number;
  /** Input samples per output sample, 1 / ratio: output k sits at input time k · step. */
  step: number;
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

/** What error messages call the resampler's input. */
export const RESAMPLE_INPUT = 'resample input';

/** Input checks shared by the WASM and reference resamplers (same inputs rejected, same messages). */
export function assertResampleArgs(y: Real, srIn: number, srOut: number): void {
  assertSignal(y, RESAMPLE_INPUT);
  assertResampleRates(srIn, srOut);
}

/** The rate checks of {@link assertResampleArgs} (also the streaming resampler's, which has no signal yet). */
export function assertResampleRates(srIn: number, srOut: number): void {
  assertRate(srIn, 'srIn');
  assertRate(srOut, 'srOut');
  const ratio = srOut / srIn;
  if (ratio > MAX_RATE_RATIO || ratio < 1 / MAX_RATE_RATIO) {
    throw new DspError(
      `resampling ${srIn} Hz -> ${srOut} Hz is a factor of ${ratio >= 1 ? ratio : 1 / ratio}; at most ${MAX_RATE_RATIO} is supported`,
    );
  }
}

/**
 * Checks for resampleRatio / resampleRatioReference (shared, same messages) and returns the
 * output length: `outLength` if given, else librosa's ceil(n · ratio).
 */
export function assertResampleRatioArgs(y: Real, ratio: number, outLength?: number): number {
  assertSignal(y, RESAMPLE_INPUT);
  if (typeof ratio !== 'number' || !Number.isFinite(ratio) || ratio <= 0) {
    throw new DspError(`ratio (srOut / srIn) must be a positive finite number, got ${ratio}`);
  }
  if (ratio > MAX_RATE_RATIO || ratio < 1 / MAX_RATE_RATIO) {
    throw new DspError(
      `resampling ratio ${ratio} is a factor of ${ratio >= 1 ? ratio : 1 / ratio}; at most ${MAX_RATE_RATIO} is supported`,
    );
  }
  const natural = Math.ceil(y.length * ratio);
  if (outLength === undefined) return natural;
  if (typeof outLength !== 'number' || !Number.isSafeInteger(outLength) || outLength < 1 || outLength > natural) {
    throw new DspError(`outLength must be an integer from 1 to ceil(n · ratio) = ${natural}, got ${outLength}`);
  }
  return outLength;
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

/** The prototype scaled by band factor r, taps per row and offsets (phases/rows filled by callers). */
export function filterShape(r: number): Omit<FilterShape, 'phases' | 'rows'> {
  const halfWidth = PROTOTYPE_HALF_WIDTH / r;
  // A row must cover every integer i with |frac - i| < halfWidth for frac in [0, 1].
  const firstTap = -Math.ceil(halfWidth);
  const lastTap = Math.floor(halfWidth) + 1;
  const taps = Math.ceil((lastTap - firstTap + 1) / TAP_ALIGN) * TAP_ALIGN;
  return { bandScale: r, cutoff: PROTOTYPE_CUTOFF * r, halfWidth, beta: KAISER_BETA, taps, firstTap };
}

/** Grid rows for interpolated mode: P scales with r so the error in prototype time stays fixed. */
function interpolatedPhases(r: number): number {
  return Math.max(MIN_INTERP_PHASES, Math.ceil(INTERP_PHASES_FULL_BAND * r));
}

export function designResampler(srIn: number, srOut: number): ResamplerDesign {
  const g = gcd(srIn, srOut);
  const up = srOut / g;
  const down = srIn / g;
  // Band edges relative to the input Nyquist: the lower of the two Nyquists sets the band.
  const shape = filterShape(Math.min(1, srOut / srIn));
  const polyphase = up * shape.taps <= MAX_BANK_TAPS;
  const phases = polyphase ? up : interpolatedPhases(shape.bandScale);
  return {
    srIn, srOut, up, down, ...shape,
    mode: polyphase ? 'polyphase' : 'interpolated',
    phases,
    rows: polyphase ? phases : phases + 1,
  };
}

/**
 * Second stage of the WASM one-shot resampler (src/wasm/resample-fft.ts): a fixed interpolator
 * for a signal whose content lies below a quarter of its own rate (the first stage leaves it so).
 * It must be flat to rate/4 and reject rate·3/4 on, where that content's first image begins: in
 * the signal's own samples a cutoff of 1 (sinc(t)) with a transition of π rad/sample, the same
 * Kaiser attenuation and β as the main low-pass. That is 19 non-zero taps (20 with the padding),
 * where the direct form needs 2 · halfWidth / r (~450 at 48 → 22.05 kHz). Its grid has `phases`
 * + 1 rows, linearly interpolated as in interpolated mode; the error of that interpolation is at
 * most |b''| / (8 · phases²) ≈ (π² / 3) / (8 · phases²) of the peak.
 */
export function quarterBandInterpolator(phases: number): FilterShape {
  const halfWidth = (ATTENUATION_DB - 8) / (2.285 * Math.PI * (QUARTER_BAND_STOP - QUARTER_BAND_PASS)) / 2;
  const firstTap = -Math.ceil(halfWidth);
  const lastTap = Math.floor(halfWidth) + 1;
  // Padded to whole f32x4 vectors only: its kernel (assembly/interpolate_short.ts) has no 8-tap unrolling.
  const taps = Math.ceil((lastTap - firstTap + 1) / 4) * 4;
  return { bandScale: 1, cutoff: 1, halfWidth, beta: KAISER_BETA, taps, firstTap, phases, rows: phases + 1 };
}

/** Edges of {@link quarterBandInterpolator}, as fractions of its input's Nyquist (rate/4 and 3·rate/4). */
export const QUARTER_BAND_PASS = 0.5;
const QUARTER_BAND_STOP = 1.5;

/** Interpolated-mode design for any ratio srOut / srIn (validated by the caller). */
export function designRatio(ratio: number): RatioDesign {
  const shape = filterShape(Math.min(1, ratio));
  const phases = interpolatedPhases(shape.bandScale);
  return { ratio, step: 1 / ratio, ...shape, phases, rows: phases + 1 };
}

type LowpassParams = Pick<FilterShape, 'cutoff' | 'halfWidth' | 'beta'>;

/**
 * The continuous low-pass impulse response at offset t (input samples): cutoff · sinc(cutoff · t)
 * under a Kaiser window of half-length halfWidth. Unit DC gain per input sample (before the
 * per-row normalisation in {@link resamplerBank}).
 */
export function lowpassResponse(design: LowpassParams, t: number, i0Beta = besselI0(design.beta)): number {
  const u = t / design.halfWidth;
  if (Math.abs(u) >= 1) return 0;
  const x = design.cutoff * t;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  return design.cutoff * sinc * (besselI0(design.beta * Math.sqrt(1 - u * u)) / i0Beta);
}

/**
 * The prototype g(u) = lowpassResponse at band factor 1, sampled at u = i / L for i = 0, 1, ...
 * (L = PROTOTYPE_SAMPLES_PER_UNIT; g is even, so u >= 0 suffices) up to the window edge, then one
 * zero, so that linear interpolation between entries i and i + 1 is defined for every u inside
 * the window and fades to 0 at its edge. A tap at offset t for band factor r reads it at
 * x = |t| · r · L (the scale r cancels in the per-row normalisation).
 */
export function prototypeTable(): Float64Array {
  const shape = filterShape(1);
  const L = PROTOTYPE_SAMPLES_PER_UNIT;
  const table = new Float64Array(PROTOTYPE_TABLE_LENGTH);
  const i0Beta = besselI0(shape.beta);
  for (let i = 0; i < table.length; i++) table[i] = lowpassResponse(shape, i / L, i0Beta);
  return table;
}

/**
 * Filter table, row-major [rows, taps]. Row p holds the taps for fractional position
 * frac = p / phases: tap m = h(frac - (firstTap + m)). Each row is scaled to sum to exactly 1 so
 * that DC passes unchanged whatever the phase (no DC-modulated images).
 */
export function resamplerBank(design: FilterShape): Float64Array {
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
