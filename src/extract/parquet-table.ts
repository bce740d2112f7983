/**
 * Feature tables as Apache Parquet, for pandas, DuckDB, Polars, Spark and anything else that reads
 * Parquet (`ser extract --format parquet`; `ser train/evaluate --features X.parquet` read it back).
 *
 * One row per (clip, version), in the table's row order, with these columns:
 *
 *   path       STRING   source file relative to the corpus root
 *   speaker    STRING   e.g. Actor_01
 *   gender     STRING   male | female | '' (unknown)
 *   label      STRING   class name (e.g. angry)
 *   version    STRING   original | noise | shift | stretch | pitch
 *   recording  STRING   id shared by every version of one recording
 *   seed       INT64    the extraction seed (the same in every row)
 *   params     JSON     augmentation parameters drawn for the row, e.g. {"rate":0.93}
 *   features   LIST<FLOAT>, exactly `dim` values per row (2,376 for the paper's recipe)
 *
 * Why one list column rather than 2,376 float columns: the values are one vector whose layout is
 * the recipe's (frame-interleaved ZCR, RMS, MFCCs), not named variables; a list keeps `SELECT *`,
 * `df.head()` and the file footer small (one column chunk per row group instead of 2,376, each
 * with its own statistics), and every reader turns it into a matrix in one call:
 *   pandas:  X = numpy.stack(pd.read_parquet('f.parquet').features)
 *   DuckDB:  SELECT label, features::FLOAT[2376] FROM 'f.parquet'   (a fixed-size ARRAY)
 *   Polars:  pl.read_parquet('f.parquet').get_column('features').list.to_array(2376).to_numpy()
 * Parquet has no fixed-size list type: the length is checked on write and on read, and stored
 * in the key-value metadata.
 *
 * Key-value metadata: `ser-wasm.schema-version` ({@link PARQUET_SCHEMA_VERSION}), `ser-wasm.recipe`
 * (the feature recipe as JSON), `ser-wasm.dim`, and `ser-wasm.table` (the rest of the table's
 * metadata as JSON: class order, versions, seed, corpus, layout, skipped files, timings), so a
 * Parquet table reads back into exactly the FeatureTable that was written.
 *
 * Values are float32, written bit for bit (PLAIN encoding, Snappy compression, row groups of
 * {@link PARQUET_ROW_GROUP_ROWS} rows). Written with hyparquet-writer, read with hyparquet (pure
 * JavaScript, no native code), streamed one row group at a time and atomically (temporary file +
 * rename, see util/atomic-write.ts).
 */
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, type FileMetaData } from 'hyparquet';
import { TOOL_VERSION } from '../version.js';
import { writeStreamAtomic } from '../util/atomic-write.js';
import { FeatureTableError, readFeatureTableBinary, validateFeatureTable, type FeatureTable } from './feature-table.js';

/** Version of the column layout and metadata keys above; readers refuse a newer one. */
export const PARQUET_SCHEMA_VERSION = 1;
/** Rows per row group: about 9.5 MB of float32 per group for the paper's 2,376 values. */
export const PARQUET_ROW_GROUP_ROWS = 1000;

const KEY_SCHEMA = 'ser-wasm.schema-version';
const KEY_RECIPE = 'ser-wasm.recipe';
const KEY_DIM = 'ser-wasm.dim';
const KEY_TABLE = 'ser-wasm.table';

const STRING_COLUMNS = ['path', 'speaker', 'gender', 'label', 'version', 'recording'] as const;

