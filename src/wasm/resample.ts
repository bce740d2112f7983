/**
 * Band-limited resampling in WASM (soxr-HQ class; librosa 0.10's default resampler is soxr HQ).
 * Filter design and validation are shared with the float64 reference (src/dsp/resample-design.ts).
 *
 * Two ways to apply the one filter:
 *  - two-stage (src/wasm/resample-fft.ts), the default of {@link resample} and
 *    {@link resampleRatio}: the low-pass by fast convolution, then a 20-tap interpolator;
 *  - direct form (this file, kernels in assembly/resample.ts): every output a dot product of
 *    ~2 · halfWidth / r taps. {@link resampleDirect}; the streaming resampler continues it block by
 *    block, and it serves the ratios whose low-pass is too long for the two-stage path's FFT.
 * Both agree with the float64 reference within 1e-6 (test/resample.test.ts).
 *
 * Cached tables of the direct form (core.persistent, bounded):
 *  - `resample:hq:<up>:<down>`: the exact polyphase bank of an integer rate pair with a small
 *    reduced `up` (the usual corpus rates -> 22050; at most 4 MiB each);
 *  - `resample:hq:prototype:<L>`: ONE finely sampled copy of the prototype low-pass (1.7 MB),
 *    shared by every other ratio (real ratios such as pitch shifting's, and integer pairs with a
 *    huge `up`). Those build their interpolation grid from it inside the call, in WASM, so a new
 *    ratio costs neither a JS filter design nor a new cached table.
 *
 * Memory per direct-form call (scratch): the input, zero-padded on both sides so the kernel never
 * branches on the signal edges, the output and, in interpolated mode, the grid ((P + 1) × taps
 * float32: ~0.9 MB for any ratio >= 1/32, as P grows with the band factor r while taps shrink as
 * 1/r; below that P stays at 32 and the grid grows as 1/r, to 7 MB at the 1/256 limit).
 */
import {
  PROTOTYPE_SAMPLES_PER_UNIT, PROTOTYPE_TABLE_LENGTH, RESAMPLE_INPUT, RESAMPLE_QUALITY, assertResampleArgs, assertResampleRates, assertResampleRatioArgs, designRatio,
  designResampler, prototypeTable, resampledLength, resamplerBank, type FilterShape, type ResamplerDesign,
} from '../dsp/resample-design.js';
import type { WasmCore } from './core.js';
import type { Resampler } from '../audio/load.js';
import { assertCopiedFinite } from './finite.js';
import { assertSignal, assertSignalShape } from '../dsp/validate.js';
import { DspError } from '../dsp/errors.js';
import { fftResampleInto, planFftResample, type FftResamplePlan } from './resample-fft.js';

type PolyphaseKernel = (
  xPtr: number, outPtr: number, outLen: number, bankPtr: number, taps: number, up: number, down: number,
) => void;
type FillGridKernel = (
  protoPtr: number, protoLen: number, scale: number, phases: number, taps: number, firstTap: number, gridPtr: number,
) => void;
type InterpolatedKernel = (
  xPtr: number, outPtr: number, outLen: number, gridPtr: number, taps: number, phases: number, step: number,
) => void;

/** The exact polyphase bank of an integer rate pair, cached per reduced ratio (shared with the streaming resampler). */
export function polyphaseBank(core: WasmCore, design: ResamplerDesign): number {
  const key = `resample:${RESAMPLE_QUALITY}:${design.up}:${design.down}`;
  return core.persistent(key, design.rows * design.taps * 4, (ptr) => core.writeF32(ptr, resamplerBank(design)));
}

/** The one cached prototype every interpolated-mode ratio builds its grid from (shared with the streaming resampler). */
export function prototype(core: WasmCore): number {
  const key = `resample:${RESAMPLE_QUALITY}:prototype:${PROTOTYPE_SAMPLES_PER_UNIT}`;
  return core.persistent(key, PROTOTYPE_TABLE_LENGTH * 4, (at) => core.writeF32(at, prototypeTable()));
}

/**
 * The interpolation grid of band factor 1, shared by every ratio ≥ 1 (pitch shifts down, any
 * upsampling): cached beside the prototype and created with it, so the first interpolated call
 * of any ratio sets up both and later calls allocate nothing. Other band factors fill their grid
 * per call (it depends on the ratio).
 */
