import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/ml/tfjs.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { buildFramesCnn, FRAMES_CNN } from '../src/ml/cnn/frames-model.js';
import { CnnError, describeModel, disposeCnn } from '../src/ml/cnn/model.js';
import { trainCnn } from '../src/ml/cnn/train.js';
import { cnnPredictProba } from '../src/models/cnn-predict.js';
import { argmaxRows } from '../src/ml/one-hot.js';
import { assemblePaperVector } from '../src/features/paper-vector.js';
import {
  frameMajorPermutation,
  FrameLayoutError,
  naturalFrameCount,
  paperVectorLayout,
  toFrameMajor,
} from '../src/features/frame-major.js';
import { Random } from '../src/util/random.js';

/** Frame features whose every value encodes (channel, frame): ZCR 1000+t, RMS 2000+t, MFCC_k 3000+100k+t. */
function codedFeatures(frames: number, nMfcc: number) {
  const zcr = Float64Array.from({ length: frames }, (_, t) => 1000 + t);
  const rms = Float64Array.from({ length: frames }, (_, t) => 2000 + t);
  const data = new Float64Array(nMfcc * frames); // librosa layout: [nMfcc, frames]
  for (let k = 0; k < nMfcc; k++) for (let t = 0; t < frames; t++) data[k * frames + t] = 3000 + 100 * k + t;
  return { zcr, rms, mfcc: { data, rows: nMfcc, cols: frames } };
}

describe('frame-major permutation of the paper vector', () => {
  it('puts each frame\'s ZCR, RMS and MFCCs together, for the paper layout (108 frames × 22)', () => {
    const frames = 108;
    const nMfcc = 20;
    const vector = assemblePaperVector(codedFeatures(frames, nMfcc), null);
    expect(vector.length).toBe(2376);
    const rows = 2;
    const X = new Float32Array(rows * 2376);
    X.set(vector, 0);
    X.set(vector.map((v) => -v), 2376); // a second row, to check rows do not mix
    const F = toFrameMajor(X, rows, 2376, nMfcc);
    for (let r = 0; r < rows; r++) {
      const sign = r === 0 ? 1 : -1;
      for (let t = 0; t < frames; t++) {
        const frame = Array.from(F.subarray(r * 2376 + t * 22, r * 2376 + (t + 1) * 22));
        const expected = [1000 + t, 2000 + t, ...Array.from({ length: nMfcc }, (_, k) => 3000 + 100 * k + t)].map((v) => sign * v);
        expect(frame).toEqual(expected);
      }
    }
  });

  it('reads a short (zero-padded) clip with its own block offsets and pads whole frames', () => {
    // 100 real frames padded to the paper's 2376 values: RMS starts at column 100, not 108.
    const vector = assemblePaperVector(codedFeatures(100, 20), 2376);
    const layout = paperVectorLayout(2376, 20);
    expect(naturalFrameCount(vector, layout)).toBe(100);
    expect(vector[100]).toBe(2000); // RMS[0]
    const F = toFrameMajor(vector, 1, 2376, 20);
    for (const t of [0, 57, 99]) {
      expect(Array.from(F.subarray(t * 22, (t + 1) * 22))).toEqual([1000 + t, 2000 + t, ...Array.from({ length: 20 }, (_, k) => 3000 + 100 * k + t)]);
    }
    expect(F.subarray(100 * 22).every((v) => v === 0)).toBe(true);
    // A silent last frame (MFCCs [c0, 0, …, 0]) still counts: c0 is never 0.
    const silent = codedFeatures(100, 20);
    for (let k = 1; k < 20; k++) silent.mfcc.data[k * 100 + 99] = 0;
    expect(naturalFrameCount(assemblePaperVector(silent, 2376), layout)).toBe(100);
    expect(naturalFrameCount(new Float32Array(2376), layout)).toBe(0);
  });

  it('is a permutation (every column used once) and matches a small hand-written case', () => {
    // 3 frames, 2 MFCCs: paper vector [z0 z1 z2 | r0 r1 r2 | m0[0] m1[0] m0[1] m1[1] m0[2] m1[2]].
    const layout = paperVectorLayout(12, 2);
    expect(layout).toEqual({ frames: 3, nMfcc: 2, channels: 4 });
    expect(Array.from(frameMajorPermutation(layout))).toEqual([0, 3, 6, 7, 1, 4, 8, 9, 2, 5, 10, 11]);
    const perm = frameMajorPermutation(paperVectorLayout(2376, 20));
    expect(new Set(perm).size).toBe(2376);
    expect(Math.min(...perm)).toBe(0);
    expect(Math.max(...perm)).toBe(2375);
  });

  it('rejects lengths that are not frames × (2 + nMfcc) with a named error', () => {
    expect(() => paperVectorLayout(2377, 20)).toThrow(FrameLayoutError);
    expect(() => paperVectorLayout(2377, 20)).toThrow(/2377 values is not frames × 22/);
    expect(() => paperVectorLayout(2376, 0)).toThrow(/nMfcc must be an integer ≥ 1/);
    expect(() => toFrameMajor(new Float32Array(10), 1, 12, 2)).toThrow(/1 rows × 12 values, got 10/);
  });
});

