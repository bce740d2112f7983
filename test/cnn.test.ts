import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/ml/tfjs.js';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../src/ml/cnn/backend.js';
import { buildPaperCnn, CnnError, describeModel, disposeCnn } from '../src/ml/cnn/model.js';
import { trainCnn, type BatchProgress } from '../src/ml/cnn/train.js';
import { loadCnn, saveCnn } from '../src/ml/cnn/persist.js';
import { BundleError } from '../src/models/bundle-files.js';
import { conv1dK3FilterGradSimd, conv1dFilterGradSimd, conv2dBackpropFilterNhwc } from '../src/ml/cnn/kernels/conv2d-backprop-filter.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { conv1dBackpropInputSimd, conv1dForwardSimd } from '../src/ml/cnn/kernels/conv1d.js';
import { FusedAdamOptimizer } from '../src/ml/cnn/kernels/fused-adam.js';
import { Random } from '../src/util/random.js';

/** rows × dim features: class prototype (seeded Gaussian pattern) + noise; labels cycle through classes. */
function separableData(rows: number, dim: number, nClasses: number, seed: number, noise = 0.5) {
  const rng = new Random(seed);
  const protos = Array.from({ length: nClasses }, () => Float32Array.from({ length: dim }, () => rng.gaussian()));
  const X = new Float32Array(rows * dim);
  const y = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = rng.int(0, nClasses - 1);
    y[r] = c;
    for (let j = 0; j < dim; j++) X[r * dim + j] = protos[c]![j]! + noise * rng.gaussian();
  }
  return { X, y };
}

function randomTensor(shape: number[], seed: number): tf.Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.gaussian()), shape);
}

