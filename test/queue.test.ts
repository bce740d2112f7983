/**
 * Issue 17 on real components (redis-server, `ser worker` processes, `ser extract|predict --queue`):
 * an interrupted producer and its re-run, idempotent and concurrent re-submission, a corrupt file,
 * a transient read error retried with back-off, prediction, `ser queue status|clean` and bad URLs.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  doneKeys, localExtract, queueTestsRunnable, SerProcess, startWorker, stopAll, useQueueFixture, waitUntil, writeSynthCorpus,
} from './helpers/queue.js';

const RUN = queueTestsRunnable();
const FILES = 12;

describe.skipIf(!RUN)('queue runs (issue 17)', () => {
  const fx = useQueueFixture(FILES);
  const extract = (out: string, ...more: string[]) =>
    new SerProcess(['extract', '--data', fx.data, '--out', out, '--queue', fx.redis.url, '--json', ...more]);
  type Summary = { ok: boolean; rows: number; queue: { jobs: number; reused: number; redelivered: number }; skipped: Array<{ path: string; code: string }> };
  const summary = (p: SerProcess) => JSON.parse(p.stdout) as Summary;

  it('Ctrl-C on the producer leaves the jobs queued; re-runs (two at once, then a third) collect them without recomputing', async () => {
    const first = extract(join(fx.dir, 'int1', 'f'));
    await waitUntil(async () => (await fx.queue.getJobCountByTypes('waiting')) === FILES, 'every job is queued');
    first.kill('SIGINT');
    expect(await first.exited).toBe(1);
    expect(first.stderr).toMatch(/interrupted with 0 of 12 results collected; nothing was written.*run the same command again/);
    expect(existsSync(join(fx.dir, 'int1'))).toBe(false);

    const worker = await startWorker(fx.redis.url);
    await waitUntil(async () => (await fx.queue.getCompletedCount()) >= FILES / 2, 'half the jobs are done');
    const [again, alongside] = [extract(join(fx.dir, 'int2', 'f')), extract(join(fx.dir, 'int3', 'f'))];
    expect(await again.exited, again.stderr).toBe(0);
    expect(await alongside.exited, alongside.stderr).toBe(0);
    for (const out of ['int2', 'int3']) expect(readFileSync(join(fx.dir, out, 'f.bin')).equals(fx.local('bin'))).toBe(true);
    expect(summary(again).queue.reused).toBeGreaterThanOrEqual(FILES / 2);

    const third = extract(join(fx.dir, 'int4', 'f'));
    expect(await third.exited, third.stderr).toBe(0);
    expect(summary(third).queue).toMatchObject({ jobs: FILES, reused: FILES });
    expect(readFileSync(join(fx.dir, 'int4', 'f.csv')).equals(fx.local('csv'))).toBe(true);

    await stopAll([worker]);
    const done = doneKeys(worker);
    expect(done.length).toBe(FILES); // each file computed once over four producer runs
    expect(new Set(done).size).toBe(FILES);
  });

  it('a corrupt file is one failed job, reported in the summary (exit 2) and not retried, then or on a re-run', async () => {
    const mixed = join(fx.dir, 'mixed');
    writeSynthCorpus(mixed, 3);
    const bad = join(mixed, 'Actor_01', '03-01-06-01-01-01-01.wav');
    writeFileSync(bad, 'not a wav at all');
    const reference = await localExtract(mixed, join(fx.dir, 'mixed-local', 'f'));
    expect(await reference.exited).toBe(2);
    const worker = await startWorker(fx.redis.url);

    for (const run of ['m1', 'm2']) {
      const p = new SerProcess(['extract', '--data', mixed, '--out', join(fx.dir, run, 'f'), '--queue', fx.redis.url, '--json']);
      expect(await p.exited, p.stderr).toBe(2);
      expect(p.stderr).toMatch(/skipped .*03-01-06-01-01-01-01\.wav: \[NOT_RIFF\]/);
      expect(summary(p).skipped).toEqual([expect.objectContaining({ path: bad, code: 'NOT_RIFF' })]);
      expect(readFileSync(join(fx.dir, run, 'f.bin')).equals(readFileSync(join(fx.dir, 'mixed-local', 'f.bin')))).toBe(true);
    }
    const status = new SerProcess(['queue', 'status', fx.redis.url, '--json']);
    expect(await status.exited, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as { counts: Record<string, number>; workers: string[]; failed: Array<{ path: string; code: string; attempts: number }> };
    expect(s.counts).toMatchObject({ completed: 3, failed: 1, waiting: 0, active: 0, delayed: 0 });
    expect(s.workers).toHaveLength(1);
    expect(s.failed).toEqual([expect.objectContaining({ path: bad, code: 'NOT_RIFF', attempts: 1 })]);
    await stopAll([worker]);
    expect(worker.stderr.match(/ start Actor_01\/03-01-06-01-01-01-01\.wav /g)).toHaveLength(1);

    const clean = new SerProcess(['queue', 'clean', fx.redis.url]);
    expect(await clean.exited, clean.stderr).toBe(0);
    expect(clean.stdout).toContain('removed 3 completed and 1 failed job(s)');
  });

  it('a file unreadable for a moment is retried with back-off and extracted', async () => {
    await fx.queue.pause();
    const out = join(fx.dir, 'retry', 'f');
    const producer = extract(out);
    await waitUntil(async () => (await fx.queue.getJobCountByTypes('waiting')) === FILES, 'every job is queued');
    const moved = `${fx.files[0]!}.away`;
    renameSync(fx.files[0]!, moved); // e.g. shared storage briefly unavailable on the worker's side
    const worker = await startWorker(fx.redis.url);
    await fx.queue.resume();
    await worker.waitForStderr(new RegExp(`failed Actor_01/${basename(fx.files[0]!)} \\(attempt 1\\): \\[READ_FAILED\\]`));
    renameSync(moved, fx.files[0]!);
    expect(await producer.exited, producer.stderr).toBe(0);
    expect(readFileSync(`${out}.bin`).equals(fx.local('bin'))).toBe(true);
    expect(summary(producer).queue.redelivered).toBe(1);
    await stopAll([worker]);
  });

  it('ser predict --queue (paths or --send-audio) gives the local predictions; failures keep their code', async () => {
    const model = 'test/fixtures/bundle-v1';
    const bad = join(fx.dir, 'bad.wav');
    writeFileSync(bad, 'junk');
    const inputs = [fx.files[0]!, fx.files[5]!, bad];
    const localRun = new SerProcess(['predict', model, ...inputs, '--json']);
    const worker = await startWorker(fx.redis.url);
    const queued = new SerProcess(['predict', model, ...inputs, '--json', '--queue', fx.redis.url, '--send-audio']);
    const [lc, qc] = await Promise.all([localRun.exited, queued.exited]);
    expect(lc, localRun.stderr).toBe(2);
    expect(qc, queued.stderr).toBe(2);
    type Row = { file: string; emotion?: string; probabilities?: Record<string, number>; code?: string };
    const l = JSON.parse(localRun.stdout) as Row[];
    const q = JSON.parse(queued.stdout) as Row[];
    expect(q.map(({ file, emotion, probabilities, code }) => ({ file, emotion, probabilities, code })))
      .toEqual(l.map(({ file, emotion, probabilities, code }) => ({ file, emotion, probabilities, code })));
    expect(q[2]!.code).toBe('NOT_RIFF');
    await stopAll([worker]);
  });

  it('refuses a URL that is not redis://HOST:PORT and reports an unreachable Redis, naming it', async () => {
    const [notUrl, wrongScheme, sendAudioAlone, unreachable] = [
      new SerProcess(['queue', 'status', 'localhost:6379']),
      new SerProcess(['worker', '--queue', 'http://127.0.0.1:6379']),
      new SerProcess(['extract', '--data', fx.data, '--out', join(fx.dir, 'never', 'f'), '--send-audio']),
      new SerProcess(['queue', 'status', 'redis://127.0.0.1:1']),
    ];
    expect(await notUrl.exited).toBe(1);
    expect(notUrl.stderr).toMatch(/'localhost:6379' is not a redis:\/\/ or rediss:\/\/ URL/);
    expect(await wrongScheme.exited).toBe(1);
    expect(wrongScheme.stderr).toMatch(/'http:\/\/127\.0\.0\.1:6379' is not a redis:\/\/ or rediss:\/\/ URL/);
    expect(await sendAudioAlone.exited).toBe(1);
    expect(sendAudioAlone.stderr).toContain('--send-audio only applies with --queue');
    expect(await unreachable.exited).toBe(1);
    expect(unreachable.stderr).toMatch(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1 within 3 s \(.*ECONNREFUSED/);
  });
});
