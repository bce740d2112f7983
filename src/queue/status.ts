import { Queue } from 'bullmq';
import { connectionOptions, INSPECT_TIMEOUT_MS, QUEUE_NAME, redactUrl, waitForRedis, watchConnection } from './connection.js';
import { parseFailure, type QueueJobData } from './job-data.js';

export interface QueueStatus {
  url: string;
  queue: string;
  /** Jobs per state: waiting (includes prioritized, and every waiting job of a paused queue), active, delayed (waiting for a retry), completed, failed. */
  counts: { waiting: number; active: number; delayed: number; completed: number; failed: number };
  /** Connected `ser worker` processes (host:pid), from Redis's client list. */
  workers: string[];
  /** The most recent failed jobs: file, code, reason, attempts. */
  failed: Array<{ key: string; path: string; code: string; reason: string; attempts: number }>;
}

/** Opens the queue for a one-shot command, failing after the connect timeout when Redis is not there. */
async function openQueue(url: string): Promise<Queue<QueueJobData>> {
  const queue = new Queue<QueueJobData>(QUEUE_NAME, { connection: { ...connectionOptions(url), retryStrategy: () => 500 } });
  queue.on('error', () => undefined);
  const conn = watchConnection(queue.getBackend(), { lost: () => undefined, restored: () => undefined });
  try {
    await waitForRedis(queue.waitUntilReady(), url, conn.lastError, INSPECT_TIMEOUT_MS);
  } catch (err) {
    await queue.close(); // never connected: close() drops the connection attempt (disconnect() would wait for it)
    throw err;
  }
  return queue;
}

/** `ser queue status URL`: job counts, connected workers and the last `failedLimit` failures. */
export async function queueStatus(url: string, failedLimit = 10): Promise<QueueStatus> {
  const queue = await openQueue(url);
  try {
    const c = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    const clients = await queue.getWorkers();
    // A worker holds more than one named connection (jobs, blocking fetch): one entry per name.
    const workers = [...new Set(clients.map((w) => (w.rawname ?? '').replace(/^.*?:w:/, '')).filter(Boolean))].sort();
    const failedJobs = failedLimit > 0 ? await queue.getFailed(0, failedLimit - 1) : [];
    return {
      url: redactUrl(url),
      queue: QUEUE_NAME,
      counts: {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
      },
      workers,
      failed: failedJobs.filter(Boolean).map((job) => ({
        key: job.data?.task?.key ?? String(job.id),
        path: job.data?.task?.path ?? '',
        ...parseFailure(job.failedReason),
        attempts: job.attemptsStarted,
      })),
    };
  } finally {
    await queue.close();
  }
}

/** `ser queue clean URL`: removes finished jobs (completed and failed) at once, returning how many of each. */
export async function cleanQueue(url: string): Promise<{ completed: number; failed: number }> {
  const queue = await openQueue(url);
  try {
    // clean(grace 0 ms, limit 0 = no limit): every job finished before now.
    const completed = await queue.clean(0, 0, 'completed');
    const failed = await queue.clean(0, 0, 'failed');
    return { completed: completed.length, failed: failed.length };
  } finally {
    await queue.close();
  }
}
