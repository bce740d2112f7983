/**
 * Conv1D(one input channel, 'valid', stride 1, ReLU, bias) followed by
 * MaxPooling1D(pool, strides = pool, 'valid') as one tfjs op with its own
 * gradient, for training the paper CNN on the wasm backend
 * (assembly/conv_relu_pool.ts has the algorithm and the reason).
 *
 *   convReluPool(x [b, width, 1], filter [taps, 1, channels], bias [channels], pool)
 *     → [b, floor((width − taps + 1) / pool), channels]
 *
 * Gradients: filter and bias only. The op is used for a model's first layer,
 * whose input is data, so tfjs never asks for dx (its tape prunes inputs that
 * do not lead to a variable); asking anyway is an error, not a zero.
 *
 * Both weight gradients come out of one pass (they share the per-window
 * argmax), so the gradient function runs the kernel once for the first of the
 * two it is asked for and hands the second its half.
 * fuse-conv-pool.ts only fuses layers whose kernel and bias are both
 * trainable, so both are always asked for and nothing is left over.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmCore } from '../../../wasm/core.js';
import { requireKernelCore } from './kernel-core.js';
import { kernelPoolAvailable, MAX_STAGED_BYTES, Staging } from '../threads/kernel-pool.js';

export const CONV_RELU_POOL_KERNEL = 'SerConv1DReluPool';
export const CONV_RELU_POOL_GRAD_KERNEL = 'SerConv1DReluPoolGrad';

export interface ConvReluPoolShape {
  batch: number;
  width: number;
  taps: number;
  channels: number;
  pool: number;
  outWidth: number;
}

/** Shape bookkeeping and checks shared by the op, both kernels and the reference. */
export function convReluPoolShape(xShape: readonly number[], filterShape: readonly number[], biasShape: readonly number[], pool: number): ConvReluPoolShape {
  const [batch, width, inChannels] = xShape as [number, number, number];
  const [taps, filterIn, channels] = filterShape as [number, number, number];
  if (xShape.length !== 3 || inChannels !== 1) throw new Error(`convReluPool: x must be [batch, width, 1], got [${xShape}]`);
  if (filterShape.length !== 3 || filterIn !== 1) throw new Error(`convReluPool: filter must be [taps, 1, channels], got [${filterShape}]`);
  if (biasShape.length !== 1 || biasShape[0] !== channels) throw new Error(`convReluPool: bias must be [${channels}], got [${biasShape}]`);
  if (!Number.isInteger(pool) || pool < 1) throw new Error(`convReluPool: pool must be an integer ≥ 1, got ${pool}`);
  const outWidth = Math.floor((width - taps + 1) / pool);
  if (outWidth < 1) throw new Error(`convReluPool: width ${width} leaves no pooled output for ${taps} taps and pool ${pool}`);
  return { batch, width, taps, channels, pool, outWidth };
}

/**
 * Forward pass on plain arrays in float64 (the test reference): pre-activations, ReLU, window maximum.
 * x [batch × width], filter [taps × channels], bias [channels] → [batch × outWidth × channels].
 */
export function convReluPoolReference(x: Float32Array, filter: Float32Array, bias: Float32Array, s: ConvReluPoolShape): Float64Array {
  const y = new Float64Array(s.batch * s.outWidth * s.channels);
  for (let b = 0; b < s.batch; b++) {
    for (let p = 0; p < s.outWidth; p++) {
      for (let c = 0; c < s.channels; c++) {
        let best = 0;
        for (let j = 0; j < s.pool; j++) {
          const t = b * s.width + p * s.pool + j;
          let pre = bias[c]!;
          for (let k = 0; k < s.taps; k++) pre += x[t + k]! * filter[k * s.channels + c]!;
          best = Math.max(best, pre);
        }
        y[(b * s.outWidth + p) * s.channels + c] = best;
      }
    }
  }
  return y;
}

/**
 * Weight gradients on plain arrays in float64 (the test reference), with
 * tfjs' rules: the pooled gradient goes to the window's first maximum, and
 * through the ReLU where that maximum is > 0. Returns [(taps + 1) × channels]:
 * dW rows, then dBias.
 */
export function convReluPoolGradReference(x: Float32Array, filter: Float32Array, bias: Float32Array, dy: Float32Array, s: ConvReluPoolShape): Float64Array {
  const g = new Float64Array((s.taps + 1) * s.channels);
  for (let b = 0; b < s.batch; b++) {
    for (let p = 0; p < s.outWidth; p++) {
      for (let c = 0; c < s.channels; c++) {
        let best = -1;
        let win = 0;
        for (let j = 0; j < s.pool; j++) {
          const t = b * s.width + p * s.pool + j;
          let pre = bias[c]!;
          for (let k = 0; k < s.taps; k++) pre += x[t + k]! * filter[k * s.channels + c]!;
          const a = Math.max(pre, 0);
          if (a > best) {
            best = a;
            win = j;
          }
        }
        if (!(best > 0)) continue;
        const d = dy[(b * s.outWidth + p) * s.channels + c]!;
        const t = b * s.width + p * s.pool + win;
        for (let k = 0; k < s.taps; k++) g[k * s.channels + c]! += d * x[t + k]!;
        g[s.taps * s.channels + c]! += d;
      }
    }
  }
  return g;
}

