/**
 * Parquet feature tables (issue 14, item 2): written by `ser extract --format parquet`, checked
 * value by value with DuckDB (a real Parquet reader, test-only dependency) against the binary
 * table of the same run, read back by `ser train/evaluate --features X.parquet`.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav-encode.js';
import { FeatureTableError, readFeatureTableBinary, type FeatureTable } from '../src/extract/feature-table.js';
import {
  PARQUET_SCHEMA_VERSION, readFeatureTable, readFeatureTableParquet, writeFeatureTableParquet,
} from '../src/extract/parquet-table.js';
import { makeRecipe } from '../src/features/recipe.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../src/synth/index.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HAVE_WASM = existsSync(join(ROOT, 'build/ser.wasm'));

async function ser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Rows × dim values with the float32 edge cases a text or lossy path would damage. */
function table(rows: number, dim: number): FeatureTable {
  const X = new Float32Array(rows * dim);
  for (let i = 0; i < X.length; i++) X[i] = Math.sin(i * 0.37) * 10 ** ((i % 13) - 6);
  X.set([-0, 1.401298464324817e-45, 3.4028234663852886e38, -1.1754943508222875e-38, Math.fround(1 / 3)], 0);
  return {
    X, rows, dim,
    y: Int32Array.from({ length: rows }, (_, i) => (i * 7) % 3),
    classes: ['neutral', 'calm', 'happy'],
    speaker: Array.from({ length: rows }, (_, i) => `Actor_${String(1 + (i % 4)).padStart(2, '0')}`),
    recordingId: Array.from({ length: rows }, (_, i) => `rec-${Math.floor(i / 2)}`),
    version: Array.from({ length: rows }, (_, i) => (i % 2 ? 'stretch' : 'original')),
    path: Array.from({ length: rows }, (_, i) => `Actor_0${1 + (i % 4)}/clip "${i}", é.wav`),
    gender: Array.from({ length: rows }, (_, i) => ['male', 'female', ''][i % 3]!),
    params: Array.from({ length: rows }, (_, i): Record<string, number> => (i % 2 ? { rate: 0.9 + i / 1000 } : {})),
    meta: {
      recipe: makeRecipe({ vectorLength: dim }),
      versions: ['original', 'stretch'], seed: 4242, corpus: '/corpus', layout: 'ravdess',
      skipped: [{ key: 'bad.wav', path: 'bad.wav', code: 'DECODE_FAILED', reason: 'not audio' }], createdAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

async function query(conn: DuckDBConnection, sql: string): Promise<Array<Record<string, any>>> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, any>>;
}

/** Every value of every row, as DuckDB reads it, against X (float32, bit for bit). */
async function expectDuckDbValues(conn: DuckDBConnection, file: string, t: FeatureTable): Promise<void> {
  const rows = await query(conn, `SELECT path, speaker, gender, label, version, recording, seed, params, features FROM read_parquet('${file}')`);
  expect(rows).toHaveLength(t.rows);
  let mismatches = 0;
  rows.forEach((r, i) => {
    expect(r.path).toBe(t.path[i]);
    expect(r.speaker).toBe(t.speaker[i]);
    expect(r.gender).toBe(t.gender[i]);
    expect(r.label).toBe(t.classes[t.y[i]!]);
    expect(r.version).toBe(t.version[i]);
    expect(r.recording).toBe(t.recordingId[i]);
    expect(Number(r.seed)).toBe(t.meta.seed);
    expect(JSON.parse(r.params)).toEqual(t.params[i]);
    const f = Float32Array.from(r.features as number[]);
    expect(f.length).toBe(t.dim);
    const want = t.X.subarray(i * t.dim, (i + 1) * t.dim);
    for (let j = 0; j < t.dim; j++) if (!Object.is(f[j], want[j])) mismatches++;
  });
  expect(mismatches).toBe(0);
}

describe('Parquet feature tables', () => {
  let dir: string;
  let duck: DuckDBInstance;
  let conn: DuckDBConnection;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ser-parquet-'));
    duck = await DuckDBInstance.create(':memory:');
    conn = await duck.connect();
  });
  afterAll(() => {
    conn?.closeSync();
  });

  it('writes what DuckDB reads: the columns, every float32 value bit for bit, the metadata', async () => {
    const t = table(2500, 2376); // three row groups of at most 1000 rows
    const file = join(dir, 'big.parquet');
    await writeFeatureTableParquet(t, file);
    await expectDuckDbValues(conn, file, t);
    const schema = await query(conn, `DESCRIBE SELECT * FROM read_parquet('${file}')`);
    expect(schema.map((c) => `${c.column_name} ${c.column_type}`)).toEqual([
      'path VARCHAR', 'speaker VARCHAR', 'gender VARCHAR', 'label VARCHAR', 'version VARCHAR', 'recording VARCHAR',
      'seed BIGINT', 'params JSON', 'features FLOAT[]',
    ]);
    // The documented one-liner for a fixed-size array.
    const fixed = await query(conn, `SELECT features::FLOAT[2376] AS x FROM read_parquet('${file}') LIMIT 1`);
    expect(fixed[0]!.x).toHaveLength(2376);
    const kv = await query(conn, `SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('${file}')`);
    const meta = Object.fromEntries(kv.map((r) => [r.key, r.value]));
    expect(meta['ser-wasm.schema-version']).toBe(String(PARQUET_SCHEMA_VERSION));
    expect(meta['ser-wasm.dim']).toBe('2376');
    expect(JSON.parse(meta['ser-wasm.recipe']!)).toEqual(t.meta.recipe);
    const groups = await query(conn, `SELECT count(DISTINCT row_group_id) AS n FROM parquet_metadata('${file}')`);
    expect(Number(groups[0]!.n)).toBe(3);
  });

  it('reads back into the same FeatureTable, and readFeatureTable / readFeatureTableBinary accept it by extension', async () => {
    const t = table(37, 12);
    const file = join(dir, 'small.parquet');
    await writeFeatureTableParquet(t, file, { rowGroupRows: 10 });
    const back = await readFeatureTableParquet(file);
    expect(back).toEqual(t);
    for (let i = 0; i < t.X.length; i++) expect(Object.is(back.X[i], t.X[i]), `X[${i}]`).toBe(true);
    expect(await readFeatureTable(file)).toEqual(t);
    expect(await readFeatureTableBinary(file)).toEqual(t);
  });

  it('replaces a file atomically and refuses what is not a feature table, naming the file', async () => {
    const file = join(dir, 'atomic.parquet');
    await writeFeatureTableParquet(table(5, 4), file);
    const bad = table(5, 4);
    bad.X[3] = Number.NaN;
    await expect(writeFeatureTableParquet(bad, file)).rejects.toThrow(FeatureTableError);
    expect((await readFeatureTableParquet(file)).X[3]).toBe(table(5, 4).X[3]);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const notParquet = join(dir, 'text.parquet');
    writeFileSync(notParquet, 'path,label\nx,y\n');
    await expect(readFeatureTableParquet(notParquet)).rejects.toThrow(/text\.parquet.*not a Parquet file/);
    const truncated = join(dir, 'truncated.parquet');
    writeFileSync(truncated, readFileSync(file).subarray(0, 200));
    await expect(readFeatureTableParquet(truncated)).rejects.toThrow(FeatureTableError);
    await expect(readFeatureTableParquet(join(dir, 'missing.parquet'))).rejects.toThrow(/missing\.parquet.*ENOENT/);
    // A Parquet file from elsewhere (no ser-wasm metadata).
    const foreign = join(dir, 'foreign.parquet');
    await conn.run(`COPY (SELECT 1 AS a) TO '${foreign}' (FORMAT parquet)`);
    await expect(readFeatureTableParquet(foreign)).rejects.toThrow(/schema-version.*missing/);
  });
});

