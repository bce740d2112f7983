import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Queue, QueueEvents, type Job } from 'bullmq';
import { codeVersion } from '../extract/cache.js';
import type { PoolRun, SkippedFile } from '../extract/pool.js';
import { createProgress } from '../extract/progress.js';
import type { ExtractTask } from '../extract/types.js';
import { TOOL_VERSION } from '../version.js';
import { wasmPath } from '../wasm/load-node.js';
import { connectionOptions, QUEUE_NAME, redactUrl, waitForRedis, watchConnection } from './connection.js';
import {
  decodeResult, isFinalFailure, JOB_ATTEMPTS, JOB_BACKOFF, JOB_FORMAT, jobIdFor, KEEP_FINISHED_SECONDS, parseFailure,
  QueueResultError, type QueueJobData, type QueueJobResult,
} from './job-data.js';

export interface QueueRunOptions {
  /** redis://HOST:PORT (see parseQueueUrl). */
  url: string;
  /** Ship each file's bytes in its job, for workers that do not see the producer's paths. */
  sendAudio?: boolean;
  quiet?: boolean;
  label?: string;
  /** Aborting (Ctrl-C) stops waiting; the jobs stay queued and a re-run collects them. */
  signal?: AbortSignal;
  /** Status lines (outages, resubmissions); default stderr. */
  log?: (line: string) => void;
}

/** What a queue run adds to the pool's statistics. */
export interface QueueRunStats {
  /** The URL, password redacted. */
  url: string;
  /** Distinct jobs (files with equal content, settings and key share one). */
  jobs: number;
  /** Results already in the queue when this run looked (an earlier or concurrent run's): collected, not recomputed. */
  reused: number;
  /** Jobs started more than once (their worker died and the lock expired, or a transient error was retried). */
  redelivered: number;
  /** Jobs added again because Redis no longer had them (a restart without persistence). */
  resubmitted: number;
  /** Jobs an earlier run left failed for a reason other than their audio (unreadable, worker lost), tried again. */
  retriedFailed: number;
}

/** Ctrl-C on a producer: nothing was written, and the queue is left as it is for a re-run. */
export class QueueInterruptedError extends Error {
  override readonly name = 'QueueInterruptedError';
}

/** Jobs added (and files read and hashed) per round trip; addBulk adds each batch atomically (MULTI). */
const SUBMIT_BATCH = 64;
/** Jobs looked up per round of a sweep. */
const SWEEP_BATCH = 128;
/** A sweep runs after this long without a result, then at doubling intervals up to SWEEP_MAX_MS while nothing changes. */
const SWEEP_FIRST_MS = 5_000;
const SWEEP_MAX_MS = 60_000;

type OkResult = PoolRun['results'][number];
type Outcome = { ok: true; result: OkResult } | { ok: false; skip: SkippedFile };

/**
 * `ser extract|predict --queue`: the tasks as BullMQ jobs, one per file, each with the id of its work
 * (jobIdFor: file bytes, settings, key, code version), so adding a job that exists (finished, running
 * or waiting) adds nothing and a re-run only waits for what is missing. Returns what the local pool
 * returns, results in task order, so the same table writers produce the same bytes.
 *
 * Results arrive as queue events; a sweep reads the jobs themselves when events may have been missed:
 * at the start (results of earlier runs), after a reconnection, and when no result has come for a
 * while. A job Redis no longer has (restarted without persistence) is added again.
 */
