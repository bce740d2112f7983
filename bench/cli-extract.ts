/**
 * `ser extract` as a user runs it: a fresh `node dist/src/cli/main.js extract` process on a corpus
 * folder, the tables written (CSV + binary by default, or --no-csv), timed from spawn to exit;
 * with the per-clip cache on (its default; a fresh, empty cache folder, so every entry is
 * computed and written) or --no-cache. The CLI's own summary line gives the pool's share; the
 * rest is process start-up, corpus listing and writing the output. A run takes a few seconds, in
 * which this kind of shared virtual machine drifts by several per cent, so a row is the median of
 * a few runs (all of them kept in the row).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

export interface CliExtractRow {
  /** What was written: 'csv + binary' or 'binary only'. */
  output: string;
  /** Options beyond --data/--out/--workers/--quiet, as typed. */
  options: string;
  /** The cache was on (cold: every entry computed and written). */
  cache: boolean;
  workers: number;
  files: number;
  rows: number;
  /** Spawn to exit: the median of `runsWallSeconds`. */
  wallSeconds: number;
  /** Spawn to exit of every run, in order. */
  runsWallSeconds: number[];
  /** The pool's time as the CLI reports it ("in X s"), in the median run. */
  poolSeconds: number;
  filesPerSec: number;
  /** Bytes written (X.csv, X.bin, X.json). */
  bytesWritten: number;
}

/**
 * A temporary corpus folder holding only `actors` of a RAVDESS folder: real actor folders whose
 * WAVs are symbolic links (both `ser extract` and the librosa kit's os.walk list linked files).
 * Returns the folder and a function that removes it.
 */
export function corpusSubset(ravdess: string, actors: string[]): { dir: string; files: number; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ser-bench-corpus-'));
  let files = 0;
  for (const actor of actors) {
    mkdirSync(join(dir, actor));
    for (const f of readdirSync(join(ravdess, actor)).filter((n) => n.toLowerCase().endsWith('.wav')).sort()) {
      symlinkSync(join(ravdess, actor, f), join(dir, actor, f));
      files++;
    }
  }
  return { dir, files, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `ser extract` `opts.runs` times (default 1) on `corpusDir` and returns the median run (by
 * wall time, the upper middle of an even count) with every run's wall time; throws with the CLI's
 * stderr when a run fails.
 */
export async function benchCliExtract(
  corpusDir: string, workers: number, opts: { csv: boolean; cache: boolean; runs?: number; log?: (line: string) => void },
): Promise<CliExtractRow> {
  const runs: CliExtractRow[] = [];
  for (let i = 0; i < (opts.runs ?? 1); i++) runs.push(await runCliExtractOnce(corpusDir, workers, opts));
  const median = [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds)[runs.length >> 1]!;
  return { ...median, runsWallSeconds: runs.map((r) => r.wallSeconds) };
}

/** One `ser extract` process on `corpusDir`, timed from spawn to exit. */
async function runCliExtractOnce(corpusDir: string, workers: number, opts: { csv: boolean; cache: boolean; log?: (line: string) => void }): Promise<CliExtractRow> {
  const main = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');
  if (!existsSync(main)) throw new Error(`bench: ${main} not found; run \`npm run build\``);
  const out = mkdtempSync(join(tmpdir(), 'ser-bench-out-'));
  const extra = [...(opts.cache ? [] : ['--no-cache']), ...(opts.csv ? [] : ['--no-csv'])];
  // The output folder is new, so a cache inside it starts empty.
  const args = [main, 'extract', '--data', corpusDir, '--out', join(out, 'X'), '--workers', String(workers), '--quiet', ...extra];
  if (opts.cache) args.push('--cache', join(out, 'cache'));
  opts.log?.(`  ser extract --workers ${workers} ${extra.join(' ')}`);
  try {
    const t0 = performance.now();
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    if (code !== 0) throw new Error(`bench: ser extract exited with ${code}: ${stderr.trim()}`);
    // "extracted 60/60 files × 5 versions = 300 rows × 2376 in 1.4 s (…)"
    const m = /extracted (\d+)\/(\d+) files × \d+ versions = (\d+) rows × \d+ in ([\d.]+) s/.exec(stderr);
    if (!m) throw new Error(`bench: cannot read ser extract's summary from: ${stderr.trim()}`);
    const files = Number(m[2]);
    const bytesWritten = readdirSync(out).filter((f) => f !== 'cache').reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
    return {
      output: opts.csv ? 'csv + binary' : 'binary only',
      options: extra.join(' '),
      cache: opts.cache,
      workers,
      files,
      rows: Number(m[3]),
      wallSeconds,
      runsWallSeconds: [wallSeconds],
      poolSeconds: Number(m[4]),
      filesPerSec: files / wallSeconds,
      bytesWritten,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
