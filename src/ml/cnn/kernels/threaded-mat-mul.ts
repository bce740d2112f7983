/**
 * BatchMatMul and _FusedMatMul for the tfjs WASM backend on every core:
 * products large enough to pay for the copies run as build/train.wasm's
 * packed SIMD GEMM (assembly/train/sgemm.ts) split over the kernel threads
 * (src/ml/cnn/threads/); smaller ones go to the kernel this one wraps.
 *
 * Why: a Dense layer's three products carry almost all of the paper CNN's
 * training arithmetic (75,968 × 64 weights: y = x·W by _FusedMatMul, then
 * dx = dy·Wᵀ and dW = xᵀ·dy by BatchMatMul, ~0.3 GFLOP each per batch of
 * 32), and tfjs-backend-wasm runs them on one thread, the transposed ones
 * through a scalar loop. Transposes are folded into the GEMM's packing, and
 * operands already in shared memory (W and x appear in two products of a
 * step; dW goes on to the optimiser) are not copied again (kernel-pool.ts).
 *
 * Shapes: rank ≥ 2 operands whose leading (batch) dimensions are equal or
 * one of them 1, as tfjs' own kernel accepts. _FusedMatMul is taken over
 * when its activation is linear or relu and its bias (if any) broadcasts
 * along the output's last axis; other fused activations stay stock.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelPoolAvailable, MAX_STAGED_BYTES, Staging } from '../threads/kernel-pool.js';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

/** Products below this many multiply-adds stay on the wrapped kernel (thread hand-off and copies cost ~0.1 ms). */
export const THREADED_MIN_MACS = 1 << 22;

interface ProductShape {
  batch: number;
  batchA: number;
  batchB: number;
  m: number;
  n: number;
  k: number;
  outShape: number[];
}

function productShape(a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean): ProductShape | null {
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const ra = a.shape.length, rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const kA = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kB = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (kA !== kB) return null;
  const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
  const batchA = outerA.reduce((p, q) => p * q, 1), batchB = outerB.reduce((p, q) => p * q, 1);
  if (batchA !== batchB && batchA !== 1 && batchB !== 1) return null;
  const outer = batchA >= batchB ? outerA : outerB;
  if (batchA === batchB && outerA.length !== outerB.length) return null; // let tfjs decide how to broadcast ranks
  return { batch: Math.max(batchA, batchB), batchA, batchB, m, n, k: kA, outShape: [...outer, m, n] };
}

function worthThreads(s: ProductShape): boolean {
  const bytes = 4 * (s.batchA * s.m * s.k + s.batchB * s.k * s.n + s.batch * s.m * s.n);
  return s.m * s.n * s.k >= THREADED_MIN_MACS && bytes <= MAX_STAGED_BYTES;
}

/**
 * C = op(A)·op(B) per batch into shared memory; returns the block's address.
 * The block is tagged with `tag` when its contents will equal the output tensor's.
 */
function product(staging: Staging, a: tf.TensorInfo, b: tf.TensorInfo, transposeA: boolean, transposeB: boolean, s: ProductShape, tag?: object): number {
  const aPtr = staging.input(a);
  const bPtr = staging.input(b);
  const out = staging.output(s.batch * s.m * s.n, tag);
  const lda = transposeA ? s.m : s.k;
  const ldb = transposeB ? s.k : s.n;
  for (let i = 0; i < s.batch; i++) {
    const aAt = aPtr + (s.batchA === 1 ? 0 : i * s.m * s.k * 4);
    const bAt = bPtr + (s.batchB === 1 ? 0 : i * s.k * s.n * 4);
    staging.pool.sgemm(transposeA, transposeB, s.m, s.n, s.k, aAt, lda, bAt, ldb, out.ptr + i * s.m * s.n * 4, s.n);
  }
  return out.ptr;
}

/** Wraps a BatchMatMul kernel config (`inner`) with the threaded path for large products. */
export function threadedBatchMatMulConfig(inner: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const s = productShape(a, b, transposeA, transposeB);
    if (!s || !worthThreads(s) || !kernelPoolAvailable(backend)) return inner.kernelFunc(args as never) as tf.TensorInfo;
    const out = backend.makeOutput(s.outShape, 'float32');
    Staging.run(backend, (staging) => staging.copyOut(product(staging, a, b, transposeA, transposeB, s, out.dataId), out, s.batch * s.m * s.n));
    return out;
  };
  return { ...inner, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** Whether `bias` adds one value per output column (its only non-1 axis is the last, of length n). */
function isColumnBias(bias: tf.TensorInfo, n: number): boolean {
  const size = bias.shape.reduce((p, q) => p * q, 1);
  return bias.dtype === 'float32' && size === n && bias.shape[bias.shape.length - 1] === n;
}

/** Replaces _FusedMatMul (stock config `stock`) for linear/relu activations on large products. */
export function threadedFusedMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
    const { transposeA, transposeB, activation } = args.attrs as unknown as tf._FusedMatMulAttrs;
    const s = productShape(a, b, transposeA, transposeB);
    const plain = activation === 'linear' || activation === 'relu';
    if (!s || !worthThreads(s) || !plain || preluActivationWeights || (bias && !isColumnBias(bias, s.n)) || !kernelPoolAvailable(backend)) {
      return stock.kernelFunc(args as never) as tf.TensorInfo;
    }
    const out = backend.makeOutput(s.outShape, 'float32');
    Staging.run(backend, (staging) => {
      const untouched = activation === 'linear' && !bias;
      const ptr = product(staging, a, b, transposeA, transposeB, s, untouched ? out.dataId : undefined);
      const total = s.batch * s.m * s.n;
      if (untouched) {
        staging.copyOut(ptr, out, total);
      } else {
        // y = act(c + bias) in float32, as the stock kernel rounds it. Heap views are
        // taken here, after makeOutput and staging, which may grow (and so detach) the heap.
        const c = new Float32Array(staging.pool.memory.buffer, ptr, total);
        const y = backend.typedArrayFromHeap(out) as Float32Array;
        const columnBias = bias ? (backend.typedArrayFromHeap(bias) as Float32Array) : undefined;
        const relu = activation === 'relu';
        for (let i = 0; i < total; i++) {
          const v = columnBias ? Math.fround(c[i]! + columnBias[i % s.n]!) : c[i]!;
          y[i] = relu && !(v > 0) ? (Number.isNaN(v) ? v : 0) : v;
        }
      }
    });
    return out;
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
