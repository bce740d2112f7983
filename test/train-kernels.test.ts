/**
 * The multi-threaded training kernels (build/train.wasm on shared memory,
 * src/ml/cnn/threads/) and the ser.wasm MaxPoolGrad/Sum kernels: against a
 * float64 JS reference and tfjs-backend-cpu on odd shapes, with 1, 2 and 3
 * threads (results must not depend on the count), and no memory growth over
 * 1,000 training steps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/ml/tfjs.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { KernelThreads } from '../src/ml/cnn/threads/kernel-threads.js';
import { closeKernelPool, configureKernelThreads, kernelPool } from '../src/ml/cnn/threads/kernel-pool.js';
import { FusedAdamOptimizer, THREADED_ADAM_MIN_FLOATS } from '../src/ml/cnn/kernels/fused-adam.js';
import { THREADED_MIN_MACS } from '../src/ml/cnn/kernels/threaded-mat-mul.js';
import { maxPoolGrad1dWasm, maxPoolGradNhwc, pool1d } from '../src/ml/cnn/kernels/max-pool-grad.js';
import { sumLeadingRows, sumLeadingRowsWasm } from '../src/ml/cnn/kernels/sum.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { gaussian } from './helpers/arrays.js';

/**
 * op(A)·op(B) in float64 (A, B row-major as stored; op transposes when asked),
 * and per element the error bound of any float32 summation order:
 * |ĉ − c| ≤ γ_k Σ|a·b| with γ_k = k·u/(1 − k·u), u = 2⁻²⁴ (Higham, Accuracy
 * and Stability of Numerical Algorithms, 2nd ed., §3.1).
 */
function referenceProduct(tA: boolean, tB: boolean, m: number, n: number, k: number, A: Float32Array, B: Float32Array): { C: Float64Array; bound: Float64Array } {
  const C = new Float64Array(m * n);
  const bound = new Float64Array(m * n);
  const u = 2 ** -24;
  const gamma = ((k + 1) * u) / (1 - (k + 1) * u);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const prod = (tA ? A[p * m + i]! : A[i * k + p]!) * (tB ? B[j * k + p]! : B[p * n + j]!);
        s += prod;
        abs += Math.abs(prod);
      }
      C[i * n + j] = s;
      bound[i * n + j] = gamma * abs;
    }
  }
  return { C, bound };
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [5, 7, 3],
  [4, 8, 256],
  [33, 65, 300], // edges in every direction, two k slices
  [130, 9, 517], // split along m, three k slices
  [7, 1030, 70], // split along n, two n blocks
];

