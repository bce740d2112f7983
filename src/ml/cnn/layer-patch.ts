/**
 * The mechanism both training fusions (fuse-conv-pool.ts, fuse-batch-norm.ts)
 * share: replacing one layer instance's `call` for a while, and knowing when
 * the fused kernels can run.
 *
 * Why instance properties: the class method stays untouched, so other models
 * of the same class, inference after training and saved models never see the
 * patch; deleting the own property brings the class method back.
 */
import * as tf from '../tfjs.js';
import { kernelCore } from './kernels/kernel-core.js';

/** A tfjs-layers Layer.call, as the layer's apply invokes it. */
export type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** The one tensor of a call's inputs. */
export function onlyInput(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/** Makes `call` the layer's call until the returned function runs. */
export function patchLayerCall(layer: tf.layers.Layer, call: LayerCall): () => void {
  Object.defineProperty(layer, 'call', { value: call, configurable: true, writable: true });
  return () => {
    delete (layer as unknown as { call?: LayerCall }).call;
  };
}

/** Whether a fused kernel registered by backend.ts can run now: the wasm backend is active and ser.wasm is loaded. */
export function fusedKernelAvailable(kernelName: string): boolean {
  return tf.getBackend() === 'wasm' && kernelCore() !== null && tf.getKernel(kernelName, 'wasm') !== undefined;
}
