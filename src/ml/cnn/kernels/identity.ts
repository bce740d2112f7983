/**
 * Identity for the tfjs WASM backend that shares the input buffer instead of
 * copying it.
 *
 * While recording gradients, tfjs-core's engine keeps every activation a
 * backward pass needs by tf.clone()-ing it, and clone runs the Identity
 * kernel. The stock wasm kernel copies the data, so each training step of the
 * paper's CNN copied ~6 activations of 4.9 M floats (~18 ms per batch of 32).
 * Tensor data is immutable in tfjs (Variable.assign swaps buffers rather than
 * writing into them), so sharing the buffer with a reference count, exactly
 * as the wasm Reshape kernel and the cpu backend's Identity already do, is safe.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export function sharedIdentityConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (x.dtype === 'string') return stock.kernelFunc(args as never) as tf.TensorInfo; // string bytes live outside the heap
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape.slice(), dtype: x.dtype };
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