describe('train.wasm sgemm on kernel threads', () => {
  const pools = new Map<number, KernelThreads>();
  beforeAll(() => {
    for (const t of [1, 2, 3]) pools.set(t, new KernelThreads(t, () => true));
  });
  afterAll(() => {
    for (const p of pools.values()) p.close();
  });

  it('matches the float64 reference for every transpose and odd shapes, bit-identically for 1, 2 and 3 threads', () => {
    let seed = 1;
    for (const [m, n, k] of SHAPES) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const A = gaussian(m * k, seed++);
          const B = gaussian(k * n, seed++);
          const { C: ref, bound } = referenceProduct(tA, tB, m, n, k, A, B);
          let first: Float32Array | undefined;
          for (const [threads, pool] of pools) {
            const a = pool.arena.allocate(A.byteLength), b = pool.arena.allocate(B.byteLength), c = pool.arena.allocate(m * n * 4);
            pool.f32().set(A, a.ptr / 4);
            pool.f32().set(B, b.ptr / 4);
            pool.sgemm(tA, tB, m, n, k, a.ptr, tA ? m : k, b.ptr, tB ? k : n, c.ptr, n);
            const C = pool.f32().slice(c.ptr / 4, c.ptr / 4 + m * n);
            for (const block of [a, b, c]) pool.arena.release(block);
            let worst = 0; // error as a fraction of its bound
            for (let i = 0; i < C.length; i++) worst = Math.max(worst, Math.abs(C[i]! - ref[i]!) / bound[i]!);
            expect(worst, `${m}×${n}×${k} tA=${tA} tB=${tB} threads=${threads}`).toBeLessThanOrEqual(1);
            if (first) expect(Buffer.from(C.buffer).equals(Buffer.from(first.buffer)), `threads=${threads} equals threads=1`).toBe(true);
            first ??= C;
          }
        }
      }
    }
  });

  it('a strided C (ldc > n) leaves the gap columns alone', () => {
    const pool = pools.get(2)!;
    const [m, n, k, ldc] = [9, 10, 5, 13];
    const A = gaussian(m * k, 50), B = gaussian(k * n, 51);
    const a = pool.arena.allocate(A.byteLength), b = pool.arena.allocate(B.byteLength), c = pool.arena.allocate(m * ldc * 4);
    pool.f32().set(A, a.ptr / 4);
    pool.f32().set(B, b.ptr / 4);
    pool.f32().fill(7, c.ptr / 4, c.ptr / 4 + m * ldc);
    pool.sgemm(false, false, m, n, k, a.ptr, k, b.ptr, n, c.ptr, ldc);
    const C = pool.f32().slice(c.ptr / 4, c.ptr / 4 + m * ldc);
    const { C: ref } = referenceProduct(false, false, m, n, k, A, B);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < ldc; j++) {
        if (j < n) expect(Math.abs(C[i * ldc + j]! - ref[i * n + j]!)).toBeLessThan(1e-5);
        else expect(C[i * ldc + j]).toBe(7);
      }
    }
    for (const block of [a, b, c]) pool.arena.release(block);
  });
});

