/**
 * Writing the feature table: the binary form (writeFeatureTableBinary: X.bin + X.json, sha256,
 * fsync, atomic rename), Parquet (writeFeatureTableParquet) and the CSV (writeFeatureTableCsv), against the CSV writer as it was
 * before issue 13 (csv-stringify, one `toPrecision(9)` string per value; kept here verbatim as
 * the "before" row), on the extraction section's table when it ran, else on synthetic rows of
 * the 16-actor shape. Each writer runs `repeats` times into a temporary folder on the same disk
 * as the system's tmpdir; the fastest run is reported (MB/s of the files written). The new CSV
 * is compared byte for byte with the old one.
 */
import { stringify } from 'csv-stringify';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateFeatureTable, writeFeatureTableBinary, type FeatureTable } from '../src/extract/feature-table.js';
import { writeFeatureTableCsv } from '../src/extract/csv-table.js';
import { PAPER_RECIPE } from '../src/features/recipe.js';
import { writeStreamAtomic } from '../src/util/atomic-write.js';
import { Random } from '../src/util/random.js';

export interface OutputRow {
  format: string;
  impl: string;
  bytes: number;
  /** Fastest of the runs. */
  seconds: number;
  runs: number[];
  mbPerSec: number;
  note?: string;
}

export interface OutputResult {
  source: string;
  rows: number;
  dim: number;
  results: OutputRow[];
  /** The new CSV is byte-identical to the old writer's. */
  csvIdentical?: boolean;
  /** Why the Parquet row is missing, when it is. */
  parquetSkipped?: string;
}

/** The CSV writer before issue 13, unchanged: the "before" row. */
export async function writeFeatureTableCsvLegacy(table: FeatureTable, path: string): Promise<void> {
  validateFeatureTable(table, path);
  await writeStreamAtomic(path, async (out) => {
    const header = ['path', 'speaker', 'gender', 'label', 'version', 'recording'];
    for (let j = 0; j < table.dim; j++) header.push(`f${j}`);
    const csv = stringify({ header: true, columns: header });
    let failed: Error | undefined;
    csv.on('error', (err) => (failed ??= err));
    csv.pipe(out, { end: false });
    for (let i = 0; i < table.rows; i++) {
      if (failed) throw failed;
      const row: Array<string | number> = [
        table.path[i]!, table.speaker[i]!, table.gender[i]!, table.classes[table.y[i]!]!, table.version[i]!, table.recordingId[i]!,
      ];
      const base = i * table.dim;
      for (let j = 0; j < table.dim; j++) row.push(legacyFormatFloat32(table.X[base + j]!));
      if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve));
    }
    await new Promise<void>((resolve, reject) => {
      csv.once('end', resolve);
      csv.once('error', reject);
      csv.end();
    });
    if (failed) throw failed;
  });
}

function legacyFormatFloat32(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(9)));
}

/** Synthetic 16-actor-shaped table (4,800 rows × 2,376) with values of the paper vector's magnitudes. */
export function syntheticTable(rows = 4800, seed = 3): FeatureTable {
  const dim = PAPER_RECIPE.vectorLength;
  const rng = new Random(seed);
  const X = new Float32Array(rows * dim);
  for (let i = 0; i < X.length; i++) {
    const j = (i % dim) % 22; // ZCR, RMS, then 20 MFCCs per frame
    X[i] = j === 0 ? 0.1 * rng.uniform() : j === 1 ? 0.05 * rng.uniform() : (j === 2 ? -300 : 0) + 30 * rng.gaussian();
  }
  const versions = ['original', 'noise', 'shift', 'stretch', 'pitch'];
  const t: FeatureTable = {
    X, rows, dim, y: Int32Array.from({ length: rows }, (_, i) => Math.floor(i / 5) % 7),
    classes: ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'],
    speaker: [], recordingId: [], version: [], path: [], gender: [], params: [],
    meta: { recipe: PAPER_RECIPE, versions, seed: 42, corpus: '(synthetic)', layout: 'ravdess', skipped: [], createdAt: new Date(0).toISOString() },
  };
  for (let i = 0; i < rows; i++) {
    const actor = `Actor_${String(1 + Math.floor(i / 300)).padStart(2, '0')}`;
    const clip = Math.floor(i / 5);
    t.speaker.push(actor);
    t.recordingId.push(`03-01-0${1 + (clip % 7)}-01-01-01-${actor.slice(6)}`);
    t.version.push(versions[i % 5]!);
    t.path.push(`${actor}/03-01-0${1 + (clip % 7)}-01-01-01-${actor.slice(6)}.wav`);
    t.gender.push(Number(actor.slice(6)) % 2 ? 'male' : 'female');
    t.params.push({ seed: i });
  }
  return t;
}