/** Runs `f` on the cpu backend (tfjs reference kernels) and on wasm; returns both results as arrays. */
async function onBothBackends(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const run = async (name: string) => {
    await tf.setBackend(name);
    const out = tf.tidy(f);
    const list = Array.isArray(out) ? out : [out];
    const arrays = list.map((t) => t.dataSync() as Float32Array).map((a) => Float32Array.from(a));
    tf.dispose(list);
    return arrays;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

let backendName = '';

beforeAll(async () => {
  const info = await initBackend('wasm', { log: () => {} });
  backendName = info.name;
});

describe('initBackend', () => {
  it('selects the wasm backend with the added training kernels, and falls back from tfjs-node cleanly', async () => {
    expect(backendName).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    const logs: string[] = [];
    const info = await initBackend('node', { log: (m) => logs.push(m) });
    expect(['tensorflow', 'wasm']).toContain(info.name);
    if (info.name === 'wasm') expect(info.detail).toMatch(/tfjs-node unavailable/);
    expect(logs[0]).toMatch(new RegExp(`backend: ${info.name}`));
    await tf.setBackend('wasm');
  });
});

describe('wasm training kernels agree with tfjs-backend-cpu', () => {
  const cases: Array<{ what: string; x: number[]; f: number[]; strides: number; pad: 'valid' | 'same' }> = [
    { what: 'paper Conv1D (1×3, 1→64)', x: [4, 1, 50, 1], f: [1, 3, 1, 64], strides: 1, pad: 'valid' },
    { what: '3×3, 2→5 channels, stride 2, same padding', x: [2, 7, 9, 2], f: [3, 3, 2, 5], strides: 2, pad: 'same' },
    // Conv1D shapes of the frames / log-mel models (ser.wasm's generic 1-D kernel): odd taps, 4- and 8-wide blocks.
    { what: 'Conv1D k5, 22→64, same padding', x: [3, 1, 37, 22], f: [1, 5, 22, 64], strides: 1, pad: 'same' },
    { what: 'Conv1D k5, 64→132, same padding', x: [2, 1, 19, 64], f: [1, 5, 64, 132], strides: 1, pad: 'same' },
    { what: 'Conv1D k3, 7→12, stride 2, valid', x: [5, 1, 23, 7], f: [1, 3, 7, 12], strides: 2, pad: 'valid' },
    { what: 'Conv1D k4, 3→8, stride 3, same (asymmetric padding)', x: [2, 1, 16, 3], f: [1, 4, 3, 8], strides: 3, pad: 'same' },
  ];
  for (const c of cases) {
    it(`Conv2DBackpropFilter: ${c.what}`, async () => {
      const x = randomTensor(c.x, 1);
      const f = randomTensor(c.f, 2);
      const { cpu, wasm } = await onBothBackends(() => {
        const loss = (w: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.strides, c.pad).square().sum();
        return tf.grad(loss)(f);
      });
      const scale = Math.max(...cpu[0]!.map(Math.abs));
      expect(maxAbsDiff(cpu[0]!, wasm[0]!) / scale).toBeLessThan(1e-5);
      tf.dispose([x, f]);
    });
  }

  it('the ser.wasm SIMD Conv1D filter gradient equals the JS loop', async () => {
    const core = await loadWasmCore();
    const info = tf.backend_util.computeConv2DInfo([3, 1, 101, 1], [1, 3, 1, 64], 1, 1, 'valid');
    const rng = new Random(13);
    const x = Float32Array.from({ length: 3 * 101 }, () => rng.gaussian());
    const dy = Float32Array.from({ length: 3 * 99 * 64 }, () => rng.gaussian());
    const js = conv2dBackpropFilterNhwc(x, dy, info);
    const simd = conv1dK3FilterGradSimd(core, x, dy, info);
    // Same per-image float32 partials and float64 totals; only SIMD lane order could differ (it does not here).
    expect(maxAbsDiff(js, simd)).toBeLessThan(1e-4);
    const bytes = core.memoryBytes;
    conv1dK3FilterGradSimd(core, x, dy, info);
    expect(core.memoryBytes).toBe(bytes); // scratch reused, no growth after warm-up
  });

  // Conv2D forward and Conv2DBackpropInput for Conv1D shapes run in ser.wasm (kernels/conv1d.ts).
  const conv1dCases: Array<{ what: string; x: number[]; f: number[]; strides: number; pad: 'valid' | 'same' }> = [
    { what: 'k5, 22→64, same', x: [3, 1, 37, 22], f: [1, 5, 22, 64], strides: 1, pad: 'same' },
    { what: 'k3, 7→7 (O not a multiple of 4), stride 2, valid', x: [5, 1, 23, 7], f: [1, 3, 7, 7], strides: 2, pad: 'valid' },
    { what: 'k4, 3→12, stride 3, same (asymmetric padding)', x: [2, 1, 16, 3], f: [1, 4, 3, 12], strides: 3, pad: 'same' },
    { what: 'k1, 128→20 (pointwise)', x: [6, 1, 9, 128], f: [1, 1, 128, 20], strides: 1, pad: 'valid' },
    { what: 'k3, 1→64, valid (the paper CNN\'s first layer)', x: [4, 1, 2376, 1], f: [1, 3, 1, 64], strides: 1, pad: 'valid' },
  ];
  for (const c of conv1dCases) {
    it(`Conv1D forward and both gradients: ${c.what}`, async () => {
      const x = randomTensor(c.x, 3);
      const f = randomTensor(c.f, 4);
      const { cpu, wasm } = await onBothBackends(() => {
        const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad);
        const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.strides, c.pad).square().sum();
        const [dx, dw] = tf.grads(loss)([x, f]);
        return [y, dx!, dw!];
      });
      for (let i = 0; i < 3; i++) {
        const scale = cpu[i]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(maxAbsDiff(cpu[i]!, wasm[i]!) / scale).toBeLessThan(1e-5);
      }
      tf.dispose([x, f]);
    });
  }

  it('Conv1D forward and input gradient in ser.wasm do not grow its memory', async () => {
    const core = await loadWasmCore();
    const info = tf.backend_util.computeConv2DInfo([4, 1, 50, 22], [1, 5, 22, 64], 1, 1, 'same');
    const rng = new Random(5);
    const x = Float32Array.from({ length: 4 * 50 * 22 }, () => rng.gaussian());
    const w = Float32Array.from({ length: 5 * 22 * 64 }, () => rng.gaussian());
    const dy = Float32Array.from({ length: 4 * 50 * 64 }, () => rng.gaussian());
    conv1dForwardSimd(core, x, w, info);
    conv1dBackpropInputSimd(core, dy, w, info);
    const bytes = core.memoryBytes;
    for (let i = 0; i < 500; i++) {
      conv1dForwardSimd(core, x, w, info);
      conv1dBackpropInputSimd(core, dy, w, info);
    }
    expect(core.memoryBytes).toBe(bytes);
  });

  it('the ser.wasm generic Conv1D filter gradient equals the JS loop and does not grow memory', async () => {
    const core = await loadWasmCore();
    const rng = new Random(17);
    for (const [shape, filter, stride, pad] of [
      [[4, 1, 45, 22], [1, 5, 22, 64], 1, 'same'],
      [[3, 1, 30, 9], [1, 7, 9, 20], 2, 'valid'],
      [[1, 1, 8, 1], [1, 2, 1, 4], 1, 'same'],
    ] as Array<[[number, number, number, number], [number, number, number, number], number, 'same' | 'valid']>) {
      const info = tf.backend_util.computeConv2DInfo(shape, filter, stride, 1, pad);
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.gaussian());
      const dy = Float32Array.from({ length: info.batchSize * info.outWidth * info.outChannels }, () => rng.gaussian());
      const js = conv2dBackpropFilterNhwc(x, dy, info);
      const simd = conv1dFilterGradSimd(core, x, dy, info);
      // float32 sums in a different order within an image: relative to the largest weight gradient.
      const scale = Math.max(...Array.from(js, Math.abs));
      expect(maxAbsDiff(js, simd) / scale).toBeLessThan(1e-5);
      const bytes = core.memoryBytes;
      for (let i = 0; i < 200; i++) conv1dFilterGradSimd(core, x, dy, info);
      expect(core.memoryBytes).toBe(bytes);
    }
  });

  it('conv2dBackpropFilterNhwc matches the defining sum on a tiny case', () => {
    // x: 1 image 1×4, 1 channel; filter 1×2, 1→1; dy: 1×3. dW[c] = Σ_j x[j+c]·dy[j].
    const info = tf.backend_util.computeConv2DInfo([1, 1, 4, 1], [1, 2, 1, 1], 1, 1, 'valid');
    const dW = conv2dBackpropFilterNhwc(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 10, 100), info);
    expect(Array.from(dW)).toEqual([1 + 20 + 300, 2 + 30 + 400]);
  });

  it('MaxPoolGrad (pool 2 and overlapping 3/stride 2 with padding), incl. ties', async () => {
    const ties = tf.tensor4d([1, 1, 2, 2, 0, 3, 3, 3], [1, 8, 1, 1]);
    for (const [size, stride, pad] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
    ] as const) {
      for (const x of [randomTensor([2, 9, 1, 6], 3), ties]) {
        const { cpu, wasm } = await onBothBackends(() =>
          tf.grad((v: tf.Tensor) => tf.maxPool(v as tf.Tensor4D, [size, 1], [stride, 1], pad).square().sum())(x),
        );
        expect(maxAbsDiff(cpu[0]!, wasm[0]!)).toBe(0);
      }
    }
    ties.dispose();
  });

  it('BatchMatMul with transposed operands and Sum over leading axes', async () => {
    const a = randomTensor([6, 40], 4);
    const b = randomTensor([40, 5], 5);
    const bt = randomTensor([5, 40], 6);
    const at = randomTensor([40, 6], 7);
    const x = randomTensor([3, 11, 4], 8);
    const { cpu, wasm } = await onBothBackends(() => [
      tf.matMul(at, b, true, false),
      tf.matMul(a, bt, false, true),
      tf.matMul(at, bt, true, true),
      tf.matMul(a, b),
      tf.sum(x, [0, 1]),
      tf.sum(x, [0], true),
      tf.sum(x, [1]),
    ]);
    for (let i = 0; i < cpu.length; i++) expect(maxAbsDiff(cpu[i]!, wasm[i]!)).toBeLessThan(1e-4);
    tf.dispose([a, b, at, bt, x]);
  });

  it("BatchMatMul at the paper CNN's dense shapes (batch 32 × 75,968 → 64: forward, dW = xᵀ·dy, dx = dy·Wᵀ)", async () => {
    const x = randomTensor([32, 75968], 11);
    const w = randomTensor([75968, 64], 12);
    const dy = randomTensor([32, 64], 13);
    const { cpu, wasm } = await onBothBackends(() => [tf.matMul(x, w), tf.matMul(x, dy, true, false), tf.matMul(dy, w, false, true)]);
    for (let i = 0; i < cpu.length; i++) {
      const scale = cpu[i]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(maxAbsDiff(cpu[i]!, wasm[i]!) / scale, `product ${i}`).toBeLessThan(1e-5);
    }
    tf.dispose([x, w, dy]);
  }, 60_000);
});