describe('training kernels registered on the wasm backend', () => {
  beforeAll(async () => {
    await initBackend('wasm', { log: () => {} });
  });
  afterAll(() => {
    closeKernelPool();
  });

  /** Runs `f` on tfjs-backend-cpu and on wasm (our kernels) with each thread count. */
  async function acrossBackends(f: () => tf.Tensor[]): Promise<{ cpu: Float32Array[]; wasm: Map<number, Float32Array[]> }> {
    const run = async (backend: string): Promise<Float32Array[]> => {
      await tf.setBackend(backend);
      const out = tf.tidy(f);
      const arrays = out.map((t) => Float32Array.from(t.dataSync() as Float32Array));
      tf.dispose(out);
      return arrays;
    };
    const cpu = await run('cpu');
    const wasm = new Map<number, Float32Array[]>();
    for (const threads of [1, 2, 3]) {
      configureKernelThreads(threads);
      wasm.set(threads, await run('wasm'));
    }
    return { cpu, wasm };
  }

  it('dense forward (fused bias + relu) and both gradients equal tfjs-backend-cpu within 1e-5, and each other on 1/2/3 threads', async () => {
    // 37 × 1100 → 130 is above the threaded threshold and has edges on every side.
    const [rows, inputs, units] = [37, 1100, 130];
    expect(rows * inputs * units).toBeGreaterThan(THREADED_MIN_MACS);
    const x = gaussian(rows * inputs, 1), w = gaussian(inputs * units, 2), bias = gaussian(units, 3), up = gaussian(rows * units, 4);
    const { cpu, wasm } = await acrossBackends(() => {
      const X = tf.tensor2d(x, [rows, inputs]), W = tf.tensor2d(w, [inputs, units]), B = tf.tensor1d(bias), U = tf.tensor2d(up, [rows, units]);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: B, activation: 'relu' }).mul(U).sum();
      const y = tf.fused.matMul({ a: X, b: W, bias: B, activation: 'relu' });
      const [dX, dW] = tf.grads(loss)([X, W]);
      return [y, dX!, dW!, tf.matMul(X, W, false, false), tf.matMul(W, X, true, true)];
    });
    const base = wasm.get(1)!;
    cpu.forEach((expected, i) => {
      const scale = expected.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
      let worst = 0;
      for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs(expected[j]! - base[i]![j]!));
      expect(worst / scale, `output ${i}`).toBeLessThan(1e-5);
    });
    for (const threads of [2, 3]) wasm.get(threads)!.forEach((values, i) => expect(Array.from(values), `threads ${threads}, output ${i}`).toEqual(Array.from(base[i]!)));
  }, 60_000);

  it('Conv1D forward, input and filter gradients (same and valid, odd sizes) equal tfjs-backend-cpu, and each other on 1/2/3 threads', async () => {
    for (const [batch, width, channels, filters, kernel, padding] of [
      [3, 17, 7, 13, 5, 'same'],
      [2, 23, 9, 6, 3, 'valid'],
    ] as const) {
      const x = gaussian(batch * width * channels, 60), w = gaussian(kernel * channels * filters, 61);
      const outWidth = padding === 'same' ? width : width - kernel + 1;
      const up = gaussian(batch * outWidth * filters, 62);
      const { cpu, wasm } = await acrossBackends(() => {
        const X = tf.tensor3d(x, [batch, width, channels]), W = tf.tensor3d(w, [kernel, channels, filters]), U = tf.tensor3d(up, [batch, outWidth, filters]);
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv1d(a as tf.Tensor3D, b as tf.Tensor3D, 1, padding).mul(U).sum();
        const [dX, dW] = tf.grads(f)([X, W]);
        return [tf.conv1d(X, W, 1, padding), dX!, dW!];
      });
      const base = wasm.get(1)!;
      cpu.forEach((expected, i) => {
        const scale = expected.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
        let worst = 0;
        for (let j = 0; j < expected.length; j++) worst = Math.max(worst, Math.abs(expected[j]! - base[i]![j]!));
        expect(worst / scale, `${padding} output ${i}`).toBeLessThan(1e-5);
      });
      for (const threads of [2, 3]) wasm.get(threads)!.forEach((values, i) => expect(Array.from(values), `${padding}, threads ${threads}, output ${i}`).toEqual(Array.from(base[i]!)));
    }
  }, 60_000);

  it('Adam with moments in shared memory equals tf.train.adam bit for bit, on any thread count, and reports its moments', async () => {
    const size = THREADED_ADAM_MIN_FLOATS + 37;
    const start = gaussian(size, 20), target = gaussian(size, 21);
    const steps = async (opt: tf.Optimizer): Promise<{ w: Float32Array; weights: Float32Array[] }> => {
      const w = tf.variable(tf.tensor1d(start));
      const t = tf.tensor1d(target);
      for (let s = 0; s < 4; s++) opt.minimize(() => w.sub(t).square().mul(w).sum() as tf.Scalar);
      const out = Float32Array.from(w.dataSync());
      const weights = (await opt.getWeights()).map((nt) => Float32Array.from(nt.tensor.dataSync() as Float32Array));
      tf.dispose([w, t]);
      opt.dispose();
      return { w: out, weights };
    };
    await tf.setBackend('cpu');
    const stock = await steps(tf.train.adam(1e-2, 0.9, 0.999, 1e-7));
    await tf.setBackend('wasm');
    for (const threads of [1, 2, 3]) {
      configureKernelThreads(threads);
      const ours = await steps(new FusedAdamOptimizer(1e-2, 0.9, 0.999, 1e-7));
      expect(Buffer.from(ours.w.buffer).equals(Buffer.from(stock.w.buffer)), `weights, ${threads} thread(s)`).toBe(true);
      // iterations, then m and v: the state tfjs would serialise.
      expect(ours.weights.length).toBe(stock.weights.length);
      ours.weights.forEach((values, i) => expect(Buffer.from(values.buffer).equals(Buffer.from(stock.weights[i]!.buffer)), `optimizer weight ${i}`).toBe(true));
    }
    const prof = await tf.profile(async () => {
      const opt = new FusedAdamOptimizer(1e-2, 0.9, 0.999, 1e-7);
      await steps(opt);
    });
    expect(prof.kernelNames).toContain('SerSharedAdam');
  }, 60_000);

  it('1,000 training steps of a dense layer on 2 threads: no growth of the shared memory or its arena, no leaked tensors', async () => {
    await tf.setBackend('wasm');
    configureKernelThreads(2);
    const [rows, inputs, units] = [32, 2048, 64];
    expect(rows * inputs * units).toBeGreaterThanOrEqual(THREADED_MIN_MACS);
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [inputs], units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }), tf.layers.dense({ units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) })] });
    const optimizer = new FusedAdamOptimizer(1e-3, 0.9, 0.999, 1e-7);
    const X = tf.tensor2d(gaussian(rows * inputs, 30), [rows, inputs]);
    const Y = tf.tensor2d(gaussian(rows * 3, 31), [rows, 3]);
    const step = () => optimizer.minimize(() => tf.losses.meanSquaredError(Y, model.predict(X) as tf.Tensor) as tf.Scalar);
    const pool = kernelPool(tf.backend() as BackendWasm);
    for (let i = 0; i < 20; i++) step();
    const memoryAfterWarmUp = pool.memory.buffer.byteLength;
    const arenaAfterWarmUp = pool.arena.usedBytes();
    const tensorsAfterWarmUp = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) step();
    expect(pool.memory.buffer.byteLength).toBe(memoryAfterWarmUp);
    expect(pool.arena.usedBytes()).toBeLessThanOrEqual(arenaAfterWarmUp);
    expect(tf.memory().numTensors).toBe(tensorsAfterWarmUp);
    optimizer.dispose();
    model.dispose();
    tf.dispose([X, Y]);
  }, 120_000);
});

