/**
 * A private redis-server for the queue benchmark and tests: 127.0.0.1, a free port, no persistence
 * (--save '' --appendonly no, so nothing is written and a restart starts empty), its own folder.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** redis-server on PATH (Debian's package puts it in /usr/bin), or undefined. */
export const REDIS_SERVER: string | undefined = (() => {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).stdout.trim();
  return found || (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : undefined);
})();

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
    if (!REDIS_SERVER) throw new Error('redis-server is not installed (Debian: apt-get install redis-server)');
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

