import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Dataset } from '../ml/dataset.js';
import type { FeatureRecipe } from '../features/feature-recipe.js';
import { openAtomicStream, writeFileAtomic, type AtomicStream } from '../util/atomic-write.js';
import { allFinite } from '../dsp/validate.js';
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
    extraction?: { seconds: number; filesPerSecond: number; workers: number; cacheHits: number; cacheRecomputed?: number };
  };
}

/** A feature table file that cannot be trusted: names the file and the offending field. */
export class FeatureTableError extends Error {
  override readonly name = 'FeatureTableError';
  constructor(readonly file: string, readonly field: string, reason: string) {
    super(`${file}: ${field === '' ? '' : `field '${field}': `}${reason}`);
  }
}

/** Current format tag of the .json part. */
export const FEATURE_TABLE_FORMAT = 'SERF2';
/** Previous format (no run id or digest): still read, with every check except the pair check. */
const LEGACY_FORMAT = 'SERF1';

/** Where the .json part says its .bin part came from. */
interface BinDigest {
  /** Shared by the .bin and .json written in one call. */
  runId: string;
  /** File name of the .bin, for messages. */
  file: string;
  /** Exact byte length and sha256 of the .bin. */
  bytes: number;
  sha256: string;
}

/** Rows of a feature table in table order, the columns the writers need (a whole FeatureTable is one). */
export type TableRows = Pick<FeatureTable, 'X' | 'rows' | 'dim' | 'y' | 'path' | 'speaker' | 'gender' | 'version' | 'recordingId'>;

/**
 * A table file being written while its rows arrive (`ser extract` writes its tables while the
 * pool runs): rows go in with add, in table order; commit checks the finished table (and that
 * exactly its rows were added) and puts the file(s) in place; abort leaves the previous files.
 */
export interface TableStream {
  /** Queues rows (in table order) for writing; returns at once. The rows must not change afterwards (they are written later). */
  add(rows: TableRows): void;
  /** Validates `table`, checks that exactly its rows were added, finishes and renames. Rejects, writing nothing, otherwise. */
  commit(table: FeatureTable): Promise<void>;
  /** Drops what was written; the targets keep whatever they held before. Never rejects. */
  abort(): Promise<void>;
}

/**
 * Large tables are flushed to disk in the background every this many bytes while they are
 * written, so the flush before the final rename has little left to do.
 */
export const FLUSH_EVERY_BYTES = 32 << 20;

/**
 * The commit step both streaming writers share: validates `table` (errors name `file`; the
 * stream is abandoned on failure), then commits `stream`, refusing inside it (so the temporary
 * file is dropped) unless exactly the table's rows were added, and running `finish` last. The
 * values are not scanned again here: each writer checked its batches with assertFiniteBatch as
 * it wrote them (a failure there fails the commit), so the file holds only checked values and
 * the step after the last clip stays short.
 */
export async function commitTableStream<S>(
  stream: AtomicStream<S>, table: FeatureTable, file: string, rowsAdded: number, finish: (state: S) => Promise<void> | void,
): Promise<void> {
  try {
    validateTableLayout(table, file, file);
  } catch (err) {
    await stream.abort();
    throw err;
  }
  await stream.commit(async (state) => {
    if (rowsAdded !== table.rows) throw new FeatureTableError(file, 'rows', `${rowsAdded} rows were written but the table has ${table.rows}`);
    await finish(state);
  });
}

/**
 * Binary form: <base>.bin holds the float32 matrix (raw little-endian, rows × dim, no header,
 * so numpy.fromfile reads it), <base>.json everything else plus a digest of the .bin: the run id
 * shared by both parts, its byte length and sha256. Each part is written atomically (temporary
 * file + rename), the .bin first; the reader recomputes the digest and refuses a .json whose
 * .bin is from another run (an interrupted or mixed write) with an error naming both files.
 */
export async function writeFeatureTableBinary(table: FeatureTable, basePath: string): Promise<{ bin: string; json: string; runId: string }> {
  const bin = `${basePath}.bin`;
  const json = `${basePath}.json`;
  validateFeatureTable(table, json);
  const bytes = new Uint8Array(table.X.buffer, table.X.byteOffset, table.X.byteLength);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  await writeFileAtomic(bin, bytes);
  return writeBinaryJson(table, bin, json, bytes.byteLength, sha256);
}

