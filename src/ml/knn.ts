/**
 * k-nearest-neighbours classifier as sklearn.neighbors.KNeighborsClassifier
 * with weights='uniform', metric Euclidean, brute-force search; the paper
 * uses k = 4 (the default here).
 *
 * Vote: each of the k neighbours counts once; ties between classes go to the
 * smallest class index, which is what sklearn does (scipy.stats.mode in older
 * versions, argmax over the vote fractions in newer ones: both return the
 * lowest tied label). Neighbours at equal distance are taken in training-row
 * order (see src/wasm/knn-distance.ts).
 *
 * Backend: pass a {@link WasmCore} to use the SIMD kernel; without one the
 * pure-JS path runs. Both give identical neighbours and predictions.
 */
import type { WasmCore } from '../wasm/core.js';
import { kNearestJs, kNearestWasm, type NeighborSearchResult } from '../wasm/knn-distance.js';
import { assertFeatureMatrix, assertLabels, MlError } from './dataset.js';

export interface KnnOptions {
  /** Number of neighbours; default 4 (the paper). */
  k?: number;
  /** WASM instance for the distance kernel; omit for the pure-JS path. */
  core?: WasmCore;
}

export interface Neighbors {
  k: number;
  /** nQueries × k training-row indices, nearest first. */
  indices: Int32Array;
  /** nQueries × k Euclidean distances (square roots of the float32 squared distances). */
  distances: Float32Array;
}

export class KNeighborsClassifier {
  readonly k: number;
  private readonly core: WasmCore | undefined;
  private train: { X: Float32Array; rows: number; dim: number; y: Int32Array; nClasses: number } | null = null;

  constructor(opts: KnnOptions = {}) {
    this.k = opts.k ?? 4;
    if (!Number.isInteger(this.k) || this.k < 1) throw new MlError(`k must be a positive integer, got ${opts.k}`);
    this.core = opts.core;
  }

  get backend(): 'wasm' | 'js' {
    return this.core ? 'wasm' : 'js';
  }

  /** Stores a copy of the training rows (later changes to the caller's arrays do not affect the model). */
  fit(X: Float32Array, rows: number, dim: number, y: Int32Array, nClasses: number): this {
    assertFeatureMatrix(X, rows, dim);
    assertLabels(y, rows, nClasses);
    if (this.k > rows) throw new MlError(`k = ${this.k} neighbours requested but only ${rows} training rows`);
    this.train = { X: X.slice(), rows, dim, y: y.slice(), nClasses };
    return this;
  }

  /** The k nearest training rows of each query. */
  kneighbors(X: Float32Array, rows: number, dim: number): Neighbors {
    const found = this.search(X, rows, dim);
    const distances = new Float32Array(found.sqDistances.length);
    for (let i = 0; i < distances.length; i++) distances[i] = Math.sqrt(found.sqDistances[i]!);
    return { k: found.k, indices: found.indices, distances };
  }

  /** rows × nClasses vote fractions (each neighbour adds 1/k to its class). */
  predictProba(X: Float32Array, rows: number, dim: number): Float32Array {
    const votes = this.votes(X, rows, dim);
    const out = new Float32Array(votes.length);
    for (let i = 0; i < votes.length; i++) out[i] = votes[i]! / this.k;
    return out;
  }

  /** Majority class among the k neighbours; ties → smallest class index (as sklearn). */
  predict(X: Float32Array, rows: number, dim: number): Int32Array {
    const votes = this.votes(X, rows, dim);
    const nClasses = this.fitted().nClasses;
    const out = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      let best = 0;
      for (let c = 1; c < nClasses; c++) if (votes[i * nClasses + c]! > votes[i * nClasses + best]!) best = c;
      out[i] = best;
    }
    return out;
  }

  private votes(X: Float32Array, rows: number, dim: number): Int32Array {
    const { y, nClasses } = this.fitted();
    const found = this.search(X, rows, dim);
    const votes = new Int32Array(rows * nClasses);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < this.k; j++) votes[i * nClasses + y[found.indices[i * this.k + j]!]!]!++;
    }
    return votes;
  }

  private search(X: Float32Array, rows: number, dim: number): NeighborSearchResult {
    const t = this.fitted();
    if (dim !== t.dim) throw new MlError(`KNeighborsClassifier was fitted on ${t.dim} features, got ${dim}`);
    assertFeatureMatrix(X, rows, dim);
    return this.core
      ? kNearestWasm(this.core, t.X, t.rows, X, rows, dim, this.k)
      : kNearestJs(t.X, t.rows, X, rows, dim, this.k);
  }

  private fitted() {
    if (!this.train) throw new MlError('KNeighborsClassifier is not fitted: call fit() first');
    return this.train;
  }
}