async function timeRuns(repeats: number, f: () => Promise<unknown>): Promise<number[]> {
  const runs: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await f();
    runs.push((performance.now() - t0) / 1000);
  }
  return runs;
}

export async function benchOutput(opts: { table?: FeatureTable; quick?: boolean; log?: (line: string) => void } = {}): Promise<OutputResult> {
  const log = opts.log ?? (() => {});
  const table = opts.table ?? syntheticTable(opts.quick ? 600 : 4800);
  const source = opts.table ? `the extraction section's table (${new Set(table.speaker).size} actors)` : 'synthetic rows of the paper vector\'s shape';
  const repeats = opts.quick ? 1 : 3;
  const dir = mkdtempSync(join(tmpdir(), 'ser-bench-output-'));
  const results: OutputRow[] = [];
  try {
    const base = join(dir, 'X');
    log(`  binary table: ${table.rows} rows × ${table.dim}`);
    const bin = await timeRuns(repeats, () => writeFeatureTableBinary(table, base));
    const binBytes = statSync(`${base}.bin`).size + statSync(`${base}.json`).size;
    results.push(row('binary (X.bin + X.json)', 'writeFeatureTableBinary', binBytes, bin, 'sha256 + fsync + rename'));

    log('  Parquet table');
    let parquetSkipped: string | undefined;
    try {
      const { writeFeatureTableParquet } = await import('../src/extract/parquet-table.js');
      const parquet = await timeRuns(repeats, () => writeFeatureTableParquet(table, join(dir, 'X.parquet')));
      results.push(row('Parquet', 'writeFeatureTableParquet', statSync(join(dir, 'X.parquet')).size, parquet, 'ser extract --format parquet'));
    } catch (err) {
      // Its writer package is a dependency like any other, but a partial install should not stop the bench.
      parquetSkipped = (err as Error).message.split('\n')[0];
    }

    log('  CSV table (current writer)');
    const csvNew = await timeRuns(repeats, () => writeFeatureTableCsv(table, join(dir, 'new.csv')));
    results.push(row('CSV', 'writeFeatureTableCsv', statSync(join(dir, 'new.csv')).size, csvNew));

    log('  CSV table (writer before issue 13)');
    const csvOld = await timeRuns(opts.quick ? 1 : 2, () => writeFeatureTableCsvLegacy(table, join(dir, 'old.csv')));
    results.push(row('CSV', 'before: csv-stringify + toPrecision(9)', statSync(join(dir, 'old.csv')).size, csvOld));
    const csvIdentical = readFileSync(join(dir, 'new.csv')).equals(readFileSync(join(dir, 'old.csv')));
    return { source, rows: table.rows, dim: table.dim, results, csvIdentical, ...(parquetSkipped ? { parquetSkipped } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(format: string, impl: string, bytes: number, runs: number[], note?: string): OutputRow {
  const seconds = Math.min(...runs);
  return { format, impl, bytes, seconds, runs, mbPerSec: bytes / 1e6 / seconds, ...(note ? { note } : {}) };
}

export function formatOutput(r: OutputResult): string {
  const before = r.results.find((x) => x.impl.startsWith('before'));
  const lines = [
    `Writing the feature table: ${r.rows} rows × ${r.dim} (${r.source}); fastest of the runs, files on the system's tmpdir disk`,
    '',
    '| format | writer | MB written | seconds | MB/s | ratio to the CSV writer before | note |',
    '|---|---|---:|---:|---:|---:|---|',
    ...r.results.map(
      (x) =>
        `| ${x.format} | ${x.impl} | ${(x.bytes / 1e6).toFixed(1)} | ${x.seconds.toFixed(2)} | ${x.mbPerSec.toFixed(0)} | ` +
        `${before && x.format === 'CSV' ? (x === before ? '1' : `${(before.seconds / x.seconds).toFixed(1)}×`) : '—'} | ${x.note ?? ''} |`,
    ),
  ];
  if (r.csvIdentical !== undefined) lines.push('', `New CSV byte-identical to the old writer's: ${r.csvIdentical ? 'yes' : 'NO'}.`);
  if (r.parquetSkipped) lines.push('', `Parquet skipped: ${r.parquetSkipped}`);
  return lines.join('\n');
}