function fullBandGrid(core: WasmCore, proto: number): { ptr: number; design: FilterShape } {
  const design = designRatio(1);
  const key = `resample:${RESAMPLE_QUALITY}:grid:1:${design.phases}:${design.taps}:${design.firstTap}`;
  const ptr = core.persistent(key, design.rows * design.taps * 4, (at) => fillGrid(core, proto, design, at));
  return { ptr, design };
}

function fillGrid(core: WasmCore, proto: number, design: FilterShape, gridPtr: number): void {
  (core.exports.resampleFillGrid as FillGridKernel)(
    proto, PROTOTYPE_TABLE_LENGTH, design.bandScale * PROTOTYPE_SAMPLES_PER_UNIT, design.phases, design.taps, design.firstTap, gridPtr,
  );
}

/** Copies y into a zero-padded scratch buffer: `lead` zeros, y, zeros up to `padded` samples. */
function writePadded(core: WasmCore, xPtr: number, y: ArrayLike<number>, lead: number, padded: number): void {
  zeroPadding(core, xPtr, lead, y.length, padded);
  core.f32.set(y, (xPtr >> 2) + lead);
}

/**
 * Zeros the `padded` floats at `xPtr` around the n samples that go at [lead, lead + n) (only
 * around them: the caller writes the middle at once).
 */
function zeroPadding(core: WasmCore, xPtr: number, lead: number, n: number, padded: number): void {
  const base = xPtr >> 2;
  core.f32.fill(0, base, base + lead);
  core.f32.fill(0, base + lead + n, base + padded);
}

/**
 * Interpolated mode: output k = band-limited input at time k · step, for outLen outputs, written
 * at `outPtr`. The input (n samples) is placed by `place(xPtr, lead, padded)` into a zero-padded
 * scratch buffer; the grid is the cached full-band one or filled from the cached prototype in
 * the same scratch frame. Runs inside the caller's scratch frame.
 */
function resampleOnGridInto(
  core: WasmCore, tables: RatioTables, alloc: (bytes: number) => number, n: number, place: (xPtr: number, lead: number, padded: number) => void,
  design: FilterShape, step: number, outLen: number, outPtr: number,
): void {
  const { proto, full } = tables;
  const lead = -design.firstTap;
  // The kernel reads x[n0 .. n0 + taps) around each output, n0 = floor(k · step) computed in
  // float64 exactly as here; +1 keeps a rounding of the last product inside the buffer.
  const lastInput = Math.floor((outLen - 1) * step);
  const padded = Math.max(lead + n, lastInput + design.taps + 1);
  let gridPtr: number;
  if (design.bandScale === 1 && design.phases === full.design.phases && design.taps === full.design.taps && design.firstTap === full.design.firstTap) {
    gridPtr = full.ptr;
  } else {
    gridPtr = alloc(design.rows * design.taps * 4);
    fillGrid(core, proto, design, gridPtr);
  }
  const xPtr = alloc(padded * 4);
  place(xPtr, lead, padded);
  (core.exports.resampleInterpolated as InterpolatedKernel)(xPtr, outPtr, outLen, gridPtr, design.taps, design.phases, step);
}

/** The cached tables of interpolated mode (created on first use; must be called outside a scratch frame). */
export interface RatioTables {
  proto: number;
  full: { ptr: number; design: FilterShape };
}

export function ratioTables(core: WasmCore): RatioTables {
  const proto = prototype(core);
  return { proto, full: fullBandGrid(core, proto) };
}

function resampleOnGrid(core: WasmCore, y: Float32Array | Float64Array, design: FilterShape, step: number, outLen: number): Float32Array {
  const tables = ratioTables(core);
  return core.scratch((alloc) => {
    const outPtr = alloc(outLen * 4);
    resampleOnGridInto(core, tables, alloc, y.length, (xPtr, lead, padded) => writePadded(core, xPtr, y, lead, padded), design, step, outLen, outPtr);
    return core.readF32(outPtr, outLen);
  });
}

/** The cached tables of one real ratio, made outside a scratch frame by {@link prepareRatio}. */
export type RatioPlan = { fft: FftResamplePlan; direct: null } | { fft: null; direct: RatioTables };

/** Tables for resampling by `ratio` (two-stage when its low-pass fits the FFT, else direct form). */
export function prepareRatio(core: WasmCore, ratio: number): RatioPlan {
  const fft = planFftResample(core, Math.min(1, ratio));
  return fft ? { fft, direct: null } : { fft: null, direct: ratioTables(core) };
}

