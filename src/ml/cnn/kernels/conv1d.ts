/**
 * Conv2D and Conv2DBackpropInput for the tfjs WASM backend, replacing the
 * stock kernels for the shapes a tfjs-layers Conv1D produces (NHWC, input and
 * filter one row high, dilation 1), with ser.wasm's register-blocked GEMM
 * (assembly/gemm.ts). Every other shape goes to the stock kernel.
 *
 * Why: measured on a frames-CNN batch (32 × 108 frames, 22 → 64 → 128
 * channels, kernel 5), the stock input gradient is a scalar loop in the C++
 * backend (20.6 + 57.5 ms per batch) and XNNPACK's forward convolution runs at
 * about half of what a 4 × 8 SIMD block reaches (3.3 + 12.1 ms), while the
 * filter gradient, already ours, took 1.7 + 5.3 ms for the same arithmetic.
 *
 * The lowering: with the image zero-padded to X̃ = [padLeft | x | padRight]
 * and flattened over (width, channels), the window of output position p is
 * the contiguous run X̃[p·stride·C ..+ filterWidth·C], so
 *   forward:          Y[p, :]  = X̃[window p] · W          (W = filter as [filterWidth·C × O])
 *   input gradient:   dX̃[window p] += dY[p, :] · Wᵀ       (then the padding is dropped)
 * both one GEMM per image with A's rows read in place (overlapping rows, no
 * im2col copy). Operands are copied from the tfjs heap into ser.wasm's
 * scratch and back (the two modules have separate memories); the copies are
 * O(data) against O(data × taps) arithmetic.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmCore } from '../../../wasm/core.js';
import { kernelCore } from './kernel-core.js';
import { conv1dBackpropInputThreaded, conv1dForwardThreaded, threadedConv1dApplies } from './threaded-conv1d.js';

type Gemm = (aPtr: number, aRowStride: number, bPtr: number, cPtr: number, m: number, depth: number, n: number, ldc: number) => void;
type ScatterAddRows = (srcPtr: number, srcStride: number, dstPtr: number, dstStride: number, rows: number, cols: number) => void;
type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };


/** A Conv1D as tfjs-layers lowers it: NHWC, one row high, dilation 1. */
export function isConv1dInfo(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.dataFormat === 'channelsLast' && info.inHeight === 1 && info.filterHeight === 1 && info.outHeight === 1 &&
    info.dilationWidth === 1 && info.dilationHeight === 1 && info.padInfo.top === 0 && info.padInfo.bottom === 0
  );
}

interface PaddedLayout {
  /** Padded width, large enough for every window. */
  width: number;
  /** Floats per padded image row. */
  rowFloats: number;
  /** Floats per filter window (filterWidth × inChannels). */
  taps: number;
}

function paddedLayout(info: tf.backend_util.Conv2DInfo): PaddedLayout {
  const width = Math.max(info.padInfo.left + info.inWidth + info.padInfo.right, (info.outWidth - 1) * info.strideWidth + info.filterWidth);
  return { width, rowFloats: width * info.inChannels, taps: info.filterWidth * info.inChannels };
}

/** Forward windows shallower than this (filterWidth × inChannels) stay with XNNPACK. */
export const MIN_GEMM_DEPTH = 16;

const roundUp4 = (n: number): number => (n + 3) & ~3;

/** Y [batch, 1, outWidth, O] of a Conv1D on plain arrays (x NHWC, filter [1, fw, C, O]). */
export function conv1dForwardSimd(core: WasmCore, x: Float32Array, filter: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inWidth, inChannels: C, outWidth, outChannels: O } = info;
  const { rowFloats, taps } = paddedLayout(info);
  const n = roundUp4(O);
  return core.scratch((alloc) => {
    const xPtr = alloc(batchSize * rowFloats * 4);
    const wPtr = alloc(taps * n * 4);
    const yPtr = alloc(batchSize * outWidth * n * 4);
    const f32 = core.f32;
    const x0 = xPtr >> 2;
    f32.fill(0, x0, x0 + batchSize * rowFloats);
    for (let b = 0; b < batchSize; b++) f32.set(x.subarray(b * inWidth * C, (b + 1) * inWidth * C), x0 + b * rowFloats + info.padInfo.left * C);
    writePaddedColumns(f32, wPtr >> 2, filter, taps, O, n);
    const gemm = core.exports['gemmF32'] as Gemm;
    for (let b = 0; b < batchSize; b++) {
      gemm(xPtr + b * rowFloats * 4, info.strideWidth * C, wPtr, yPtr + b * outWidth * n * 4, outWidth, taps, n, n);
    }
    return readDroppingColumns(core.f32, yPtr >> 2, batchSize * outWidth, n, O);
  });
}

