/**
 * The fused Conv1D → ReLU → MaxPooling1D op (kernels/conv-relu-pool.ts,
 * assembly/conv_relu_pool.ts) and the layer patch that uses it while the paper
 * CNN trains (fuse-conv-pool.ts): kernels against a float64 reference on odd
 * shapes (register-blocked and general paths), the patched model against
 * tfjs' own layers (outputs and weight gradients), the patch's scope, and the
 * models it must leave alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/ml/tfjs.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { kernelCore } from '../src/ml/cnn/kernels/kernel-core.js';
import { configureKernelThreads, kernelThreadCount } from '../src/ml/cnn/threads/kernel-pool.js';
import {
  CONV_RELU_POOL_GRAD_KERNEL,
  CONV_RELU_POOL_KERNEL,
  convReluPool,
  convReluPoolGradReference,
  convReluPoolGradWasm,
  convReluPoolReference,
  convReluPoolShape,
  convReluPoolWasm,
} from '../src/ml/cnn/kernels/conv-relu-pool.js';
import { fusableConvPool, fuseConvPoolForTraining } from '../src/ml/cnn/fuse-conv-pool.js';
import { buildPaperCnn, disposeCnn, setDropoutSeed } from '../src/ml/cnn/model.js';
import { buildFramesCnn } from '../src/ml/cnn/frames-model.js';
import { trainCnn } from '../src/ml/cnn/train.js';
import type { WasmCore } from '../src/wasm/core.js';
import { gaussian, relErr } from './helpers/arrays.js';

let core: WasmCore;
beforeAll(async () => {
  await initBackend('wasm', { log: () => {} });
  core = kernelCore()!;
});

// [batch, width, taps, channels, pool]: the paper's shape (register-blocked path), a channel tail, wider taps and
// pools, a width whose last positions no window reaches, and pool 1.
const SHAPES: Array<[number, number, number, number, number]> = [
  [3, 40, 3, 64, 2],
  [2, 33, 3, 6, 2],
  [2, 29, 5, 8, 3],
  [1, 12, 2, 5, 4],
  [2, 9, 3, 4, 1],
];

describe('convReluPool kernels vs the float64 reference', () => {
  it('the wasm module is loaded with the fused kernels', () => {
    expect(core).toBeTruthy();
  });

  for (const [batch, width, taps, channels, pool] of SHAPES) {
    it(`forward and weight gradients, batch ${batch} width ${width} taps ${taps} channels ${channels} pool ${pool}`, () => {
      const s = convReluPoolShape([batch, width, 1], [taps, 1, channels], [channels], pool);
      expect(s.outWidth).toBe(Math.floor((width - taps + 1) / pool));
      const x = gaussian(batch * width, 1);
      const w = gaussian(taps * channels, 2, 0.5);
      const b = gaussian(channels, 3, 0.2);
      const dy = gaussian(batch * s.outWidth * channels, 4);
      const y = new Float32Array(batch * s.outWidth * channels);
      convReluPoolWasm(core, x, w, b, s, y);
      const yRef = convReluPoolReference(x, w, b, s);
      expect(relErr(y, yRef)).toBeLessThan(1e-6);
      // Both signs occur: some windows are all-negative (zero output, no gradient).
      expect(y.some((v) => v === 0)).toBe(true);
      expect(y.some((v) => v > 0)).toBe(true);

      const g = new Float32Array((taps + 1) * channels);
      convReluPoolGradWasm(core, x, w, b, dy, s, g);
      const gRef = convReluPoolGradReference(x, w, b, dy, s);
      expect(relErr(g, gRef)).toBeLessThan(1e-5);
      expect(gRef.some((v) => v !== 0)).toBe(true);
    });
  }

  it('ties inside a window go to the first position (tfjs MaxPoolGrad rule)', () => {
    // Constant input: both positions of every window have the same positive activation.
    const s = convReluPoolShape([1, 10, 1], [3, 1, 4], [4], 2);
    const x = new Float32Array(10).fill(1);
    x[9] = 100; // reached only by the last window's second position... which the tie rule never picks unless it is larger
    const w = Float32Array.from([1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]); // tap 0 only
    const b = new Float32Array(4);
    const dy = new Float32Array(s.outWidth * 4).fill(1);
    const g = new Float32Array(16);
    convReluPoolGradWasm(core, x, w, b, dy, s, g);
    const gRef = convReluPoolGradReference(x, w, b, dy, s);
    expect(Array.from(g)).toEqual(Array.from(gRef, Math.fround));
    // Tap 1 of window p reads x[2p + 1] (first position) = 1, never x[9]: the sum is outWidth.
    expect(g[4]).toBe(s.outWidth);
  });

  it('rejects shapes the kernel does not compute', () => {
    expect(() => convReluPoolShape([2, 10, 2], [3, 2, 4], [4], 2)).toThrow(/\[batch, width, 1\]/);
    expect(() => convReluPoolShape([2, 10, 1], [3, 1, 4], [5], 2)).toThrow(/bias must be \[4\]/);
    expect(() => convReluPoolShape([2, 3, 1], [3, 1, 4], [4], 2)).toThrow(/leaves no pooled output/);
    expect(() => convReluPoolShape([2, 10, 1], [3, 1, 4], [4], 0)).toThrow(/pool must be/);
  });
});

describe('the kernel threads compute the same bits as ser.wasm', () => {
  it('forward and gradient on 1, 2 and 3 threads (paper shape and a general one)', () => {
    for (const [batch, width, taps, channels, pool] of [[5, 50, 3, 64, 2], [3, 31, 4, 6, 3]] as const) {
      const s = convReluPoolShape([batch, width, 1], [taps, 1, channels], [channels], pool);
      const x = gaussian(batch * width, 21), w = gaussian(taps * channels, 22, 0.5), b = gaussian(channels, 23, 0.2);
      const dy = gaussian(batch * s.outWidth * channels, 24);
      const yCore = new Float32Array(batch * s.outWidth * channels);
      convReluPoolWasm(core, x, w, b, s, yCore);
      const gCore = new Float32Array((taps + 1) * channels);
      convReluPoolGradWasm(core, x, w, b, dy, s, gCore);
      for (const threads of [1, 2, 3]) {
        configureKernelThreads(threads);
        const [y, g] = tf.tidy(() => {
          const xt = tf.tensor3d(x, [batch, width, 1]), wt = tf.tensor3d(w, [taps, 1, channels]), bt = tf.tensor1d(b);
          const yt = tf.engine().runKernel(CONV_RELU_POOL_KERNEL, { x: xt, filter: wt, bias: bt }, { pool }) as tf.Tensor;
          const gt = tf.engine().runKernel(CONV_RELU_POOL_GRAD_KERNEL, { x: xt, filter: wt, bias: bt, dy: tf.tensor3d(dy, [batch, s.outWidth, channels]) }, { pool }) as tf.Tensor;
          return [yt.dataSync().slice(), gt.dataSync().slice()];
        });
        expect(kernelThreadCount()).toBe(threads);
        expect(Buffer.from(y!.buffer).equals(Buffer.from(yCore.buffer)), `forward, ${threads} threads`).toBe(true);
        expect(Buffer.from(g!.buffer).equals(Buffer.from(gCore.buffer)), `gradient, ${threads} threads`).toBe(true);
      }
    }
  });
});

describe('the patched paper CNN against tfjs layers', () => {
  const DIM = 101; // conv → 99 positions → pool → 49 (one position dropped)
  const CLASSES = 7;

  function lossOf(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor): tf.Scalar {
    return tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: false }) as tf.Tensor) as tf.Scalar;
  }

  it('outputs and every weight gradient agree; the patch is undone', () => {
    const model = buildPaperCnn(DIM, CLASSES, { seed: 5 });
    const x = tf.tensor3d(gaussian(16 * DIM, 6), [16, DIM, 1]);
    const y = tf.oneHot(tf.tensor1d(Array.from({ length: 16 }, (_, i) => i % CLASSES), 'int32'), CLASSES);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    try {
      const plain = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync().slice());
      const plainGrads = tf.variableGrads(() => lossOf(model, x, y), vars);
      const restore = fuseConvPoolForTraining(model);
      expect(Object.prototype.hasOwnProperty.call(model.layers[0], 'call')).toBe(true);
      let fused: Float32Array, fusedGrads: ReturnType<typeof tf.variableGrads>;
      try {
        fused = tf.tidy(() => (model.predict(x) as tf.Tensor).dataSync().slice() as Float32Array);
        fusedGrads = tf.variableGrads(() => lossOf(model, x, y), vars);
      } finally {
        restore();
      }
      expect(Object.prototype.hasOwnProperty.call(model.layers[0], 'call')).toBe(false);
      expect(Object.prototype.hasOwnProperty.call(model.layers[1], 'call')).toBe(false);
      expect(relErr(fused, plain)).toBeLessThan(1e-6);
      expect(Math.abs(fusedGrads.value.dataSync()[0]! - plainGrads.value.dataSync()[0]!)).toBeLessThan(1e-5);
      for (const v of vars) {
        const a = fusedGrads.grads[v.name]!.dataSync();
        const b = plainGrads.grads[v.name]!.dataSync();
        expect(a.length).toBe(b.length);
        expect(relErr(a, b), v.name).toBeLessThan(1e-5);
      }
      tf.dispose([fusedGrads.value, plainGrads.value, ...Object.values(fusedGrads.grads), ...Object.values(plainGrads.grads)]);
    } finally {
      tf.dispose([x, y]);
      disposeCnn(model);
    }
  });

  it('a fused training step leaves no tensor behind, and training moves the same way as unfused', async () => {
    const rows = 64;
    const X = gaussian(rows * DIM, 7);
    const labels = Array.from({ length: rows }, (_, i) => i % CLASSES);
    const x = tf.tensor3d(X, [rows, DIM, 1]);
    const y = tf.oneHot(tf.tensor1d(labels, 'int32'), CLASSES);
    const runs: Float32Array[][] = [];
    try {
      for (const fuse of [false, true]) {
        const model = buildPaperCnn(DIM, CLASSES, { seed: 9 });
        setDropoutSeed(model, 11); // the same dropout mask in both runs
        const restore = fuse ? fuseConvPoolForTraining(model) : () => {};
        try {
          await model.trainOnBatch(x, y); // optimiser state created
          const before = tf.memory().numTensors;
          for (let i = 0; i < 3; i++) await model.trainOnBatch(x, y);
          expect(tf.memory().numTensors).toBe(before);
        } finally {
          restore();
        }
        runs.push(model.getWeights().map((w) => w.dataSync().slice() as Float32Array));
        disposeCnn(model);
      }
      // Four Adam steps from the same start: weights agree to float32 rounding of the gradient sums.
      for (let i = 0; i < runs[0]!.length; i++) expect(relErr(runs[1]![i]!, runs[0]![i]!)).toBeLessThan(1e-4);
    } finally {
      tf.dispose([x, y]);
    }
  });

  it('trainCnn fuses by default, not with fuseLayers: false, and leaves the layers unpatched', async () => {
    const rows = 64;
    const X = gaussian(rows * DIM, 12);
    const y = Int32Array.from({ length: rows }, (_, i) => i % CLASSES);
    for (const fuse of [true, false]) {
      const model = buildPaperCnn(DIM, CLASSES, { seed: 13 });
      try {
        const prof = await tf.profile(async () => {
          await trainCnn(X, y, CLASSES, { model, epochs: 1, validationSplit: 0, seed: 2, ...(fuse ? {} : { fuseLayers: false }) });
        });
        expect(prof.kernelNames.includes(CONV_RELU_POOL_GRAD_KERNEL), `fuse ${fuse}`).toBe(fuse);
        expect(prof.kernelNames.includes('MaxPoolGrad'), `fuse ${fuse}`).toBe(!fuse);
        expect(Object.prototype.hasOwnProperty.call(model.layers[0], 'call')).toBe(false);
      } finally {
        disposeCnn(model);
      }
    }
  });

  it('the fused op has no input gradient (first layers only)', () => {
    const x = tf.tensor3d(gaussian(2 * 20, 8), [2, 20, 1]);
    const w = tf.tensor3d(gaussian(3 * 4, 9), [3, 1, 4]);
    const b = tf.zeros([4]) as tf.Tensor1D;
    try {
      expect(() => tf.grad((xx: tf.Tensor) => convReluPool(xx as tf.Tensor3D, w, b, 2).sum())(x)).toThrow(/no input gradient/);
    } finally {
      tf.dispose([x, w, b]);
    }
  });
});

describe('which models are fused', () => {
  it('the paper CNN qualifies', () => {
    const model = buildPaperCnn(64, 7);
    try {
      const found = fusableConvPool(model);
      expect('reason' in found ? found.reason : found.poolSize).toBe(2);
    } finally {
      disposeCnn(model);
    }
  });

  it('models the kernel does not compute are left alone', () => {
    const twoChannels = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [30, 2], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling1d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const frames = buildFramesCnn(40, 12, 7);
    const same = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [30, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling1d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const overlapping = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [30, 1], filters: 4, kernelSize: 3, activation: 'relu' }),
        tf.layers.maxPooling1d({ poolSize: 3, strides: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const linear = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [30, 1], filters: 4, kernelSize: 3 }),
        tf.layers.maxPooling1d({ poolSize: 2 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    try {
      for (const [model, why] of [
        [twoChannels, /input channels/],
        [frames, /does not start with Conv1D/],
        [same, /valid/],
        [overlapping, /strides = pool size/],
        [linear, /ReLU/],
      ] as const) {
        const found = fusableConvPool(model);
        expect('reason' in found ? found.reason : 'fused').toMatch(why);
        const restore = fuseConvPoolForTraining(model);
        expect(Object.prototype.hasOwnProperty.call(model.layers[0], 'call')).toBe(false);
        restore();
      }
    } finally {
      for (const m of [twoChannels, frames, same, overlapping, linear]) m.dispose();
    }
  });
});
