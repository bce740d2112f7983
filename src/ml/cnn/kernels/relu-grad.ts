/**
 * ReLU's gradient on the tfjs WASM backend as one kernel (SerReluGrad)
 * instead of tfjs-core's three (dy · cast(step(x))): each of those reads and
 * writes the whole activation, ~19 MB per pass for the paper CNN's
 * [32, 2374, 64] convolution output, ~6 ms of each training batch.
 *
 * The gradient is re-registered for 'Relu' with the stock function kept as
 * the path for every other backend (the gradient registry is global). Values
 * are the stock ones bit for bit: dy·1 where x > 0, dy·NaN where x is NaN,
 * dy·0 (±0, or NaN for infinite dy) elsewhere (test).
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const RELU_GRAD_KERNEL = 'SerReluGrad';

/** dx = dy · step(x) on plain arrays, in tfjs' step semantics (NaN stays NaN). */
export function reluGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void {
  for (let i = 0; i < dx.length; i++) {
    const v = x[i]!;
    dx[i] = dy[i]! * (v > 0 ? 1 : v !== v ? Number.NaN : 0);
  }
}

function reluGradWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
  const out = backend.makeOutput(x.shape, 'float32');
  // Views after makeOutput, which may grow (and so detach) the heap.
  reluGrad(backend.typedArrayFromHeap(dy) as Float32Array, backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(out) as Float32Array);
  return out;
}

export const reluGradWasmConfig: tf.KernelConfig = {
  kernelName: RELU_GRAD_KERNEL,
  backendName: 'wasm',
  kernelFunc: reluGradWasm as unknown as tf.KernelFunc,
};

/** Re-registers Relu's gradient: SerReluGrad on wasm for float32, the stock function otherwise. */
export function registerReluGradient(): void {
  const stock = tf.getGradient(tf.Relu);
  if (!stock) throw new Error("tfjs-core has no gradient for 'Relu' to wrap");
  if ((stock as { serWrapped?: boolean }).serWrapped) return;
  const config: tf.GradConfig & { serWrapped: boolean } = {
    ...stock,
    serWrapped: true,
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved;
      const d = dy as tf.Tensor;
      if (tf.getBackend() === 'wasm' && tf.getKernel(RELU_GRAD_KERNEL, 'wasm') && x!.dtype === 'float32' && d.dtype === 'float32' && tf.util.arraysEqual(d.shape, x!.shape)) {
        return { x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: d, x: x! }) as tf.Tensor };
      }
      return stock.gradFunc(dy, saved, attrs);
    },
  };
  tf.registerGradient(config);
}