/** The .json part of a binary table whose .bin (`bytes` bytes, `sha256`) is already in place. */
async function writeBinaryJson(table: FeatureTable, bin: string, json: string, bytes: number, sha256: string): Promise<{ bin: string; json: string; runId: string }> {
  const digest: BinDigest = { runId: randomUUID(), file: basename(bin), bytes, sha256 };
  const { X: _x, ...rest } = table;
  await writeFileAtomic(json, JSON.stringify({ format: FEATURE_TABLE_FORMAT, bin: digest, ...rest, y: Array.from(table.y) }));
  return { bin, json, runId: digest.runId };
}

/**
 * The binary table at <basePath>.bin/.json written while its rows arrive: each batch's values are
 * appended to the .bin's temporary file and hashed as they come; commit validates the table,
 * checks the row count, renames the .bin into place and writes the .json (the same files as
 * writeFeatureTableBinary of the finished table). Nothing is created until the first rows.
 */
export function openFeatureTableBinary(basePath: string): TableStream & { readonly bin: string; readonly json: string } {
  const bin = `${basePath}.bin`;
  const json = `${basePath}.json`;
  const hash = createHash('sha256');
  let bytesAdded = 0;
  let rowsAdded = 0;
  let dim: number | undefined;
  const stream = openAtomicStream(bin, (out) => out, { flushEveryBytes: FLUSH_EVERY_BYTES });
  return {
    bin,
    json,
    add(rows) {
      dim ??= rows.dim;
      const rowsBefore = rowsAdded;
      rowsAdded += rows.rows;
      stream.add(async (out) => {
        if (rows.dim !== dim || rows.X.length !== rows.rows * rows.dim) {
          throw new FeatureTableError(bin, 'X', `rows of ${rows.dim} values (${rows.X.length} for ${rows.rows} rows), expected ${dim} per row`);
        }
        assertFiniteBatch(rows, rowsBefore, bin);
        const bytes = new Uint8Array(rows.X.buffer, rows.X.byteOffset, rows.X.byteLength);
        hash.update(bytes);
        bytesAdded += bytes.byteLength;
        // The stream keeps the chunk until it is written; the rows' values are not changed afterwards.
        if (!out.write(bytes)) await new Promise((resolve) => out.once('drain', resolve));
      });
    },
    async commit(table) {
      await commitTableStream(stream, table, bin, rowsAdded, () => {
        if (dim !== table.dim) throw new FeatureTableError(bin, 'dim', `rows of ${dim} values were written but the table has ${table.dim}`);
      });
      await writeBinaryJson(table, bin, json, bytesAdded, hash.digest('hex'));
    },
    abort: () => stream.abort(),
  };
}

/**
 * Reads <base>.json + <base>.bin (either name, or the base, is accepted) and validates what it
 * loads: format, dims, the .bin's run digest and length, metadata array lengths (speaker,
 * recordingId, version, path, gender, params and y all have `rows` entries), labels within the
 * classes, finite values. Anything wrong throws a {@link FeatureTableError} naming the file and field.
 * A path ending in .parquet is read as a Parquet table instead (parquet-table.ts).
 */
