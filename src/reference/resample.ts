/**
 * Band-limited resampling, pure float64 reference (soxr-HQ class, librosa 0.10's default
 * `res_type='soxr_hq'`). The filter design, its rationale and the input checks are shared with
 * the WASM path and live in src/dsp/resample-design.ts; this file applies the design in float64:
 * polyphase for integer rate pairs with a small reduced ratio, interpolation between the rows of
 * a fractional-position grid otherwise. Samples outside the signal are zeros.
 */
import type { Real } from '../dsp/types.js';
import {
  assertResampleArgs, assertResampleRatioArgs, designRatio, designResampler, resampledLength, resamplerBank, type FilterShape,
} from '../dsp/resample-design.js';

/** Dot product of one table row with the input around n0, zeros outside the signal. */
function rowDot(y: Real, n0: number, bank: Float64Array, row: number, design: FilterShape): number {
  const start = n0 + design.firstTap;
  const base = row * design.taps;
  let acc = 0;
  for (let m = 0; m < design.taps; m++) {
    const i = start + m;
    if (i >= 0 && i < y.length) acc += y[i]! * bank[base + m]!;
  }
  return acc;
}

/**
 * Interpolated mode: output k at input time t = k · step, linearly interpolated between the grid
 * rows bracketing frac(t). (Same arithmetic for t as the WASM kernel.)
 */
function resampleOnGrid(y: Real, design: FilterShape, step: number, outLength: number): Float64Array {
  const bank = resamplerBank(design);
  const out = new Float64Array(outLength);
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
  return out;
}

/** Resamples y from srIn to srOut (float64 throughout). Same rate: a copy. */
export function resampleReference(y: Real, srIn: number, srOut: number): Float64Array {
  assertResampleArgs(y, srIn, srOut);
  if (srIn === srOut) return Float64Array.from(y);
  const design = designResampler(srIn, srOut);
  const outLength = resampledLength(y.length, srIn, srOut);
  if (design.mode === 'interpolated') return resampleOnGrid(y, design, srIn / srOut, outLength);
  const bank = resamplerBank(design);
  const out = new Float64Array(outLength);
  // t_k = k · down / up = n0 + phase / up, advanced incrementally in integers (exact).
  let n0 = 0;
  let phase = 0;
  for (let k = 0; k < out.length; k++) {
    out[k] = rowDot(y, n0, bank, phase, design);
    phase += design.down;
    n0 += Math.floor(phase / design.up);
    phase %= design.up;
  }
  return out;
}

/**
 * Resamples y by a real ratio srOut / srIn (float64 throughout): output k is the band-limited
 * input at time k / ratio; length `outLength`, default librosa's ceil(n · ratio). Ratio 1: a
 * copy (librosa returns the input when the rates are equal).
 */
export function resampleRatioReference(y: Real, ratio: number, outLength?: number): Float64Array {
  const length = assertResampleRatioArgs(y, ratio, outLength);
  if (ratio === 1) return Float64Array.from(y.subarray(0, length));
  const design = designRatio(ratio);
  return resampleOnGrid(y, design, design.step, length);
}
