import { createWriteStream } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Dataset } from '../ml/dataset.js';
import type { FeatureRecipe } from '../features/recipe.js';
import type { SkippedFile } from './pool.js';

/**
 * The extraction output: a Dataset (features + the metadata splits need) plus
 * what produced it, so a result can be traced back to its recipe and seed.
 */
export interface FeatureTable extends Dataset {
  /** Per row: source path relative to the corpus root. */
  path: string[];
  /** Per row: 'male' | 'female' | '' when unknown. */
  gender: string[];
  /** Per row: augmentation parameters actually drawn (e.g. {rate: 0.93}). */
  params: Array<Record<string, number>>;
  meta: {
    recipe: FeatureRecipe;
    versions: string[];
    seed: number;
    corpus: string;
    layout: string;
    skipped: SkippedFile[];
    createdAt: string;
    extraction?: { seconds: number; filesPerSecond: number; workers: number; cacheHits: number };
  };
}

const BIN_MAGIC = 'SERF1';

/**
 * Binary form: <out>.bin holds the float32 matrix, <out>.json everything else.
 * About 4 bytes per value against ~12 in CSV, and it loads with one read.
 */
export async function writeFeatureTableBinary(table: FeatureTable, basePath: string): Promise<{ bin: string; json: string }> {
  await mkdir(dirname(basePath), { recursive: true });
  const bin = `${basePath}.bin`;
  const json = `${basePath}.json`;
  await writeFile(bin, new Uint8Array(table.X.buffer, table.X.byteOffset, table.X.byteLength));
  const { X: _x, ...rest } = table;
  await writeFile(json, JSON.stringify({ format: BIN_MAGIC, ...rest, y: Array.from(table.y) }));
  return { bin, json };
}

export async function readFeatureTableBinary(basePath: string): Promise<FeatureTable> {
  const base = basePath.replace(/\.(bin|json)$/, '');
  const meta = JSON.parse(await readFile(`${base}.json`, 'utf8'));
  if (meta.format !== BIN_MAGIC) throw new Error(`${base}.json: not a ser-wasm feature table (format ${meta.format})`);
  const bytes = await readFile(`${base}.bin`);
  if (bytes.byteLength !== meta.rows * meta.dim * 4) {
    throw new Error(`${base}.bin: expected ${meta.rows} × ${meta.dim} float32 values, found ${bytes.byteLength} bytes`);
  }
  const X = new Float32Array(meta.rows * meta.dim);
  new Uint8Array(X.buffer).set(bytes);
  return { ...meta, X, y: Int32Array.from(meta.y) };
}

/**
 * The paper's "CSV ready for ML": a header, then one row per (clip, version)
 * with path, speaker, gender, label, version, recording id and the features.
 * Values are written with 9 significant digits, enough to round-trip float32.
 */
export async function writeFeatureTableCsv(table: FeatureTable, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const header = ['path', 'speaker', 'gender', 'label', 'version', 'recording'];
  for (let j = 0; j < table.dim; j++) header.push(`f${j}`);
  const csv = stringify({ header: true, columns: header });
  csv.pipe(out);
  for (let i = 0; i < table.rows; i++) {
    const row: Array<string | number> = [
      table.path[i]!,
      table.speaker[i]!,
      table.gender[i]!,
      table.classes[table.y[i]!]!,
      table.version[i]!,
      table.recordingId[i]!,
    ];
    const base = i * table.dim;
    for (let j = 0; j < table.dim; j++) row.push(formatFloat32(table.X[base + j]!));
    if (!csv.write(row)) await new Promise((resolve) => csv.once('drain', resolve));
  }
  csv.end();
  await finished(out);
}

function formatFloat32(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(9)));
}