export async function readFeatureTableBinary(basePath: string): Promise<FeatureTable> {
  // A Parquet table (`ser extract --format parquet`) has its own reader: --features takes either.
  if (/\.parquet$/i.test(basePath)) return (await import('./parquet-table.js')).readFeatureTableParquet(basePath);
  const base = basePath.replace(/\.(bin|json)$/, '');
  const jsonFile = `${base}.json`;
  const binFile = `${base}.bin`;
  let text: string;
  try {
    text = await readFile(jsonFile, 'utf8');
  } catch (err) {
    throw new FeatureTableError(jsonFile, '', `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(text);
  } catch (err) {
    throw new FeatureTableError(jsonFile, '', `not JSON (${(err as Error).message})`);
  }
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) throw new FeatureTableError(jsonFile, '', 'not a JSON object');
  if (meta.format !== FEATURE_TABLE_FORMAT && meta.format !== LEGACY_FORMAT) {
    throw new FeatureTableError(jsonFile, 'format', `not a ser-wasm feature table (format ${JSON.stringify(meta.format)}, expected ${FEATURE_TABLE_FORMAT})`);
  }
  const rows = meta.rows;
  const dim = meta.dim;
  if (!isCount(rows)) throw new FeatureTableError(jsonFile, 'rows', `must be a positive integer, got ${JSON.stringify(rows)}`);
  if (!isCount(dim)) throw new FeatureTableError(jsonFile, 'dim', `must be a positive integer, got ${JSON.stringify(dim)}`);
  if (rows * dim * 4 > 2 ** 31) throw new FeatureTableError(jsonFile, 'rows', `${rows} × ${dim} values is more than this reader accepts (2 GiB)`);
  let bytes: Buffer;
  try {
    bytes = await readFile(binFile);
  } catch (err) {
    throw new FeatureTableError(binFile, '', `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it belongs with ${jsonFile}`);
  }
  if (meta.format === FEATURE_TABLE_FORMAT) {
    const d = meta.bin as Partial<BinDigest> | undefined;
    if (!d || typeof d !== 'object' || typeof d.runId !== 'string' || typeof d.sha256 !== 'string' || !Number.isInteger(d.bytes)) {
      throw new FeatureTableError(jsonFile, 'bin', 'run digest of the .bin part missing or malformed');
    }
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (bytes.byteLength !== d.bytes || sha !== d.sha256) {
      throw new FeatureTableError(jsonFile, 'bin',
        `${binFile} is not the matrix written with ${jsonFile} (run ${d.runId}: expected ${d.bytes} bytes, sha256 ${d.sha256.slice(0, 12)}…; ` +
        `found ${bytes.byteLength} bytes, sha256 ${sha.slice(0, 12)}…): the pair is from different or interrupted writes; re-run \`ser extract\``);
    }
  }
  if (bytes.byteLength !== rows * dim * 4) {
    throw new FeatureTableError(binFile, 'rows', `expected ${rows} × ${dim} float32 values (${rows * dim * 4} bytes) as ${jsonFile} says, found ${bytes.byteLength} bytes`);
  }
  const X = new Float32Array(rows * dim);
  new Uint8Array(X.buffer).set(bytes);
  if (!Array.isArray(meta.y)) throw new FeatureTableError(jsonFile, 'y', 'must be an array of class indices');
  const y = new Int32Array(meta.y.length);
  for (let i = 0; i < y.length; i++) {
    const c = meta.y[i];
    if (!Number.isInteger(c) || (c as number) < -(2 ** 31) || (c as number) >= 2 ** 31) {
      throw new FeatureTableError(jsonFile, 'y', `entry ${i} is ${JSON.stringify(c)}, not a class index`);
    }
    y[i] = c as number;
  }
  const { format: _f, bin: _b, ...rest } = meta;
  const table = { ...rest, X, y } as unknown as FeatureTable;
  validateFeatureTable(table, jsonFile, binFile);
  return table;
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n > 0;
}

const STRING_COLUMNS = ['speaker', 'recordingId', 'version', 'path', 'gender'] as const;

/**
 * Checks a table's internal consistency (used before writing and after reading): positive
 * rows and dim, X of rows × dim finite values, one label in [0, classes) and one entry of each
 * metadata column per row, a recipe whose vector length is dim. Throws FeatureTableError.
 */
export function validateFeatureTable(t: FeatureTable, file: string, binFile = file): void {
  validateTableLayout(t, file, binFile);
  assertFiniteRows(t.X, t.dim, 0, binFile);
}

/**
 * Throws a FeatureTableError naming `file` unless every value of `X` (rows of `dim` values, the
 * first of them row `firstRow` of the table) is finite.
 */
function assertFiniteRows(X: Float32Array, dim: number, firstRow: number, file: string): void {
  // The fast scan first; the per-value loop only to name the first bad value.
  if (!allFinite(X)) for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i]!)) {
      throw new FeatureTableError(file, 'X', `non-finite value ${X[i]} at row ${firstRow + Math.floor(i / dim)}, column ${i % dim}`);
    }
  }
}