describe('ser.wasm MaxPoolGrad (1-D pools) and leading-axis Sum', () => {
  it('MaxPoolGrad equals the JS kernel for pools along height or width, overlapping, padded, odd channels, ties and NaN', async () => {
    const core = await loadWasmCore();
    const cases: Array<{ shape: [number, number, number, number]; size: [number, number]; stride: [number, number]; pad: 'valid' | 'same' }> = [
      { shape: [3, 2374, 1, 64], size: [2, 1], stride: [2, 1], pad: 'valid' }, // the paper CNN's MaxPooling1D
      { shape: [2, 1, 9, 5], size: [1, 2], stride: [1, 2], pad: 'valid' }, // along width, odd length and channels
      { shape: [2, 11, 1, 6], size: [3, 1], stride: [2, 1], pad: 'same' }, // overlapping, padded
      { shape: [1, 8, 1, 3], size: [2, 1], stride: [1, 1], pad: 'valid' }, // stride 1
      { shape: [1, 7, 1, 4], size: [2, 1], stride: [2, 1], pad: 'same' }, // a truncated last window
    ];
    let seed = 40;
    for (const c of cases) {
      const info = tf.backend_util.computePool2DInfo(c.shape, c.size, c.stride, 1, c.pad);
      const pool = pool1d(info);
      expect(pool, JSON.stringify(c)).not.toBeNull();
      const x = gaussian(c.shape.reduce((a, b) => a * b, 1), seed++);
      // ties and a NaN window
      x[1] = x[0]!;
      x[x.length - 1] = Number.NaN;
      const y = tf.tidy(() => tf.maxPool(tf.tensor4d(x, c.shape), c.size, c.stride, c.pad).dataSync() as Float32Array);
      const dy = gaussian(y.length, seed++);
      const js = maxPoolGradNhwc(dy, x, y, info);
      const wasm = new Float32Array(x.length);
      maxPoolGrad1dWasm(core, dy, x, y, info.batchSize, info.inChannels, pool!, wasm);
      expect(Array.from(wasm), JSON.stringify(c)).toEqual(Array.from(js));
    }
  });

  it('leading-axis Sum equals the float64 JS sum bit for bit', async () => {
    const core = await loadWasmCore();
    for (const [outer, inner] of [[1, 1], [7, 3], [300, 64], [33, 130]] as const) {
      const x = gaussian(outer * inner, outer + inner);
      expect(Array.from(sumLeadingRowsWasm(core, x, outer, inner))).toEqual(Array.from(sumLeadingRows(x, outer, inner)));
    }
  });
});

