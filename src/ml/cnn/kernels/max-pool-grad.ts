/**
 * MaxPoolGrad for the tfjs WASM backend, replacing the stock kernel, which
 * took ~100 ms per batch for the paper's MaxPooling1D(2) over 2,374 × 64
 * (a generic per-element window search in the C++ backend).
 *
 * The gradient of each pooled output goes to the first input position of its
 * window (row-major order) that holds the window's maximum, as in
 * tfjs-backend-cpu's maxPoolPositions (strict ">" while scanning). The stored
 * forward output gives that maximum directly, so the scan stops at the first
 * match; for 2-wide windows the choice is made without a branch (which input
 * wins is a coin flip the CPU cannot predict). The result is written straight
 * into the output tensor on the wasm heap: the loop is memory-bound (~58 MB
 * touched per batch of 32 here), so an extra copy would cost ~20%.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmCore } from '../../../wasm/core.js';
import { kernelCore } from './kernel-core.js';

type MaxPoolGrad1d = (dy: number, x: number, y: number, dx: number, batch: number, inWidth: number, outWidth: number, channels: number, poolWidth: number, stride: number, padLeft: number) => void;

/** A pool along one axis of an NHWC image whose other axis is 1, in the terms of assembly/max_pool_grad.ts. */
export interface Pool1d {
  inWidth: number;
  outWidth: number;
  poolWidth: number;
  stride: number;
  padLeft: number;
}

/**
 * The 1-D view of a pool, or null. tfjs-layers' MaxPooling1D pools along the
 * height of a [batch, steps, 1, channels] image; a one-row image pooled along
 * its width is the same loop. No dilation either way.
 */
export function pool1d(info: tf.backend_util.Conv2DInfo): Pool1d | null {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  if (info.inWidth === 1 && info.outWidth === 1 && info.effectiveFilterWidth === 1 && info.padInfo.left === 0) {
    return { inWidth: info.inHeight, outWidth: info.outHeight, poolWidth: info.effectiveFilterHeight, stride: info.strideHeight, padLeft: info.padInfo.top };
  }
  if (info.inHeight === 1 && info.outHeight === 1 && info.effectiveFilterHeight === 1 && info.padInfo.top === 0) {
    return { inWidth: info.inWidth, outWidth: info.outWidth, poolWidth: info.effectiveFilterWidth, stride: info.strideWidth, padLeft: info.padInfo.left };
  }
  return null;
}

export function maxPoolGrad1dWasm(core: WasmCore, dy: Float32Array, x: Float32Array, y: Float32Array, batch: number, channels: number, pool: Pool1d, dx: Float32Array): void {
  core.scratch((alloc) => {
    const dyPtr = alloc(dy.byteLength), xPtr = alloc(x.byteLength), yPtr = alloc(y.byteLength), dxPtr = alloc(dx.byteLength);
    const f32 = core.f32;
    f32.set(dy, dyPtr >> 2);
    f32.set(x, xPtr >> 2);
    f32.set(y, yPtr >> 2);
    (core.exports['maxPoolGrad1d'] as MaxPoolGrad1d)(
      dyPtr, xPtr, yPtr, dxPtr, batch, pool.inWidth, pool.outWidth, channels, pool.poolWidth, pool.stride, pool.padLeft,
    );
    dx.set(core.f32.subarray(dxPtr >> 2, (dxPtr >> 2) + dx.length));
  });
}

/** Writes dx (zeroed first) for NHWC max pooling, on plain Float32Arrays (first-maximum tie rule). */
export function maxPoolGradNhwc(
  dy: Float32Array,
  x: Float32Array,
  y: Float32Array,
  info: tf.backend_util.Conv2DInfo,
  dx: Float32Array = new Float32Array(x.length),
): Float32Array {
  const { batchSize, inHeight, inWidth, outHeight, outWidth } = info;
  const channels = info.inChannels;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const fh = info.effectiveFilterHeight;
  const fw = info.effectiveFilterWidth;
  const padTop = info.padInfo.top;
  const padLeft = info.padInfo.left;
  dx.fill(0);
  const windowBases = new Int32Array(Math.ceil(fh / dilationHeight) * Math.ceil(fw / dilationWidth));

  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      for (let yC = 0; yC < outWidth; yC++) {
        // Offsets of the window's in-bounds input pixels, row-major (padding skipped).
        let n = 0;
        for (let wR = 0; wR < fh; wR += dilationHeight) {
          const xR = yR * strideHeight - padTop + wR;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < fw; wC += dilationWidth) {
            const xC = yC * strideWidth - padLeft + wC;
            if (xC >= 0 && xC < inWidth) windowBases[n++] = ((b * inHeight + xR) * inWidth + xC) * channels;
          }
        }
        const outBase = ((b * outHeight + yR) * outWidth + yC) * channels;
        if (n === 2) {
          // Pool size 2 (the paper's MaxPooling1D): branch-free choice.
          const b0 = windowBases[0]!, b1 = windowBases[1]!, shift = b0 - b1;
          for (let c = 0; c < channels; c++) {
            dx[b1 + c + (x[b0 + c] === y[outBase + c] ? shift : 0)]! += dy[outBase + c]!;
          }
          continue;
        }
        for (let c = 0; c < channels; c++) {
          const target = y[outBase + c]!;
          for (let q = 0; q < n; q++) {
            const at = windowBases[q]! + c;
            if (x[at] === target) {
              dx[at]! += dy[outBase + c]!;
              break;
            }
          }
        }
      }
    }
  }
  return dx;
}

function maxPoolGradWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, input, output } = args.inputs as { dy: tf.TensorInfo; input: tf.TensorInfo; output: tf.TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = args.attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  // Output straight into the wasm heap; views are taken after makeOutput because it may grow the heap.
  const out = backend.makeOutput(input.shape, 'float32');
  const core = kernelCore();
  const pool = pool1d(info);
  if (core && pool && input.dtype === 'float32') {
    maxPoolGrad1dWasm(
      core,
      backend.typedArrayFromHeap(dy) as Float32Array,
      backend.typedArrayFromHeap(input) as Float32Array,
      backend.typedArrayFromHeap(output) as Float32Array,
      info.batchSize,
      info.inChannels,
      pool,
      backend.typedArrayFromHeap(out) as Float32Array,
    );
    return out;
  }
  maxPoolGradNhwc(
    backend.typedArrayFromHeap(dy) as Float32Array,
    backend.typedArrayFromHeap(input) as Float32Array,
    backend.typedArrayFromHeap(output) as Float32Array,
    info,
    backend.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

/** Replacement for the stock wasm MaxPoolGrad (keeps its setupFunc harmlessly). */
export function fastMaxPoolGradConfig(stock: tf.KernelConfig): tf.KernelConfig {
  return { ...stock, kernelFunc: maxPoolGradWasm as unknown as tf.KernelFunc };
}
