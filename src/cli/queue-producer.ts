/**
 * `--queue URL` and `--send-audio` of `ser extract` and `ser predict`: the options, the Ctrl-C
 * handling and the summary line. The work itself is src/queue/run-on-queue.ts; the commands keep
 * their own outputs, so a queue run writes what a local run writes.
 */
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { PAPER_AUGMENT_PARAMS } from '../augment/index.js';
import type { PoolRun } from '../extract/pool.js';
import type { ExtractTask } from '../extract/types.js';
import type { FeatureRecipe } from '../features/feature-recipe.js';
import { parseQueueUrl } from '../queue/connection.js';
import type { QueueRunStats } from '../queue/run-on-queue.js';
import { EXIT_FAILURE } from './exit-codes.js';

export interface QueueCliOptions {
  queue?: string;
  sendAudio?: boolean;
  quiet?: boolean;
}

/** Adds --queue and --send-audio to a command. */
export function withQueueOptions(command: Command): Command {
  return command
    .option('--queue <url>', 'run the per-file work on `ser worker` processes through this Redis queue (redis://HOST:PORT) instead of this machine', parseQueueUrl)
    .option('--send-audio', "with --queue: put each file's bytes in its job, for workers that cannot read this machine's paths");
}

/**
 * The task runner for `--queue`, or undefined without it. The first Ctrl-C (or SIGTERM) stops
 * waiting and leaves the jobs queued (the command fails with a message saying a re-run collects
 * them); a second one exits at once.
 */
export function queueRunner(o: QueueCliOptions, label: string): ((tasks: ExtractTask[]) => Promise<PoolRun>) | undefined {
  if (!o.queue) {
    if (o.sendAudio) throw new InvalidArgumentError('--send-audio only applies with --queue');
    return undefined;
  }
  const url = o.queue;
  return async (tasks) => {
    const { runOnQueue } = await import('../queue/run-on-queue.js');
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(EXIT_FAILURE);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const run = await runOnQueue(tasks, { url, sendAudio: o.sendAudio, quiet: o.quiet, label, signal: controller.signal });
      process.stderr.write(`${describeQueueRun(run.queue)}\n`);
      return run;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  };
}

/** One stderr line: where the jobs ran and what the queue saved or repaired. */
export function describeQueueRun(q: QueueRunStats): string {
  return `queue ${q.url}: ${q.jobs} job(s); ${q.reused} result(s) already there (not recomputed), ` +
    `${q.redelivered} redelivered after a lost worker or a retry, ${q.resubmitted} resubmitted after Redis lost them, ` +
    `${q.retriedFailed} earlier failure(s) tried again`;
}

/**
 * `ser predict --queue`: each file's feature vector for `recipe` from the workers (the unaugmented
 * version, as local prediction computes it), in input order, and the files that failed.
 */
export async function queueFeatureRows(
  files: string[],
  recipe: FeatureRecipe,
  run: (tasks: ExtractTask[]) => Promise<PoolRun>,
): Promise<{ rows: Array<{ file: string; x: Float32Array }>; failed: Array<{ file: string; code: string; reason: string }> }> {
  // The key only seeds augmentation, which the original version does not draw from.
  const tasks: ExtractTask[] = files.map((file) => ({ path: file, key: resolve(file), recipe, versions: ['original'], augmentParams: PAPER_AUGMENT_PARAMS, seed: 0 }));
  const { results, skipped } = await run(tasks);
  const byKey = new Map(results.map((r) => [r.key, r.vectors]));
  const failedByKey = new Map(skipped.map((s) => [s.key, s]));
  const rows: Array<{ file: string; x: Float32Array }> = [];
  const failed: Array<{ file: string; code: string; reason: string }> = [];
  files.forEach((file, i) => {
    const x = byKey.get(tasks[i]!.key);
    const s = failedByKey.get(tasks[i]!.key);
    if (x) rows.push({ file, x });
    else failed.push({ file, code: s?.code ?? 'WORKER_FAILED', reason: s?.reason ?? 'no result' });
  });
  return { rows, failed };
}
