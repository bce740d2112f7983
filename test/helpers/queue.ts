/**
 * Real components for the queue tests: a private redis-server (127.0.0.1, a free port, no
 * persistence, stopped at the end), `ser worker` processes whose stderr is kept line by line, and
 * `ser` producer processes that can be interrupted. Everything runs the build (dist/): the worker
 * pool threads need compiled JavaScript.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeWav } from '../../src/audio/wav-encode.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../../src/synth/index.js';
import { ROOT } from './cli.js';

/** redis-server on PATH (Debian's package puts it in /usr/bin), or undefined. */
export const REDIS_SERVER: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  return found || (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
})();

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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of our own; `restart()` stops it and starts a new one on the same port (losing every key). */
export class RedisServer {
  private proc: ChildProcess | undefined;
  private constructor(readonly port: number, private readonly dir: string) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'ser-redis-')));
    await server.launch();
    return server;
  }

  private async launch(): Promise<void> {
    const proc = spawn(REDIS_SERVER!, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc = proc;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${this.port}:\n${out}`)), 10_000);
      proc.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited with ${code}:\n${out}`));
      });
    });
    proc.removeAllListeners('exit');
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = undefined;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.launch();
  }
}

const live = new Set<SerProcess>();

/** A running `ser` process with its output so far. */
export class SerProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number>;
  private readonly proc: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(readonly args: string[]) {
    const proc = spawn(process.execPath, ['dist/src/cli/main.js', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    live.add(this);
    proc.stdout!.on('data', (c: Buffer) => {
      this.stdout += c.toString();
      this.poke();
    });
    proc.stderr!.on('data', (c: Buffer) => {
      this.stderr += c.toString();
      this.poke();
    });
    this.exited = new Promise((resolve) => proc.on('exit', (code, signal) => {
      live.delete(this);
      resolve(code ?? (signal ? 128 : -1));
    }));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  kill(signal: NodeJS.Signals): void {
    this.proc.kill(signal);
  }

  private poke(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves when stderr matches `pattern` (tested after each chunk), or fails after `ms`. */
  async waitForStderr(pattern: RegExp, ms = 20_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = this.stderr.match(pattern);
      if (m) return m;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in stderr of ser ${this.args.join(' ')}:\n${this.stderr}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }
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

/** SIGKILLs every `ser` process a test left running (afterAll, also when a test failed half-way). */
export async function killLeftovers(): Promise<void> {
  const left = [...live];
  for (const p of left) p.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
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
