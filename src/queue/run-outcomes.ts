/**
 * What a queue run (run-on-queue.ts) knows about its tasks: which job each
 * waits for, which have an outcome (a result or a skip), and the statistics
 * the pool reports. No Redis here: the producer feeds it job events and sweep
 * findings, and reads the outcomes in task order at the end, so the same
 * table writers produce the same bytes as a local run.
 */
import type { PoolRun, SkippedFile } from '../extract/pool.js';
import type { ExtractTask } from '../extract/types.js';
import { decodeResult, parseFailure, QueueResultError } from './job-data.js';

export type OkResult = PoolRun['results'][number];
type Outcome = { ok: true; result: OkResult } | { ok: false; skip: SkippedFile };

/** Counters of a queue run (see QueueRunStats in run-on-queue.ts, which adds the URL and job count). */
export interface JobCounters {
  /** Results already in the queue when this run looked (an earlier or concurrent run's): collected, not recomputed. */
  reused: number;
  /** Jobs started more than once (their worker died and the lock expired, or a transient error was retried). */
  redelivered: number;
  /** Jobs added again because Redis no longer had them (a restart without persistence). */
  resubmitted: number;
  /** Jobs an earlier run left failed for a reason other than their audio (unreadable, worker lost), tried again. */
  retriedFailed: number;
}

export class RunOutcomes {
  readonly counters: JobCounters = { reused: 0, redelivered: 0, resubmitted: 0, retriedFailed: 0 };
  /** Workers that sent a result (their names from the result's meta). */
  readonly workers = new Set<string>();
  cacheHits = 0;
  cacheRecomputed = 0;
  /** Tasks with an outcome. */
  collected = 0;
  /** Date.now() of the last outcome (the producer sweeps when results stop coming). */
  lastResultAt = Date.now();
  private readonly outcomes: Array<Outcome | undefined>;
  /** Job id → indices of the tasks waiting for it (equal work in one run shares one job). */
  private readonly pending = new Map<string, number[]>();

  /** @param onOutcome called after each outcome (progress display). */
  constructor(
    readonly tasks: readonly ExtractTask[],
    private readonly onOutcome: () => void,
  ) {
    this.outcomes = new Array(tasks.length);
  }

  /** Task i waits for job `id`; returns true when the job is new to this run (to be submitted). */
  waitFor(id: string, i: number): boolean {
    const waiting = this.pending.get(id);
    if (waiting) {
      waiting.push(i);
      return false;
    }
    this.pending.set(id, [i]);
    return true;
  }

  /** Jobs still without an outcome. */
  get pendingJobs(): number {
    return this.pending.size;
  }

  pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  isPending(id: string): boolean {
    return this.pending.has(id);
  }

  /** The tasks waiting for job `id` (the first one's file stands for the job). */
  waiting(id: string): readonly number[] {
    return this.pending.get(id) ?? [];
  }

  /** Task i skipped (unreadable, failed job, bad result); a task keeps its first outcome. */
  skip(i: number, code: string, reason: string): void {
    const task = this.tasks[i]!;
    this.settle(i, { ok: false, skip: { key: task.key, path: task.path, code, reason } });
  }

  /** Every task of job `id` skipped with the same reason, the job no longer awaited. */
  skipJob(id: string, code: string, reason: (path: string) => string): void {
    const indices = this.take(id);
    for (const i of indices) this.skip(i, code, reason(this.tasks[i]!.path));
  }

  /** Job `id` finished with `returnvalue` (reused: found already finished when this run looked). */
  completed(id: string, returnvalue: unknown, reused: boolean): void {
    const indices = this.take(id);
    for (const i of indices) {
      try {
        const { meta, ...result } = decodeResult(returnvalue, this.tasks[i]!);
        if (meta.worker) this.workers.add(meta.worker);
        if (meta.cacheHit) this.cacheHits++;
        this.cacheRecomputed += meta.cacheRecomputed;
        if (meta.attemptsStarted > 1 && i === indices[0]) this.counters.redelivered++;
        if (reused && i === indices[0]) this.counters.reused++;
        this.settle(i, { ok: true, result });
      } catch (err) {
        if (!(err instanceof QueueResultError)) throw err;
        this.skip(i, 'BAD_RESULT', err.message);
      }
    }
  }

  /** Job `id` failed for good (its reason as the worker recorded it). */
  failed(id: string, failedReason: string | undefined): void {
    const { code, reason } = parseFailure(failedReason);
    for (const i of this.take(id)) this.skip(i, code, reason);
  }

  /** Results and skips in task order (every task must have an outcome). */
  collect(): { results: OkResult[]; skipped: SkippedFile[] } {
    const results: OkResult[] = [];
    const skipped: SkippedFile[] = [];
    // An index loop, not forEach: forEach skips the holes of a sparse array, i.e. exactly the tasks left open.
    for (let i = 0; i < this.tasks.length; i++) {
      const o = this.outcomes[i];
      if (!o) throw new Error(`queue run: task ${i} (${this.tasks[i]!.path}) has no outcome`);
      if (o.ok) results.push(o.result);
      else skipped.push(o.skip);
    }
    return { results, skipped };
  }

  /** Removes job `id` from the awaited ones; returns its tasks (none when it was not awaited). */
  private take(id: string): number[] {
    const indices = this.pending.get(id) ?? [];
    this.pending.delete(id);
    return indices;
  }

  private settle(i: number, outcome: Outcome): void {
    if (this.outcomes[i]) return;
    this.outcomes[i] = outcome;
    this.collected++;
    this.lastResultAt = Date.now();
    this.onOutcome();
  }
}
