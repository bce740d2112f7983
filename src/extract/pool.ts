import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { FeatureCache, takeDamagedEntryCount } from './cache.js';
import { checkWorkers } from './worker-limits.js';
import { createProgress } from './progress.js';
import type { ExtractResult, ExtractTask } from './types.js';
import type { QueueRunStats } from '../queue/run-on-queue.js';

// The per-clip work (audio, augmentation, features, WASM) runs on this thread only with
// workers 0; with workers, only they load it, so the main thread starts faster.
type ProcessTask = typeof import('./process-task.js').processTask;
let inlineTask: Promise<ProcessTask> | undefined;

export { MAX_WORKERS_PER_CORE, checkWorkers, maxWorkers } from './worker-limits.js';

/** See PoolOptions.tasksPerWorker. */
const DEFAULT_TASKS_PER_WORKER = 2;

export interface PoolOptions {
  /** Worker threads, 0 … maxWorkers(); default: available cores. 0 runs every task on this thread (same code path). */
  workers?: number;
  /** Directory of the per-clip cache; null disables it. */
  cacheDir?: string | null;
  quiet?: boolean;
  label?: string;
  /** Compiled worker module to run instead of the default (tests use it to simulate crashes). */
  workerFile?: string;
  /**
   * Tasks handed to a worker before it returns one (default 2): the next file is already queued
   * (and being read) when a worker finishes one, instead of the worker idling for the
   * result/next-task round trip through the main thread (960 RAVDESS files on 2 workers: ~100 →
   * ~125 files/s; 4 was slower again). A worker's WASM work is synchronous, so tasks never share
   * a scratch frame. A worker that dies fails every task it held; each is retried once.
   */
  tasksPerWorker?: number;
  /**
   * Called once per task as soon as its outcome is final (after any retry), in completion order,
   * with the task's index: callers that stream output (`ser extract`'s CSV) use it to work while
   * the pool runs. An exception thrown here fails the run.
   */
  onOutcome?: (index: number, outcome: ExtractResult) => void;
  /**
   * Workers already started by {@link startExtractionWorkers} (their settings replace workers,
   * workerFile and tasksPerWorker here): the run takes them over and shuts them down at its end.
   */
  started?: StartedWorkers;
}

/** Worker threads started ahead of a run: see {@link startExtractionWorkers}. */
export interface StartedWorkers {
  readonly workers: number;
  readonly tasksPerWorker: number;
  /** Shuts the threads down if no run took them over (a no-op after one did). */
  close(): Promise<void>;
}

// The pool behind each StartedWorkers, until a run takes it over.
const startedPools = new WeakMap<StartedWorkers, Piscina>();

function newPool(workers: number, workerFile: string | undefined, tasksPerWorker: number): Piscina {
  return new Piscina({
    filename: workerFile ?? workerFilename(), minThreads: workers, maxThreads: workers, idleTimeout: 1000,
    concurrentTasksPerWorker: tasksPerWorker,
  });
}

/**
 * Starts the worker threads of a coming run now, so that their start-up (a Node thread, the
 * module graph, the WASM instance: ~0.1–0.2 s each, in parallel) overlaps what the caller does
 * before its tasks exist (`ser extract` lists the corpus and opens its outputs meanwhile). Hand
 * the result to the run as PoolOptions.started; close it if no run will.
 */
export function startExtractionWorkers(opts: Pick<PoolOptions, 'workers' | 'workerFile' | 'tasksPerWorker'> = {}): StartedWorkers {
  const workers = checkWorkers(opts.workers ?? availableParallelism());
  if (workers === 0) throw new RangeError('startExtractionWorkers: workers must be at least 1 (0 runs tasks on the calling thread)');
  const tasksPerWorker = opts.tasksPerWorker ?? DEFAULT_TASKS_PER_WORKER;
  const started: StartedWorkers = {
    workers,
    tasksPerWorker,
    async close() {
      const pool = startedPools.get(started);
      startedPools.delete(started);
      await pool?.destroy();
    },
  };
  startedPools.set(started, newPool(workers, opts.workerFile, tasksPerWorker));
  return started;
}

export interface SkippedFile {
  key: string;
  path: string;
  code: string;
  reason: string;
}

export interface PoolRun {
  /** Successful results in task order (a skipped file simply has no entry). */
  results: Array<Extract<ExtractResult, { ok: true }>>;
  skipped: SkippedFile[];
  stats: {
    files: number; ok: number; skipped: number; cacheHits: number;
    /** Cache entries found damaged (truncated, bit flips, bad JSON, another entry's file) and recomputed. */
    cacheRecomputed: number;
    /**
     * New cache entries that could not be written (the results are complete; those clips are
     * computed again next time), with the first error's message. Absent on a queue run.
     */
    cacheWriteErrors?: { count: number; first: string };
    retried: number; seconds: number; filesPerSecond: number; workers: number;
  };
  /** Present when the tasks ran on a Redis queue (`--queue`) instead of this pool. */
  queue?: QueueRunStats;
}

/**
 * Piscina needs compiled JavaScript for its workers (tsx/vitest transforms do
 * not reach worker threads), so when this module itself runs from TypeScript
 * sources the worker is taken from dist/ (built by `npm install`).
 */
export function workerFilename(): string {
  const here = fileURLToPath(import.meta.url);
  const candidate = here.endsWith('.ts')
    ? here.replace(/[\\/]src[\\/]extract[\\/]pool\.ts$/, '/dist/src/extract/worker.js')
    : here.replace(/pool\.js$/, 'worker.js');
  if (!existsSync(candidate)) throw new Error(`extract: compiled worker not found at ${candidate}; run \`npm run build\``);
  return candidate;
}

