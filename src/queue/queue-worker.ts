import { hostname } from 'node:os';
import { Piscina } from 'piscina';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { codeVersion } from '../extract/cache.js';
import { workerFilename } from '../extract/pool.js';
import type { ExtractResult, ExtractTask } from '../extract/types.js';
import { TOOL_VERSION } from '../version.js';
import { wasmPath } from '../wasm/load-node.js';
import { connectionOptions, QUEUE_NAME, redactUrl, waitForRedis, watchConnection } from './connection.js';
import { encodeResult, failureReason, isRetryable, JOB_FORMAT, type QueueJobData, type QueueJobResult } from './job-data.js';

export interface QueueWorkerOptions {
  url: string;
  /** Jobs at once, each on its own pool thread. */
  concurrency: number;
  /** Per-clip cache directory on this machine (a redelivered or re-submitted job is then cheap); null disables it. */
  cacheDir: string | null;
  /** BullMQ lock duration: a job whose worker stops renewing its lock this long is handed to another worker. */
  lockDurationMs?: number;
  /** How often this worker looks for such jobs (BullMQ's stalled check). */
  stalledIntervalMs?: number;
  /** One line per job started and finished (otherwise failures, outages and a per-minute count). */
  verbose?: boolean;
  log: (line: string) => void;
}

/** A stalled job (its worker lost) is put back this many times; one more and it fails as WORKER_FAILED, so a file that kills workers cannot loop. */
export const MAX_STALLED_COUNT = 2;

export interface RunningQueueWorker {
  name: string;
  /** Stops taking jobs, lets the active ones finish, closes the pool and the connections. */
  close(): Promise<void>;
}

/**
 * `ser worker`: takes jobs from the queue and runs each on the same Piscina worker entry as the local
 * pool (src/extract/worker.ts → processTask), so a file gets the same numbers wherever it runs. The DSP
 * runs on pool threads, never on this thread, which only talks to Redis: lock renewals are not held up
 * by a long file, so a busy worker is never mistaken for a dead one.
 *
 * A per-file verdict (not a WAV, too short, …) fails the job at once (UnrecoverableError); an error that
 * may pass (file not readable, thread crashed) throws a plain Error, which BullMQ retries with the
 * back-off the producer set. A job whose worker dies (SIGKILL, power loss) keeps its lock until it
 * expires; then a stalled check, by any worker, moves it back to the waiting list.
 */
export async function startQueueWorker(opts: QueueWorkerOptions): Promise<RunningQueueWorker> {
  const name = `${hostname()}:${process.pid}`;
  const code = codeVersion(wasmPath(), TOOL_VERSION);
  const pool = new Piscina({ filename: workerFilename(), minThreads: opts.concurrency, maxThreads: opts.concurrency });
  let done = 0;
  let failed = 0;

  const processJob = async (job: Job<QueueJobData, QueueJobResult>): Promise<QueueJobResult> => {
    const data = job.data;
    if (!data || data.format !== JOB_FORMAT || !data.task || typeof data.task.path !== 'string') {
      throw new UnrecoverableError(failureReason('BAD_JOB', `job ${job.id} is not a ser-wasm job of format ${JOB_FORMAT}`));
    }
    const task: ExtractTask = data.task;
    if (data.code !== code) {
      throw new UnrecoverableError(failureReason('VERSION_MISMATCH',
        `${task.path}: the producer runs ser-wasm ${data.code}, this worker (${name}) ${code}; install the same version on both`));
    }
    const started = performance.now();
    if (opts.verbose) opts.log(`start ${task.key} (job ${shortId(job.id)}, attempt ${job.attemptsStarted})`);
    let r: ExtractResult & { cacheHit?: boolean; cacheRecomputed?: number };
    try {
      const audio = data.audio === undefined ? undefined : Buffer.from(data.audio, 'base64');
      r = await pool.run({ task, cacheDir: opts.cacheDir, audio });
    } catch (err) {
      throw new Error(failureReason('WORKER_FAILED', `${task.path}: worker thread failed: ${(err as Error).message}`));
    }
    if (!r.ok) {
      const reason = failureReason(r.code, r.reason);
      throw isRetryable(r.code) ? new Error(reason) : new UnrecoverableError(reason);
    }
    if (opts.verbose) opts.log(`done ${task.key} (job ${shortId(job.id)}) in ${((performance.now() - started) / 1000).toFixed(2)} s${r.cacheHit ? ', cache hit' : ''}`);
    return encodeResult(r, name, job.attemptsStarted);
  };

  const worker = new Worker<QueueJobData, QueueJobResult>(QUEUE_NAME, processJob, {
    connection: connectionOptions(opts.url),
    name,
    concurrency: opts.concurrency,
    lockDuration: opts.lockDurationMs ?? 30_000,
    stalledInterval: opts.stalledIntervalMs ?? 30_000,
    maxStalledCount: MAX_STALLED_COUNT,
    autorun: false,
  });
  worker.on('error', () => undefined); // connection errors: reported once per outage by watchConnection
  worker.on('completed', () => void done++);
  worker.on('failed', (job, err) => {
    failed++;
    opts.log(`failed ${job?.data?.task?.key ?? job?.id ?? '?'} (attempt ${job?.attemptsStarted ?? '?'}): ${err.message}`);
  });
  worker.on('stalled', (jobId) => opts.log(`job ${shortId(jobId)} had lost its worker: back in the queue`));
  const connection = watchConnection(worker.getBackend(), {
    lost: (why) => opts.log(`lost Redis at ${redactUrl(opts.url)} (${why}); reconnecting`),
    restored: () => opts.log(`reconnected to Redis at ${redactUrl(opts.url)}`),
  });
  try {
    await waitForRedis(worker.waitUntilReady(), opts.url, connection.lastError);
  } catch (err) {
    await Promise.allSettled([worker.close(true), pool.destroy()]);
    throw err;
  }
  const running = worker.run();
  running.catch((err: Error) => opts.log(`worker stopped: ${err.message}`));
  opts.log(`worker ${name} on ${redactUrl(opts.url)}, queue '${QUEUE_NAME}', ${opts.concurrency} job(s) at a time, ` +
    `cache ${opts.cacheDir ?? 'off'}, lock ${(opts.lockDurationMs ?? 30_000) / 1000} s`);

  // A line a minute while there is work, so a long-running worker's log shows it is alive.
  let reported = { done: 0, failed: 0 };
  const heartbeat = setInterval(() => {
    if (done === reported.done && failed === reported.failed) return;
    opts.log(`${done - reported.done} job(s) done, ${failed - reported.failed} failed in the last minute (${done} done since start)`);
    reported = { done, failed };
  }, 60_000);
  heartbeat.unref();

  return {
    name,
    async close() {
      clearInterval(heartbeat);
      await worker.close();
      await running.catch(() => undefined);
      await pool.destroy();
      opts.log(`worker ${name} stopped: ${done} job(s) done, ${failed} failed`);
    },
  };
}

function shortId(id: string | undefined): string {
  return (id ?? '?').replace(/^ser-/, '').slice(0, 12);
}
