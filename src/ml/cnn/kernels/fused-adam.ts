/**
 * One-pass Adam updates for the tfjs WASM backend.
 *
 * tfjs' AdamOptimizer updates each variable with ~14 separate element-wise
 * kernels (mul, add, square, div, sqrt, ...), each reading and writing whole
 * arrays: for the paper's 4.86 M-weight Dense layer that is ~0.7 GB of memory
 * traffic per step. Two kernels replace them, chosen per variable by size:
 *
 *  - SerFusedAdam (small variables): one JS pass over x, m, v, g writing
 *    x', m', v', intermediates in float64 with one float32 rounding per
 *    stored value, so results differ from tf.train.adam only in the last bit
 *    (test: max |Δw| 1.2e-7 after 5 steps);
 *  - SerSharedAdam (≥ THREADED_ADAM_MIN_FLOATS): assembly/train/adam.ts on
 *    every kernel thread, with m and v kept in the threads' shared memory
 *    between steps; float32 SIMD in tfjs' own operation order, so it equals
 *    tf.train.adam bit for bit (test).
 *
 * Same update as tfjs-core/src/optimizers/adam_optimizer.ts:
 *   m' = m·β1 + g·(1−β1);   v' = v·β2 + g²·(1−β2)
 *   x' = x − lr · (m' / (1−β1ᵗ)) / (√(v' / (1−β2ᵗ)) + ε)
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { kernelPool, kernelPoolAvailable, MAX_STAGED_BYTES, Staging } from '../threads/kernel-pool.js';
import type { KernelThreads } from '../threads/kernel-threads.js';
import type { ArenaBlock } from '../threads/shared-arena.js';

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

/** Kernel name of the update whose moments live in the kernel threads' shared memory. */
export const SHARED_ADAM_KERNEL = 'SerSharedAdam';

/**
 * Adam's first and second moments of one variable, kept in the kernel
 * threads' shared memory between steps (pinned blocks owned by the
 * optimiser), so a step copies only the weights out instead of weights and
 * both moments: 2 × 19 MB less per step for the paper CNN's 4.9 M-weight
 * layer, at the 6–10 GB/s V8 copies into and out of a SharedArrayBuffer
 * here. The optimiser's tfjs moment variables are brought up to date
 * whenever its weights are read.
 */
interface SharedMoments {
  pool: KernelThreads;
  m: ArenaBlock;
  v: ArenaBlock;
  size: number;
}

type SharedAdamAttrs = FusedAdamAttrs & { mPtr: number; vPtr: number };

/**
 * x' from x and g with moments at attrs.mPtr / attrs.vPtr in shared memory,
 * updated in place (assembly/train/adam.ts on every kernel thread).
 */
function sharedAdamWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, g } = args.inputs as Record<'x' | 'g', tf.TensorInfo>;
  const a = args.attrs as unknown as SharedAdamAttrs;
  const out = backend.makeOutput(x.shape, 'float32');
  Staging.run(backend, (staging) => {
    const n = x.shape.reduce((p, q) => p * q, 1);
    const xBlock = staging.inputBlock(x);
    const gPtr = staging.input(g);
    const arena = staging.pool.arena;
    try {
      staging.pool.adam(xBlock.ptr, a.mPtr, a.vPtr, gPtr, n, [
        f(a.beta1), f(a.beta2), f(1 - a.beta1), f(1 - a.beta2), f(a.epsilon), f(-a.learningRate), f(a.oneMinusAccBeta1), f(a.oneMinusAccBeta2),
      ]);
    } catch (e) {
      arena.release(xBlock); // partly updated: no longer x
      throw e;
    }
    arena.retag(xBlock, out.dataId); // the block now holds x'
    staging.copyOut(xBlock.ptr, out, n);
  });
  return out;
}

export const sharedAdamWasmConfig: tf.KernelConfig = {
  kernelName: SHARED_ADAM_KERNEL,
  backendName: 'wasm',
  kernelFunc: sharedAdamWasm as unknown as tf.KernelFunc,
};

