/**
 * The queue producer's bookkeeping (src/queue/run-outcomes.ts), without Redis:
 * equal work shares one job, results and skips land on their tasks in task
 * order, a task keeps its first outcome, a result that does not fit its task
 * is a skip, and a run cannot be read out with a task left open.
 */
import { describe, expect, it } from 'vitest';
import { RunOutcomes } from '../src/queue/run-outcomes.js';
import { encodeResult, failureReason } from '../src/queue/job-data.js';
import { PAPER_RECIPE } from '../src/features/recipe.js';
import { PAPER_AUGMENT_PARAMS } from '../src/augment/index.js';
import type { ExtractTask } from '../src/extract/types.js';

const task = (key: string): ExtractTask => ({
  path: `/corpus/${key}.wav`, key, recipe: PAPER_RECIPE, versions: ['original', 'noise'], augmentParams: PAPER_AUGMENT_PARAMS, seed: 1,
});

function resultFor(t: ExtractTask, fill: number, worker = 'host:1', attemptsStarted = 1): unknown {
  const vectors = new Float32Array(t.versions.length * t.recipe.vectorLength).fill(fill);
  return encodeResult({ ok: true, key: t.key, versions: t.versions.slice(), params: t.versions.map(() => ({ seed: 1 })), vectors, clipSamples: 1000 }, worker, attemptsStarted);
}

describe('RunOutcomes', () => {
  it('one job for equal work; results and skips in task order; counters', () => {
    const tasks = [task('a'), task('b'), task('a'), task('c')];
    let ticks = 0;
    const o = new RunOutcomes(tasks, () => ticks++);
    expect(o.waitFor('job-a', 0)).toBe(true);
    expect(o.waitFor('job-b', 1)).toBe(true);
    expect(o.waitFor('job-a', 2)).toBe(false); // the same work again: no second job
    expect(o.waitFor('job-c', 3)).toBe(true);
    expect(o.pendingJobs).toBe(3);
    expect(o.waiting('job-a')).toEqual([0, 2]);

    o.completed('job-a', resultFor(tasks[0]!, 0.5, 'w1', 2), true);
    o.failed('job-b', failureReason('NOT_RIFF', '/corpus/b.wav: not a RIFF file'));
    o.completed('job-unknown', resultFor(tasks[0]!, 9), false); // not awaited: ignored
    expect(o.pendingIds()).toEqual(['job-c']);
    o.completed('job-c', resultFor(tasks[3]!, 0.25, 'w2'), false);

    expect(o.pendingJobs).toBe(0);
    expect(o.collected).toBe(4);
    expect(ticks).toBe(4);
    expect(o.counters).toEqual({ reused: 1, redelivered: 1, resubmitted: 0, retriedFailed: 0 });
    expect([...o.workers].sort()).toEqual(['w1', 'w2']);
    const { results, skipped } = o.collect();
    expect(results.map((r) => [r.key, r.vectors[0]])).toEqual([['a', 0.5], ['a', 0.5], ['c', 0.25]]);
    expect(skipped).toEqual([{ key: 'b', path: '/corpus/b.wav', code: 'NOT_RIFF', reason: '/corpus/b.wav: not a RIFF file' }]);
  });

  it('a result that does not fit its task is skipped as BAD_RESULT, never turned into numbers', () => {
    const tasks = [task('a')];
    const o = new RunOutcomes(tasks, () => undefined);
    o.waitFor('job-a', 0);
    o.completed('job-a', resultFor(task('other'), 1), false);
    const { results, skipped } = o.collect();
    expect(results).toEqual([]);
    expect(skipped[0]!.code).toBe('BAD_RESULT');
    expect(skipped[0]!.reason).toMatch(/a\.wav: result from the queue is for 'other'/);
  });

  it('skipJob skips every task of a job; a task keeps its first outcome', () => {
    const tasks = [task('a'), task('a')];
    const o = new RunOutcomes(tasks, () => undefined);
    o.waitFor('job-a', 0);
    o.waitFor('job-a', 1);
    o.skip(0, 'READ_FAILED', '/corpus/a.wav: ENOENT');
    o.skipJob('job-a', 'READ_FAILED', (path) => `${path}: unreadable when its job had to be submitted again`);
    expect(o.pendingJobs).toBe(0);
    expect(o.collect().skipped.map((s) => s.reason)).toEqual(['/corpus/a.wav: ENOENT', '/corpus/a.wav: unreadable when its job had to be submitted again']);
  });

  it('collect refuses a run with a task still open', () => {
    const o = new RunOutcomes([task('a'), task('b')], () => undefined);
    o.waitFor('job-a', 0);
    o.waitFor('job-b', 1);
    o.failed('job-a', undefined);
    expect(o.collect.bind(o)).toThrow(/task 1 \(\/corpus\/b\.wav\) has no outcome/);
  });
});
