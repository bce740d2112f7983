import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `ser ARGS` in a child process from the repository root and returns its exit code and
 * output (never throws on a non-zero exit). `from: 'dist'` runs the build (needed by commands
 * that start worker threads); 'src' runs the TypeScript sources through tsx.
 */
export async function ser(args: string[], from: 'dist' | 'src' = 'dist'): Promise<CliResult> {
  const entry = from === 'dist' ? ['dist/src/cli/main.js'] : ['--import', 'tsx', 'src/cli/main.ts'];
  try {
    const { stdout, stderr } = await run(process.execPath, [...entry, ...args], { cwd: ROOT, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}