function fusedAdamWasm(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo[] {
  const backend = args.backend as BackendWasm;
  const { x, m, v, g } = args.inputs as Record<'x' | 'm' | 'v' | 'g', tf.TensorInfo>;
  const outs = [x, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
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
  /** Moments kept in shared memory, by variable index (large variables, wasm backend with kernel threads). */
  private readonly shared = new Map<number, SharedMoments>();

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
        // x, g and both moments in shared memory; moments of all variables within one budget
        const threaded = value.size >= THREADED_ADAM_MIN_FLOATS && value.size * 16 <= MAX_STAGED_BYTES &&
          (this.shared.has(i) || this.sharedMomentBytes() + value.size * 8 <= MAX_STAGED_BYTES);
        if (threaded && tf.getKernel(SHARED_ADAM_KERNEL, 'wasm') && kernelPoolAvailable(tf.backend() as BackendWasm)) {
          const moments = this.sharedMoments(i, m, v);
          const sharedAttrs: SharedAdamAttrs = { ...attrs, mPtr: moments.m.ptr, vPtr: moments.v.ptr };
          value.assign(tf.engine().runKernel(SHARED_ADAM_KERNEL, { x: value, g: gradient }, sharedAttrs as unknown as tf.NamedAttrMap) as tf.Tensor);
          return;
        }
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

  /** Brings the tfjs moment variables up to date, then returns the stock state. */
  override async getWeights(): ReturnType<tf.AdamOptimizer["getWeights"]> {
    this.syncMoments();
    return super.getWeights();
  }

  /** Loads state into the tfjs variables; moments in shared memory are dropped and re-read from them on the next step. */
  override async setWeights(weightValues: Parameters<tf.AdamOptimizer["setWeights"]>[0]): Promise<void> {
    this.releaseShared();
    await super.setWeights(weightValues);
  }

  override dispose(): void {
    this.releaseShared();
    super.dispose();
  }

  /** The shared-memory moments of variable `index`, created from (or moved along with) the tfjs variables. */
  private sharedMoments(index: number, m: tf.Variable, v: tf.Variable): SharedMoments {
    const pool = kernelPool(tf.backend() as BackendWasm);
    let state = this.shared.get(index);
    if (state && (state.pool !== pool || state.size !== m.size)) {
      // The pool was replaced (thread count changed): carry the moments over through the variables.
      this.syncMoments();
      this.releaseShared();
      state = undefined;
    }
    if (!state) {
      const block = (t: tf.Variable): ArenaBlock => {
        const b = pool.arena.allocate(t.size * 4);
        b.pinned = true; // owned by this optimiser until released
        new Float32Array(pool.memory.buffer, b.ptr, t.size).set(t.dataSync() as Float32Array);
        return b;
      };
      state = { pool, m: block(m), v: block(v), size: m.size };
      this.shared.set(index, state);
    }
    return state;
  }

  /** Bytes of moments this optimiser keeps in shared memory. */
  private sharedMomentBytes(): number {
    let bytes = 0;
    for (const s of this.shared.values()) bytes += s.size * 8;
    return bytes;
  }

  /** Copies shared-memory moments into the optimiser's tfjs variables. */
  private syncMoments(): void {
    const self = this as unknown as AdamState;
    for (const [index, s] of this.shared) {
      const read = (b: ArenaBlock) => new Float32Array(s.pool.memory.buffer, b.ptr, s.size).slice();
      const m = self.accumulatedFirstMoment[index]!.variable;
      const v = self.accumulatedSecondMoment[index]!.variable;
      tf.tidy(() => {
        m.assign(tf.tensor(read(s.m), m.shape, 'float32'));
        v.assign(tf.tensor(read(s.v), v.shape, 'float32'));
      });
    }
  }

  private releaseShared(): void {
    for (const s of this.shared.values()) {
      s.pool.arena.release(s.m);
      s.pool.arena.release(s.v);
    }
    this.shared.clear();
  }
}
