/**
 * Training-mode batch normalisation over the last axis as one tfjs op with its
 * own gradient, for the wasm backend (assembly/batch_norm_train.ts has the
 * algorithm and the reason; fuse-batch-norm.ts puts it in a layer's place
 * while a model trains).
 *
 *   batchNormTrain(x [..., C], gamma [C], beta [C], epsilon) → [y (x's shape), mean [C], variance [C]]
 *
 * mean and variance are the batch statistics (biased variance, as
 * tf.moments), returned for the layer's moving averages. tfjs hands a
 * gradient function zeros for outputs off the loss's path (the moving
 * averages are), so their terms are added to dx only when they are not zero.
 * Gradients of x, gamma and beta come from one backward kernel, run once per
 * requested input with a mask (each run is one or two light passes over x
 * and dy), so no shared result has to outlive its gradient function.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmCore } from '../../../wasm/core.js';
import { requireKernelCore } from './kernel-core.js';

export const BATCH_NORM_TRAIN_KERNEL = 'SerBatchNormTrain';
export const BATCH_NORM_TRAIN_GRAD_KERNEL = 'SerBatchNormTrainGrad';

/** Bits of the backward kernel's `want` (the same values as assembly/batch_norm_train.ts). */
export const BN_GRAD = { x: 1, gamma: 2, beta: 4 } as const;
export type BnGradPart = keyof typeof BN_GRAD;

/** rows × channels of x ([..., C], every leading axis flattened into rows); checks gamma and beta. */
export function batchNormShape(xShape: readonly number[], gammaShape: readonly number[], betaShape: readonly number[]): { rows: number; channels: number } {
  const channels = xShape[xShape.length - 1]!;
  if (xShape.length < 2) throw new Error(`batchNormTrain: x must have at least 2 axes, got [${xShape}]`);
  if (gammaShape.length !== 1 || gammaShape[0] !== channels || betaShape.length !== 1 || betaShape[0] !== channels) {
    throw new Error(`batchNormTrain: gamma and beta must be [${channels}], got [${gammaShape}] and [${betaShape}]`);
  }
  if (channels % 4 !== 0) throw new Error(`batchNormTrain: channels must be a multiple of 4, got ${channels}`);
  const rows = xShape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (rows < 1) throw new Error(`batchNormTrain: x has no rows ([${xShape}])`);
  return { rows, channels };
}

/** Forward pass in float64 on plain arrays (the test reference): [y, mean, variance]. */
export function batchNormTrainReference(x: Float32Array, gamma: Float32Array, beta: Float32Array, rows: number, channels: number, epsilon: number): [Float64Array, Float64Array, Float64Array] {
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) mean[c]! += x[r * channels + c]!;
  for (let c = 0; c < channels; c++) mean[c]! /= rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < channels; c++) variance[c]! += (x[r * channels + c]! - mean[c]!) ** 2;
  for (let c = 0; c < channels; c++) variance[c]! /= rows;
  const y = new Float64Array(rows * channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) y[r * channels + c] = ((x[r * channels + c]! - mean[c]!) / Math.sqrt(variance[c]! + epsilon)) * gamma[c]! + beta[c]!;
  }
  return [y, mean, variance];
}

/** Backward pass in float64 on plain arrays (the test reference): [dx, dgamma, dbeta]. */
export function batchNormTrainGradReference(
  x: Float32Array, gamma: Float32Array, dy: Float32Array, rows: number, channels: number, epsilon: number,
): [Float64Array, Float64Array, Float64Array] {
  const [, mean, variance] = batchNormTrainReference(x, gamma, new Float32Array(channels), rows, channels, epsilon);
  const dgamma = new Float64Array(channels);
  const dbeta = new Float64Array(channels);
  const inv = Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      dbeta[c]! += dy[i]!;
      dgamma[c]! += dy[i]! * (x[i]! - mean[c]!) * inv[c]!;
    }
  }
  const dx = new Float64Array(rows * channels);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) {
      const i = r * channels + c;
      const xhat = (x[i]! - mean[c]!) * inv[c]!;
      dx[i] = gamma[c]! * inv[c]! * (dy[i]! - dbeta[c]! / rows - (xhat * dgamma[c]!) / rows);
    }
  }
  return [dx, dgamma, dbeta];
}