export async function runOnQueue(tasks: ExtractTask[], opts: QueueRunOptions): Promise<PoolRun & { queue: QueueRunStats }> {
  const started = performance.now();
  const log = opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const where = redactUrl(opts.url);
  const code = codeVersion(wasmPath(), TOOL_VERSION);
  const connection = connectionOptions(opts.url);
  const queue = new Queue<QueueJobData, QueueJobResult>(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  queue.on('error', () => undefined); // reported once per outage by watchConnection
  events.on('error', () => undefined);

  const outcomes: Array<Outcome | undefined> = new Array(tasks.length);
  const pending = new Map<string, number[]>(); // job id → indices of the tasks waiting for it
  const workers = new Set<string>();
  const stats: QueueRunStats = { url: where, jobs: 0, reused: 0, redelivered: 0, resubmitted: 0, retriedFailed: 0 };
  let cacheHits = 0;
  let cacheRecomputed = 0;
  let collected = 0;
  let lastResultAt = Date.now();
  let sweepWanted = false;
  const progress = createProgress(opts.label ?? 'extract', tasks.length, { quiet: opts.quiet });
  let wake: () => void = () => undefined;
  let stopped = false; // set when the run ends, interrupted or not: the wait loop stops sweeping
  let connected = false;

  const settle = (index: number, outcome: Outcome) => {
    if (outcomes[index]) return;
    outcomes[index] = outcome;
    collected++;
    lastResultAt = Date.now();
    progress.tick();
  };
  const skip = (index: number, code: string, reason: string) =>
    settle(index, { ok: false, skip: { key: tasks[index]!.key, path: tasks[index]!.path, code, reason } });

  const completed = (id: string, returnvalue: unknown, reused: boolean) => {
    const indices = pending.get(id);
    if (!indices) return;
    pending.delete(id);
    for (const i of indices) {
      try {
        const { meta, ...result } = decodeResult(returnvalue, tasks[i]!);
        if (meta.worker) workers.add(meta.worker);
        if (meta.cacheHit) cacheHits++;
        cacheRecomputed += meta.cacheRecomputed;
        if (meta.attemptsStarted > 1 && i === indices[0]) stats.redelivered++;
        if (reused && i === indices[0]) stats.reused++;
        settle(i, { ok: true, result });
      } catch (err) {
        if (!(err instanceof QueueResultError)) throw err;
        skip(i, 'BAD_RESULT', err.message);
      }
    }
    wake();
  };
  const failed = (id: string, failedReason: string | undefined) => {
    const indices = pending.get(id);
    if (!indices) return;
    pending.delete(id);
    const { code: why, reason } = parseFailure(failedReason);
    for (const i of indices) skip(i, why, reason);
    wake();
  };
  events.on('completed', ({ jobId, returnvalue }) => completed(jobId, returnvalue, false));
  events.on('failed', ({ jobId, failedReason }) => failed(jobId, failedReason));

  /** The job of task i (reading its file), or a skip when the producer cannot read the file. */
  const jobFor = async (i: number): Promise<{ id: string; name: string; data: QueueJobData; opts: Record<string, unknown> } | undefined> => {
    const task = { ...tasks[i]!, path: resolve(tasks[i]!.path) }; // workers resolve nothing: they get absolute paths
    let bytes: Uint8Array;
    try {
      bytes = await readFile(task.path);
    } catch (err) {
      skip(i, 'READ_FAILED', `${task.path}: ${(err as Error).message}`);
      return undefined;
    }
    const id = jobIdFor(task, bytes, code);
    const data: QueueJobData = { format: JOB_FORMAT, task, code, ...(opts.sendAudio ? { audio: Buffer.from(bytes).toString('base64') } : {}) };
    return {
      id, name: 'extract', data,
      opts: {
        jobId: id, attempts: JOB_ATTEMPTS, backoff: JOB_BACKOFF,
        removeOnComplete: { age: KEEP_FINISHED_SECONDS }, removeOnFail: { age: KEEP_FINISHED_SECONDS },
      },
    };
  };

  const submit = async () => {
    for (let from = 0; from < tasks.length; from += SUBMIT_BATCH) {
      const batch: Array<NonNullable<Awaited<ReturnType<typeof jobFor>>>> = [];
      for (let i = from; i < Math.min(tasks.length, from + SUBMIT_BATCH); i++) {
        const job = await jobFor(i);
        if (!job) continue;
        const waiting = pending.get(job.id);
        if (waiting) waiting.push(i); // the same work twice in one run: one job
        else {
          pending.set(job.id, [i]);
          batch.push(job);
        }
      }
      await queue.addBulk(batch.map(({ name, data, opts: o }) => ({ name, data, opts: o })));
    }
    stats.jobs = pending.size;
  };

  /** Resubmits a job Redis lost, from its file (which must still have the same content). */
  const resubmit = async (id: string) => {
    const indices = pending.get(id)!;
    const job = await jobFor(indices[0]!);
    if (!job) {
      pending.delete(id);
      for (const i of indices.slice(1)) skip(i, 'READ_FAILED', `${tasks[i]!.path}: unreadable when its job had to be submitted again`);
      return;
    }
    if (job.id !== id) {
      pending.delete(id);
      for (const i of indices) skip(i, 'CHANGED', `${tasks[i]!.path}: the file changed during the run`);
      return;
    }
    await queue.add(job.name, job.data, job.opts);
    stats.resubmitted++;
  };

  /** Reads every pending job: collects finished ones, re-adds missing ones; `initial`: retries circumstantial failures of earlier runs. */
  const sweep = async (initial: boolean): Promise<number> => {
    const before = collected;
    let missing = 0;
    const ids = [...pending.keys()];
    for (let from = 0; from < ids.length; from += SWEEP_BATCH) {
      const batch = ids.slice(from, from + SWEEP_BATCH);
      const jobs = await Promise.all(batch.map((id) => queue.getJob(id) as Promise<Job<QueueJobData, QueueJobResult> | undefined>));
      for (let k = 0; k < batch.length; k++) {
        const id = batch[k]!;
        const job = jobs[k];
        if (!pending.has(id)) continue; // settled by an event meanwhile
        if (!job) {
          missing++;
          await resubmit(id);
        } else if (job.returnvalue !== null && job.returnvalue !== undefined) {
          completed(id, job.returnvalue, initial);
        } else if (job.finishedOn !== undefined && job.failedReason) {
          if (initial && !isFinalFailure(parseFailure(job.failedReason).code)) {
            await job.retry('failed');
            stats.retriedFailed++;
          } else failed(id, job.failedReason);
        }
      }
    }
    if (missing > 0) log(`queue: Redis at ${where} no longer had ${missing} job(s) of this run (restarted without persistence?): submitted them again`);
    return collected - before;
  };

  const noWorkersWarning = async () => {
    if ((await queue.getWorkersCount()) === 0) {
      log(`queue: no \`ser worker\` is connected to ${where}; the jobs wait until one starts (ser worker --queue ${where})`);
      return true;
    }
    return false;
  };

  const work = async () => {
    const conn = watchConnection(queue.getBackend(), {
      lost: (why) => log(`queue: lost Redis at ${where} (${why}); waiting for it to come back`),
      restored: () => {
        log(`queue: reconnected to Redis at ${where}`);
        sweepWanted = true;
        wake();
      },
    });
    watchConnection(events.getBackend(), { lost: () => undefined, restored: () => { sweepWanted = true; wake(); } });
    await waitForRedis(Promise.all([queue.waitUntilReady(), events.waitUntilReady()]), opts.url, conn.lastError);
    connected = true;
    await submit();
    await sweep(true);
    let sweepEvery = SWEEP_FIRST_MS;
    let warnedNoWorkers = false;
    while (pending.size > 0 && !stopped) {
      await new Promise<void>((res) => {
        wake = res;
        setTimeout(res, 1000);
      });
      wake = () => undefined;
      const quietFor = Date.now() - lastResultAt;
      if (pending.size > 0 && !stopped && (sweepWanted || quietFor >= sweepEvery)) {
        sweepWanted = false;
        const found = await sweep(false);
        sweepEvery = found > 0 ? SWEEP_FIRST_MS : Math.min(2 * sweepEvery, SWEEP_MAX_MS);
        if (found === 0 && !warnedNoWorkers) warnedNoWorkers = await noWorkersWarning();
      }
    }
  };

  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new QueueInterruptedError(
      `interrupted with ${collected} of ${tasks.length} results collected; nothing was written. The jobs stay in the queue at ${where} ` +
        'and workers go on with them: run the same command again to collect the results (finished files are not recomputed)'));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const working = work();
  working.catch(() => undefined); // after an interrupt its late failures (closed connections) are expected
  try {
    await Promise.race([working, aborted]);
  } finally {
    stopped = true;
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    progress.stop();
    // QueueEvents.close() first waits for its connection, which never comes when Redis was not reachable.
    if (connected) await closeAll([queue, events]);
    else await Promise.allSettled([queue.close(), events.getBackend().close()]);
  }

  const results: OkResult[] = [];
  const skipped: SkippedFile[] = [];
  for (const o of outcomes as Outcome[]) {
    if (o.ok) results.push(o.result);
    else skipped.push(o.skip);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    results,
    skipped,
    stats: {
      files: tasks.length, ok: results.length, skipped: skipped.length, cacheHits, cacheRecomputed,
      retried: stats.redelivered, seconds, filesPerSecond: tasks.length / Math.max(seconds, 1e-9), workers: workers.size,
    },
    queue: stats,
  };
}

/** Closes the connections, or drops them after 3 s (a close waits on commands queued for a Redis that is down). */
async function closeAll(parts: Array<{ close(): Promise<void>; disconnect(): Promise<void> }>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const closed = Promise.allSettled(parts.map((p) => p.close()));
  const late = new Promise<'late'>((res) => (timer = setTimeout(() => res('late'), 3000)));
  const outcome = await Promise.race([closed, late]);
  clearTimeout(timer);
  if (outcome === 'late') for (const p of parts) p.disconnect().catch(() => undefined);
}