/** dX [batch, 1, inWidth, C] of a Conv1D on plain arrays (dy NHWC, filter [1, fw, C, O]). */
export function conv1dBackpropInputSimd(core: WasmCore, dy: Float32Array, filter: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inWidth, inChannels: C, outWidth, outChannels: O } = info;
  const { rowFloats, taps } = paddedLayout(info);
  const n = roundUp4(taps);
  return core.scratch((alloc) => {
    const dyPtr = alloc(dy.length * 4);
    const wtPtr = alloc(O * n * 4);
    const colPtr = alloc(outWidth * n * 4);
    const dxPtr = alloc(batchSize * rowFloats * 4);
    const f32 = core.f32;
    f32.set(dy, dyPtr >> 2);
    // Wᵀ as [O × taps], zero-padded to n columns.
    const wt0 = wtPtr >> 2;
    f32.fill(0, wt0, wt0 + O * n);
    for (let t = 0; t < taps; t++) for (let o = 0; o < O; o++) f32[wt0 + o * n + t] = filter[t * O + o]!;
    f32.fill(0, dxPtr >> 2, (dxPtr >> 2) + batchSize * rowFloats);
    const gemm = core.exports['gemmF32'] as Gemm;
    const scatter = core.exports['scatterAddRows'] as ScatterAddRows;
    for (let b = 0; b < batchSize; b++) {
      gemm(dyPtr + b * outWidth * O * 4, O, wtPtr, colPtr, outWidth, O, n, n);
      scatter(colPtr, n, dxPtr + b * rowFloats * 4, info.strideWidth * C, outWidth, taps);
    }
    const out = new Float32Array(batchSize * inWidth * C);
    const view = core.f32;
    const start = info.padInfo.left * C;
    for (let b = 0; b < batchSize; b++) {
      const from = (dxPtr >> 2) + b * rowFloats + start;
      out.set(view.subarray(from, from + inWidth * C), b * inWidth * C);
    }
    return out;
  });
}

function writePaddedColumns(f32: Float32Array, at: number, src: Float32Array, rows: number, cols: number, paddedCols: number): void {
  if (cols === paddedCols) {
    f32.set(src.subarray(0, rows * cols), at);
    return;
  }
  f32.fill(0, at, at + rows * paddedCols);
  for (let r = 0; r < rows; r++) f32.set(src.subarray(r * cols, (r + 1) * cols), at + r * paddedCols);
}

function readDroppingColumns(f32: Float32Array, at: number, rows: number, paddedCols: number, cols: number): Float32Array {
  if (cols === paddedCols) return f32.slice(at, at + rows * cols);
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) out.set(f32.subarray(at + r * paddedCols, at + r * paddedCols + cols), r * cols);
  return out;
}

function writeOutput(backend: BackendWasm, shape: number[], values: Float32Array): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  // makeOutput may grow the wasm heap: take the view afterwards.
  (backend.typedArrayFromHeap(out) as Float32Array).set(values);
  return out;
}

/** Wraps the stock wasm Conv2D: Conv1D shapes run in ser.wasm. */
export function conv1dForwardConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DAttrs;
    const dataFormat = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      a.strides, a.dilations, a.pad, a.dimRoundingMode, false, dataFormat,
    );
    // Shallow windows (the paper's 1 × 3 over one channel) are bound by writing Y, where XNNPACK is as
    // fast or faster (measured: paper CNN epochs ~10 % slower through the GEMM); deep ones gain ~2.5×.
    const deepEnough = info.filterWidth * info.inChannels >= MIN_GEMM_DEPTH;
    const serWasm = kernelCore();
    if (!serWasm || !isConv1dInfo(info) || !deepEnough || x.dtype !== 'float32') return stock.kernelFunc(args as never) as tf.TensorInfo;
    if (threadedConv1dApplies(backend, info, MIN_GEMM_DEPTH)) return conv1dForwardThreaded(backend, x, filter, info);
    const y = conv1dForwardSimd(serWasm, backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(filter) as Float32Array, info);
    return writeOutput(backend, info.outShape, y);
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** Wraps the stock wasm Conv2DBackpropInput: Conv1D shapes run in ser.wasm. */
export function conv1dBackpropInputConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const a = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
    const dataFormat = tf.backend_util.convertConv2DDataFormat(a.dataFormat);
    const info = tf.backend_util.computeConv2DInfo(
      a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false, dataFormat,
    );
    const serWasm = kernelCore();
    if (!serWasm || !isConv1dInfo(info) || dy.dtype !== 'float32') return stock.kernelFunc(args as never) as tf.TensorInfo;
    if (threadedConv1dApplies(backend, info, MIN_GEMM_DEPTH)) return conv1dBackpropInputThreaded(backend, dy, filter, info);
    const dx = conv1dBackpropInputSimd(serWasm, backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(filter) as Float32Array, info);
    return writeOutput(backend, info.inShape, dx);
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