type ForwardExport = (x: number, gamma: number, beta: number, y: number, mean: number, variance: number, work: number, rows: number, channels: number, epsilon: number) => void;
type BackwardExport = (
  x: number, gamma: number, mean: number, variance: number, dy: number, dx: number, dgamma: number, dbeta: number, work: number,
  rows: number, channels: number, epsilon: number, want: number,
) => void;

const workBytes = (core: WasmCore, channels: number): number => (core.exports['batchNormTrainWorkBytes'] as (c: number) => number)(channels);

/** Forward pass in ser.wasm into y, mean and variance. */
export function batchNormTrainWasm(
  core: WasmCore, x: Float32Array, gamma: Float32Array, beta: Float32Array, rows: number, channels: number, epsilon: number,
  y: Float32Array, mean: Float32Array, variance: Float32Array,
): void {
  core.scratch((alloc) => {
    const xPtr = alloc(x.byteLength), gPtr = alloc(gamma.byteLength), bPtr = alloc(beta.byteLength), yPtr = alloc(x.byteLength);
    const mPtr = alloc(channels * 4), vPtr = alloc(channels * 4), work = alloc(workBytes(core, channels));
    const f32 = core.f32;
    f32.set(x, xPtr >> 2);
    f32.set(gamma, gPtr >> 2);
    f32.set(beta, bPtr >> 2);
    (core.exports['batchNormTrainForward'] as ForwardExport)(xPtr, gPtr, bPtr, yPtr, mPtr, vPtr, work, rows, channels, epsilon);
    const out = core.f32;
    y.set(out.subarray(yPtr >> 2, (yPtr >> 2) + y.length));
    mean.set(out.subarray(mPtr >> 2, (mPtr >> 2) + channels));
    variance.set(out.subarray(vPtr >> 2, (vPtr >> 2) + channels));
  });
}

/** One gradient (dx, dgamma or dbeta) in ser.wasm, written into `out`. */
export function batchNormTrainGradWasm(
  core: WasmCore, x: Float32Array, gamma: Float32Array, mean: Float32Array, variance: Float32Array, dy: Float32Array,
  rows: number, channels: number, epsilon: number, part: BnGradPart, out: Float32Array,
): void {
  core.scratch((alloc) => {
    const xPtr = alloc(x.byteLength), gPtr = alloc(gamma.byteLength), mPtr = alloc(channels * 4), vPtr = alloc(channels * 4);
    const dyPtr = alloc(dy.byteLength), outPtr = alloc(out.byteLength), work = alloc(workBytes(core, channels));
    const f32 = core.f32;
    f32.set(x, xPtr >> 2);
    f32.set(gamma, gPtr >> 2);
    f32.set(mean, mPtr >> 2);
    f32.set(variance, vPtr >> 2);
    f32.set(dy, dyPtr >> 2);
    // Only `part` is written; the other two output pointers are never touched (their bits are off).
    (core.exports['batchNormTrainBackward'] as BackwardExport)(
      xPtr, gPtr, mPtr, vPtr, dyPtr, outPtr, outPtr, outPtr, work, rows, channels, epsilon, BN_GRAD[part],
    );
    out.set(core.f32.subarray(outPtr >> 2, (outPtr >> 2) + out.length));
  });
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };


const heap = (backend: BackendWasm, t: tf.TensorInfo): Float32Array => backend.typedArrayFromHeap(t) as Float32Array;

