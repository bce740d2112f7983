/**
 * While a model trains on the wasm backend, runs its first
 * Conv1D(ReLU) → MaxPooling1D pair as one fused op (kernels/conv-relu-pool.ts):
 * the Conv1D layer's `call` returns the pooled activation and the pooling
 * layer's `call` passes it on. The model, its weights, its saved form and
 * inference are untouched: only these two layer instances are patched, and
 * {@link fuseConvPoolForTraining}'s restore function removes the patches.
 *
 * Why only here: the fused op exists to cut the memory traffic of a training
 * step (about half of the paper CNN's step was ten element-wise kernels over
 * the conv activation). Inference keeps tfjs' own layers, which also run on
 * backends without our kernels.
 *
 * The pair qualifies when it is exactly what the fused kernel computes: the
 * model's first layer is a Conv1D with one input channel, 'valid' padding,
 * stride 1, dilation 1, a bias and ReLU, both weights trainable, whose only
 * consumer is a MaxPooling1D with 'valid' padding and strides equal to its
 * pool size. Anything else trains unfused, unchanged.
 */
import * as tf from '../tfjs.js';
import { CONV_RELU_POOL_KERNEL, convReluPool } from './kernels/conv-relu-pool.js';
import { fusedKernelAvailable, onlyInput, patchLayerCall, type LayerCall } from './layer-patch.js';

interface LayerVariableLike {
  read(): tf.Variable;
  trainable: boolean;
}

interface ConvLayerLike {
  kernel: LayerVariableLike | null;
  bias: LayerVariableLike | null;
}

interface NodeLike {
  inboundLayers: tf.layers.Layer[];
  outboundLayer: tf.layers.Layer;
}

interface LayerGraphLike {
  inboundNodes: NodeLike[];
  outboundNodes: NodeLike[];
}

const one = (v: unknown): unknown => (Array.isArray(v) && v.length === 1 ? v[0] : v);

/** The fusable first Conv1D → MaxPooling1D pair of `model` and the pool size, or null (with the reason). */
export function fusableConvPool(model: tf.LayersModel): { conv: tf.layers.Layer; pool: tf.layers.Layer; poolSize: number } | { reason: string } {
  const conv = model.layers[0];
  const pool = model.layers[1];
  if (!conv || !pool) return { reason: 'fewer than two layers' };
  if (conv.getClassName() !== 'Conv1D' || pool.getClassName() !== 'MaxPooling1D') return { reason: 'does not start with Conv1D → MaxPooling1D' };
  const c = conv.getConfig() as Record<string, unknown>;
  const p = pool.getConfig() as Record<string, unknown>;
  const weights = conv as unknown as ConvLayerLike;
  const graph = conv as unknown as LayerGraphLike;
  const inChannels = weights.kernel?.read().shape[1];
  if (inChannels !== 1) return { reason: `Conv1D has ${inChannels} input channels (the fused kernel takes 1)` };
  if (c['activation'] !== 'relu' || c['useBias'] !== true) return { reason: 'Conv1D is not ReLU with a bias' };
  // tfjs' Conv1D is always channels-last (its config omits dataFormat).
  if (c['padding'] !== 'valid' || one(c['strides']) !== 1 || one(c['dilationRate']) !== 1 || (c['dataFormat'] ?? 'channelsLast') !== 'channelsLast') {
    return { reason: 'Conv1D is not valid/stride 1/dilation 1/channelsLast' };
  }
  // An activity regulariser would see the pooled output instead of the conv's.
  if (c['activityRegularizer'] != null || p['activityRegularizer'] != null) return { reason: 'activity regulariser on the pair' };
  if (!conv.trainable || !weights.kernel?.trainable || !weights.bias?.trainable) return { reason: 'Conv1D weights are not all trainable' };
  const poolSize = one(p['poolSize']);
  if (p['padding'] !== 'valid' || typeof poolSize !== 'number' || one(p['strides']) !== poolSize) return { reason: 'MaxPooling1D is not valid with strides = pool size' };
  // One use each: the conv reads a model input and feeds only the pool.
  if (graph.inboundNodes.length !== 1 || !graph.inboundNodes[0]!.inboundLayers.every((l) => l.getClassName() === 'InputLayer')) {
    return { reason: 'Conv1D is not applied once to a model input' };
  }
  if (graph.outboundNodes.length !== 1 || graph.outboundNodes[0]!.outboundLayer !== pool) return { reason: 'Conv1D output is used elsewhere than the pool' };
  return { conv, pool, poolSize };
}

/**
 * Patches `model`'s first Conv1D → MaxPooling1D pair to run fused when it
 * qualifies and the kernels are available; returns the function that undoes
 * it (a no-op when nothing was patched). Call the restore function in a
 * `finally`.
 */
export function fuseConvPoolForTraining(model: tf.LayersModel): () => void {
  if (!fusedKernelAvailable(CONV_RELU_POOL_KERNEL)) return () => {};
  const found = fusableConvPool(model);
  if ('reason' in found) return () => {};
  const { conv, pool, poolSize } = found;
  const weights = conv as unknown as ConvLayerLike;
  const convCall: LayerCall = (inputs) =>
    convReluPool(onlyInput(inputs) as tf.Tensor3D, weights.kernel!.read() as unknown as tf.Tensor3D, weights.bias!.read() as unknown as tf.Tensor1D, poolSize);
  // A reshape to its own shape, not the input itself: Layer.apply clones an output that is one of its
  // inputs, and the clone's gradient is a Cast, i.e. a 10 MB copy per step into a tensor the fused
  // gradient kernel would then have to copy again. A reshape shares the data both ways.
  const poolCall: LayerCall = (inputs) => {
    const x = onlyInput(inputs);
    return tf.reshape(x, x.shape);
  };
  const restores = [patchLayerCall(conv, convCall), patchLayerCall(pool, poolCall)];
  return () => restores.forEach((restore) => restore());
}
