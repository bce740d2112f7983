/**
 * Sum and Mean gradients by broadcasting (ml/gradients/reduce-grads.ts) equal
 * tfjs' formulation, dy · ones(x.shape) (Mean: / n), bit for bit, on the cpu
 * and wasm backends, for odd shapes, negative and multiple axes and keepDims.
 */
import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '../src/ml/tfjs.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { meanGradConfig, sumGradConfig } from '../src/ml/gradients/reduce-grads.js';
import { gaussian } from './helpers/arrays.js';

/** tfjs-core's own gradient of sum/mean along `axis` for upstream gradient w: w reshaped · ones (/ n). */
function viaOnes(x: tf.Tensor, w: tf.Tensor, axis: number[], mean: boolean): Float32Array {
  return tf.tidy(() => {
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const expanded = x.shape.slice();
    for (const a of axes) expanded[a] = 1;
    const n = axes.reduce((p, a) => p * x.shape[a]!, 1);
    const g = tf.mul(tf.reshape(w, expanded), tf.ones(x.shape, 'float32'));
    return (mean ? tf.div(g, n) : g).dataSync() as Float32Array;
  });
}

const CASES: Array<{ shape: number[]; axis: number[]; keepDims: boolean }> = [
  { shape: [32, 7], axis: [1], keepDims: false },
  { shape: [5, 9, 3], axis: [0, 1], keepDims: false }, // batch-norm moments
  { shape: [5, 9, 3], axis: [-1], keepDims: true },
  { shape: [2, 3, 4, 5], axis: [1, 3], keepDims: false },
  { shape: [11], axis: [0], keepDims: false },
];

afterAll(async () => {
  await tf.setBackend('cpu');
});

describe('Sum and Mean gradients', () => {
  it('are the ones registered', () => {
    expect(tf.getGradient(tf.Sum)).toBe(sumGradConfig);
    expect(tf.getGradient(tf.Mean)).toBe(meanGradConfig);
  });

  for (const backend of ['cpu', 'wasm'] as const) {
    for (const { shape, axis, keepDims } of CASES) {
      it(`${backend}: shape [${shape}] axis [${axis}]${keepDims ? ' keepDims' : ''}: bit-identical to dy · ones`, async () => {
        if (backend === 'wasm') await initBackend('wasm', { log: () => {} });
        else await tf.setBackend('cpu');
        expect(tf.getBackend()).toBe(backend);
        const size = shape.reduce((p, q) => p * q, 1);
        const x = tf.tensor(gaussian(size, 1), shape);
        for (const mean of [false, true]) {
          const reduce = (t: tf.Tensor) => (mean ? tf.mean(t, axis, keepDims) : tf.sum(t, axis, keepDims));
          const outShape = reduce(x).shape;
          const w = tf.tensor(gaussian(outShape.reduce((p, q) => p * q, 1), 2), outShape);
          // d/dx Σ w ⊙ reduce(x) = w broadcast back along the reduced axes (/ n for the mean).
          const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(reduce(t), w)))(x);
          const got = g.dataSync() as Float32Array;
          const want = viaOnes(x, w, axis, mean);
          expect(g.shape).toEqual(shape);
          expect(Buffer.from(got.buffer, got.byteOffset, got.byteLength).equals(Buffer.from(want.buffer, want.byteOffset, want.byteLength))).toBe(true);
          tf.dispose([w, g]);
        }
        x.dispose();
      });
    }
  }
});