describe('fused Adam and shared Identity on wasm', () => {
  it('FusedAdamOptimizer matches tf.train.adam to float32 rounding over several steps', async () => {
    await tf.setBackend('wasm');
    const run = (opt: tf.Optimizer) => {
      const w = tf.variable(randomTensor([50, 7], 11));
      const target = randomTensor([50, 7], 12);
      for (let step = 0; step < 5; step++) opt.minimize(() => w.sub(target).square().mul(w).sum() as tf.Scalar);
      const out = Float32Array.from(w.dataSync());
      tf.dispose([w, target]);
      opt.dispose();
      return out;
    };
    const stock = run(tf.train.adam(1e-2, 0.9, 0.999, 1e-7));
    const fused = run(new FusedAdamOptimizer(1e-2, 0.9, 0.999, 1e-7));
    // Intermediates in float64 instead of float32. Measured after 5 steps:
    // max |Δw| = 1.2e-7 (one float32 ulp near 1), 302 of 350 weights bit-identical.
    let worst = 0;
    for (let i = 0; i < stock.length; i++) worst = Math.max(worst, Math.abs(fused[i]! - stock[i]!));
    expect(worst).toBeLessThan(1e-6);
    expect(Array.from(fused)).not.toEqual(Array.from(randomTensor([50, 7], 11).dataSync())); // it did move
    // ... and the fused kernel really ran.
    const opt = new FusedAdamOptimizer(1e-2, 0.9, 0.999, 1e-7);
    const w = tf.variable(tf.ones([4]));
    const prof = await tf.profile(() => {
      opt.minimize(() => w.square().sum() as tf.Scalar);
    });
    expect(prof.kernelNames).toContain('SerFusedAdam');
    w.dispose();
    opt.dispose();
  });

  it('clone shares the buffer but survives disposal of the original', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1, 2, 3]);
    const b = a.clone();
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('paper CNN (Table 2)', () => {
  it('has the published layers, output shapes and parameter counts for 2,376 features and 7 classes', () => {
    const model = buildPaperCnn(2376, 7, { seed: 1 });
    expect(describeModel(model).map(({ type, outputShape, params }) => ({ type, outputShape, params }))).toEqual([
      { type: 'Conv1D', outputShape: [2374, 64], params: 3 * 64 + 64 },
      { type: 'MaxPooling1D', outputShape: [1187, 64], params: 0 },
      { type: 'Flatten', outputShape: [75968], params: 0 },
      { type: 'Dense', outputShape: [64], params: 75968 * 64 + 64 },
      { type: 'Dropout', outputShape: [64], params: 0 },
      { type: 'Dense', outputShape: [7], params: 64 * 7 + 7 },
    ]);
    expect(model.countParams()).toBe(256 + 4_862_016 + 455);
    disposeCnn(model);
  });

  it('seeded initialisation is reproducible', () => {
    const a = buildPaperCnn(16, 3, { seed: 9 });
    const b = buildPaperCnn(16, 3, { seed: 9 });
    const c = buildPaperCnn(16, 3, { seed: 10 });
    const wa = a.getWeights()[0]!.dataSync();
    expect(Array.from(b.getWeights()[0]!.dataSync())).toEqual(Array.from(wa));
    expect(Array.from(c.getWeights()[0]!.dataSync())).not.toEqual(Array.from(wa));
    [a, b, c].forEach(disposeCnn);
  });

  it('rejects bad input with CnnError', async () => {
    const y = Int32Array.of(0, 1, 2);
    await expect(trainCnn(new Float32Array(10), y, 3)).rejects.toThrow(/not a multiple of the 3 rows/);
    await expect(trainCnn(new Float32Array(30), Int32Array.of(0, 1, 3), 3)).rejects.toThrow(/y\[2\] = 3 is outside \[0, 2\]/);
    await expect(trainCnn(Float32Array.of(0, 0, 0, 0, 0, NaN, 0, 0, 0, 0, 0, 0), Int32Array.of(0, 1), 2)).rejects.toThrow(CnnError);
    await expect(trainCnn(new Float32Array(30), y, 3, { validationSplit: 1 })).rejects.toThrow(/validationSplit/);
    expect(() => buildPaperCnn(3, 2)).toThrow(CnnError);
    const small = buildPaperCnn(8, 2);
    await expect(trainCnn(new Float32Array(30), y, 3, { model: small })).rejects.toThrow(/model takes \[8,1\] → \[2\], data is \[10,1\] → \[3\]/);
    disposeCnn(small);
  });
});

describe('trainCnn on the wasm backend', () => {
  const dim = 64;
  const nClasses = 3;
  const { X, y } = separableData(200, dim, nClasses, 42);
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ser-cnn-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('learns separable data within a few epochs, reproducibly, without leaking tensors', async () => {
    const before = tf.memory().numTensors;
    const perEpochTensors: number[] = [];
    const run = () =>
      trainCnn(X, y, nClasses, {
        epochs: 6,
        seed: 7,
        patience: Infinity,
        onEpoch: () => {
          perEpochTensors.push(tf.memory().numTensors);
        },
      });
    const first = await run();
    expect(first.backend).toBe('wasm');
    expect(first.history).toHaveLength(6);
    expect(first.epochMs).toHaveLength(6);
    expect(first.stoppedEpoch).toBeNull();
    const last = first.history.at(-1)!;
    expect(last.acc).toBeGreaterThan(0.95);
    expect(last.val_acc).toBeGreaterThan(0.95);
    expect(first.history[0]!.loss).toBeGreaterThan(last.loss);
    // Same number of live tensors after every epoch: nothing accumulates.
    expect(new Set(perEpochTensors).size).toBe(1);

    const second = await run();
    expect(second.history).toEqual(first.history); // seeded init, shuffle and dropout
    disposeCnn(first.model);
    disposeCnn(second.model);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('onBatch reports every batch and a final done event, and does not change the weights', async () => {
    const events: BatchProgress[] = [];
    const withHook = await trainCnn(X, y, nClasses, { epochs: 2, seed: 9, onBatch: (p) => events.push({ ...p }) });
    const without = await trainCnn(X, y, nClasses, { epochs: 2, seed: 9 });
    // 160 training rows (validationSplit 0.2) in batches of 32: 5 per epoch.
    expect(events.map((e) => `${e.epoch}:${e.batch}/${e.batches}`)).toEqual(['0:1/5', '0:2/5', '0:3/5', '0:4/5', '0:5/5', '1:1/5', '1:2/5', '1:3/5', '1:4/5', '1:5/5', '1:5/5']);
    expect(events.slice(0, -1).every((e) => e.epochs === 2 && !e.done)).toBe(true);
    expect(events.at(-1)).toEqual({ epoch: 1, epochs: 2, batch: 5, batches: 5, done: true });
    const weights = (m: tf.LayersModel) => m.getWeights().map((w) => Array.from(w.dataSync()));
    expect(weights(withHook.model)).toEqual(weights(without.model));
    disposeCnn(withHook.model);
    disposeCnn(without.model);
  });

  it('stops early on val_loss and restores the best weights', async () => {
    // Validation rows (last 20%) get a wrong-by-one label: the better the fit
    // to the training rows, the worse val_loss — early stopping must fire.
    const yShifted = Int32Array.from(y, (c, i) => (i >= 160 ? (c + 1) % nClasses : c));
    const patience = 2;
    const res = await trainCnn(X, yShifted, nClasses, { epochs: 30, patience, seed: 3 });
    expect(res.stoppedEpoch).not.toBeNull();
    expect(res.stoppedEpoch).toBe(res.bestEpoch + patience);
    expect(res.history).toHaveLength(res.stoppedEpoch! + 1);
    const best = res.history[res.bestEpoch]!.val_loss!;
    expect(Math.min(...res.history.map((h) => h.val_loss!))).toBe(best);
    // The returned model is the best epoch's: re-evaluating val rows gives its val_loss, not the last one.
    const xVal = tf.tensor3d(X.subarray(160 * dim), [40, dim, 1]);
    const yVal = tf.tidy(() => tf.oneHot(tf.tensor1d(yShifted.subarray(160), 'int32'), nClasses));
    const [loss] = (res.model.evaluate(xVal, yVal) as tf.Scalar[]).map((t) => t.dataSync()[0]!);
    expect(loss).toBeCloseTo(best, 4);
    expect(Math.abs(loss! - res.history.at(-1)!.val_loss!)).toBeGreaterThan(1e-3);
    tf.dispose([xVal, yVal]);
    disposeCnn(res.model);
  });

  it('save/load round trip (model.json + weights.bin) predicts identically', async () => {
    const res = await trainCnn(X, y, nClasses, { epochs: 2, seed: 5 });
    await saveCnn(res.model, dir);
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadCnn(dir);
    const x = tf.tensor3d(X.subarray(0, 20 * dim), [20, dim, 1]);
    const p1 = (res.model.predict(x) as tf.Tensor).dataSync();
    const p2 = (loaded.predict(x) as tf.Tensor).dataSync();
    expect(Array.from(p2)).toEqual(Array.from(p1));
    await expect(loadCnn(join(dir, 'missing'))).rejects.toThrow(BundleError);
    await writeFile(join(dir, 'weights.bin'), new Uint8Array(12));
    await expect(loadCnn(dir)).rejects.toThrow(/hold 12 bytes but model.json describes/);
    tf.dispose(x);
    disposeCnn(res.model);
    disposeCnn(loaded);
  });
});
