/**
 * Training-mode batch normalisation as one fused op (kernels/batch-norm-train.ts,
 * assembly/batch_norm_train.ts) and the layer patch that uses it while a model
 * trains (fuse-batch-norm.ts): kernels against a float64 reference, the op's
 * gradient (including the statistics' own terms) against tfjs' composition,
 * a patched model against tfjs' layers (outputs, gradients, moving averages,
 * inference untouched), and the layers it must leave alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/ml/tfjs.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { kernelCore } from '../src/ml/cnn/kernels/kernel-core.js';
import {
  batchNormShape, batchNormTrain, batchNormTrainGradReference, batchNormTrainGradWasm, batchNormTrainReference, batchNormTrainWasm,
  BATCH_NORM_TRAIN_KERNEL,
} from '../src/ml/cnn/kernels/batch-norm-train.js';
import { batchNormUnfusable, fuseBatchNormForTraining } from '../src/ml/cnn/fuse-batch-norm.js';
import { buildSequenceCnn } from '../src/ml/cnn/sequence-model.js';
import { disposeCnn, setDropoutSeed } from '../src/ml/cnn/model.js';
import { trainCnn } from '../src/ml/cnn/train.js';
import type { WasmCore } from '../src/wasm/core.js';
import { gaussian, relErr } from './helpers/arrays.js';

const EPS = 1e-3;
let core: WasmCore;
beforeAll(async () => {
  await initBackend('wasm', { log: () => {} });
  core = kernelCore()!;
});

describe('batch norm kernels vs the float64 reference', () => {
  for (const [rows, channels] of [[45, 8], [3072, 64], [7, 4], [1, 12]] as const) {
    it(`${rows} rows × ${channels} channels: forward and each gradient`, () => {
      // An offset and a spread per channel, as activations have.
      const x = gaussian(rows * channels, 1, 3, 2);
      const gamma = gaussian(channels, 2, 0.5, 1), beta = gaussian(channels, 3, 0.3);
      const dy = gaussian(rows * channels, 4);
      const y = new Float32Array(rows * channels), mean = new Float32Array(channels), variance = new Float32Array(channels);
      batchNormTrainWasm(core, x, gamma, beta, rows, channels, EPS, y, mean, variance);
      const [yRef, meanRef, varRef] = batchNormTrainReference(x, gamma, beta, rows, channels, EPS);
      expect(relErr(mean, meanRef)).toBeLessThan(1e-6);
      expect(relErr(variance, varRef)).toBeLessThan(1e-6);
      expect(relErr(y, yRef)).toBeLessThan(1e-5);
      const [dxRef, dgRef, dbRef] = batchNormTrainGradReference(x, gamma, dy, rows, channels, EPS);
      for (const [part, ref, n] of [['x', dxRef, rows * channels], ['gamma', dgRef, channels], ['beta', dbRef, channels]] as const) {
        const out = new Float32Array(n);
        batchNormTrainGradWasm(core, x, gamma, mean, variance, dy, rows, channels, EPS, part, out);
        expect(relErr(out, ref), part).toBeLessThan(rows === 1 && part === 'x' ? 1e-3 : 1e-5);
      }
    });
  }

  it('rejects shapes it does not compute', () => {
    expect(() => batchNormShape([10, 6], [6], [6])).toThrow(/multiple of 4/);
    expect(() => batchNormShape([10, 8], [8], [4])).toThrow(/gamma and beta must be \[8\]/);
    expect(() => batchNormShape([8], [8], [8])).toThrow(/at least 2 axes/);
  });
});

describe('the op against tfjs composition', () => {
  it('gradients of x, gamma and beta, with the statistics used in the loss too', () => {
    const x = tf.tensor3d(gaussian(4 * 6 * 8, 5, 2, 1), [4, 6, 8]);
    const gamma = tf.tensor1d(gaussian(8, 6, 0.5, 1)), beta = tf.tensor1d(gaussian(8, 7, 0.3));
    const w = tf.tensor3d(gaussian(4 * 6 * 8, 8), [4, 6, 8]);
    const a = tf.tensor1d(gaussian(8, 9)), b = tf.tensor1d(gaussian(8, 10));
    try {
      const loss = (fused: boolean, withStats: boolean) => (xx: tf.Tensor, g: tf.Tensor, bb: tf.Tensor) => {
        let y: tf.Tensor, m: tf.Tensor, v: tf.Tensor;
        if (fused) [y, m, v] = batchNormTrain(xx, g as tf.Tensor1D, bb as tf.Tensor1D, EPS);
        else {
          const mom = tf.moments(xx, [0, 1]);
          [y, m, v] = [tf.batchNorm(xx, mom.mean, mom.variance, bb, g, EPS), mom.mean, mom.variance];
        }
        const fromY = tf.sum(tf.mul(y, w));
        return (withStats ? tf.addN([fromY, tf.sum(tf.mul(m, a)), tf.sum(tf.mul(v, b))]) : fromY) as tf.Scalar;
      };
      for (const withStats of [true, false]) {
        const f = tf.grads(loss(true, withStats));
        const u = tf.grads(loss(false, withStats));
        const gf = f([x, gamma, beta]);
        const gu = u([x, gamma, beta]);
        gf.forEach((g, i) => expect(relErr(g.dataSync(), gu[i]!.dataSync()), `input ${i}`).toBeLessThan(1e-4));
        tf.dispose([...gf, ...gu]);
      }
    } finally {
      tf.dispose([x, gamma, beta, w, a, b]);
    }
  });
});

describe('the patched sequence CNN against tfjs layers', () => {
  const FRAMES = 16, CHANNELS = 6, CLASSES = 7;
  const build = (seed: number) => buildSequenceCnn(FRAMES, CHANNELS, CLASSES, { filters: [8, 12], dropout: 0.3, seed });

  it('training-mode outputs, weight gradients and moving averages agree; inference is untouched; the patch is undone', () => {
    const x = tf.tensor3d(gaussian(10 * FRAMES * CHANNELS, 11), [10, FRAMES * CHANNELS, 1]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 10 }, (_, i) => i % CLASSES), 'int32'), CLASSES);
    const runs: Array<{ out: Float32Array; grads: Float32Array[]; moving: Float32Array[]; inference: Float32Array }> = [];
    try {
      for (const fuse of [false, true]) {
        const model = build(3);
        setDropoutSeed(model, 5);
        const restore = fuse ? fuseBatchNormForTraining(model) : () => {};
        try {
          const bnLayers = model.layers.filter((l) => l.getClassName() === 'BatchNormalization');
          expect(bnLayers.every((l) => Object.prototype.hasOwnProperty.call(l, 'call'))).toBe(fuse);
          const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
          const out = tf.tidy(() => (model.apply(x, { training: true }) as tf.Tensor).dataSync().slice() as Float32Array);
          const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, vars);
          const moving = model.weights.filter((w) => /moving/.test(w.name)).map((w) => w.read().dataSync().slice() as Float32Array);
          const inference = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync().slice() as Float32Array);
          runs.push({ out, grads: vars.map((v) => grads[v.name]!.dataSync().slice() as Float32Array), moving, inference });
          tf.dispose([value, ...Object.values(grads)]);
        } finally {
          restore();
        }
        expect(model.layers.some((l) => Object.prototype.hasOwnProperty.call(l, 'call'))).toBe(false);
        disposeCnn(model);
      }
      const [plain, fused] = runs as [typeof runs[0], typeof runs[0]];
      expect(relErr(fused.out, plain.out)).toBeLessThan(1e-5);
      fused.grads.forEach((g, i) => expect(relErr(g, plain.grads[i]!), `gradient ${i}`).toBeLessThan(1e-4));
      expect(fused.moving.length).toBe(4);
      fused.moving.forEach((m, i) => expect(relErr(m, plain.moving[i]!), `moving ${i}`).toBeLessThan(1e-5));
      // Inference goes through the layer's own code: the same function of the (close) moving averages.
      expect(relErr(fused.inference, plain.inference)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([x, y]);
    }
  });

  it('trainCnn fuses by default, not with fuseLayers: false; no tensor left behind', async () => {
    const rows = 48;
    const X = gaussian(rows * FRAMES * CHANNELS, 12);
    const labels = Int32Array.from({ length: rows }, (_, i) => i % CLASSES);
    for (const fuse of [true, false]) {
      const model = build(4);
      try {
        await trainCnn(X, labels, CLASSES, { model, epochs: 1, validationSplit: 0, seed: 1 }); // optimiser state exists afterwards
        const before = tf.memory().numTensors;
        const prof = await tf.profile(async () => {
          await trainCnn(X, labels, CLASSES, { model, epochs: 1, validationSplit: 0.25, seed: 2, ...(fuse ? {} : { fuseLayers: false }) });
        });
        expect(tf.memory().numTensors).toBe(before);
        expect(prof.kernelNames.includes(BATCH_NORM_TRAIN_KERNEL), `fuse ${fuse}`).toBe(fuse);
        expect(prof.kernelNames.includes('FusedBatchNorm')).toBe(true); // validation: inference-mode layers either way
      } finally {
        disposeCnn(model);
      }
    }
  });
});

describe('which batch norm layers are fused', () => {
  it('leaves alone other axes, channel counts off the SIMD width and fixed scales', () => {
    const make = (bn: tf.layers.Layer, shape: number[]) => {
      const m = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: shape }), bn] });
      return m;
    };
    const cases: Array<[tf.Sequential, RegExp | null]> = [
      [make(tf.layers.batchNormalization({}), [5, 8]), null],
      [make(tf.layers.batchNormalization({ axis: 1 }), [5, 8]), /axis 1/],
      [make(tf.layers.batchNormalization({}), [5, 6]), /6 channels/],
      [make(tf.layers.batchNormalization({ scale: false }), [5, 8]), /not trainable|missing/],
    ];
    try {
      for (const [model, why] of cases) {
        const layer = model.layers[model.layers.length - 1]!;
        const reason = batchNormUnfusable(layer);
        if (why === null) expect(reason).toBeNull();
        else expect(reason).toMatch(why);
        const restore = fuseBatchNormForTraining(model);
        expect(Object.prototype.hasOwnProperty.call(layer, 'call')).toBe(why === null);
        restore();
      }
    } finally {
      for (const [m] of cases) m.dispose();
    }
  });
});
