/**
 * A `ser` command (the build, dist/) running as a child process, its stdout and stderr kept as they
 * arrive, for the queue benchmark and tests: wait for a line, send a signal, await the exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

const live = new Set<SerProcess>();

/** A running `ser` process with its output so far. */
export class SerProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number>;
  private readonly proc: ChildProcess;
  private waiters: Array<() => void> = [];

  constructor(readonly args: string[]) {
    const root = packageRoot();
    const proc = spawn(process.execPath, [join(root, 'dist/src/cli/main.js'), ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** SIGKILLs every `ser` process a test left running (afterAll, also when a test failed half-way). */
export async function killLeftovers(): Promise<void> {
  const left = [...live];
  for (const p of left) p.kill('SIGKILL');
  await Promise.all(left.map((p) => p.exited));
}