/** The Parquet schema (flat list: root, then each column; `features` is a 3-level LIST). */
function parquetSchema(): ConstructorParameters<typeof ParquetWriter>[0]['schema'] {
  return [
    { name: 'root', num_children: STRING_COLUMNS.length + 3 },
    ...STRING_COLUMNS.map((name) => ({ name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'REQUIRED' as const })),
    { name: 'seed', type: 'INT64', repetition_type: 'REQUIRED' },
    { name: 'params', type: 'BYTE_ARRAY', converted_type: 'JSON', repetition_type: 'REQUIRED' },
    { name: 'features', repetition_type: 'REQUIRED', converted_type: 'LIST', num_children: 1 },
    { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
    { name: 'element', type: 'FLOAT', repetition_type: 'REQUIRED' },
  ];
}

/**
 * Writes `table` to `path` as Parquet (see the module comment), atomically: an interrupted write
 * leaves the previous file as it was. Validates the table first (FeatureTableError).
 */
export async function writeFeatureTableParquet(table: FeatureTable, path: string, opts: { rowGroupRows?: number } = {}): Promise<void> {
  validateFeatureTable(table, path);
  const groupRows = opts.rowGroupRows ?? PARQUET_ROW_GROUP_ROWS;
  const { X, y, rows, dim, classes, speaker, recordingId, version, path: paths, gender, params, meta } = table;
  const { recipe, ...restMeta } = meta;
  const kvMetadata = [
    { key: KEY_SCHEMA, value: String(PARQUET_SCHEMA_VERSION) },
    { key: KEY_RECIPE, value: JSON.stringify(recipe) },
    { key: KEY_DIM, value: String(dim) },
    { key: KEY_TABLE, value: JSON.stringify({ rows, dim, classes, meta: restMeta }) },
  ];
  await writeStreamAtomic(path, async (out) => {
    let failed: Error | undefined;
    out.on('error', (err) => (failed ??= err));
    const writer = new ByteWriter();
    // Hand each row group's bytes to the stream (copied: the writer reuses its buffer), with backpressure.
    const flush = async (): Promise<void> => {
      if (writer.index > 0) {
        const chunk = Buffer.from(new Uint8Array(writer.buffer, 0, writer.index));
        writer.index = 0;
        if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
      }
      if (failed) throw failed;
    };
    Object.assign(writer, { flush, finish: flush });
    const pw = new ParquetWriter({ writer, schema: parquetSchema(), codec: 'SNAPPY', kvMetadata, createdBy: `ser-wasm ${TOOL_VERSION} (hyparquet-writer)` });
    for (let start = 0; start < rows; start += groupRows) {
      const end = Math.min(rows, start + groupRows);
      const features: number[][] = [];
      for (let i = start; i < end; i++) features.push(Array.from(X.subarray(i * dim, (i + 1) * dim)));
      const slice = <T>(a: T[]): T[] => a.slice(start, end);
      await pw.write({
        rowGroupSize: end - start,
        columnData: [
          { name: 'path', data: slice(paths) },
          { name: 'speaker', data: slice(speaker) },
          { name: 'gender', data: slice(gender) },
          { name: 'label', data: Array.from(y.subarray(start, end), (c) => classes[c]!) },
          { name: 'version', data: slice(version) },
          { name: 'recording', data: slice(recordingId) },
          { name: 'seed', data: new Array<bigint>(end - start).fill(BigInt(meta.seed)) },
          { name: 'params', data: slice(params) }, // JSON: the writer serialises each object
          // Dictionary encoding never pays for float features; PLAIN keeps the float32 bits.
          { name: 'features', data: features, encoding: 'PLAIN', statistics: false },
        ],
      });
    }
    await pw.finish();
  });
}

function kv(md: FileMetaData, key: string): string | undefined {
  return md.key_value_metadata?.find((e) => e.key === key)?.value;
}

/**
 * Reads a Parquet feature table written by {@link writeFeatureTableParquet} back into the same
 * FeatureTable, checking the schema version, the column layout, that every row has `dim` finite
 * values and that every label is one of the classes. Errors are FeatureTableError naming the file.
 */
export async function readFeatureTableParquet(path: string): Promise<FeatureTable> {
  let file: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  let md: FileMetaData;
  try {
    file = await asyncBufferFromFile(path);
    md = await parquetMetadataAsync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FeatureTableError(path, '', code ? `cannot read (${code})` : `not a Parquet file (${(err as Error).message})`);
  }
  const version = kv(md, KEY_SCHEMA);
  if (version === undefined) throw new FeatureTableError(path, KEY_SCHEMA, 'missing: not a ser-wasm feature table (write one with `ser extract --format parquet`)');
  if (!/^\d+$/.test(version) || Number(version) > PARQUET_SCHEMA_VERSION) {
    throw new FeatureTableError(path, KEY_SCHEMA, `is ${JSON.stringify(version)}; this version of ser-wasm reads up to ${PARQUET_SCHEMA_VERSION}`);
  }
  const parse = (key: string): unknown => {
    const text = kv(md, key);
    if (text === undefined) throw new FeatureTableError(path, key, 'missing from the key-value metadata');
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new FeatureTableError(path, key, `not JSON (${(err as Error).message})`);
    }
  };
  const recipe = parse(KEY_RECIPE) as FeatureTable['meta']['recipe'];
  const head = parse(KEY_TABLE) as { rows?: unknown; dim?: unknown; classes?: unknown; meta?: Omit<FeatureTable['meta'], 'recipe'> };
  const rows = Number(md.num_rows);
  const dim = head.dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim <= 0) throw new FeatureTableError(path, KEY_TABLE, `dim must be a positive integer, got ${JSON.stringify(dim)}`);
  if (head.rows !== rows) throw new FeatureTableError(path, KEY_TABLE, `says ${JSON.stringify(head.rows)} rows, the file has ${rows}`);
  if (rows * dim * 4 > 2 ** 31) throw new FeatureTableError(path, 'rows', `${rows} × ${dim} values is more than this reader accepts (2 GiB)`);
  const classes = head.classes;
  if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) throw new FeatureTableError(path, 'classes', 'must be an array of class names');
  const columns = md.schema.slice(1).filter((e) => e.num_children === undefined || e.name === 'features').map((e) => e.name);
  for (const name of [...STRING_COLUMNS, 'params', 'features']) {
    if (!columns.includes(name)) throw new FeatureTableError(path, name, 'column missing');
  }

  const X = new Float32Array(rows * dim);
  const y = new Int32Array(rows);
  const strings: Record<(typeof STRING_COLUMNS)[number], string[]> = { path: [], speaker: [], gender: [], label: [], version: [], recording: [] };
  const params: Array<Record<string, number>> = [];
  const classIndex = new Map(classes.map((c, i) => [c as string, i]));
  // One row group's worth at a time: the JS arrays hyparquet builds stay small.
  let offset = 0;
  for (const group of md.row_groups) {
    const n = Number(group.num_rows);
    const objs = await parquetReadObjects({ file, metadata: md, rowStart: offset, rowEnd: offset + n, columns: [...STRING_COLUMNS, 'params', 'features'] });
    objs.forEach((o, k) => {
      const i = offset + k;
      for (const name of STRING_COLUMNS) {
        const v = o[name];
        if (typeof v !== 'string') throw new FeatureTableError(path, name, `row ${i} is ${JSON.stringify(v)}, not a string`);
        strings[name].push(v);
      }
      const c = classIndex.get(strings.label[i]!);
      if (c === undefined) throw new FeatureTableError(path, 'label', `row ${i} has label '${strings.label[i]}', not one of the classes (${classes.join(', ')})`);
      y[i] = c;
      const p = typeof o.params === 'string' ? JSON.parse(o.params) : o.params;
      params.push(p as Record<string, number>);
      const f = o.features as ArrayLike<number> | null | undefined;
      if (!f || f.length !== dim) throw new FeatureTableError(path, 'features', `row ${i} has ${f?.length ?? 0} values, expected ${dim}`);
      X.set(f, i * dim);
    });
    offset += n;
  }
  const table: FeatureTable = {
    X, y, rows, dim, classes: classes as string[],
    speaker: strings.speaker, recordingId: strings.recording, version: strings.version, path: strings.path, gender: strings.gender, params,
    meta: { ...(head.meta as Omit<FeatureTable['meta'], 'recipe'>), recipe },
  };
  validateFeatureTable(table, path);
  return table;
}

/** True when `path` names a Parquet file (by its extension). */
export function isParquetPath(path: string): boolean {
  return /\.parquet$/i.test(path);
}

/** Reads a feature table in either form: Parquet (`.parquet`) or the binary pair (`X`, `X.bin` or `X.json`). */
export async function readFeatureTable(path: string): Promise<FeatureTable> {
  return isParquetPath(path) ? readFeatureTableParquet(path) : readFeatureTableBinary(path);
}