type ForwardExport = (x: number, w: number, bias: number, y: number, work: number, batch: number, width: number, taps: number, channels: number, pool: number, outWidth: number) => void;
type GradExport = (x: number, w: number, bias: number, dy: number, acc: number, total: number, work: number, batch: number, width: number, taps: number, channels: number, pool: number, outWidth: number) => void;

const workBytes = (core: WasmCore, s: ConvReluPoolShape): number => (core.exports['convReluPoolWorkBytes'] as (width: number) => number)(s.width);

/** The forward pass in ser.wasm, written into `y`. */
export function convReluPoolWasm(core: WasmCore, x: Float32Array, filter: Float32Array, bias: Float32Array, s: ConvReluPoolShape, y: Float32Array): void {
  core.scratch((alloc) => {
    const xPtr = alloc(x.byteLength), wPtr = alloc(filter.byteLength), bPtr = alloc(bias.byteLength), yPtr = alloc(y.byteLength);
    const workPtr = alloc(workBytes(core, s));
    const f32 = core.f32;
    f32.set(x, xPtr >> 2);
    f32.set(filter, wPtr >> 2);
    f32.set(bias, bPtr >> 2);
    (core.exports['convReluPool1d'] as ForwardExport)(xPtr, wPtr, bPtr, yPtr, workPtr, s.batch, s.width, s.taps, s.channels, s.pool, s.outWidth);
    y.set(core.f32.subarray(yPtr >> 2, (yPtr >> 2) + y.length));
  });
}

/** The weight gradients in ser.wasm, written into `out` [(taps + 1) × channels] (dW rows, then dBias). */
export function convReluPoolGradWasm(
  core: WasmCore, x: Float32Array, filter: Float32Array, bias: Float32Array, dy: Float32Array, s: ConvReluPoolShape, out: Float32Array,
): void {
  const n = (s.taps + 1) * s.channels;
  core.scratch((alloc) => {
    const xPtr = alloc(x.byteLength), wPtr = alloc(filter.byteLength), bPtr = alloc(bias.byteLength), dyPtr = alloc(dy.byteLength);
    const accPtr = alloc(n * 4), totalPtr = alloc(n * 8), workPtr = alloc(workBytes(core, s));
    const f32 = core.f32;
    f32.set(x, xPtr >> 2);
    f32.set(filter, wPtr >> 2);
    f32.set(bias, bPtr >> 2);
    f32.set(dy, dyPtr >> 2);
    (core.exports['convReluPoolGrad1d'] as GradExport)(xPtr, wPtr, bPtr, dyPtr, accPtr, totalPtr, workPtr, s.batch, s.width, s.taps, s.channels, s.pool, s.outWidth);
    const total = core.f64.subarray(totalPtr >> 3, (totalPtr >> 3) + n);
    for (let i = 0; i < n; i++) out[i] = total[i]!;
  });
}

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };


/** Upper bound of the bytes a call stages into the kernel threads' shared memory (operands, results, 16 bytes per sample per thread of work rows). */
function stagedBytes(s: ConvReluPoolShape, threads: number): number {
  return 4 * (s.batch * s.width + (s.taps + 2) * s.channels + s.batch * s.outWidth * s.channels * 2 + s.batch * (s.taps + 1) * s.channels + threads * 4 * s.width);
}

/**
 * Whether a call goes to the kernel threads. There the pooled output stays in
 * shared memory tagged with its tensor, so the Dense product that reads it
 * next (and, backward, this kernel reading the Dense product's dx) finds it
 * there instead of copying ~10 MB across the boundary each time.
 */
function threaded(backend: BackendWasm, s: ConvReluPoolShape): boolean {
  return kernelPoolAvailable(backend) && stagedBytes(s, 64) <= MAX_STAGED_BYTES;
}

/** x, filter and bias in the kernel threads' memory, and the per-thread work rows both calls need. */
function stageOperands(st: Staging, x: tf.TensorInfo, filter: tf.TensorInfo, bias: tf.TensorInfo, s: ConvReluPoolShape) {
  const workFloats = Math.ceil(st.pool.convReluPoolWorkBytes(s.width) / 4);
  return { xPtr: st.input(x), wPtr: st.input(filter), bPtr: st.input(bias), workPtr: st.output(workFloats).ptr };
}

