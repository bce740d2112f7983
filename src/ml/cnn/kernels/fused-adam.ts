/**
 * One-pass Adam update for the tfjs WASM backend.
 *
 * tfjs' AdamOptimizer updates each variable with ~14 separate element-wise
 * kernels (mul, add, square, div, sqrt, ...), each reading and writing whole
 * arrays: for the paper's 4.86 M-weight Dense layer that is ~0.7 GB of memory
 * traffic per step (measured ~65 ms CPU on this machine). This kernel reads
 * x, m, v, g once and writes x', m', v' once (~27 ms).
 *
 * Same update as tfjs-core/src/optimizers/adam_optimizer.ts:
 *   m' = m·β1 + g·(1−β1);   v' = v·β2 + g²·(1−β2)
 *   x' = x − lr · (m' / (1−β1ᵗ)) / (√(v' / (1−β2ᵗ)) + ε)
 * with the intermediates in float64 and one float32 rounding per stored
 * value, where the stock kernels round after every operation: results differ
 * from tf.train.adam only in the last bit (test: max |Δw| 1.2e-7 after 5 steps). Rounding
 * after each step with Math.fround reproduced the stock bits exactly but was
 * slower than the stock kernels (~75 ms), so it is not used.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelPool, Staging } from '../threads/kernel-pool.js';

export const FUSED_ADAM_KERNEL = 'SerFusedAdam';

export interface FusedAdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  /** 1 − β1ᵗ and 1 − β2ᵗ, as float32 values read from the optimiser's accumulators. */
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
}

const f = Math.fround;

/** The update on plain arrays (outputs may not alias inputs). */
export function fusedAdamUpdate(
  x: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  a: FusedAdamAttrs,
  xOut: Float32Array,
  mOut: Float32Array,
  vOut: Float32Array,
): void {
  // Scalars as tfjs holds them: float32 tensors made from the doubles.
  const b1 = f(a.beta1);
  const b2 = f(a.beta2);
  const c1 = f(1 - a.beta1);
  const c2 = f(1 - a.beta2);
  const eps = f(a.epsilon);
  const negLr = f(-a.learningRate);
  const d1 = f(a.oneMinusAccBeta1);
  const d2 = f(a.oneMinusAccBeta2);
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = m[i]! * b1 + gi * c1;
    const vi = v[i]! * b2 + gi * gi * c2;
    mOut[i] = mi;
    vOut[i] = vi;
    xOut[i] = ((mi / d1) / (Math.sqrt(vi / d2) + eps)) * negLr + x[i]!;
  }
}

/** Variables below this many floats are updated in JS (the thread hand-off and copies would cost more). */
export const THREADED_ADAM_MIN_FLOATS = 1 << 16;

/**
 * The update on build/train.wasm's kernel threads (assembly/train/adam.ts),
 * in place in shared memory. Inputs already there (the gradient from the
 * threaded matmul, x/m/v from the previous step) are not copied; the updated
 * blocks are handed to the output tensors, whose data they now are.
 */
function fusedAdamThreaded(backend: BackendWasm, x: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, g: tf.TensorInfo, a: FusedAdamAttrs, outs: tf.TensorInfo[]): void {
  const staging = new Staging(kernelPool(backend), backend);
  try {
    const arena = staging.pool.arena;
    const n = x.shape.reduce((p, q) => p * q, 1);
    const ptrs = [x, m, v].map((t) => staging.input(t));
    const gPtr = staging.input(g);
    const blocks = [x, m, v].map((t) => arena.lookup(t.dataId)!);
    try {
      staging.pool.adam(ptrs[0]!, ptrs[1]!, ptrs[2]!, gPtr, n, [
        f(a.beta1), f(a.beta2), f(1 - a.beta1), f(1 - a.beta2), f(a.epsilon), f(-a.learningRate), f(a.oneMinusAccBeta1), f(a.oneMinusAccBeta2),
      ]);
    } catch (e) {
      for (const b of blocks) arena.release(b); // partly updated: no longer x, m or v
      throw e;
    }
    // The blocks now hold x', m', v'.
    blocks.forEach((b, i) => arena.retag(b, outs[i]!.dataId));
    ptrs.forEach((p, i) => staging.copyOut(p, outs[i]!, n));
  } finally {
    staging.done();
  }
}

function fusedAdamWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, m, v, g } = args.inputs as Record<'x' | 'm' | 'v' | 'g', tf.TensorInfo>;
  const outs = [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
  const distinct = new Set([x.dataId, m.dataId, v.dataId, g.dataId]).size === 4;
  if (distinct && x.shape.reduce((p, q) => p * q, 1) >= THREADED_ADAM_MIN_FLOATS) {
    fusedAdamThreaded(backend, x, m, v, g, args.attrs as unknown as FusedAdamAttrs, outs);
    return outs;
  }
  // Views after all allocations: makeOutput may grow (and so detach) the heap.
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  fusedAdamUpdate(view(x), view(m), view(v), view(g), args.attrs as unknown as FusedAdamAttrs, view(outs[0]!), view(outs[1]!), view(outs[2]!));
  return outs;
}

export const fusedAdamWasmConfig: tf.KernelConfig = {
  kernelName: FUSED_ADAM_KERNEL,
  backendName: 'wasm',
  kernelFunc: fusedAdamWasm as unknown as tf.KernelFunc,
};

interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Array<{ originalName: string; variable: tf.Variable }>;
  accumulatedSecondMoment: Array<{ originalName: string; variable: tf.Variable }>;
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
}

/**
 * tf.AdamOptimizer whose update runs as one fused kernel on the wasm backend
 * (stock path on other backends). State layout, serialisation ('Adam' config) and
 * weights are the stock optimiser's, so saved models are unchanged.
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Parameters<tf.AdamOptimizer['applyGradients']>[0]): void {
    if (tf.getBackend() !== 'wasm' || !tf.getKernel(FUSED_ADAM_KERNEL, 'wasm')) {
      super.applyGradients(variableGradients);
      return;
    }
    const self = this as unknown as AdamState;
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      // As tfjs computes sub(1, accBeta) on float32 scalars.
      const oneMinusAccBeta1 = f(1 - self.accBeta1.dataSync()[0]!);
      const oneMinusAccBeta2 = f(1 - self.accBeta2.dataSync()[0]!);
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name]!;
        self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i]!.variable;
        const v = self.accumulatedSecondMoment[i]!.variable;
        const attrs: FusedAdamAttrs = {
          beta1: self.beta1,
          beta2: self.beta2,
          epsilon: self.epsilon,
          learningRate: self.learningRate,
          oneMinusAccBeta1,
          oneMinusAccBeta2,
        };
        const [x1, m1, v1] = tf.engine().runKernel(FUSED_ADAM_KERNEL, { x: value, m, v, g: gradient }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m1!);
        v.assign(v1!);
        value.assign(x1!);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    this.incrementIterations();
  }
}
