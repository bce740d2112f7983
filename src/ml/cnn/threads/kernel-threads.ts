/**
 * The training kernels' threads: build/train.wasm instantiated on one shared
 * WebAssembly.Memory in this thread and in `threads − 1` worker threads.
 *
 * tfjs-backend-wasm runs single-threaded in Node (its threaded build needs
 * browser pthreads, tfjs issue #3830), so the kernels that carry the work of
 * training (src/ml/cnn/kernels/threaded-*.ts) copy their operands into this
 * memory and split each call between the threads. A call is synchronous, as
 * a tfjs kernel must be: this thread publishes the call in the control block,
 * computes part 0 itself and blocks in Atomics.wait until the others are
 * done. Parts cover disjoint outputs and every output is computed with the
 * same arithmetic whatever the split, so results do not depend on the thread
 * count.
 *
 * Memory layout: [train.wasm statics | scratch × threads | SharedArena].
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CONTROL_BYTES, controlViews, instantiateTrainModule, OP, runPart, SLOT, INT_ARGS, FLOAT_ARGS, type KernelThreadData, type TrainKernels } from './kernel-protocol.js';
import { SharedArena } from './shared-arena.js';
import { memoryImportLimits } from './wasm-memory-import.js';
import type { ConvReluPoolShape } from '../kernels/conv-relu-pool.js';

const PAGE = 65536;
/** A worker that does not answer within this time is taken as dead (an Atomics.wait cannot see a thread exit). */
const CALL_TIMEOUT_MS = 10 * 60 * 1000;

const WASM_CANDIDATES = ['../../../../build/train.wasm', '../../../../../build/train.wasm'];

function trainWasmPath(): string {
  for (const rel of WASM_CANDIDATES) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  throw new Error('ser-wasm: build/train.wasm not found; run `npm run build:wasm`');
}

/** The compiled worker (threads need JavaScript; from TypeScript sources the dist/ build is used). */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const candidate = here.endsWith('.ts')
    ? here.replace(/[\\/]src[\\/]ml[\\/]cnn[\\/]threads[\\/]kernel-threads\.ts$/, '/dist/src/ml/cnn/threads/kernel-thread-worker.js')
    : here.replace(/kernel-threads\.js$/, 'kernel-thread-worker.js');
  if (!existsSync(candidate)) throw new Error(`kernel threads: compiled worker not found at ${candidate}; run \`npm run build\``);
  return candidate;
}

/** Default thread count: every core the process may use. */
export function defaultKernelThreads(): number {
  return Math.max(1, availableParallelism());
}

export class KernelThreads {
  readonly memory: WebAssembly.Memory;
  readonly arena: SharedArena;
  private readonly kernels: TrainKernels;
  private readonly ints: Int32Array;
  private readonly floats: Float64Array;
  private readonly scratch: number[];
  private readonly workers: Worker[] = [];
  private closed = false;

  /**
   * @param threads how many threads share each call (this one included), ≥ 1
   * @param isLive whether a tensor's dataId is still alive in tfjs (frees arena blocks of disposed tensors)
   */
  constructor(readonly threads: number, isLive: (dataId: object) => boolean) {
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`kernel threads: threads must be an integer in 1..64, got ${threads}`);
    const binary = readFileSync(trainWasmPath());
    const module = new WebAssembly.Module(binary);
    // The largest memory the module accepts (asconfig.train.json's maximumMemory, read back from the binary).
    const declared = memoryImportLimits(binary);
    if (!declared?.shared || declared.maximum === null) throw new Error('kernel threads: build/train.wasm does not import a shared memory with a maximum; rebuild it (npm run build:wasm)');
    this.memory = new WebAssembly.Memory({ initial: Math.max(32, declared.initial), maximum: declared.maximum, shared: true });
    this.kernels = instantiateTrainModule(module, this.memory);
    const scratchBytes = align(this.kernels.sgemmScratchBytes());
    const first = align(this.kernels.heapBase());
    this.scratch = Array.from({ length: threads }, (_, t) => first + t * scratchBytes);
    const arenaBase = first + threads * scratchBytes;
    if (arenaBase > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((arenaBase - this.memory.buffer.byteLength) / PAGE));
    this.arena = new SharedArena(this.memory, arenaBase, isLive);

