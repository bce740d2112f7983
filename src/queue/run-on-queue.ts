import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Queue, QueueEvents, type Job as BullJob } from 'bullmq';
import { codeVersion } from '../extract/cache.js';
import type { PoolRun } from '../extract/pool.js';
import { createProgress } from '../extract/progress.js';
import type { ExtractTask } from '../extract/types.js';
import { TOOL_VERSION } from '../version.js';
import { wasmPath } from '../wasm/load-node.js';
import { connectionOptions, QUEUE_NAME, redactUrl, waitForRedis, watchConnection } from './connection.js';
import {
  isFinalFailure, JOB_ATTEMPTS, JOB_BACKOFF, JOB_FORMAT, jobIdFor, KEEP_FINISHED_SECONDS, parseFailure, type QueueJobData, type QueueJobResult,
} from './job-data.js';
import { RunOutcomes, type JobCounters } from './run-outcomes.js';

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
export interface QueueRunStats extends JobCounters {
  /** The URL, password redacted. */
  url: string;
  /** Distinct jobs (files with equal content, settings and key share one). */
  jobs: number;
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

type JobSpec = { id: string; name: string; data: QueueJobData; opts: Record<string, unknown> };
type QueueOf = Queue<QueueJobData, QueueJobResult>;

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
  const run = new QueueRun(tasks, opts);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new QueueInterruptedError(
      `interrupted with ${run.outcomes.collected} of ${tasks.length} results collected; nothing was written. The jobs stay in the queue at ${run.where} ` +
        'and workers go on with them: run the same command again to collect the results (finished files are not recomputed)'));
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const working = run.work();
  working.catch(() => undefined); // after an interrupt its late failures (closed connections) are expected
  try {
    await Promise.race([working, aborted]);
  } finally {
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    await run.close();
  }

  const { outcomes } = run;
  const { results, skipped } = outcomes.collect();
  const seconds = (performance.now() - started) / 1000;
  return {
    results,
    skipped,
    stats: {
      files: tasks.length, ok: results.length, skipped: skipped.length, cacheHits: outcomes.cacheHits, cacheRecomputed: outcomes.cacheRecomputed,
      retried: outcomes.counters.redelivered, seconds, filesPerSecond: tasks.length / Math.max(seconds, 1e-9), workers: outcomes.workers.size,
    },
    queue: { url: run.where, jobs: run.jobs, ...outcomes.counters },
  };
}

/** One producer run: its connections, its jobs' outcomes, and the submit / sweep / wait steps. */
class QueueRun {
  /** The URL, password redacted. */
  readonly where: string;
  readonly outcomes: RunOutcomes;
  /** Distinct jobs submitted. */
  jobs = 0;
  private readonly code: string;
  private readonly queue: QueueOf;
  private readonly events: QueueEvents;
  private readonly progress: ReturnType<typeof createProgress>;
  private readonly log: (line: string) => void;
  /** Resolves the wait loop's current pause (a result or a reconnection came). */
  private wake: () => void = () => undefined;
  private sweepWanted = false;
  /** Set when the run ends, interrupted or not: the wait loop stops sweeping. */
  private stopped = false;
  private connected = false;

  constructor(
    private readonly tasks: readonly ExtractTask[],
    private readonly opts: QueueRunOptions,
  ) {
    this.log = opts.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
    this.where = redactUrl(opts.url);
    this.code = codeVersion(wasmPath(), TOOL_VERSION);
    const connection = connectionOptions(opts.url);
    this.queue = new Queue<QueueJobData, QueueJobResult>(QUEUE_NAME, { connection });
    this.events = new QueueEvents(QUEUE_NAME, { connection });
    this.queue.on('error', () => undefined); // reported once per outage by watchConnection
    this.events.on('error', () => undefined);
    this.progress = createProgress(opts.label ?? 'extract', tasks.length, { quiet: opts.quiet });
    this.outcomes = new RunOutcomes(tasks, () => this.progress.tick());
    this.events.on('completed', ({ jobId, returnvalue }) => {
      this.outcomes.completed(jobId, returnvalue, false);
      this.wake();
    });
    this.events.on('failed', ({ jobId, failedReason }) => {
      this.outcomes.failed(jobId, failedReason);
      this.wake();
    });
  }