/**
 * {@link resampleRatio} of `n` float32 samples already in WASM memory at `yPtr` (e.g. a time
 * stretch's output), inside the caller's scratch frame (`plan` from {@link prepareRatio}, taken
 * before it): writes `length` outputs at `outPtr`, the values resampleRatio gives for a copy of
 * those samples. `ratio` must be ≠ 1 and valid (assertResampleRatioArgs).
 */
export function resampleRatioInScratch(
  core: WasmCore, plan: RatioPlan, alloc: (bytes: number) => number, yPtr: number, n: number, ratio: number, length: number, outPtr: number,
): void {
  const place = (xPtr: number, lead: number, padded: number): void => {
    const f32 = core.f32;
    const base = xPtr >> 2;
    f32.fill(0, base, base + padded);
    f32.copyWithin(base + lead, yPtr >> 2, (yPtr >> 2) + n);
  };
  const design = designRatio(ratio);
  if (plan.fft) fftResampleInto(core, plan.fft, alloc, n, place, design.step, length, outPtr);
  else resampleOnGridInto(core, plan.direct, alloc, n, place, design, design.step, length, outPtr);
}

/** Runs the two-stage path on a JS array in its own scratch frame; the copied samples are checked for NaN/Infinity in WASM. */
function resampleTwoStage(core: WasmCore, y: Float32Array | Float64Array, plan: FftResamplePlan, step: number, outLen: number): Float32Array {
  return twoStageInScratch(core, plan, y.length, step, outLen, (_, xPtr, lead, padded) => {
    writePadded(core, xPtr, y, lead, padded);
    assertCopiedFinite(core, xPtr + 4 * lead, y, RESAMPLE_INPUT);
  });
}

/**
 * The two-stage path in its own scratch frame for n input samples that `place` puts at
 * [lead, lead + n) of the zero-padded input at xPtr (it may allocate in the frame); returns the
 * outLen outputs as a new array.
 */
function twoStageInScratch(
  core: WasmCore, plan: FftResamplePlan, n: number, step: number, outLen: number,
  place: (alloc: (bytes: number) => number, xPtr: number, lead: number, padded: number) => void,
): Float32Array {
  return core.scratch((alloc) => {
    const outPtr = alloc(outLen * 4);
    fftResampleInto(core, plan, alloc, n, (xPtr, lead, padded) => place(alloc, xPtr, lead, padded), step, outLen, outPtr);
    return core.readF32(outPtr, outLen);
  });
}

/**
 * Resamples `y` from `srIn` to `srOut` Hz. Output length = librosa's ceil(n · srOut / srIn);
 * output sample k is the band-limited input at time k / srOut (no filter delay). Same rate: a copy.
 * Two-stage (src/wasm/resample-fft.ts) unless the low-pass is too long for it (then as
 * {@link resampleDirect}). Throws DspError for an empty or non-finite signal, non-integer or
 * non-positive rates, or a ratio beyond 256×.
 */
export function resample(core: WasmCore, y: Float32Array | Float64Array, srIn: number, srOut: number): Float32Array {
  // assertResampleArgs' checks, the samples' in WASM after the copy below (same rejections, same messages).
  assertSignalShape(y, RESAMPLE_INPUT);
  assertResampleRates(srIn, srOut);
  if (srIn === srOut) {
    assertSignal(y, RESAMPLE_INPUT);
    return Float32Array.from(y);
  }
  const plan = planFftResample(core, Math.min(1, srOut / srIn), { srIn, srOut });
  if (!plan) return resampleDirect(core, y, srIn, srOut);
  return resampleTwoStage(core, y, plan, srIn / srOut, resampledLength(y.length, srIn, srOut));
}

/**
 * {@link resample} of a mono 16-bit PCM signal given as its little-endian bytes (a WAV data
 * chunk's): the samples `resample` gives for the float32 signal int16 · 2^-15 the WAV reader
 * would have made, bit for bit, without making it — the bytes are copied into WASM memory and
 * converted there, straight into the resampler's padded input (assembly/pcm16.ts). Rates and
 * errors as {@link resample}; `bytes` must hold a whole number of samples.
 */
