/**
 * Band-limited resampling in WASM (soxr-HQ class; librosa 0.10's default resampler is soxr HQ).
 * Filter design and validation are shared with the float64 reference (src/reference/resample.ts);
 * this file caches the float32 filter table per (quality, up, down) and runs the SIMD kernels of
 * assembly/resample.ts.
 *
 * Memory per call (scratch): the input, zero-padded on both sides so the kernel never branches on
 * the signal edges, and the output.
 */
import {
  RESAMPLE_QUALITY, assertResampleArgs, designResampler, resampledLength, resamplerBank,
  type ResamplerDesign,
} from '../reference/resample.js';
import type { WasmCore } from './core.js';

type PolyphaseKernel = (
  xPtr: number, outPtr: number, outLen: number, bankPtr: number, taps: number, up: number, down: number,
) => void;
type InterpolatedKernel = (
  xPtr: number, outPtr: number, outLen: number, tablePtr: number, taps: number, phases: number, step: number,
) => void;

function filterTable(core: WasmCore, design: ResamplerDesign): number {
  const key = `resample:${RESAMPLE_QUALITY}:${design.up}:${design.down}`;
  return core.persistent(key, design.rows * design.taps * 4, (ptr) => core.writeF32(ptr, resamplerBank(design)));
}

/** Input position (integer part) of the last output sample. */
function lastInputIndex(design: ResamplerDesign, outLen: number): number {
  if (outLen === 0) return 0;
  // (outLen - 1) · down stays far below 2^53 for any signal that fits in memory.
  return Math.floor(((outLen - 1) * design.down) / design.up);
}

/**
 * Resamples `y` from `srIn` to `srOut` Hz. Output length = librosa's ceil(n · srOut / srIn);
 * output sample k is the band-limited input at time k / srOut (no filter delay). Same rate: a copy.
 * Throws DspError for an empty or non-finite signal, non-integer or non-positive rates, or a
 * ratio beyond 256×.
 */
export function resample(core: WasmCore, y: Float32Array | Float64Array, srIn: number, srOut: number): Float32Array {
  assertResampleArgs(y, srIn, srOut);
  if (srIn === srOut) return Float32Array.from(y);
  const design = designResampler(srIn, srOut);
  const outLen = resampledLength(y.length, srIn, srOut);
  const table = filterTable(core, design);
  const lead = -design.firstTap;
  // The kernel reads x[n0 .. n0 + taps) for every output (n0 + 1 too, by rounding, in interpolated mode).
  const padded = Math.max(lead + y.length, lastInputIndex(design, outLen) + design.taps + 1);
  return core.scratch((alloc) => {
    const xPtr = alloc(padded * 4);
    const outPtr = alloc(outLen * 4);
    const base = xPtr >> 2;
    const f32 = core.f32;
    f32.fill(0, base, base + padded);
    f32.set(y, base + lead);
    if (design.mode === 'polyphase') {
      (core.exports.resamplePolyphase as PolyphaseKernel)(
        xPtr, outPtr, outLen, table, design.taps, design.up, design.down,
      );
    } else {
      (core.exports.resampleInterpolated as InterpolatedKernel)(
        xPtr, outPtr, outLen, table, design.taps, design.phases, srIn / srOut,
      );
    }
    return core.readF32(outPtr, outLen);
  });
}
