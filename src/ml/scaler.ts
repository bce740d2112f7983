/**
 * Feature standardisation, z = (x − mean) / scale, following
 * sklearn.preprocessing.StandardScaler: population statistics (ddof = 0),
 * constant columns get scale 1 so they map to 0 instead of dividing by zero.
 * Fit only on training rows: fitting on the whole table leaks test statistics.
 */
import { assertFeatureMatrix, assertRowIndices, MlError } from './dataset.js';

export interface StandardScalerJSON {
  kind: 'StandardScaler';
  mean: number[];
  scale: number[];
  /** Rows the statistics were computed from. */
  nSamplesSeen: number;
}

export class StandardScaler {
  private meanValues: Float64Array | null = null;
  private scaleValues: Float64Array | null = null;
  private seen = 0;

  get mean(): Float64Array {
    return this.fitted().mean;
  }

  get scale(): Float64Array {
    return this.fitted().scale;
  }

  get nSamplesSeen(): number {
    return this.seen;
  }

  get dim(): number {
    return this.fitted().mean.length;
  }

  /**
   * Computes column means and population standard deviations over `rowIndices`
   * (all rows when omitted). Statistics accumulate in float64 and use the
   * two-pass formula (mean first, then squared deviations) for accuracy.
   */
  fit(X: Float32Array, rows: number, dim: number, rowIndices?: ArrayLike<number>): this {
    assertFeatureMatrix(X, rows, dim);
    if (rowIndices !== undefined) {
      assertRowIndices(rowIndices, rows);
      if (rowIndices.length === 0) throw new MlError('StandardScaler.fit: no training rows given');
    }
    const n = rowIndices ? rowIndices.length : rows;
    const rowAt = (i: number): number => (rowIndices ? rowIndices[i]! : i);

    const mean = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      const base = rowAt(i) * dim;
      for (let j = 0; j < dim; j++) mean[j]! += X[base + j]!;
    }
    for (let j = 0; j < dim; j++) mean[j]! /= n;

    const variance = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      const base = rowAt(i) * dim;
      for (let j = 0; j < dim; j++) {
        const d = X[base + j]! - mean[j]!;
        variance[j]! += d * d;
      }
    }
    const scale = new Float64Array(dim);
    const eps = Number.EPSILON;
    for (let j = 0; j < dim; j++) {
      const v = variance[j]! / n;
      // sklearn (_is_constant_feature): a variance below the rounding error of
      // its own computation means the column is constant → scale 1.
      const bound = n * eps * v + (n * mean[j]! * eps) ** 2;
      scale[j] = v <= bound ? 1 : Math.sqrt(v);
    }
    this.meanValues = mean;
    this.scaleValues = scale;
    this.seen = n;
    return this;
  }

  /** Standardised copy of X (float32 like the input). */
  transform(X: Float32Array, rows: number, dim: number): Float32Array {
    const { mean, scale } = this.fitted();
    if (dim !== mean.length) throw new MlError(`StandardScaler was fitted on ${mean.length} features, got ${dim}`);
    assertFeatureMatrix(X, rows, dim);
    const out = new Float32Array(X.length);
    for (let i = 0; i < rows; i++) {
      const base = i * dim;
      for (let j = 0; j < dim; j++) out[base + j] = (X[base + j]! - mean[j]!) / scale[j]!;
    }
    return out;
  }

  /** fit then transform on the same rows (sklearn fit_transform). */
  fitTransform(X: Float32Array, rows: number, dim: number): Float32Array {
    return this.fit(X, rows, dim).transform(X, rows, dim);
  }

  /** x = z · scale + mean for Z [rows × dim] (sklearn inverse_transform); a float32 copy. */
  inverseTransform(Z: Float32Array, rows: number, dim: number): Float32Array {
    const { mean, scale } = this.fitted();
    if (dim !== mean.length) throw new MlError(`StandardScaler was fitted on ${mean.length} features, got ${dim}`);
    assertFeatureMatrix(Z, rows, dim, 'Z');
    const out = new Float32Array(Z.length);
    for (let i = 0; i < rows; i++) {
      const base = i * dim;
      for (let j = 0; j < dim; j++) out[base + j] = Z[base + j]! * scale[j]! + mean[j]!;
    }
    return out;
  }

  /** The fitted statistics as plain arrays (what a model bundle stores); throws if not fitted. */
  toJSON(): StandardScalerJSON {
    const { mean, scale } = this.fitted();
    return { kind: 'StandardScaler', mean: Array.from(mean), scale: Array.from(scale), nSamplesSeen: this.seen };
  }

  /** A fitted scaler from {@link StandardScaler.toJSON} output; throws MlError on unequal lengths or non-finite / non-positive statistics. */
  static fromJSON(json: StandardScalerJSON): StandardScaler {
    if (json?.kind !== 'StandardScaler') throw new MlError(`not a StandardScaler JSON (kind = ${json?.kind})`);
    const { mean, scale } = json;
    if (!Array.isArray(mean) || !Array.isArray(scale) || mean.length !== scale.length || mean.length === 0) {
      throw new MlError('StandardScaler JSON: mean and scale must be non-empty arrays of equal length');
    }
    for (let j = 0; j < scale.length; j++) {
      if (!Number.isFinite(mean[j]) || !(scale[j]! > 0) || !Number.isFinite(scale[j])) {
        throw new MlError(`StandardScaler JSON: bad statistics at column ${j} (mean ${mean[j]}, scale ${scale[j]})`);
      }
    }
    const s = new StandardScaler();
    s.meanValues = Float64Array.from(mean);
    s.scaleValues = Float64Array.from(scale);
    s.seen = json.nSamplesSeen;
    return s;
  }

  private fitted(): { mean: Float64Array; scale: Float64Array } {
    if (!this.meanValues || !this.scaleValues) throw new MlError('StandardScaler is not fitted: call fit() first');
    return { mean: this.meanValues, scale: this.scaleValues };
  }
}
