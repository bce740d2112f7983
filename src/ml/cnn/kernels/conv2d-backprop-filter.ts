/**
 * Conv2DBackpropFilter for the tfjs WASM backend, which ships without it
 * (tfjs-backend-wasm 4.22: `model.fit` of any Conv1D/Conv2D model fails with
 * "Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'").
 *
 * dW[r, c, i, o] = Σ_b Σ_y Σ_x  X[b, y·sh + r − padTop, x·sw + c − padLeft, i] · dY[b, y, x, o]
 * (the same sum as tfjs-backend-cpu's kernel, reordered for memory locality).
 *
 * Loop order: one pass over the output positions (b, y, x); at each position
 * the input window is gathered once and every dY value (a contiguous
 * outChannels-long row) is read once and used for all filter taps. Partial
 * sums are float32 per image and float64 across the batch, because a Conv1D
 * over 2,376 frames × batch 32 sums ~76,000 products per weight.
 *
 * The data is read in place from the tfjs wasm heap (`typedArrayFromHeap`).
 * For the paper's Conv1D shape the sum can instead run in our own
 * build/ser.wasm (assembly/conv1d_grad.ts, f32x4 SIMD) when initBackend has
 * attached it. That means copying x and dY (~19 MB per batch of 32 × 2,376 ×
 * 64) into ser.wasm's separate memory, and it still pays: measured 6.9 ms CPU
 * per batch including the copies, against 19.4 ms for the JS loop.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { conv1dBackpropFilterThreaded, threadedConv1dApplies } from './threaded-conv1d.js';
import { kernelCore } from './kernel-core.js';
import { MIN_GEMM_DEPTH } from './conv1d.js';
import type { WasmCore } from '../../../wasm/core.js';

type Conv1dGradK3 = (
  xPtr: number, dyPtr: number, accPtr: number, totalPtr: number,
  batch: number, inWidth: number, outWidth: number, outChannels: number,
) => void;


/** Whether the paper's Conv1D fast path applies (1×3 filter, 1 input channel, stride 1, no padding). */
function isPaperConv1d(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.filterHeight === 1 && info.filterWidth === 3 && info.inChannels === 1 && info.strideWidth === 1 &&
    info.padInfo.top === 0 && info.padInfo.left === 0
  );
}

/** The paper-shaped filter gradient in ser.wasm (SIMD); x is [batch·inHeight rows, inWidth], dY NHWC. */
export function conv1dK3FilterGradSimd(core: WasmCore, x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const rows = info.batchSize * info.outHeight; // each output row is an independent 1-D signal
  const outC = info.outChannels;
  return core.scratch((alloc) => {
    const xPtr = alloc(x.length * 4);
    const dyPtr = alloc(dy.length * 4);
    const accPtr = alloc(3 * outC * 4);
    const totalPtr = alloc(3 * outC * 8);
    core.writeF32(xPtr, x);
    core.writeF32(dyPtr, dy);
    (core.exports['conv1dFilterGradK3'] as Conv1dGradK3)(xPtr, dyPtr, accPtr, totalPtr, rows, info.inWidth, info.outWidth, outC);
    return Float32Array.from(core.readF64(totalPtr, 3 * outC));
  });
}

type ConvFilterGrad1d = (
  xPtr: number, dyPtr: number, accPtr: number, totalPtr: number,
  batch: number, rowFloats: number, outWidth: number, strideFloats: number, taps: number, outChannels: number,
) => void;

/**
 * Whether the generic 1-D kernel (assembly/conv_filter_grad.ts) applies: a
 * Conv1D as tfjs-layers lowers it (input and filter one row high, NHWC),
 * outChannels a multiple of 4 (its narrowest SIMD block).
 */
function isConv1dShape(info: tf.backend_util.Conv2DInfo): boolean {
  return (
    info.inHeight === 1 && info.filterHeight === 1 && info.outHeight === 1 && info.outChannels % 4 === 0 &&
    info.dilationWidth === 1 && info.padInfo.top === 0 && info.padInfo.bottom === 0
  );
}

/**
 * Any Conv1D filter gradient in ser.wasm: each image is copied in zero-padded
 * ([padLeft zeros | inWidth × inChannels | padRight zeros]) so every filter
 * window is one contiguous run, then a register-tiled GEMM sums window × dY.
 */
export function conv1dFilterGradSimd(core: WasmCore, x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inWidth, inChannels: C, outWidth, outChannels, filterWidth, strideWidth } = info;
  const padLeft = info.padInfo.left;
  const padRight = info.padInfo.right;
  // Windows must stay inside the padded row: (outWidth − 1)·stride + filterWidth ≤ padded width.
  const paddedWidth = Math.max(padLeft + inWidth + padRight, (outWidth - 1) * strideWidth + filterWidth);
  const rowFloats = paddedWidth * C;
  const taps = filterWidth * C;
  return core.scratch((alloc) => {
    const xPtr = alloc(batchSize * rowFloats * 4);
    const dyPtr = alloc(dy.length * 4);
    const accPtr = alloc(taps * outChannels * 4);
    const totalPtr = alloc(taps * outChannels * 8);
    const f32 = core.f32;
    const x0 = xPtr >> 2;
    f32.fill(0, x0, x0 + batchSize * rowFloats); // scratch is not zeroed: the padding must be
    for (let b = 0; b < batchSize; b++) {
      f32.set(x.subarray(b * inWidth * C, (b + 1) * inWidth * C), x0 + b * rowFloats + padLeft * C);
    }
    f32.set(dy, dyPtr >> 2);
    (core.exports['convFilterGrad1d'] as ConvFilterGrad1d)(
      xPtr, dyPtr, accPtr, totalPtr, batchSize, rowFloats, outWidth, strideWidth * C, taps, outChannels,
    );
    return Float32Array.from(core.readF64(totalPtr, taps * outChannels));
  });
}

