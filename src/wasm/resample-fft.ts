/**
 * The one-shot resampler's fast path: the low-pass of src/dsp/resample-design.ts applied in two
 * stages, the way libsoxr splits its work (a long, sharp filter by fast convolution, then a short
 * interpolator at the fractional positions), instead of ~2 · halfWidth / r multiply-adds per output.
 *
 *  1. z[m] = Σ_n x[n] · h(m / up − n): the input filtered by the design's low-pass h on a grid of
 *     `up` ∈ {1, 2} points per input sample, each of the `up` phases scaled to unit DC gain (as the
 *     direct form scales each row). Overlap-save through the real FFT (assembly/fft_filter.ts).
 *     h stops at the lower Nyquist, so z holds nothing (below the design's 136 dB) above
 *     min(srIn, srOut) / 2, which `up` makes at most a quarter of z's rate.
 *  2. y[k] = Σ_m z[m] · b(up · t_k − m), t_k = k · srIn / srOut: the fixed quarter-band
 *     interpolator b (quarterBandInterpolator, 20 taps) on its grid (assembly/interpolate_short.ts),
 *     or, for an integer rate pair with few fractional positions, on its exact polyphase bank.
 *
 * Against the direct form (same h, evaluated at t_k − n) the only differences are b's ripple and
 * stop band (the 136 dB design: ripple ~2e-7, stop band 134 dB measured), the linear interpolation of b's grid (≤ 2.4e-8 of the
 * peak at 4096 phases) and float32 FFT rounding; test/resample.test.ts holds both forms to the
 * float64 reference within 1e-6. Cost at 48 → 22.05 kHz: two 4096-point FFTs per 3,646 input
 * samples plus 20 taps per output, against 456 taps per output.
 *
 * Low-passes too long for a 65536-point FFT (ratios beyond ~1/80) keep the direct form (null plan).
 */
import { filterShape, gcd, lowpassResponse, quarterBandInterpolator, RESAMPLE_QUALITY, resamplerBank, type FilterShape } from '../dsp/resample-design.js';
import type { WasmCore } from './core.js';
import { requireKernels, rfftTable, type SpectralKernels } from './kernels.js';

interface FftResampleKernels extends SpectralKernels {
  fftFilter(
    n: number, up: number, half: number, tableN: number, tableHalf: number, specRe: number, specIm: number,
    x: number, out: number, outLen: number, work: number,
  ): void;
  interpolateShort(xPtr: number, base: number, outPtr: number, k0: number, outLen: number, gridPtr: number, phases: number, step: number): void;
  interpolateShortTaps(): number;
  interpolateExact(xPtr: number, base: bigint, outPtr: number, k0: bigint, outLen: number, bankPtr: number, phases: number, advance: number): void;
}

const KERNELS: Array<keyof FftResampleKernels & string> = [
  'fftFilter', 'interpolateShort', 'interpolateShortTaps', 'interpolateExact', 'rfftForward', 'rfftInverse', 'rfftTableFloats', 'rfftInitTable',
];

/** Phases of the second stage's grid (error bound in quarterBandInterpolator's comment). */
const INTERPOLATOR_PHASES = 4096;
/** Largest exact second-stage bank (rows); beyond it, the interpolated grid. 147 at 48 → 22.05 kHz. */
const MAX_EXACT_PHASES = 4096;
/** Smallest and largest FFT of the first stage; the block size grows with the filter (≥ 4 × its span). */
const MIN_FFT = 4096;
const MAX_FFT = 65536;
/** Filter spectra kept in JS (per band factor and grid): pitch shifts draw a ratio per clip. */
const SPECTRUM_CACHE_SIZE = 16;

/** Everything a two-stage call needs that lives in cached tables (made outside any scratch frame). */
export interface FftResamplePlan {
  /** First-stage points per input sample. */
  up: 1 | 2;
  /** The first stage's taps run over j in [-half, half], at offsets j / up input samples. */
  half: number;
  /** FFT size of the first stage. */
  n: number;
  tableN: number;
  /** rfft table for n / 2 (up = 2 only; else 0). */
  tableHalf: number;
  /** Second-stage grid (cached) and its shape. */
  grid: number;
  interpolator: FilterShape;
  lowpass: Omit<FilterShape, 'phases' | 'rows'>;
  /**
   * For an integer rate pair whose output times in z's samples, k · advance / phases (reduced),
   * take at most MAX_EXACT_PHASES fractional positions: the exact bank of the interpolator at
   * those positions (cached), used instead of interpolating between grid rows.
   */
  exact: { phases: number; advance: number; bank: number } | null;
}

/**
 * The plan for band factor r = min(1, srOut / srIn), or null when the low-pass is too long for
 * the largest FFT; `rates` for an integer rate pair (enables the exact second-stage bank).
 * Creates the cached tables it needs: call it outside a scratch frame.
 */