function forwardKernel(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, filter, bias } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo };
  const s = convReluPoolShape(x.shape, filter.shape, bias.shape, (args.attrs as { pool: number }).pool);
  const out = backend.makeOutput([s.batch, s.outWidth, s.channels], 'float32');
  if (threaded(backend, s)) {
    Staging.run(backend, (st) => {
      const { xPtr, wPtr, bPtr, workPtr } = stageOperands(st, x, filter, bias, s);
      const y = st.output(s.batch * s.outWidth * s.channels, out.dataId);
      st.pool.convReluPool(xPtr, wPtr, bPtr, y.ptr, workPtr, s);
      st.copyOut(y.ptr, out, s.batch * s.outWidth * s.channels);
    });
    return out;
  }
  const core = requireKernelCore(CONV_RELU_POOL_KERNEL);
  // Views after makeOutput: it may grow the heap and detach earlier ones.
  convReluPoolWasm(
    core,
    backend.typedArrayFromHeap(x) as Float32Array,
    backend.typedArrayFromHeap(filter) as Float32Array,
    backend.typedArrayFromHeap(bias) as Float32Array,
    s,
    backend.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

function gradKernel(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, filter, bias, dy } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo; bias: tf.TensorInfo; dy: tf.TensorInfo };
  const s = convReluPoolShape(x.shape, filter.shape, bias.shape, (args.attrs as { pool: number }).pool);
  if (dy.shape.join() !== [s.batch, s.outWidth, s.channels].join()) throw new Error(`${CONV_RELU_POOL_GRAD_KERNEL}: dy is [${dy.shape}], expected [${s.batch},${s.outWidth},${s.channels}]`);
  const out = backend.makeOutput([s.taps + 1, s.channels], 'float32');
  if (threaded(backend, s)) {
    const n = (s.taps + 1) * s.channels;
    Staging.run(backend, (st) => {
      const { xPtr, wPtr, bPtr, workPtr } = stageOperands(st, x, filter, bias, s);
      const partials = st.output(s.batch * n);
      st.pool.convReluPoolGrad(xPtr, wPtr, bPtr, st.input(dy), partials.ptr, workPtr, s);
      // Images summed in order in float64, as convReluPoolGrad1d does in ser.wasm: the same bits either way.
      const part = new Float32Array(st.pool.memory.buffer, partials.ptr, s.batch * n);
      const total = new Float64Array(n);
      for (let b = 0; b < s.batch; b++) for (let i = 0; i < n; i++) total[i]! += part[b * n + i]!;
      (backend.typedArrayFromHeap(out) as Float32Array).set(total);
    });
    return out;
  }
  const core = requireKernelCore(CONV_RELU_POOL_GRAD_KERNEL);
  convReluPoolGradWasm(
    core,
    backend.typedArrayFromHeap(x) as Float32Array,
    backend.typedArrayFromHeap(filter) as Float32Array,
    backend.typedArrayFromHeap(bias) as Float32Array,
    backend.typedArrayFromHeap(dy) as Float32Array,
    s,
    backend.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

export const convReluPoolWasmConfig: tf.KernelConfig = {
  kernelName: CONV_RELU_POOL_KERNEL,
  backendName: 'wasm',
  kernelFunc: forwardKernel as unknown as tf.KernelFunc,
};

export const convReluPoolGradWasmConfig: tf.KernelConfig = {
  kernelName: CONV_RELU_POOL_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: gradKernel as unknown as tf.KernelFunc,
};

export const convReluPoolGradConfig: tf.GradConfig = {
  kernelName: CONV_RELU_POOL_KERNEL,
  inputsToSave: ['x', 'filter', 'bias'],
  gradFunc: (dy, saved, attrs) => {
    const [x, filter, bias] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor1D];
    const taps = filter.shape[0];
    const channels = filter.shape[2];
    // Both halves from one kernel run; the first request keeps the result past its tidy, the second releases it.
    let both: tf.Tensor2D | null = null;
    let handedOut = 0;
    const half = (rows: [number, number], shape: number[]): tf.Tensor => {
      both ??= tf.keep(tf.engine().runKernel(CONV_RELU_POOL_GRAD_KERNEL, { x, filter, bias, dy: dy as tf.Tensor }, attrs as tf.NamedAttrMap) as tf.Tensor2D);
      const part = tf.reshape(tf.slice(both, [rows[0], 0], [rows[1] - rows[0], channels]), shape);
      if (++handedOut === 2) both.dispose();
      return part;
    };
    return {
      x: () => {
        throw new Error(`${CONV_RELU_POOL_KERNEL} has no input gradient: it is fused only as a model's first layer`);
      },
      filter: () => half([0, taps], filter.shape),
      bias: () => half([taps, taps + 1], [channels]),
    };
  },
};

/** The fused op: [b, width, 1] → [b, outWidth, channels] (see the module comment). */
export function convReluPool(x: tf.Tensor3D, filter: tf.Tensor3D, bias: tf.Tensor1D, pool: number): tf.Tensor3D {
  return tf.engine().runKernel(CONV_RELU_POOL_KERNEL, { x, filter, bias }, { pool }) as tf.Tensor3D;
}
