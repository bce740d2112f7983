/**
 * End-to-end extraction throughput: RAVDESS WAVs (48 kHz) → load at 22.05 kHz → the paper's
 * 5 versions (original, noise, shift, stretch, pitch) → ZCR + RMS + MFCC-20 vectors, through
 * the worker pool (loadCorpus + extractCorpus), with 1 and 2 workers and no cache.
 *
 * Reported per run: wall time, files/s, files/s per worker (= per core when each worker has
 * a core), and files per CPU-second of this process (worker threads included). On a machine
 * shared with other jobs the wall-clock numbers fall with the load; files per CPU-second is
 * the better estimate of what one idle core does.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadCorpus, type Corpus } from '../src/corpus/index.js';
import { extractCorpus } from '../src/extract/extract-corpus.js';

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

export interface ExtractionBenchOptions {
  /** Only the first actor (smoke run). */
  quick?: boolean;
  workerCounts?: number[];
  log?: (line: string) => void;
}

export async function benchExtraction(opts: ExtractionBenchOptions = {}): Promise<ExtractionResult> {
  const log = opts.log ?? (() => {});
  const dir = ravdessDir();
  if (!dir) return { actors: [], versions: 0, rows: [], skippedReason: 'RAVDESS not found at ../shared/data/ravdess' };
  const full = loadCorpus(dir, { layout: 'ravdess' });
  const actors = [...new Set(full.items.map((i) => i.speaker))].sort();
  const keep = opts.quick ? actors.slice(0, 1) : actors;
  const corpus: Corpus = { ...full, items: full.items.filter((i) => keep.includes(i.speaker)) };
  const result: ExtractionResult = { corpus: dir, actors: keep, versions: 0, rows: [] };

  for (const workers of opts.workerCounts ?? [1, 2]) {
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
  }
  return result;
}