export function resamplePcm16(core: WasmCore, bytes: Uint8Array, srIn: number, srOut: number): Float32Array {
  if (bytes.byteLength % 2 !== 0) throw new DspError(`16-bit PCM of ${bytes.byteLength} bytes is not a whole number of samples`);
  const n = bytes.byteLength / 2;
  if (n === 0) throw new DspError(`${RESAMPLE_INPUT} is empty (0 samples)`);
  assertResampleRates(srIn, srOut);
  const plan = srIn === srOut ? null : planFftResample(core, Math.min(1, srOut / srIn), { srIn, srOut });
  const copyIn = (alloc: (bytes: number) => number, xPtr: number, lead: number): void => {
    const pcmPtr = alloc(bytes.byteLength);
    new Uint8Array(core.exports.memory.buffer, pcmPtr, bytes.byteLength).set(bytes);
    (core.exports as unknown as Pcm16Kernel).pcm16ToFloat32(pcmPtr, n, xPtr + 4 * lead);
  };
  if (!plan) {
    // No two-stage plan (the same rate, or a low-pass too long for it): the float samples, as the
    // WAV reader makes them, through resample.
    const floats = core.scratch((alloc) => {
      const xPtr = alloc(n * 4);
      copyIn(alloc, xPtr, 0);
      return core.readF32(xPtr, n);
    });
    return resample(core, floats, srIn, srOut);
  }
  return twoStageInScratch(core, plan, n, srIn / srOut, resampledLength(n, srIn, srOut), (alloc, xPtr, lead, padded) => {
    zeroPadding(core, xPtr, lead, n, padded);
    copyIn(alloc, xPtr, lead);
  });
}

type Pcm16Kernel = { pcm16ToFloat32(src: number, n: number, dst: number): void };

/**
 * The loadAudio resampler (src/audio/load.ts Resampler) on `core`: {@link resample}, with
 * {@link resamplePcm16} as its `pcm16` (so mono 16-bit files skip the float decode).
 */
export function wasmResampler(core: WasmCore): Resampler {
  return Object.assign((y: Float32Array, srIn: number, srOut: number) => resample(core, y, srIn, srOut), {
    pcm16: (bytes: Uint8Array, srIn: number, srOut: number) => resamplePcm16(core, bytes, srIn, srOut),
  });
}

/**
 * {@link resample} with the filter applied in direct form: each output the dot product of its
 * polyphase bank row (integer rate pairs with a small reduced ratio) or of two interpolated-grid
 * rows with the input. The streaming resampler (src/wasm/stream-resample.ts) reproduces exactly
 * these samples.
 */
export function resampleDirect(core: WasmCore, y: Float32Array | Float64Array, srIn: number, srOut: number): Float32Array {
  assertResampleArgs(y, srIn, srOut);
  if (srIn === srOut) return Float32Array.from(y);
  const design = designResampler(srIn, srOut);
  const outLen = resampledLength(y.length, srIn, srOut);
  if (design.mode === 'interpolated') return resampleOnGrid(core, y, design, srIn / srOut, outLen);
  const bank = polyphaseBank(core, design);
  const lead = -design.firstTap;
  // Exact integer position of the last output: (outLen - 1) · down stays far below 2^53.
  const lastInput = Math.floor(((outLen - 1) * design.down) / design.up);
  const padded = Math.max(lead + y.length, lastInput + design.taps);
  return core.scratch((alloc) => {
    const xPtr = alloc(padded * 4);
    const outPtr = alloc(outLen * 4);
    writePadded(core, xPtr, y, lead, padded);
    (core.exports.resamplePolyphase as PolyphaseKernel)(xPtr, outPtr, outLen, bank, design.taps, design.up, design.down);
    return core.readF32(outPtr, outLen);
  });
}

/**
 * Resamples `y` by any real `ratio` = srOut / srIn in [1/256, 256] (e.g. pitch shifting's
 * sr / (sr / rate)): output k is the band-limited input at time k / ratio, `outLength` samples
 * (default librosa's ceil(n · ratio); at most that). Same filter as {@link resample}; every ratio
 * shares the same cached tables, so drawing a new ratio per clip allocates no new WASM memory
 * after the first call of a size. Ratio 1: a copy. Throws DspError for bad input (see assertResampleRatioArgs).
 */
export function resampleRatio(core: WasmCore, y: Float32Array | Float64Array, ratio: number, outLength?: number): Float32Array {
  const length = assertResampleRatioArgs(y, ratio, outLength);
  if (ratio === 1) return Float32Array.from(y.subarray(0, length));
  const design = designRatio(ratio);
  const plan = planFftResample(core, design.bandScale);
  if (plan) return resampleTwoStage(core, y, plan, design.step, length);
  return resampleOnGrid(core, y, design, design.step, length);
}
