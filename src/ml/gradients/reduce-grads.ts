/**
 * Gradients of Sum and Mean that broadcast dy instead of multiplying it by a
 * tensor of ones.
 *
 * tfjs' own (tfjs-core and the copy bundled in tfjs-layers' Node build, which
 * is the one registered last) compute `dy · ones(x.shape)` (Mean: then
 * `/ n`): the ones are filled by a JavaScript loop and uploaded for every
 * call, then multiplied on the backend. Batch normalisation takes two means
 * per layer and step, so for the sequence CNN that was ~6 ms of a ~60 ms
 * training step (measured with --cpu-prof, 2-core AMD EPYC). Broadcasting
 * (one Tile) gives the same values bit for bit: y · 1 = y in IEEE arithmetic.
 */
// tfjs-core directly, not ../tfjs.js: that module registers these (a cycle otherwise).
import * as tf from '@tensorflow/tfjs-core';

/** dy reshaped to x's rank (reduced axes of length 1), then broadcast to x's shape. */
function broadcastDy(dy: tf.Tensor, x: tf.Tensor, axis: number | number[]): tf.Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const expanded = x.shape.slice();
  for (const a of axes) expanded[a] = 1;
  return tf.broadcastTo(tf.reshape(dy, expanded), x.shape);
}

/** dy as float32: tfjs' versions yield float32 whatever dy's dtype (dy · float32 ones), and so do these. */
function floatDy(dy: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const g = dy as tf.Tensor;
  return g.dtype === 'float32' ? g : tf.cast(g, 'float32');
}

function reducedSize(x: tf.Tensor, axis: number | number[]): number {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  return axes.reduce((n, a) => n * x.shape[a]!, 1);
}

export const sumGradConfig: tf.GradConfig = {
  kernelName: tf.Sum,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { axis } = attrs as unknown as tf.SumAttrs;
    return { x: () => broadcastDy(floatDy(dy), x, axis) };
  },
};

export const meanGradConfig: tf.GradConfig = {
  kernelName: tf.Mean,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [tf.Tensor];
    const { axis } = attrs as unknown as tf.MeanAttrs;
    return { x: () => tf.div(broadcastDy(floatDy(dy), x, axis), reducedSize(x, axis)) };
  },
};

/**
 * Registers both (idempotent). Must run after tfjs-layers is imported, whose Node build registers
 * its own copy of every gradient when loaded; ml/tfjs.ts calls it.
 */
export function registerReduceGradients(): void {
  if (tf.getGradient(tf.Sum) !== sumGradConfig) tf.registerGradient(sumGradConfig);
  if (tf.getGradient(tf.Mean) !== meanGradConfig) tf.registerGradient(meanGradConfig);
}