  /** Connects, submits every task, then collects until every job has an outcome. */
  async work(): Promise<void> {
    const conn = watchConnection(this.queue.getBackend(), {
      lost: (why) => this.log(`queue: lost Redis at ${this.where} (${why}); waiting for it to come back`),
      restored: () => {
        this.log(`queue: reconnected to Redis at ${this.where}`);
        this.requestSweep();
      },
    });
    watchConnection(this.events.getBackend(), { lost: () => undefined, restored: () => this.requestSweep() });
    await waitForRedis(Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]), this.opts.url, conn.lastError);
    this.connected = true;
    await this.submit();
    await this.sweep(true);
    await this.waitForResults();
  }

  /** Ends the run: progress display off, connections closed. */
  async close(): Promise<void> {
    this.stopped = true;
    this.progress.stop();
    // QueueEvents.close() first waits for its connection, which never comes when Redis was not reachable.
    if (this.connected) await closeAll([this.queue, this.events]);
    else await Promise.allSettled([this.queue.close(), this.events.getBackend().close()]);
  }

  private requestSweep(): void {
    this.sweepWanted = true;
    this.wake();
  }

  /** The job of task i (reading its file), or undefined after skipping the task when the producer cannot read the file. */
  private async jobFor(i: number): Promise<JobSpec | undefined> {
    const task = { ...this.tasks[i]!, path: resolve(this.tasks[i]!.path) }; // workers resolve nothing: they get absolute paths
    let bytes: Uint8Array;
    try {
      bytes = await readFile(task.path);
    } catch (err) {
      this.outcomes.skip(i, 'READ_FAILED', `${task.path}: ${(err as Error).message}`);
      return undefined;
    }
    const id = jobIdFor(task, bytes, this.code);
    const data: QueueJobData = { format: JOB_FORMAT, task, code: this.code, ...(this.opts.sendAudio ? { audio: Buffer.from(bytes).toString('base64') } : {}) };
    return {
      id, name: 'extract', data,
      opts: {
        jobId: id, attempts: JOB_ATTEMPTS, backoff: JOB_BACKOFF,
        removeOnComplete: { age: KEEP_FINISHED_SECONDS }, removeOnFail: { age: KEEP_FINISHED_SECONDS },
      },
    };
  }

  /** Adds a job per distinct piece of work, SUBMIT_BATCH at a time. */
  private async submit(): Promise<void> {
    const { tasks, outcomes } = this;
    for (let from = 0; from < tasks.length; from += SUBMIT_BATCH) {
      const batch: JobSpec[] = [];
      for (let i = from; i < Math.min(tasks.length, from + SUBMIT_BATCH); i++) {
        const job = await this.jobFor(i);
        if (job && outcomes.waitFor(job.id, i)) batch.push(job); // the same work twice in one run: one job
      }
      await this.queue.addBulk(batch.map(({ name, data, opts }) => ({ name, data, opts })));
    }
    this.jobs = outcomes.pendingJobs;
  }

  /** Resubmits a job Redis lost, from its file (which must still have the same content). */
  private async resubmit(id: string): Promise<void> {
    const job = await this.jobFor(this.outcomes.waiting(id)[0]!);
    if (!job) {
      this.outcomes.skipJob(id, 'READ_FAILED', (path) => `${path}: unreadable when its job had to be submitted again`);
      return;
    }
    if (job.id !== id) {
      this.outcomes.skipJob(id, 'CHANGED', (path) => `${path}: the file changed during the run`);
      return;
    }
    await this.queue.add(job.name, job.data, job.opts);
    this.outcomes.counters.resubmitted++;
  }

  /** Reads every pending job: collects finished ones, re-adds missing ones; `initial`: retries circumstantial failures of earlier runs. */
  private async sweep(initial: boolean): Promise<number> {
    const { outcomes } = this;
    const before = outcomes.collected;
    let missing = 0;
    const ids = outcomes.pendingIds();
    for (let from = 0; from < ids.length; from += SWEEP_BATCH) {
      const batch = ids.slice(from, from + SWEEP_BATCH);
      const jobs = await Promise.all(batch.map((id) => this.queue.getJob(id) as Promise<BullJob<QueueJobData, QueueJobResult> | undefined>));
      for (let k = 0; k < batch.length; k++) {
        const id = batch[k]!;
        const job = jobs[k];
        if (!outcomes.isPending(id)) continue; // settled by an event meanwhile
        if (!job) {
          missing++;
          await this.resubmit(id);
        } else if (job.returnvalue !== null && job.returnvalue !== undefined) {
          outcomes.completed(id, job.returnvalue, initial);
        } else if (job.finishedOn !== undefined && job.failedReason) {
          if (initial && !isFinalFailure(parseFailure(job.failedReason).code)) {
            await job.retry('failed');
            outcomes.counters.retriedFailed++;
          } else outcomes.failed(id, job.failedReason);
        }
      }
    }
    if (missing > 0) this.log(`queue: Redis at ${this.where} no longer had ${missing} job(s) of this run (restarted without persistence?): submitted them again`);
    return outcomes.collected - before;
  }

  /** Warns once that no worker is connected; returns whether it did. */
  private async warnIfNoWorkers(): Promise<boolean> {
    if ((await this.queue.getWorkersCount()) > 0) return false;
    this.log(`queue: no \`ser worker\` is connected to ${this.where}; the jobs wait until one starts (ser worker --queue ${this.where})`);
    return true;
  }

  /** Waits for events; sweeps after a reconnection and when results stop coming (at doubling intervals). */
  private async waitForResults(): Promise<void> {
    const { outcomes } = this;
    let sweepEvery = SWEEP_FIRST_MS;
    let warnedNoWorkers = false;
    while (outcomes.pendingJobs > 0 && !this.stopped) {
      await new Promise<void>((res) => {
        this.wake = res;
        setTimeout(res, 1000);
      });
      this.wake = () => undefined;
      const quietFor = Date.now() - outcomes.lastResultAt;
      if (outcomes.pendingJobs > 0 && !this.stopped && (this.sweepWanted || quietFor >= sweepEvery)) {
        this.sweepWanted = false;
        const found = await this.sweep(false);
        sweepEvery = found > 0 ? SWEEP_FIRST_MS : Math.min(2 * sweepEvery, SWEEP_MAX_MS);
        if (found === 0 && !warnedNoWorkers) warnedNoWorkers = await this.warnIfNoWorkers();
      }
    }
  }
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