export function planFftResample(core: WasmCore, bandScale: number, rates?: { srIn: number; srOut: number }): FftResamplePlan | null {
  const lowpass = filterShape(bandScale);
  // z's content ends at bandScale / 2 of the input rate: a quarter of z's rate needs up >= 2 · bandScale.
  const up: 1 | 2 = bandScale <= 0.5 ? 1 : 2;
  const half = Math.floor(lowpass.halfWidth * up);
  let n = MIN_FFT;
  while (n < 8 * half) n *= 2;
  if (n > MAX_FFT) return null;
  const k = requireKernels<FftResampleKernels>(core, KERNELS, 'two-stage resampling');
  const interpolator = quarterBandInterpolator(INTERPOLATOR_PHASES);
  if (interpolator.taps !== k.interpolateShortTaps()) {
    throw new Error(`ser-wasm: the quarter-band interpolator has ${interpolator.taps} taps, its kernel ${k.interpolateShortTaps()}; rebuild build/ser.wasm`);
  }
  const grid = core.persistent(
    `resample:${RESAMPLE_QUALITY}:quarter-band:${interpolator.phases}:${interpolator.taps}`,
    interpolator.rows * interpolator.taps * 4,
    (ptr) => core.writeF32(ptr, resamplerBank(interpolator)),
  );
  let exact: FftResamplePlan['exact'] = null;
  // (callers validate the rates; the guard only keeps gcd away from non-integers)
  if (rates && Number.isSafeInteger(rates.srIn) && Number.isSafeInteger(rates.srOut) && rates.srIn > 0 && rates.srOut > 0) {
    const divisor = gcd(up * rates.srIn, rates.srOut);
    const phases = rates.srOut / divisor;
    if (phases <= MAX_EXACT_PHASES) {
      const design = { ...quarterBandInterpolator(phases), rows: phases };
      const bank = core.persistent(`resample:${RESAMPLE_QUALITY}:quarter-band-exact:${phases}:${design.taps}`, phases * design.taps * 4,
        (ptr) => core.writeF32(ptr, resamplerBank(design)));
      exact = { phases, advance: (up * rates.srIn) / divisor, bank };
    }
  }
  return {
    up, half, n, grid, interpolator, lowpass, exact,
    tableN: rfftTable(core, k, n),
    tableHalf: up === 2 ? rfftTable(core, k, n >> 1) : 0,
  };
}

/** Floats of one spectrum half (re or im): n/2 + 1 bins padded to a multiple of 4. */
function paddedBins(n: number): number {
  return ((n >> 1) + 1 + 3) & ~3;
}

/**
 * The first stage's taps on the up-times-denser grid, h(j / up) for |j| <= half, each residue
 * class j mod up scaled to sum to 1 (unit DC gain on every phase of z).
 */
export function firstStageTaps(lowpass: Omit<FilterShape, 'phases' | 'rows'>, up: number, half: number): Float64Array {
  const taps = new Float64Array(2 * half + 1);
  for (let j = -half; j <= half; j++) taps[j + half] = lowpassResponse(lowpass, j / up);
  for (let phase = 0; phase < up; phase++) {
    let sum = 0;
    for (let i = phase; i < taps.length; i += up) sum += taps[i]!;
    for (let i = phase; i < taps.length; i += up) taps[i] = taps[i]! / sum;
  }
  return taps;
}

const spectra = new Map<string, Float32Array>();

/** rfft of the first stage's taps wrapped around n points: re then im, paddedBins(n) floats each (cached in JS). */
function lowpassSpectrum(core: WasmCore, plan: FftResamplePlan, alloc: (bytes: number) => number): Float32Array {
  const key = `${plan.lowpass.bandScale}:${plan.up}:${plan.n}`;
  const hit = spectra.get(key);
  if (hit) {
    spectra.delete(key); // most recently used last
    spectra.set(key, hit);
    return hit;
  }
  const { n, half } = plan;
  const bins = paddedBins(n);
  const taps = firstStageTaps(plan.lowpass, plan.up, half);
  const wrapped = new Float32Array(n);
  for (let j = -half; j <= half; j++) wrapped[(j + n) % n] = taps[j + half]!;
  const k = core.exports as unknown as FftResampleKernels;
  const hPtr = alloc(n * 4);
  const spec = alloc(2 * bins * 4);
  core.writeF32(hPtr, wrapped);
  core.f32.fill(0, spec >> 2, (spec >> 2) + 2 * bins);
  k.rfftForward(n, plan.tableN, hPtr, spec, spec + bins * 4);
  const out = core.readF32(spec, 2 * bins);
  spectra.set(key, out);
  if (spectra.size > SPECTRUM_CACHE_SIZE) spectra.delete(spectra.keys().next().value!);
  return out;
}