/**
 * Runs extraction tasks on a worker pool. Each worker instantiates the WASM
 * module once and receives file paths (not audio); vectors come back as
 * transferred buffers. One bad file never stops the batch: it is reported in
 * `skipped` with its reason. A task whose worker died is retried once on a
 * fresh worker (Piscina replaces dead workers by itself).
 */
export async function runExtractionPool(tasks: ExtractTask[], opts: PoolOptions = {}): Promise<PoolRun> {
  let pool: Piscina | null = null;
  if (opts.started) {
    pool = startedPools.get(opts.started) ?? null;
    if (!pool) throw new Error('runExtractionPool: these started workers were already used by a run or closed');
    startedPools.delete(opts.started);
  }
  const workers = opts.started ? opts.started.workers : checkWorkers(opts.workers ?? availableParallelism());
  const tasksPerWorker = opts.started ? opts.started.tasksPerWorker : (opts.tasksPerWorker ?? DEFAULT_TASKS_PER_WORKER);
  const cacheDir = opts.cacheDir ?? null;
  const started = performance.now();
  const progress = createProgress(opts.label ?? 'extract', tasks.length, { quiet: opts.quiet });
  const outcomes: Array<ExtractResult | undefined> = new Array(tasks.length);
  let cacheHits = 0;
  let cacheRecomputed = 0;
  let retried = 0;
  if (workers === 0) takeDamagedEntryCount(); // start this run's count from zero on this thread

  if (!pool && workers > 0) pool = newPool(workers, opts.workerFile, tasksPerWorker);

  type Outcome = ExtractResult & { cacheHit?: boolean; cacheRecomputed?: number; cacheKey?: string };
  const runOne = async (task: ExtractTask): Promise<Outcome> => {
    if (!pool) {
      inlineTask ??= import('./process-task.js').then((m) => m.processTask);
      return (await inlineTask)(task, cacheDir, undefined, { deferCachePut: cacheDir !== null, cacheRun });
    }
    return pool.run({ task, cacheDir, deferCachePut: cacheDir !== null, cacheRun });
  };

  // New cache entries are written from this thread, appended to one pack (cache.ts): the workers
  // hand back each result with its cache key and go on computing. A synchronous append costs less
  // CPU than the promise API's thread-pool round trips, and on two cores the CPU is what counts;
  // a failed write is counted, not fatal (the table is complete).
  const cache = cacheDir === null ? null : new FeatureCache(cacheDir);
  // Workers read the cache as it is when this run starts (entries of earlier runs included).
  const cacheRun = randomUUID();
  let cacheWriteErrors = 0;
  let firstCacheWriteError: string | undefined;
  const writeCacheEntry = (outcome: Outcome): void => {
    if (!cache || !outcome.ok || outcome.cacheKey === undefined) return;
    const key = outcome.cacheKey;
    delete outcome.cacheKey;
    try {
      cache.put(key, outcome);
    } catch (err) {
      cacheWriteErrors++;
      firstCacheWriteError ??= (err as Error).message;
    }
  };

  // Tasks go to the pool in corpus order, only as many at a time as the workers hold (each
  // worker's tasksPerWorker, plus one waiting per worker): outcomes then come back in about
  // corpus order, which streaming writers (onOutcome) need. Handing Piscina all tasks at once
  // let a few early tasks finish last, holding back every row after them.
  const inFlight = pool ? workers * (tasksPerWorker + 1) : 1;
  let next = 0;
  const runSlot = async (): Promise<void> => {
    for (let i = next++; i < tasks.length; i = next++) {
      const task = tasks[i]!;
      let outcome: Outcome | undefined;
      for (let attempt = 0; attempt < 2 && outcome === undefined; attempt++) {
        try {
          outcome = await runOne(task);
        } catch (err) {
          // Only infrastructure failures land here (per-file problems come back as ok: false).
          if (attempt === 0) {
            retried++;
            continue;
          }
          outcome = { ok: false, key: task.key, code: 'WORKER_FAILED', reason: `worker failed twice: ${(err as Error).message}` };
        }
      }
      if (outcome!.cacheHit) cacheHits++;
      cacheRecomputed += outcome!.cacheRecomputed ?? 0;
      writeCacheEntry(outcome!);
      outcomes[i] = outcome;
      opts.onOutcome?.(i, outcome!);
      progress.tick();
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(inFlight, tasks.length) }, runSlot));
  } finally {
    progress.stop();
    // Every task is settled: the idle workers exit in the background (tens of ms: each frees its
    // heap and WASM memory) while the caller goes on to write its tables.
    pool?.destroy().catch(() => {});
    cache?.close();
  }
  // Inline runs (workers 0) count damaged cache entries on this thread; workers report theirs per task.
  if (!pool) cacheRecomputed += takeDamagedEntryCount();

  const results: PoolRun['results'] = [];
  const skipped: SkippedFile[] = [];
  outcomes.forEach((o, i) => {
    if (o!.ok) results.push(o as Extract<ExtractResult, { ok: true }>);
    else skipped.push({ key: o!.key, path: tasks[i]!.path, code: o!.code, reason: o!.reason });
  });
  const seconds = (performance.now() - started) / 1000;
  return {
    results,
    skipped,
    stats: {
      files: tasks.length,
      ok: results.length,
      skipped: skipped.length,
      cacheHits,
      cacheRecomputed,
      ...(cacheWriteErrors > 0 ? { cacheWriteErrors: { count: cacheWriteErrors, first: firstCacheWriteError! } } : {}),
      retried,
      seconds,
      filesPerSecond: tasks.length / Math.max(seconds, 1e-9),
      workers,
    },
  };
}
