/**
 * End-to-end extraction throughput: RAVDESS WAVs (48 kHz) → load at 22.05 kHz → the paper's
 * 5 versions (original, noise, shift, stretch, pitch) → ZCR + RMS + MFCC-20 vectors, three ways
 * on the same files:
 *  - the worker pool alone (loadCorpus + extractCorpus in this process), with 1 and 2 workers
 *    and no cache: wall time, files/s, files/s per worker (= per core when each worker has a
 *    core), and files per CPU-second of this process (worker threads included);
 *  - `ser extract` as a user runs it (bench/cli-extract.ts): a CLI process, tables written;
 *  - librosa + joblib (bench/librosa.ts), the seed's toolchain, on as many processes as the
 *    CLI has workers.
 * On a machine shared with other jobs the wall-clock numbers fall with the load; files per
 * CPU-second is the better estimate of what one idle core does.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from '../src/corpus/index.js';
import { extractCorpus } from '../src/extract/extract-corpus.js';
import type { FeatureTable } from '../src/extract/feature-table.js';
import { benchCliExtract, corpusSubset, type CliExtractRow } from './cli-extract.js';
import { benchLibrosa, type LibrosaRow } from './librosa.js';

export interface ExtractionRow {
  workers: number;
  files: number;
  /** Feature vectors produced (files × versions). */
  vectors: number;
  skipped: number;
  wallSeconds: number;
  cpuSeconds: number;
  filesPerSec: number;
  filesPerSecPerWorker: number;
  filesPerCpuSec: number;
}

export interface ExtractionResult {
  corpus?: string;
  actors: string[];
  versions: number;
  rows: ExtractionRow[];
  /** `ser extract` processes (csv + binary, binary only), workers = available cores. */
  cli: CliExtractRow[];
  /** librosa + joblib on the same files with as many processes. */
  librosa?: LibrosaRow;
  /** Why the librosa row is missing, when it is. */
  librosaSkipped?: string;
  /** Why the rows are missing, when they are. */
  skippedReason?: string;
}

/** ../shared/data/ravdess relative to the package root (bench/ under tsx, dist/bench/ compiled). */
export function ravdessDir(): string | undefined {
  for (const rel of ['../../shared/data/ravdess', '../../../shared/data/ravdess']) {
    const p = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(p)) return p;
  }
  return undefined;
}

function cpuSecondsNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** `ser extract` runs per CLI row (the row is their median). */
const CLI_RUNS = 3;

export interface ExtractionBenchOptions {
  /** Only the first actor (smoke run). */
  quick?: boolean;
  workerCounts?: number[];
  /** Skip the CLI and librosa rows (pool only). */
  poolOnly?: boolean;
  log?: (line: string) => void;
}

/** The result, plus the last pool run's table (the classical and output sections reuse it). */
export async function benchExtraction(opts: ExtractionBenchOptions = {}): Promise<{ result: ExtractionResult; table?: FeatureTable }> {
  const log = opts.log ?? (() => {});
  const dir = ravdessDir();
  if (!dir) return { result: { actors: [], versions: 0, rows: [], cli: [], skippedReason: 'RAVDESS not found at ../shared/data/ravdess' } };
  const actors = loadCorpus(dir, { layout: 'ravdess' }).items.map((i) => i.speaker);
  const keep = [...new Set(actors)].sort().slice(0, opts.quick ? 1 : undefined);
  // One folder of links to exactly these files serves all three contenders.
  const subset = corpusSubset(dir, keep);
  try {
    const corpus = loadCorpus(subset.dir, { layout: 'ravdess' });
    const result: ExtractionResult = { corpus: dir, actors: keep, versions: 0, rows: [], cli: [] };
    let table: FeatureTable | undefined;
    for (const workers of opts.workerCounts ?? [1, 2]) {
      table = await poolRun(corpus, subset.dir, workers, result, log);
    }
    if (!opts.poolOnly) {
      const cores = availableParallelism();
      // Defaults (cache on, CSV + binary), then without the cache, then without the CSV too; each
      // the median of CLI_RUNS runs (a smoke run: one).
      const runs = opts.quick ? 1 : CLI_RUNS;
      result.cli.push(await benchCliExtract(subset.dir, cores, { csv: true, cache: true, runs, log }));
      result.cli.push(await benchCliExtract(subset.dir, cores, { csv: true, cache: false, runs, log }));
      result.cli.push(await benchCliExtract(subset.dir, cores, { csv: false, cache: false, runs, log }));
      const lib = await benchLibrosa(subset.dir, cores, log);
      if (lib.row) result.librosa = lib.row;
      else result.librosaSkipped = lib.skippedReason;
    }
    return { result, table };
  } finally {
    subset.remove();
  }
}

async function poolRun(corpus: ReturnType<typeof loadCorpus>, dir: string, workers: number, result: ExtractionResult, log: (line: string) => void): Promise<FeatureTable> {
  log(`  extraction: ${corpus.items.length} files, ${workers} worker(s)`);
  const cpu0 = cpuSecondsNow();
  const t0 = performance.now();
  const { table, run } = await extractCorpus(corpus, dir, { workers, cacheDir: null, quiet: true, augment: 'paper' });
  const wallSeconds = (performance.now() - t0) / 1000;
  const cpuSeconds = cpuSecondsNow() - cpu0;
  const files = run.stats.files;
  result.versions = table.meta.versions.length;
  result.rows.push({
    workers,
    files,
    vectors: table.rows,
    skipped: run.stats.skipped,
    wallSeconds,
    cpuSeconds,
    filesPerSec: files / wallSeconds,
    filesPerSecPerWorker: files / wallSeconds / workers,
    filesPerCpuSec: files / cpuSeconds,
  });
  return table;
}