describe.skipIf(!HAVE_WASM)('ser extract --format parquet, then train and evaluate from it', () => {
  let dir: string;
  let corpus: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ser-parquet-cli-'));
    corpus = join(dir, 'corpus');
    // Two actors (one male, one female), 4 emotions, 7 clips each: enough for a decision tree and an evaluation.
    for (const spec of synthCorpusFiles(2).filter((f) => ['neutral', 'happy', 'sad', 'angry'].includes(f.emotion) && f.statement === 1 && f.repetition === 1)) {
      mkdirSync(join(corpus, spec.relativePath, '..'), { recursive: true });
      writeFileSync(join(corpus, spec.relativePath), encodeWav(synthesizeCorpusFile(spec, 5, 22050), 22050, { format: 'pcm16' }));
    }
  });

  it('writes X.parquet beside X.bin/X.json with the same values (checked with DuckDB), prints a JSON summary', async () => {
    const out = join(dir, 'feats', 'X.parquet');
    const r = await ser(['extract', '--data', corpus, '--out', out, '--format', 'parquet,bin', '--workers', '0', '--versions', 'original,noise',
      '--quiet', '--no-cache', '--json']);
    expect(r.stderr).toMatch(/wrote .*X\.parquet/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ command: 'extract', schemaVersion: 1, ok: true, dim: 2376, versions: ['original', 'noise'], skipped: [] });
    expect(summary.outputs).toEqual({ bin: join(dir, 'feats', 'X.bin'), json: join(dir, 'feats', 'X.json'), csv: null, parquet: out });
    expect(existsSync(join(dir, 'feats', 'X.csv'))).toBe(false);
    const binary = await readFeatureTableBinary(join(dir, 'feats', 'X'));
    expect(summary.rows).toBe(binary.rows);
    const duck = await DuckDBInstance.create(':memory:');
    const conn = await duck.connect();
    try {
      await expectDuckDbValues(conn, out, binary);
    } finally {
      conn.closeSync();
    }
    const back = await readFeatureTableParquet(out);
    const { createdAt: _a, ...metaBack } = back.meta;
    const { createdAt: _b, ...metaBin } = binary.meta;
    expect({ ...back, meta: metaBack }).toEqual({ ...binary, meta: metaBin });
  });

  it('ser train --features X.parquet and ser evaluate --features X.parquet --json', async () => {
    const out = join(dir, 'feats', 'X.parquet');
    if (!existsSync(out)) {
      await ser(['extract', '--data', corpus, '--out', out, '--format', 'parquet', '--workers', '0', '--versions', 'original,noise', '--quiet', '--no-cache']);
    }
    const model = join(dir, 'model-dt');
    const train = await ser(['train', '--features', out, '--recipe', 'paper', '--model', 'dt', '--out', model, '--quiet', '--json']);
    expect(train.stderr + train.stdout).not.toMatch(/Error/);
    expect(train.code).toBe(0);
    expect(JSON.parse(train.stdout)).toMatchObject({ command: 'train', schemaVersion: 1, model: model, modelKind: 'dt', recipe: 'paper' });
    const evaluate = await ser(['evaluate', model, '--features', out, '--json']);
    expect(evaluate.code).toBe(0);
    const metrics = JSON.parse(evaluate.stdout);
    expect(metrics).toMatchObject({ command: 'evaluate', schemaVersion: 1, modelKind: 'dt' });
    expect(metrics.rows).toBe(14);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0);
  });
});
