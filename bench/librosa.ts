/**
 * The seed's own toolchain as a peer: librosa 0.10.2 + joblib from ../shared/tools/librosa-baseline
 * (`sh setup.sh` once, then `sh run.sh ref_extract_parallel.py DIR -j N --augment paper`). It loads
 * every WAV at 22.05 kHz (offset 0.6 s, 2.5 s), makes the paper's 5 versions and their
 * ZCR + RMS + MFCC-20 vectors on N joblib processes, times only that work (workers warmed first,
 * no output written) and prints files/s as the first field of its last line.
 *
 * Optional: when Python, the kit or its setup is missing the row is skipped with the reason.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LibrosaRow {
  impl: string;
  jobs: number;
  files: number;
  /** files/s as the kit prints it (work only, after warm-up). */
  filesPerSec: number;
  /** Wall time of the whole child process (Python start, imports, warm-up included). */
  processSeconds: number;
  /** The kit's own summary line. */
  summary: string;
}

export interface LibrosaResult {
  row?: LibrosaRow;
  skippedReason?: string;
}

/** ../shared/tools/librosa-baseline relative to the package root (bench/ under tsx, dist/bench/ compiled). */
export function librosaKitDir(): string | undefined {
  for (const rel of ['../../shared/tools/librosa-baseline', '../../../shared/tools/librosa-baseline']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(p, 'run.sh'))) return p;
  }
  return undefined;
}

function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err) => resolve({ code: -1, stdout, stderr: stderr + err.message, seconds: (performance.now() - t0) / 1000 }));
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

/** Runs the kit on `dir` (every WAV below it) with `jobs` joblib processes. */
export async function benchLibrosa(dir: string, jobs: number, log: (line: string) => void = () => {}): Promise<LibrosaResult> {
  const kit = librosaKitDir();
  if (!kit) return { skippedReason: 'librosa baseline kit not found at ../shared/tools/librosa-baseline' };
  // librosa.effects imports librosa.decompose, which needs scikit-learn (python3-sklearn), a
  // package setup.sh does not check for.
  const modules = 'numpy, scipy, numba, soundfile, joblib, sklearn';
  const python = await run('/usr/bin/python3', ['-c', `import ${modules}`], kit);
  if (python.code !== 0) {
    const missing = /No module named '([^']+)'/.exec(python.stderr)?.[1];
    return {
      skippedReason: python.code === -1
        ? 'Python not found at /usr/bin/python3'
        : `Python package ${missing ? `'${missing}' ` : ''}missing (/usr/bin/python3 -c 'import ${modules}' failed; run \`sh setup.sh\` in ${kit}` +
          `${missing === 'sklearn' ? ' and install python3-sklearn' : ''})`,
    };
  }
  log(`  librosa + joblib: ${dir}, -j ${jobs}`);
  const r = await run('sh', [join(kit, 'run.sh'), 'ref_extract_parallel.py', dir, '-j', String(jobs), '--augment', 'paper'], kit);
  const lines = r.stdout.trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  const filesPerSec = Number(last.split(/\s+/)[0]);
  if (r.code !== 0 || !Number.isFinite(filesPerSec) || filesPerSec <= 0) {
    const why = (r.stderr.trim().split('\n').pop() ?? '') || last || `exit code ${r.code}`;
    return { skippedReason: `librosa baseline failed: ${why}` };
  }
  const summary = lines.length > 1 ? lines[lines.length - 2]! : last;
  const files = Number(/(\d+) files ->/.exec(summary)?.[1] ?? NaN);
  const version = /librosa (\S+)/.exec(summary)?.[1] ?? '?';
  return { row: { impl: `librosa ${version} + joblib`, jobs, files, filesPerSec, processSeconds: r.seconds, summary } };
}
