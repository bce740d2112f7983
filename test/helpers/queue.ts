/**
 * Real components for the queue tests: a private redis-server (bench/redis-server.ts), `ser worker`
 * processes whose stderr is kept line by line, and `ser` producer processes that can be interrupted
 * (bench/ser-process.ts). Everything runs the build (dist/): the pool threads need compiled JavaScript.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { RedisServer, REDIS_SERVER } from '../../bench/redis-server.js';
import { killLeftovers, SerProcess } from '../../bench/ser-process.js';
import { connectionOptions, QUEUE_NAME } from '../../src/queue/connection.js';
import { encodeWav } from '../../src/audio/wav-encode.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../../src/synth/index.js';
import { ROOT } from './cli.js';

/** The queue tests run the build: built when `npm install` ran (prepare), absent in a bare checkout. */
export const HAVE_BUILD = existsSync(join(ROOT, 'dist/src/cli/main.js')) && existsSync(join(ROOT, 'build/ser.wasm'));

/**
 * Whether the queue tests can run here. Locally a missing redis-server skips them with a message;
 * in CI (.ci/run installs redis-server) it is an error, so they never silently stop running there.
 */
export function queueTestsRunnable(): boolean {
  if (REDIS_SERVER && HAVE_BUILD) return true;
  const why = !REDIS_SERVER ? 'redis-server is not installed (Debian: apt-get install redis-server)' : 'no build (run `npm run build`)';
  if (process.env.CI) throw new Error(`queue tests cannot run in CI: ${why}`);
  process.stderr.write(`[queue tests] skipped: ${why}\n`);
  return false;
}

/** `ser worker` with test-sized lock timings: a killed worker's job is handed on after about 2 s. */
export async function startWorker(url: string, ...more: string[]): Promise<SerProcess> {
  const worker = new SerProcess(['worker', '--queue', url, '--concurrency', '1', '--no-cache', '--lock-duration', '2000', '--stalled-interval', '1000', '--verbose', ...more]);
  await worker.waitForStderr(/ on redis:\/\/.*job\(s\) at a time/);
  return worker;
}

/** Stops workers gracefully (SIGTERM) and waits for them. */
export async function stopAll(procs: SerProcess[]): Promise<void> {
  for (const p of procs) p.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
}

/** Keys a worker finished, in order, from its --verbose lines. */
export function doneKeys(worker: SerProcess): string[] {
  return [...worker.stderr.matchAll(/ done (\S+) \(job /g)].map((m) => m[1]!);
}

/** Polls `check` every 100 ms until it returns true, or fails after `ms` with `what`. */
export async function waitUntil(check: () => Promise<boolean> | boolean, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `n` synthetic clips (22.05 kHz, 16-bit, RAVDESS names) under dir/Actor_01: fast to make, no corpus needed. */
export function writeSynthCorpus(dir: string, n: number): string[] {
  mkdirSync(join(dir, 'Actor_01'), { recursive: true });
  return synthCorpusFiles(1).slice(0, n).map((spec) => {
    const path = join(dir, spec.relativePath);
    writeFileSync(path, encodeWav(synthesizeCorpusFile(spec, 3, 22050), 22050, { format: 'pcm16' }));
    return path;
  });
}

/** The reference: `ser extract` on this machine (pool, no cache), tables at out.{bin,json,csv}. */
export async function localExtract(data: string, out: string): Promise<SerProcess> {
  const p = new SerProcess(['extract', '--data', data, '--out', out, '--workers', '1', '--no-cache', '--quiet']);
  await p.exited;
  return p;
}

export { RedisServer } from '../../bench/redis-server.js';
export { killLeftovers, SerProcess } from '../../bench/ser-process.js';

/** What a queue test file shares: a redis-server, a BullMQ handle on the queue, a synthetic corpus and its local table. */
export interface QueueFixture {
  redis: RedisServer;
  /** For pausing, counting and emptying the queue between tests (its errors are ignored: tests restart Redis). */
  queue: Queue;
  dir: string;
  /** The corpus folder and its files. */
  data: string;
  files: string[];
  /** Bytes of the local `ser extract` table (ext: bin, csv, json). */
  local(ext: string): Buffer;
}

/**
 * Registers the hooks of a queue test file: before all, `files` clips, their local table and a
 * redis-server; after each test, leftover processes killed and the queue emptied; after all, stopped.
 * The returned object is filled in by the beforeAll hook.
 */
export function useQueueFixture(files: number): QueueFixture {
  const fx = {} as QueueFixture;
  beforeAll(async () => {
    fx.dir = mkdtempSync(join(tmpdir(), 'ser-queue-'));
    fx.data = join(fx.dir, 'corpus');
    fx.files = writeSynthCorpus(fx.data, files);
    const [server, reference] = await Promise.all([RedisServer.start(), localExtract(fx.data, join(fx.dir, 'local', 'f'))]);
    fx.redis = server;
    expect(await reference.exited, reference.stderr).toBe(0);
    fx.local = (ext) => readFileSync(join(fx.dir, 'local', `f.${ext}`));
    fx.queue = new Queue(QUEUE_NAME, { connection: connectionOptions(fx.redis.url) });
    fx.queue.on('error', () => undefined);
  });
  afterEach(async () => {
    await killLeftovers();
    await fx.queue.obliterate({ force: true });
  });
  afterAll(async () => {
    await killLeftovers();
    await fx.queue?.close();
    await fx.redis?.stop();
  });
  return fx;
}
