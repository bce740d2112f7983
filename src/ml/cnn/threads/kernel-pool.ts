/**
 * The process's kernel threads for the tfjs wasm backend, created on first
 * use, and staging of tfjs tensors into their shared memory.
 *
 * tfjs registers kernels process-wide, so the thread count is process-wide
 * too: `configureKernelThreads(n)` before training (the CLI's --kernel-threads,
 * SER_KERNEL_THREADS, or every core by default). Results do not depend on it.
 *
 * Browser-safe: the kernels that call this module are bundled with the model
 * code (the optimiser is part of a compiled model), but threads need Node's
 * worker_threads and files, so the Node-only backend module
 * (ml/cnn/backend.ts) supplies the constructor through
 * `provideKernelThreads`. Without it (a browser) the kernels keep their
 * single-threaded paths.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type * as tf from '../../tfjs.js';
import type { KernelThreads } from './kernel-threads.js';
import type { ArenaBlock } from './shared-arena.js';

/** Creates a pool of `threads` (Node: kernel-threads.ts) and tells how many cores there are. */
export interface KernelThreadsProvider {
  create(threads: number, isLive: (dataId: object) => boolean): KernelThreads;
  defaultThreads(): number;
}

let provider: KernelThreadsProvider | null = null;

/** Installs the pool constructor (ml/cnn/backend.ts does, in Node). */
export function provideKernelThreads(p: KernelThreadsProvider): void {
  provider = p;
}

function log(message: string): void {
  if (typeof process !== 'undefined' && process.stderr) process.stderr.write(`${message}\n`);
}

let requested: number | undefined;
let pool: KernelThreads | null = null;
let poolBackend: BackendWasm | null = null;
/** Why the pool could not be created (then the kernels keep their single-threaded paths), once known. */
let unavailable: string | undefined;

/** Parses SER_KERNEL_THREADS (unset: undefined). */
function fromEnvironment(): number | undefined {
  const raw = typeof process === 'undefined' ? undefined : process.env?.['SER_KERNEL_THREADS'];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new RangeError(`SER_KERNEL_THREADS must be an integer in 1..64, got '${raw}'`);
  return n;
}

/**
 * Sets how many threads the training kernels use (this one included).
 * Takes effect for the next pool: an existing pool with another count is closed.
 */
export function configureKernelThreads(threads: number): void {
  if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new RangeError(`kernel threads must be an integer in 1..64, got ${threads}`);
  requested = threads;
  if (pool && pool.threads !== threads) {
    pool.close();
    pool = null;
  }
}

/** The thread count the next kernel call will use. */
export function kernelThreadCount(): number {
  return pool?.threads ?? requested ?? fromEnvironment() ?? provider?.defaultThreads() ?? 1;
}

/** The pool serving `backend` (created on first use); throws when it cannot be created (see kernelPoolAvailable). */
export function kernelPool(backend: BackendWasm): KernelThreads {
  if (pool && poolBackend !== backend) {
    // A new backend instance (tf.removeBackend + re-register): its dataIds are new objects.
    pool.close();
    pool = null;
  }
  if (!pool) {
    if (!provider) throw new Error('kernel threads are not available here (no worker threads; Node only)');
    const dataIds = (backend as unknown as { dataIdMap: { has(id: object): boolean } }).dataIdMap;
    const isLive = (id: object) => dataIds.has(id);
    const threads = kernelThreadCount();
    try {
      pool = provider.create(threads, isLive);
    } catch (e) {
      if (threads === 1) throw e;
      // Worker threads need the compiled worker (dist/); one thread needs only build/train.wasm.
      // Results do not depend on the count, so say so once and carry on with one.
      log(`[ser-wasm] kernel threads: ${(e as Error).message}; using 1 thread`);
      pool = provider.create(1, isLive);
    }
    poolBackend = backend;
  }
  return pool;
}

/**
 * Whether the threaded kernels can run (build/train.wasm present and
 * instantiable). Checked once; when false the kernels keep their
 * single-threaded paths and the reason is logged once on stderr.
 */
export function kernelPoolAvailable(backend: BackendWasm): boolean {
  if (pool && poolBackend === backend) return true;
  if (unavailable !== undefined) return false;
  if (!provider) {
    unavailable = 'no kernel threads here (Node only)'; // a browser: nothing to log
    return false;
  }
  try {
    kernelPool(backend);
    return true;
  } catch (e) {
    unavailable = (e as Error).message;
    log(`[ser-wasm] training kernels stay single-threaded: ${unavailable}`);
    return false;
  }
}

/**
 * Largest call, in bytes of operands and results, that the threaded kernels
 * stage into shared memory (1 GB at most, with the arena's 512 MB of cached
 * blocks); larger calls keep the single-threaded kernels rather than fail.
 */
export const MAX_STAGED_BYTES = 256 * 1024 * 1024;

/** Closes the pool (tests; the threads also end with the process). */
export function closeKernelPool(): void {
  pool?.close();
  pool = null;
  poolBackend = null;
}

/**
 * Blocks for one kernel call: tensors are found in (or copied into) the
 * shared memory, outputs get blocks tagged with their dataId. Blocks are
 * pinned until the call ends so that staging one operand never evicts another.
 */
export class Staging {
  /** Runs one kernel call on `backend`'s pool; its pins and scratch blocks are released however it ends. */
  static run<T>(backend: BackendWasm, call: (staging: Staging) => T): T {
    const staging = new Staging(kernelPool(backend), backend);
    try {
      return call(staging);
    } finally {
      staging.done();
    }
  }

  private readonly pinned: ArenaBlock[] = [];
  private readonly scratch: ArenaBlock[] = [];

  constructor(
    readonly pool: KernelThreads,
    private readonly backend: BackendWasm,
  ) {}

  /** The block holding `t`'s data in shared memory (copied in unless already there). */
  inputBlock(t: tf.TensorInfo): ArenaBlock {
    const hit = this.pool.arena.lookup(t.dataId);
    if (hit) return this.pin(hit);
    const values = this.backend.typedArrayFromHeap(t) as Float32Array;
    const block = this.pin(this.pool.arena.allocate(values.byteLength, t.dataId));
    new Float32Array(this.pool.memory.buffer, block.ptr, values.length).set(values);
    return block;
  }

  /** Byte address of `t`'s data in shared memory (copied in unless already there). */
  input(t: tf.TensorInfo): number {
    return this.inputBlock(t).ptr;
  }

  /** A block for `floats` results, tagged with `tag` (the output's dataId) or untagged scratch released by done(). */
  output(floats: number, tag?: object): ArenaBlock {
    const block = this.pin(this.pool.arena.allocate(floats * 4, tag));
    if (!tag) this.scratch.push(block);
    return block;
  }

  /** Copies `floats` results at `ptr` into tfjs' output tensor `out`. */
  copyOut(ptr: number, out: tf.TensorInfo, floats: number): void {
    (this.backend.typedArrayFromHeap(out) as Float32Array).set(new Float32Array(this.pool.memory.buffer, ptr, floats));
  }

  private done(): void {
    for (const b of this.pinned) b.pinned = false;
    for (const b of this.scratch) this.pool.arena.release(b);
    this.pinned.length = 0;
    this.scratch.length = 0;
  }

  private pin(block: ArenaBlock): ArenaBlock {
    block.pinned = true;
    this.pinned.push(block);
    return block;
  }
}
