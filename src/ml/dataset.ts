/**
 * The feature table every classical model and split works on: one row per
 * (recording, augmentation version), features flattened row-major.
 *
 * Row metadata travels with the features so that splits can be audited for
 * leakage: `recordingId` ties augmented copies to their source clip, `speaker`
 * ties clips to an actor, and `version` says which copy a row is
 * ('original' for the untouched clip, otherwise the augmentation name).
 */

export interface Dataset {
  /** rows × dim features, row-major: feature j of row i is X[i * dim + j]. */
  X: Float32Array;
  rows: number;
  dim: number;
  /** Class index per row, into `classes`. */
  y: Int32Array;
  classes: string[];
  speaker: string[];
  recordingId: string[];
  /** 'original' | 'noise' | 'shift' | 'stretch' | 'pitch' | … */
  version: string[];
}

export const ORIGINAL_VERSION = 'original';

/** Raised for invalid model input, bad parameters or misuse (e.g. predict before fit). */
export class MlError extends Error {
  override readonly name = 'MlError';
  constructor(message: string) {
    super(message);
  }
}

/** Checks a row-major feature matrix: shape, type and finiteness (NaN would silently poison distances and splits). */
export function assertFeatureMatrix(X: Float32Array, rows: number, dim: number, what = 'X'): void {
  if (!(X instanceof Float32Array)) throw new MlError(`${what} must be a Float32Array`);
  if (!Number.isInteger(rows) || rows <= 0) throw new MlError(`${what}: rows must be a positive integer, got ${rows}`);
  if (!Number.isInteger(dim) || dim <= 0) throw new MlError(`${what}: dim must be a positive integer, got ${dim}`);
  if (X.length !== rows * dim) {
    throw new MlError(`${what} has ${X.length} values but rows × dim = ${rows} × ${dim} = ${rows * dim}`);
  }
  for (let i = 0; i < X.length; i++) {
    const v = X[i]!;
    if (!Number.isFinite(v)) {
      throw new MlError(`${what} contains a non-finite value (${v}) at row ${Math.floor(i / dim)}, column ${i % dim}`);
    }
  }
}

/** Checks class labels: one Int32 per row, each in [0, nClasses). */
export function assertLabels(y: Int32Array, rows: number, nClasses: number, what = 'y'): void {
  if (!(y instanceof Int32Array)) throw new MlError(`${what} must be an Int32Array`);
  if (y.length !== rows) throw new MlError(`${what} has ${y.length} labels for ${rows} rows`);
  if (!Number.isInteger(nClasses) || nClasses <= 0) throw new MlError(`number of classes must be a positive integer, got ${nClasses}`);
  for (let i = 0; i < y.length; i++) {
    const c = y[i]!;
    if (c < 0 || c >= nClasses) throw new MlError(`${what}[${i}] = ${c} is not a class index in [0, ${nClasses})`);
  }
}

/** Validates a whole Dataset, including that every metadata column has one entry per row. */
export function assertDataset(ds: Dataset): void {
  assertFeatureMatrix(ds.X, ds.rows, ds.dim, 'dataset.X');
  assertLabels(ds.y, ds.rows, ds.classes.length, 'dataset.y');
  for (const column of ['speaker', 'recordingId', 'version'] as const) {
    const values = ds[column];
    if (!Array.isArray(values) || values.length !== ds.rows) {
      throw new MlError(`dataset.${column} must be an array with one entry per row (${ds.rows}), got ${values?.length}`);
    }
  }
}

/** Checks row indices are integers inside [0, rows). */
export function assertRowIndices(indices: ArrayLike<number>, rows: number, what = 'row indices'): void {
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (!Number.isInteger(r) || r < 0 || r >= rows) throw new MlError(`${what}[${i}] = ${r} is outside [0, ${rows})`);
  }
}

/** A new Dataset holding the given rows in the given order (features copied). */
export function selectRows(ds: Dataset, indices: ArrayLike<number>): Dataset {
  assertRowIndices(indices, ds.rows);
  const n = indices.length;
  const X = new Float32Array(n * ds.dim);
  const y = new Int32Array(n);
  const speaker: string[] = new Array(n);
  const recordingId: string[] = new Array(n);
  const version: string[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const r = indices[i]!;
    X.set(ds.X.subarray(r * ds.dim, (r + 1) * ds.dim), i * ds.dim);
    y[i] = ds.y[r]!;
    speaker[i] = ds.speaker[r]!;
    recordingId[i] = ds.recordingId[r]!;
    version[i] = ds.version[r]!;
  }
  return { X, rows: n, dim: ds.dim, y, classes: ds.classes.slice(), speaker, recordingId, version };
}