function forwardKernel(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, gamma, beta } = args.inputs as { x: tf.TensorInfo; gamma: tf.TensorInfo; beta: tf.TensorInfo };
  const { epsilon } = args.attrs as { epsilon: number };
  const { rows, channels } = batchNormShape(x.shape, gamma.shape, beta.shape);
  const core = requireKernelCore(BATCH_NORM_TRAIN_KERNEL);
  const y = backend.makeOutput(x.shape, 'float32');
  const mean = backend.makeOutput([channels], 'float32');
  const variance = backend.makeOutput([channels], 'float32');
  // Views after every makeOutput: each may grow the heap.
  batchNormTrainWasm(core, heap(backend, x), heap(backend, gamma), heap(backend, beta), rows, channels, epsilon, heap(backend, y), heap(backend, mean), heap(backend, variance));
  return [y, mean, variance];
}

function gradKernel(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, gamma, mean, variance, dy } = args.inputs as Record<'x' | 'gamma' | 'mean' | 'variance' | 'dy', tf.TensorInfo>;
  const { epsilon, part } = args.attrs as { epsilon: number; part: BnGradPart };
  const { rows, channels } = batchNormShape(x.shape, gamma.shape, gamma.shape);
  if (dy.shape.join() !== x.shape.join()) throw new Error(`${BATCH_NORM_TRAIN_GRAD_KERNEL}: dy is [${dy.shape}], x [${x.shape}]`);
  if (!(part in BN_GRAD)) throw new Error(`${BATCH_NORM_TRAIN_GRAD_KERNEL}: part must be x, gamma or beta, got ${String(part)}`);
  const core = requireKernelCore(BATCH_NORM_TRAIN_GRAD_KERNEL);
  const out = backend.makeOutput(part === 'x' ? x.shape : [channels], 'float32');
  batchNormTrainGradWasm(core, heap(backend, x), heap(backend, gamma), heap(backend, mean), heap(backend, variance), heap(backend, dy), rows, channels, epsilon, part, heap(backend, out));
  return out;
}

export const batchNormTrainWasmConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_KERNEL,
  backendName: 'wasm',
  kernelFunc: forwardKernel as unknown as tf.KernelFunc,
};

export const batchNormTrainGradWasmConfig: tf.KernelConfig = {
  kernelName: BATCH_NORM_TRAIN_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: gradKernel as unknown as tf.KernelFunc,
};

export const batchNormTrainGradConfig: tf.GradConfig = {
  kernelName: BATCH_NORM_TRAIN_KERNEL,
  inputsToSave: ['x', 'gamma'],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dMean, dVariance] = dys as tf.Tensor[];
    const [x, gamma, mean, variance] = saved as tf.Tensor[];
    const { epsilon } = attrs as unknown as { epsilon: number };
    const grad = (part: BnGradPart) =>
      tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD_KERNEL, { x: x!, gamma: gamma!, mean: mean!, variance: variance!, dy: dy! }, { epsilon, part }) as tf.Tensor;
    const isZero = (t: tf.Tensor | undefined) => !t || (t.dataSync() as Float32Array).every((v) => v === 0);
    const dx = () => {
      const viaY = grad('x');
      if (isZero(dMean) && isZero(dVariance)) return viaY;
      // μ = Σx/R and σ² = Σ(x − μ)²/R: ∂μ/∂x = 1/R, ∂σ²/∂x = 2(x − μ)/R (the Σ(x − μ) term is zero).
      const rows = x!.size / x!.shape[x!.rank - 1]!;
      return tf.add(viaY, tf.div(tf.add(dMean!, tf.mul(tf.mul(dVariance!, 2), tf.sub(x!, mean!))), rows));
    };
    return { x: dx, gamma: () => grad('gamma'), beta: () => grad('beta') };
  },
};

/** The fused op (see the module comment). */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  return tf.engine().runKernel(BATCH_NORM_TRAIN_KERNEL, { x, gamma, beta }, { epsilon }) as unknown as [tf.Tensor, tf.Tensor1D, tf.Tensor1D];
}