/**
 * Where the two stages meet, for input times k · step. The first stage's output buffer holds z at
 * m = i + zStart for index i; the interpolator reads index floor(up · t_k) + zOffset + tap, so its
 * view starts at m = firstTap. zStart sits at most one below firstTap, so that the input lead
 * (half - zStart) / up (zeros in front of the signal) is a whole number of samples.
 */
export interface TwoStageGeometry {
  /** Zeros in front of the signal in the first stage's input ("padded" index = input index + lead). */
  lead: number;
  /** Index of z at m = firstTap in the first stage's output. */
  zOffset: number;
  /** First-stage outputs per FFT block. */
  perBlock: number;
  /** Step of the output times in z's samples (exact for up = 2: the direct form's floors and fractions). */
  stepZ: number;
  /** floor(output k's time in z's samples): exact integer arithmetic with the plan's exact bank, else floor(k · stepZ). */
  zIndex: (k: number) => number;
}

export function twoStageGeometry(plan: FftResamplePlan, step: number): TwoStageGeometry {
  const { up, half } = plan;
  const firstTap = plan.interpolator.firstTap;
  const zStart = firstTap - ((((half - firstTap) % up) + up) % up);
  const stepZ = up * step;
  const exact = plan.exact;
  const zIndex = exact ? (k: number) => Math.floor((k * exact.advance) / exact.phases) : (k: number) => Math.floor(k * stepZ);
  return { lead: (half - zStart) / up, zOffset: firstTap - zStart, perBlock: plan.n - 2 * half, stepZ, zIndex };
}

/** First-stage outputs the interpolator reads for outputs 0 .. outLen - 1 (one spare for a rounding of the last t). */
export function firstStageLength(plan: FftResamplePlan, g: TwoStageGeometry, outLen: number): number {
  return g.zOffset + g.zIndex(outLen - 1) + plan.interpolator.taps + 1;
}

/** Padded input samples first-stage blocks 0 .. blocks - 1 read (block b reads [b · perBlock, b · perBlock + n) / up). */
export function firstStageInputEnd(plan: FftResamplePlan, g: TwoStageGeometry, blocks: number): number {
  return ((blocks - 1) * g.perBlock + plan.n) / plan.up;
}

/**
 * First stage: `blocks` FFT blocks of z from the padded input at xPtr (its padded index 0 is the
 * first block's start), written at zPtr (blocks · perBlock floats). In the caller's scratch frame.
 */
export function runFirstStage(
  core: WasmCore, plan: FftResamplePlan, g: TwoStageGeometry, alloc: (bytes: number) => number, xPtr: number, zPtr: number, blocks: number,
): void {
  const k = core.exports as unknown as FftResampleKernels;
  const bins = paddedBins(plan.n);
  const specPtr = alloc(2 * bins * 4);
  core.writeF32(specPtr, lowpassSpectrum(core, plan, alloc));
  const work = alloc((3 * plan.n + 8) * 4);
  k.fftFilter(plan.n, plan.up, plan.half, plan.tableN, plan.tableHalf, specPtr, specPtr + bins * 4, xPtr, zPtr, blocks * g.perBlock, work);
}

/**
 * Second stage: outputs k0 .. k0 + outLen - 1 at outPtr, from first-stage output whose index
 * `zFirst` is at zPtr (it must hold every index the outputs read).
 */
export function runSecondStage(
  core: WasmCore, plan: FftResamplePlan, g: TwoStageGeometry, zPtr: number, zFirst: number, k0: number, outLen: number, outPtr: number,
): void {
  const k = core.exports as unknown as FftResampleKernels;
  const base = zFirst - g.zOffset;
  if (plan.exact) k.interpolateExact(zPtr, BigInt(base), outPtr, BigInt(k0), outLen, plan.exact.bank, plan.exact.phases, plan.exact.advance);
  else k.interpolateShort(zPtr, base, outPtr, k0, outLen, plan.grid, plan.interpolator.phases, g.stepZ);
}

/**
 * Runs both stages inside the caller's scratch frame: `outLen` outputs at input times k · step
 * (input samples) written at `outPtr`. The n input samples are placed by `place(xPtr, lead,
 * padded)` into a zero-padded buffer (lead zeros, the signal, zeros up to `padded`).
 */
export function fftResampleInto(
  core: WasmCore, plan: FftResamplePlan, alloc: (bytes: number) => number, n: number,
  place: (xPtr: number, lead: number, padded: number) => void, step: number, outLen: number, outPtr: number,
): void {
  const g = twoStageGeometry(plan, step);
  const blocks = Math.ceil(firstStageLength(plan, g, outLen) / g.perBlock);
  const padded = Math.max(g.lead + n, firstStageInputEnd(plan, g, blocks));
  const xPtr = alloc(padded * 4);
  place(xPtr, g.lead, padded);
  const zPtr = alloc(blocks * g.perBlock * 4);
  runFirstStage(core, plan, g, alloc, xPtr, zPtr, blocks);
  runSecondStage(core, plan, g, zPtr, 0, 0, outLen, outPtr);
}
