/**
 * Issue 17, faults of a queue run on real components (redis-server, `ser worker` processes, the
 * `ser extract --queue` producer): a worker SIGKILLed in the middle of a job, and Redis restarted
 * (without persistence, so every key is lost) in the middle of a run. Either way the table must be
 * the local `ser extract` table byte for byte: no row lost, none twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { doneKeys, queueTestsRunnable, SerProcess, startWorker, stopAll, useQueueFixture, waitUntil } from './helpers/queue.js';

const RUN = queueTestsRunnable();
const FILES = 15;
const VERSIONS = 5; // the default 'paper' augmentation: original + 4 augmented copies

describe.skipIf(!RUN)('queue faults (issue 17)', () => {
  const fx = useQueueFixture(FILES);
  const paths = (base: string) => (JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { path: string[] }).path;

  it('3 workers, one SIGKILLed mid-job: the job is redelivered, done once, and the table equals the local one byte for byte', async () => {
    const workers = await Promise.all([0, 1, 2].map(() => startWorker(fx.redis.url)));
    const out = join(fx.dir, 'killed', 'f');
    const producer = new SerProcess(['extract', '--data', fx.data, '--out', out, '--queue', fx.redis.url, '--json']);
    // Its first job includes the pool thread's WASM start-up: killed now, it is mid-job.
    const [, killedKey] = await workers[0]!.waitForStderr(/ start (\S+) \(job /);
    workers[0]!.kill('SIGKILL');

    expect(await producer.exited, producer.stderr).toBe(0);
    expect(readFileSync(`${out}.bin`).equals(fx.local('bin'))).toBe(true);
    expect(readFileSync(`${out}.csv`).equals(fx.local('csv'))).toBe(true);
    expect(paths(out)).toEqual(paths(join(fx.dir, 'local', 'f')));
    const summary = JSON.parse(producer.stdout) as { rows: number; queue: { jobs: number; redelivered: number } };
    expect(summary.rows).toBe(FILES * VERSIONS);
    expect(summary.queue.jobs).toBe(FILES);
    expect(summary.queue.redelivered).toBeGreaterThanOrEqual(1);

    await stopAll(workers.slice(1));
    const done = workers.slice(1).flatMap(doneKeys);
    expect(done).toContain(killedKey);
    expect(done.length).toBe(FILES); // every file computed once by the survivors
    expect(new Set(done).size).toBe(FILES);
    expect(workers.slice(1).some((w) => /had lost its worker: back in the queue/.test(w.stderr))).toBe(true);
  });

  it('Redis restarted mid-run, losing every key: workers and producer reconnect, lost jobs are resubmitted, the run completes', async () => {
    const workers = await Promise.all([0, 1].map(() => startWorker(fx.redis.url)));
    await fx.queue.pause(); // hold the jobs so the restart surely lands mid-run
    const out = join(fx.dir, 'restarted', 'f');
    const producer = new SerProcess(['extract', '--data', fx.data, '--out', out, '--queue', fx.redis.url, '--json']);
    await waitUntil(async () => (await fx.queue.getJobCountByTypes('waiting')) === FILES, 'every job is queued');
    await fx.queue.resume();
    await producer.waitForStderr(/extract: \d+\/15 files/); // some results collected
    await fx.queue.pause();
    await fx.redis.restart();

    expect(await producer.exited, producer.stderr).toBe(0);
    expect(readFileSync(`${out}.bin`).equals(fx.local('bin'))).toBe(true);
    expect(paths(out)).toEqual(paths(join(fx.dir, 'local', 'f')));
    const summary = JSON.parse(producer.stdout) as { queue: { resubmitted: number } };
    expect(summary.queue.resubmitted).toBeGreaterThanOrEqual(1);
    expect(summary.queue.resubmitted).toBeLessThan(FILES);
    expect(producer.stderr).toMatch(/reconnected to Redis/);
    expect(producer.stderr).toMatch(/no longer had \d+ job\(s\) of this run .*submitted them again/);
    await stopAll(workers);
    for (const w of workers) expect(w.stderr).toMatch(/reconnected to Redis/);
  });
});