describe('frames CNN', () => {
  beforeAll(async () => {
    const info = await initBackend('wasm', { log: () => {} });
    expect(info.name).toBe('wasm');
  });

  it('builds with the expected layer shapes and parameter counts for 108 frames × 22 channels', () => {
    const model = buildFramesCnn(108, 22, 7, { seed: 1 });
    const layers = describeModel(model);
    disposeCnn(model);
    expect(layers.map((l) => [l.type, l.outputShape])).toEqual([
      ['Reshape', [108, 22]],
      ['Conv1D', [108, 64]],
      ['MaxPooling1D', [54, 64]],
      ['Conv1D', [54, 128]],
      ['MaxPooling1D', [27, 128]],
      ['GlobalAveragePooling1D', [128]],
      ['Dropout', [128]],
      ['Dense', [7]],
    ]);
    // Conv1D params = k · in · out + out; dense = in · out + out.
    const k = FRAMES_CNN.kernelSize;
    expect(layers.map((l) => l.params)).toEqual([0, k * 22 * 64 + 64, 0, k * 64 * 128 + 128, 0, 0, 0, 128 * 7 + 7]);
    expect(model.inputs[0]!.shape).toEqual([null, 2376, 1]); // what trainCnn and cnnPredictProba feed
  });

  it('initialises reproducibly from its seed', () => {
    const weights = (seed: number) => {
      const m = buildFramesCnn(8, 22, 3, { seed });
      const w = m.getWeights().map((t) => Array.from(t.dataSync()));
      disposeCnn(m);
      return w;
    };
    expect(weights(5)).toEqual(weights(5));
    expect(weights(5)).not.toEqual(weights(6));
  });

  it('rejects shapes it cannot pool', () => {
    expect(() => buildFramesCnn(3, 22, 7)).toThrow(CnnError);
    expect(() => buildFramesCnn(108, 22, 1)).toThrow(/nClasses must be an integer ≥ 2/);
  });

  it('gets the same gradients on the wasm backend as on tfjs-backend-cpu (every training kernel it needs)', async () => {
    const rng = new Random(3);
    const frames = 16;
    const rows = 4;
    const x = Float32Array.from({ length: rows * frames * 22 }, () => rng.gaussian());
    const labels = Int32Array.from({ length: rows }, (_, i) => i % 3);
    const grads = async (backend: string) => {
      await tf.setBackend(backend);
      const model = buildFramesCnn(frames, 22, 3, { seed: 9 });
      const { grads: g } = tf.variableGrads(() => {
        const probs = model.apply(tf.tensor3d(x, [rows, frames * 22, 1]), { training: false }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), tf.log(probs)) as tf.Scalar;
      });
      // Keyed by the layer-relative weight name (tfjs makes variable names unique per build).
      const out = Object.fromEntries(
        model.trainableWeights.map((w) => [w.originalName, Float32Array.from(g[(w.read() as unknown as { name: string }).name]!.dataSync())]),
      );
      tf.dispose(Object.values(g));
      disposeCnn(model);
      return out;
    };
    const cpu = await grads('cpu');
    const wasm = await grads('wasm');
    expect(Object.keys(wasm).sort()).toEqual(Object.keys(cpu).sort());
    expect(Object.keys(wasm).length).toBe(6); // 3 kernels + 3 biases
    for (const name of Object.keys(cpu)) {
      const a = cpu[name]!;
      const b = wasm[name]!;
      let scale = 0;
      let diff = 0;
      for (let i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(a[i]!));
        diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale, name).toBeLessThan(1e-4);
    }
  });

  it('learns separable frame patterns on the wasm backend through trainCnn and cnnPredictProba', async () => {
    // Each class is a prototype sequence of 12 frames × 22 channels; rows are prototype + noise,
    // stored in paper-vector order so the frame-major re-layout is exercised too (no zeros: full-length rows).
    const frames = 12;
    const nMfcc = 20;
    const dim = frames * 22;
    const nClasses = 3;
    const rng = new Random(7);
    const protos = Array.from({ length: nClasses }, () => Float32Array.from({ length: dim }, () => rng.gaussian()));
    const make = (rows: number) => {
      const X = new Float32Array(rows * dim);
      const y = new Int32Array(rows);
      for (let r = 0; r < rows; r++) {
        y[r] = r % nClasses;
        for (let j = 0; j < dim; j++) X[r * dim + j] = protos[y[r]!]![j]! + 0.7 * rng.gaussian();
      }
      return { X, y };
    };
    const train = make(150);
    const test = make(60);
    const before = tf.memory().numTensors;
    const model = buildFramesCnn(frames, 22, nClasses, { seed: 11 });
    const fit = await trainCnn(toFrameMajor(train.X, 150, dim, nMfcc), train.y, nClasses, { model, epochs: 15, batchSize: 16, seed: 11 });
    expect(fit.backend).toBe('wasm');
    expect(fit.history.at(-1)!.loss).toBeLessThan(fit.history[0]!.loss);
    const pred = argmaxRows(cnnPredictProba(fit.model, toFrameMajor(test.X, 60, dim, nMfcc), 60, dim), 60, nClasses);
    const correct = pred.reduce((n, p, i) => n + (p === test.y[i] ? 1 : 0), 0);
    expect(correct / 60).toBeGreaterThan(0.9);
    disposeCnn(fit.model);
    expect(tf.memory().numTensors).toBe(before);
  });
});