describe('Tile and GatherV2 on wasm equal tfjs-backend-cpu', () => {
  beforeAll(async () => {
    await initBackend('wasm', { log: () => {} });
  });

  async function both(f: () => tf.Tensor): Promise<{ cpu: number[]; wasm: number[]; shape: number[] }> {
    await tf.setBackend('cpu');
    const c = tf.tidy(f);
    const cpu = Array.from(c.dataSync() as Float32Array);
    c.dispose();
    await tf.setBackend('wasm');
    const w = tf.tidy(f);
    const wasm = Array.from(w.dataSync() as Float32Array);
    const shape = w.shape;
    w.dispose();
    return { cpu, wasm, shape };
  }

  it('Tile: broadcast of a channel vector (the BatchNorm gradient), every axis, zero reps, int32 and bool', async () => {
    const cases: Array<[number[], number[], tf.DataType]> = [
      [[1, 1, 1, 5], [4, 3, 1, 1], 'float32'],
      [[2, 3], [3, 2], 'float32'],
      [[2, 1, 3], [1, 4, 2], 'int32'],
      [[3], [0], 'float32'],
      [[2, 2], [2, 3], 'bool'],
      [[], [], 'float32'],
    ];
    for (const [shape, reps, dtype] of cases) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 : i * 1.5 - 2));
      const { cpu, wasm } = await both(() => tf.tile(tf.tensor(values, shape, dtype), reps));
      expect(wasm, `${shape} × ${reps} ${dtype}`).toEqual(cpu);
    }
  });

  it('GatherV2: rows of a batch tensor, inner axes, repeated indices, 2-D indices; an index out of range throws', async () => {
    const x = Array.from({ length: 4 * 5 * 3 }, (_, i) => i * 0.5);
    for (const [axis, idx, idxShape] of [
      [0, [3, 0, 3, 1], [4]],
      [1, [4, 2], [2]],
      [2, [2, 0, 1, 1], [2, 2]],
    ] as const) {
      const { cpu, wasm } = await both(() => tf.gather(tf.tensor3d(x, [4, 5, 3]), tf.tensor(idx as unknown as number[], idxShape as unknown as number[], 'int32'), axis));
      expect(wasm, `axis ${axis}`).toEqual(cpu);
    }
    await tf.setBackend('wasm');
    const t = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    expect(() => tf.gather(t, tf.tensor1d([2], 'int32'))).toThrow(/index value 2 is not in \[0, 1\]/);
    t.dispose();
  });
});
describe('trainCnn on the kernel threads', () => {
  it('the same seed gives bit-identical weights on 1, 2 and 3 threads (paper CNN over 600 features: threaded Dense, Adam)', async () => {
    await initBackend('wasm', { log: () => {} });
    const { buildPaperCnn, disposeCnn } = await import('../src/ml/cnn/model.js');
    const { trainCnn } = await import('../src/ml/cnn/train.js');
    const rows = 96, dim = 600;
    const X = gaussian(rows * dim, 70);
    const y = Int32Array.from({ length: rows }, (_, i) => i % 7);
    const weightsAfterTraining = async (threads: number): Promise<Float32Array[]> => {
      configureKernelThreads(threads);
      const model = buildPaperCnn(dim, 7, { seed: 3 });
      await trainCnn(X, y, 7, { model, epochs: 2, validationSplit: 0, seed: 5 });
      const weights = model.getWeights().map((w) => Float32Array.from(w.dataSync() as Float32Array));
      disposeCnn(model);
      return weights;
    };
    const prof = await tf.profile(async () => {
      await weightsAfterTraining(1);
    });
    // the threaded paths really ran
    expect(prof.kernelNames).toEqual(expect.arrayContaining(['SerSharedAdam', 'BatchMatMul', 'SerConv1DReluPoolGrad']));
    const one = await weightsAfterTraining(1);
    for (const threads of [2, 3]) {
      const other = await weightsAfterTraining(threads);
      other.forEach((w, i) => expect(Buffer.from(w.buffer).equals(Buffer.from(one[i]!.buffer)), `${threads} threads, weight ${i}`).toBe(true));
    }
    expect(one.some((w, i) => i > 0 && w.some((v) => v !== 0))).toBe(true);
  }, 120_000);
});