    const control = new SharedArrayBuffer(CONTROL_BYTES);
    ({ ints: this.ints, floats: this.floats } = controlViews(control));
    if (threads > 1) {
      const file = workerFile();
      for (let part = 1; part < threads; part++) {
        const data: KernelThreadData = { module, memory: this.memory, control, part, parts: threads, scratch: this.scratch[part]! };
        const worker = new Worker(file, { workerData: data });
        worker.unref();
        this.workers.push(worker);
      }
      // Workers start on their own; wait until each has instantiated the module.
      const deadline = Date.now() + 60_000;
      for (let ready; (ready = Atomics.load(this.ints, SLOT.READY)) < threads - 1; ) {
        if (Date.now() > deadline) throw new Error(`kernel threads: only ${ready} of ${threads - 1} worker threads started within 60 s`);
        Atomics.wait(this.ints, SLOT.READY, ready, 1000);
      }
    }
  }

  /** Float32 view of the shared memory (recreate after any allocation: growing replaces the buffer). */
  f32(): Float32Array {
    return new Float32Array(this.memory.buffer);
  }

  /**
   * C = op(A)·op(B) (C += … when `accumulate`) on byte pointers into the
   * shared memory (strides in floats, as assembly/train/sgemm.ts), split
   * over every thread.
   */
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c: number, ldc: number, accumulate = false): void {
    this.call(OP.SGEMM, [transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, b, ldb, c, ldc, accumulate ? 1 : 0], []);
  }

  /**
   * `count` products op(A_i)·op(B_i) with operands `aStride`, `bStride`,
   * `cStride` floats apart, into separate C_i, or summed in order into one C
   * when `sumIntoC` (assembly/train/sgemm.ts sgemmBatch): one hand-off to the
   * threads for a whole batch of images.
   */
  sgemmBatch(
    transA: boolean, transB: boolean, m: number, n: number, k: number,
    a: number, lda: number, aStride: number, b: number, ldb: number, bStride: number, c: number, ldc: number, cStride: number,
    count: number, sumIntoC: boolean,
  ): void {
    this.call(OP.SGEMM_BATCH, [transA ? 1 : 0, transB ? 1 : 0, m, n, k, a, lda, aStride, b, ldb, bStride, c, ldc, cStride, count, sumIntoC ? 1 : 0], []);
  }

  /** One Adam step over n floats at x, m, v (updated in place) with gradient g; floats as adamUpdate's. */
  adam(x: number, m: number, v: number, g: number, n: number, scalars: readonly number[]): void {
    this.call(OP.ADAM, [x, m, v, g, n], scalars);
  }

  /** Bytes of `work` the two calls below need for rows of `width` samples (one row per thread). */
  convReluPoolWorkBytes(width: number): number {
    return this.threads * this.kernels.convReluPoolWorkBytes(width);
  }

  /**
   * The fused Conv1D → ReLU → pool forward (assembly/train/conv_relu_pool.ts),
   * split by image; `work` holds convReluPoolWorkBytes(width) bytes.
   */
  convReluPool(x: number, w: number, bias: number, y: number, work: number, shape: ConvReluPoolShape): void {
    const { batch, width, taps, channels, pool, outWidth } = shape;
    this.call(OP.CONV_RELU_POOL, [x, w, bias, y, work, batch, width, taps, channels, pool, outWidth], []);
  }

  /** Its weight gradients, one float32 partial [(taps + 1) × channels] per image into `partials`. */
  convReluPoolGrad(x: number, w: number, bias: number, dy: number, partials: number, work: number, shape: ConvReluPoolShape): void {
    const { batch, width, taps, channels, pool, outWidth } = shape;
    this.call(OP.CONV_RELU_POOL_GRAD, [x, w, bias, dy, partials, work, batch, width, taps, channels, pool, outWidth], []);
  }

  /** Stops the worker threads (they also end with the process). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.workers.length) {
      this.ints[SLOT.OP] = OP.EXIT;
      Atomics.add(this.ints, SLOT.GENERATION, 1);
      Atomics.notify(this.ints, SLOT.GENERATION);
    }
    for (const w of this.workers) void w.terminate();
  }

  private call(op: number, ints: readonly number[], floats: readonly number[]): void {
    if (this.closed) throw new Error('kernel threads: used after close()');
    if (ints.length > INT_ARGS || floats.length > FLOAT_ARGS) throw new Error('kernel threads: too many arguments');
    for (let i = 0; i < ints.length; i++) this.ints[SLOT.ARGS + i] = ints[i]!;
    for (let i = 0; i < floats.length; i++) this.floats[i] = floats[i]!;
    this.ints[SLOT.OP] = op;
    this.ints[SLOT.FAILED] = 0;
    const helpers = this.threads - 1;
    if (helpers > 0) {
      Atomics.store(this.ints, SLOT.PENDING, helpers);
      Atomics.add(this.ints, SLOT.GENERATION, 1);
      Atomics.notify(this.ints, SLOT.GENERATION);
    }
    let failure: unknown;
    try {
      runPart(this.kernels, this.ints, this.floats, this.scratch[0]!, 0, this.threads);
    } catch (e) {
      failure = e;
    }
    const deadline = Date.now() + CALL_TIMEOUT_MS;
    for (let pending; (pending = Atomics.load(this.ints, SLOT.PENDING)) > 0; ) {
      if (Date.now() > deadline) throw new Error(`kernel threads: ${pending} worker thread(s) did not finish a call within ${CALL_TIMEOUT_MS / 1000} s`);
      Atomics.wait(this.ints, SLOT.PENDING, pending, 1000);
    }
    if (failure) throw failure;
    const failed = this.ints[SLOT.FAILED]!;
    if (failed) throw new Error(`kernel threads: worker thread ${failed} failed (see its message on stderr)`);
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
