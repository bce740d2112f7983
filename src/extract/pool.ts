import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { createProgress } from './progress.js';
import { processTask } from './process-task.js';
import type { ExtractResult, ExtractTask } from './types.js';

export interface PoolOptions {
  /** Worker threads; default: available cores. 0 runs every task on this thread (same code path). */
  workers?: number;
  /** Directory of the per-clip cache; null disables it. */
  cacheDir?: string | null;
  quiet?: boolean;
  label?: string;
  /** Compiled worker module to run instead of the default (tests use it to simulate crashes). */
  workerFile?: string;
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
  stats: { files: number; ok: number; skipped: number; cacheHits: number; retried: number; seconds: number; filesPerSecond: number; workers: number };
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
  const workers = opts.workers ?? availableParallelism();
  const cacheDir = opts.cacheDir ?? null;
  const started = performance.now();
  const progress = createProgress(opts.label ?? 'extract', tasks.length, { quiet: opts.quiet });
  const outcomes: Array<ExtractResult | undefined> = new Array(tasks.length);
  let cacheHits = 0;
  let retried = 0;

  const pool =
    workers > 0
      ? new Piscina({ filename: opts.workerFile ?? workerFilename(), minThreads: workers, maxThreads: workers, idleTimeout: 1000 })
      : null;

  const runOne = async (task: ExtractTask): Promise<ExtractResult & { cacheHit?: boolean }> => {
    if (!pool) return processTask(task, cacheDir);
    return pool.run({ task, cacheDir });
  };

  try {
    await Promise.all(
      tasks.map(async (task, i) => {
        let outcome: (ExtractResult & { cacheHit?: boolean }) | undefined;
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
        outcomes[i] = outcome;
        progress.tick();
      }),
    );
  } finally {
    progress.stop();
    await pool?.destroy();
  }

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
      retried,
      seconds,
      filesPerSecond: tasks.length / Math.max(seconds, 1e-9),
      workers,
    },
  };
}