/** Batches whose values were found finite: `ser extract` hands each clip's rows to two writers. */
const finiteBatches = new WeakSet<TableRows>();

/**
 * assertFiniteRows for a batch given to a streaming writer: a batch that passed is remembered and
 * not scanned again by the next writer it is given to (batches do not change once added:
 * TableStream.add).
 */
export function assertFiniteBatch(rows: TableRows, firstRow: number, file: string): void {
  if (finiteBatches.has(rows)) return;
  assertFiniteRows(rows.X, rows.dim, firstRow, file);
  finiteBatches.add(rows);
}

/**
 * Every check of {@link validateFeatureTable} except the scan of X's values: for the streaming
 * writers, which check each batch of values as it is written (assertFiniteBatch), so that the
 * commit after the last batch does not read all of X again.
 */
function validateTableLayout(t: FeatureTable, file: string, binFile: string): void {
  if (!isCount(t.rows)) throw new FeatureTableError(file, 'rows', `must be a positive integer, got ${JSON.stringify(t.rows)}`);
  if (!isCount(t.dim)) throw new FeatureTableError(file, 'dim', `must be a positive integer, got ${JSON.stringify(t.dim)}`);
  if (!(t.X instanceof Float32Array) || t.X.length !== t.rows * t.dim) {
    throw new FeatureTableError(binFile, 'X', `expected ${t.rows} × ${t.dim} float32 values, got ${t.X?.length}`);
  }
  if (!Array.isArray(t.classes) || t.classes.length === 0 || !t.classes.every((c) => typeof c === 'string' && c !== '')) {
    throw new FeatureTableError(file, 'classes', 'must be a non-empty array of class names');
  }
  if (new Set(t.classes).size !== t.classes.length) throw new FeatureTableError(file, 'classes', `has duplicate names (${t.classes.join(', ')})`);
  if (t.y.length !== t.rows) throw new FeatureTableError(file, 'y', `has ${t.y.length} entries, expected rows = ${t.rows}`);
  for (let i = 0; i < t.rows; i++) {
    const c = t.y[i]!;
    if (c < 0 || c >= t.classes.length) {
      throw new FeatureTableError(file, 'y', `row ${i} has label ${c}, outside the ${t.classes.length} classes [0, ${t.classes.length - 1}]`);
    }
  }
  for (const name of STRING_COLUMNS) {
    const col = t[name] as unknown;
    if (!Array.isArray(col)) throw new FeatureTableError(file, name, 'missing (expected one string per row)');
    if (col.length !== t.rows) throw new FeatureTableError(file, name, `has ${col.length} entries, expected rows = ${t.rows}`);
    const bad = col.findIndex((v) => typeof v !== 'string');
    if (bad >= 0) throw new FeatureTableError(file, name, `entry ${bad} is ${JSON.stringify(col[bad])}, not a string`);
  }
  if (!Array.isArray(t.params)) throw new FeatureTableError(file, 'params', 'missing (expected one object per row)');
  if (t.params.length !== t.rows) throw new FeatureTableError(file, 'params', `has ${t.params.length} entries, expected rows = ${t.rows}`);
  const badParams = t.params.findIndex((p) => p === null || typeof p !== 'object' || Array.isArray(p));
  if (badParams >= 0) throw new FeatureTableError(file, 'params', `entry ${badParams} is not an object`);
  const m = t.meta as Partial<FeatureTable['meta']> | undefined;
  if (!m || typeof m !== 'object') throw new FeatureTableError(file, 'meta', 'missing');
  if (!m.recipe || typeof m.recipe !== 'object') throw new FeatureTableError(file, 'meta.recipe', 'missing');
  if (m.recipe.vectorLength !== t.dim) {
    throw new FeatureTableError(file, 'meta.recipe.vectorLength', `is ${JSON.stringify(m.recipe.vectorLength)} but dim is ${t.dim}`);
  }
  if (!Array.isArray(m.versions)) throw new FeatureTableError(file, 'meta.versions', 'missing');
  if (!Array.isArray(m.skipped)) throw new FeatureTableError(file, 'meta.skipped', 'missing');
}