/** Filter gradient for an NHWC convolution (dilation 1), on plain Float32Arrays. */
export function conv2dBackpropFilterNhwc(
  x: Float32Array,
  dy: Float32Array,
  info: tf.backend_util.Conv2DInfo,
): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  // Taps = filterHeight × filterWidth × inChannels (3 for the paper's Conv1D).
  const taps = filterHeight * filterWidth * inChannels;
  const total = new Float64Array(taps * outChannels);
  const acc = new Float32Array(taps * outChannels); // one image's partial sums
  const window = new Float32Array(taps); // the input values under the filter at one output position
  const rowStride = inWidth * inChannels;
  const imageStride = inHeight * rowStride;

  // The paper's Conv1D: 1×3 filter, one input channel, stride 1, 'valid'. The
  // window is just x[p], x[p+1], x[p+2]: no gather, taps unrolled (~19 ms CPU
  // per batch of 32 × 2,376 here, vs ~37 ms through the generic gather).
  const paperConv1d = isPaperConv1d(info);

  for (let b = 0; b < batchSize; b++) {
    acc.fill(0);
    if (paperConv1d) {
      for (let yR = 0; yR < outHeight; yR++) {
        const xRow = b * imageStride + yR * strideHeight * rowStride;
        const dyRow = (b * outHeight + yR) * outWidth * outChannels;
        for (let yC = 0; yC < outWidth; yC++) {
          const x0 = x[xRow + yC]!, x1 = x[xRow + yC + 1]!, x2 = x[xRow + yC + 2]!;
          const dyBase = dyRow + yC * outChannels;
          for (let o = 0; o < outChannels; o++) {
            const g = dy[dyBase + o]!;
            acc[o]! += x0 * g;
            acc[outChannels + o]! += x1 * g;
            acc[2 * outChannels + o]! += x2 * g;
          }
        }
      }
      for (let j = 0; j < acc.length; j++) total[j]! += acc[j]!;
      continue;
    }
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        // Gather the window once (zeros where it overlaps padding) ...
        let k = 0;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight - padTop + wR;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth - padLeft + wC;
            const inside = xR >= 0 && xR < inHeight && xC >= 0 && xC < inWidth;
            const xBase = b * imageStride + xR * rowStride + xC * inChannels;
            for (let i = 0; i < inChannels; i++) window[k++] = inside ? x[xBase + i]! : 0;
          }
        }
        // ... then read each dY value once and use it for every tap.
        const dyBase = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let o = 0; o < outChannels; o++) {
          const g = dy[dyBase + o]!;
          for (let t = 0, w = o; t < taps; t++, w += outChannels) acc[w]! += window[t]! * g;
        }
      }
    }
    // float32 partial sums per image (≤ a few thousand terms), float64 across the batch.
    for (let j = 0; j < acc.length; j++) total[j]! += acc[j]!;
  }
  return Float32Array.from(total);
}

/** NCHW data is transposed to NHWC first (rare: Keras layers default to channelsLast). */
function toNhwc(values: Float32Array, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let b = 0; b < n!; b++)
    for (let ch = 0; ch < c!; ch++)
      for (let y = 0; y < h!; y++)
        for (let xx = 0; xx < w!; xx++)
          out[((b * h! + y) * w! + xx) * c! + ch] = values[((b * c! + ch) * h! + y) * w! + xx]!;
  return out;
}

function conv2dBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dataFormat = tf.backend_util.convertConv2DDataFormat(attrs.dataFormat);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    attrs.filterShape,
    attrs.strides,
    1, // tfjs only differentiates conv2d with dilation 1
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    dataFormat,
  );
  const serWasm = kernelCore();
  if (serWasm !== null && threadedConv1dApplies(backend, info, MIN_GEMM_DEPTH) && x.dtype === 'float32') return conv1dBackpropFilterThreaded(backend, x, dy, info);
  let xVals = backend.typedArrayFromHeap(x) as Float32Array;
  let dyVals = backend.typedArrayFromHeap(dy) as Float32Array;
  if (info.dataFormat === 'channelsFirst') {
    xVals = toNhwc(xVals, x.shape);
    dyVals = toNhwc(dyVals, dy.shape);
  }
  const paperSimd = serWasm !== null && isPaperConv1d(info) && info.strideHeight === 1 && info.outChannels % 4 === 0;
  const conv1dSimd = serWasm !== null && !paperSimd && isConv1dShape(info);
  const dW = paperSimd
    ? conv1dK3FilterGradSimd(serWasm!, xVals, dyVals, info)
    : conv1dSimd
      ? conv1dFilterGradSimd(serWasm!, xVals, dyVals, info)
      : conv2dBackpropFilterNhwc(xVals, dyVals, info);
  // makeOutput allocates on the wasm heap (may grow it): take the view afterwards.
  const out = backend.makeOutput(info.filterShape, 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array).set(dW);
  return out;
}

export const conv2dBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: tf.Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilterWasm as unknown as tf.KernelFunc,
};
