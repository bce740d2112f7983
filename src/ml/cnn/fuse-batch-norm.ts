/**
 * While a model trains on the wasm backend, runs each BatchNormalization
 * layer's training-mode pass as one fused op (kernels/batch-norm-train.ts)
 * instead of tfjs' ~15 element-wise kernels. Inference (training: false,
 * e.g. the validation pass) still goes through the layer's own code, and the
 * moving averages are updated exactly as tfjs-layers does it
 * (BatchNormalization.call: moving ← moving − (moving − batch)·(1 − momentum)),
 * from the fused op's batch statistics. {@link fuseBatchNormForTraining}'s
 * restore function removes the patches; the saved model is unaffected.
 *
 * A layer qualifies when it normalises the last axis with both a trainable
 * scale and offset and its channel count is a multiple of 4 (the kernel's
 * SIMD width); others train unfused, unchanged.
 */
import * as tf from '../tfjs.js';
import { batchNormTrain, BATCH_NORM_TRAIN_KERNEL } from './kernels/batch-norm-train.js';
import { fusedKernelAvailable, onlyInput, patchLayerCall, type LayerCall } from './layer-patch.js';

interface LayerVariableLike {
  read(): tf.Variable;
  write(value: tf.Tensor): void;
  trainable: boolean;
  shape: number[];
}

interface BatchNormLike {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: LayerVariableLike | null;
  beta: LayerVariableLike | null;
  movingMean: LayerVariableLike;
  movingVariance: LayerVariableLike;
}

/** Why `layer` cannot run fused, or null when it can. */
export function batchNormUnfusable(layer: tf.layers.Layer): string | null {
  if (layer.getClassName() !== 'BatchNormalization') return 'not a BatchNormalization layer';
  const bn = layer as unknown as BatchNormLike;
  const rank = layer.inputSpec?.[0]?.ndim ?? (layer.batchInputShape?.length ?? 0);
  if (!(bn.axis === -1 || (rank > 0 && bn.axis === rank - 1))) return `normalises axis ${bn.axis}, not the last`;
  if (!bn.center || !bn.scale || !bn.gamma?.trainable || !bn.beta?.trainable || !layer.trainable) return 'scale or offset missing or not trainable';
  const channels = bn.gamma.shape[0]!;
  if (channels % 4 !== 0) return `${channels} channels (the fused kernel takes multiples of 4)`;
  return null;
}

/** tfjs-layers' moving-average step, verbatim in effect: variable ← variable − (variable − value)·(1 − momentum). */
function updateMovingAverage(variable: LayerVariableLike, value: tf.Tensor, momentum: number): void {
  tf.tidy(() => {
    const decay = 1 - momentum;
    const orig = variable.read();
    variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), decay)));
  });
}

/**
 * Patches every qualifying BatchNormalization layer of `model` (when the
 * kernels are available); returns the function that undoes it. Call the
 * restore function in a `finally`.
 */
export function fuseBatchNormForTraining(model: tf.LayersModel): () => void {
  if (!fusedKernelAvailable(BATCH_NORM_TRAIN_KERNEL)) return () => {};
  const restores: Array<() => void> = [];
  for (const layer of model.layers) {
    if (batchNormUnfusable(layer) !== null) continue;
    const bn = layer as unknown as BatchNormLike;
    const unfused = Object.getPrototypeOf(layer).call as LayerCall;
    const call: LayerCall = (inputs, kwargs) => {
      if (kwargs['training'] !== true) return unfused.call(layer, inputs, kwargs);
      return tf.tidy(() => {
        const [y, mean, variance] = batchNormTrain(onlyInput(inputs), bn.gamma!.read() as tf.Tensor1D, bn.beta!.read() as tf.Tensor1D, bn.epsilon);
        updateMovingAverage(bn.movingMean, mean, bn.momentum);
        updateMovingAverage(bn.movingVariance, variance, bn.momentum);
        return y;
      });
    };
    restores.push(patchLayerCall(layer, call));
  }
  return () => restores.forEach((restore) => restore());
}
