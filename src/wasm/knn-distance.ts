/**
 * k-nearest-neighbour search by brute force: squared Euclidean distances
 * from query rows to training rows, keeping the k smallest per query.
 *
 * Two backends with identical results:
 *  - WASM: assembly/knn_distance.ts, f32x4 SIMD;
 *  - JS:   the same float32 arithmetic in the same order (Math.fround after
 *          every operation), so its distances are bit-identical to the
 *          kernel's and both backends always pick the same neighbours.
 *
 * Memory (WASM): nothing is kept between calls. Each call works inside one
 * `core.scratch` frame holding a block of ≤ 256 queries, a chunk of training
 * rows (≤ 8 MiB) and their distance block (≤ 4 MiB); training chunks are
 * re-copied for every query block. So linear memory stays near 12 MiB plus
 * one query block whatever the training-set size, and the frame is released
 * when the call returns. The re-copy is cheap next to the kernel: each copied
 * row is then compared with up to 256 queries.
 *
 * Ties: among equal distances the lower training index wins (training rows
 * are scanned in order and a later row must be strictly closer to displace
 * an earlier one).
 */
import type { WasmCore } from './core.js';

type DistanceKernel = (queries: number, nQueries: number, train: number, nTrain: number, dim: number, out: number) => void;

export interface NeighborSearchResult {
  k: number;
  /** nQueries × k training-row indices, nearest first. */
  indices: Int32Array;
  /** nQueries × k squared Euclidean distances (float32), matching `indices`. */
  sqDistances: Float32Array;
}

/** Block sizes of the WASM search (defaults suit any size; tests shrink them to cover the block edges). */
export interface KnnBlocking {
  /** Queries per kernel call; default 256. */
  queryBlock?: number;
  /** Bytes of training rows copied per kernel call; default 8 MiB. */
  trainChunkBytes?: number;
}

const QUERY_BLOCK = 256;
const TRAIN_CHUNK_BYTES = 8 * 1024 * 1024;
const DISTANCE_BLOCK_BYTES = 4 * 1024 * 1024;
const JS_TILE_BYTES = 256 * 1024;

const fround = Math.fround;

/** Squared distance between row `a` of A and row `b` of B in the kernel's exact float32 order. */
function squaredDistanceF32(A: Float32Array, aBase: number, B: Float32Array, bBase: number, dim: number): number {
  const dim4 = dim & ~3;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  for (let i = 0; i < dim4; i += 4) {
    const d0 = fround(A[aBase + i]! - B[bBase + i]!);
    const d1 = fround(A[aBase + i + 1]! - B[bBase + i + 1]!);
    const d2 = fround(A[aBase + i + 2]! - B[bBase + i + 2]!);
    const d3 = fround(A[aBase + i + 3]! - B[bBase + i + 3]!);
    l0 = fround(l0 + fround(d0 * d0));
    l1 = fround(l1 + fround(d1 * d1));
    l2 = fround(l2 + fround(d2 * d2));
    l3 = fround(l3 + fround(d3 * d3));
  }
  let sum = fround(fround(l0 + l1) + fround(l2 + l3));
  for (let i = dim4; i < dim; i++) {
    const d = fround(A[aBase + i]! - B[bBase + i]!);
    sum = fround(sum + fround(d * d));
  }
  return sum;
}

/** All nQueries × nTrain squared distances, pure JS (reference; bit-identical to the WASM kernel). */
export function squaredDistancesJs(queries: Float32Array, nQueries: number, train: Float32Array, nTrain: number, dim: number): Float32Array {
  const out = new Float32Array(nQueries * nTrain);
  for (let q = 0; q < nQueries; q++) {
    for (let t = 0; t < nTrain; t++) out[q * nTrain + t] = squaredDistanceF32(queries, q * dim, train, t * dim, dim);
  }
  return out;
}

/** All nQueries × nTrain squared distances computed by the WASM kernel (for tests and tools; search uses blocks). */
export function squaredDistancesWasm(
  core: WasmCore,
  queries: Float32Array,
  nQueries: number,
  train: Float32Array,
  nTrain: number,
  dim: number,
): Float32Array {
  const kernel = core.exports.knnSquaredDistances as DistanceKernel;
  return core.scratch((alloc) => {
    const qPtr = alloc(nQueries * dim * 4);
    const tPtr = alloc(nTrain * dim * 4);
    const outPtr = alloc(nQueries * nTrain * 4);
    core.writeF32(qPtr, queries.subarray(0, nQueries * dim));
    core.writeF32(tPtr, train.subarray(0, nTrain * dim));
    kernel(qPtr, nQueries, tPtr, nTrain, dim, outPtr);
    return core.readF32(outPtr, nQueries * nTrain);
  });
}

/** Running k smallest (distance, index) pairs per query, sorted ascending. */
class NearestSets {
  readonly indices: Int32Array;
  readonly sqDistances: Float32Array;

  constructor(
    readonly nQueries: number,
    readonly k: number,
  ) {
    this.indices = new Int32Array(nQueries * k).fill(-1);
    this.sqDistances = new Float32Array(nQueries * k).fill(Infinity);
  }

  /** Offers distances `dist[from .. from + count)` for training rows `firstTrain ..` to query q. */
  offer(q: number, dist: Float32Array, from: number, count: number, firstTrain: number): void {
    const k = this.k;
    const base = q * k;
    const ds = this.sqDistances;
    const ix = this.indices;
    let worst = ds[base + k - 1]!;
    for (let j = 0; j < count; j++) {
      const d = dist[from + j]!;
      if (!(d < worst)) continue; // strict: an equal distance never displaces an earlier row
      let p = base + k - 1;
      while (p > base && ds[p - 1]! > d) {
        ds[p] = ds[p - 1]!;
        ix[p] = ix[p - 1]!;
        p--;
      }
      ds[p] = d;
      ix[p] = firstTrain + j;
      worst = ds[base + k - 1]!;
    }
  }

  result(): NeighborSearchResult {
    return { k: this.k, indices: this.indices, sqDistances: this.sqDistances };
  }
}

/**
 * k nearest training rows of every query, pure JS. Blocked like the kernel
 * (a tile of training rows small enough for L2 meets a block of queries), so
 * each training row comes from main memory once per query block, not once
 * per query.
 */
export function kNearestJs(
  train: Float32Array,
  nTrain: number,
  queries: Float32Array,
  nQueries: number,
  dim: number,
  k: number,
): NeighborSearchResult {
  const sets = new NearestSets(nQueries, k);
  const tileRows = Math.max(1, Math.floor(JS_TILE_BYTES / (dim * 4)));
  const dist = new Float32Array(tileRows);
  for (let q0 = 0; q0 < nQueries; q0 += QUERY_BLOCK) {
    const qEnd = Math.min(q0 + QUERY_BLOCK, nQueries);
    for (let t0 = 0; t0 < nTrain; t0 += tileRows) {
      const nt = Math.min(tileRows, nTrain - t0);
      for (let q = q0; q < qEnd; q++) {
        for (let t = 0; t < nt; t++) dist[t] = squaredDistanceF32(queries, q * dim, train, (t0 + t) * dim, dim);
        sets.offer(q, dist, 0, nt, t0);
      }
    }
  }
  return sets.result();
}

/** k nearest training rows of every query, distances by the WASM SIMD kernel. */
export function kNearestWasm(
  core: WasmCore,
  train: Float32Array,
  nTrain: number,
  queries: Float32Array,
  nQueries: number,
  dim: number,
  k: number,
  blocking: KnnBlocking = {},
): NeighborSearchResult {
  const kernel = core.exports.knnSquaredDistances as DistanceKernel;
  if (typeof kernel !== 'function') throw new Error('ser-wasm: build/ser.wasm has no knnSquaredDistances export; rebuild with `npm run build:wasm`');
  const sets = new NearestSets(nQueries, k);
  const rowBytes = dim * 4;
  const blockQueries = Math.max(1, Math.min(blocking.queryBlock ?? QUERY_BLOCK, nQueries));
  const chunkRows = Math.max(
    1,
    Math.min(
      nTrain,
      Math.floor((blocking.trainChunkBytes ?? TRAIN_CHUNK_BYTES) / rowBytes),
      Math.floor(DISTANCE_BLOCK_BYTES / (4 * blockQueries)),
    ),
  );
  core.scratch((alloc) => {
    const qPtr = alloc(blockQueries * rowBytes);
    const tPtr = alloc(chunkRows * rowBytes);
    const outPtr = alloc(blockQueries * chunkRows * 4);
    for (let q0 = 0; q0 < nQueries; q0 += blockQueries) {
      const nq = Math.min(blockQueries, nQueries - q0);
      core.writeF32(qPtr, queries.subarray(q0 * dim, (q0 + nq) * dim));
      for (let t0 = 0; t0 < nTrain; t0 += chunkRows) {
        const nt = Math.min(chunkRows, nTrain - t0);
        core.writeF32(tPtr, train.subarray(t0 * dim, (t0 + nt) * dim));
        kernel(qPtr, nq, tPtr, nt, dim, outPtr);
        // No allocation happens between the kernel and these reads, so the view stays valid.
        const mem = core.f32;
        for (let q = 0; q < nq; q++) sets.offer(q0 + q, mem, (outPtr >> 2) + q * nt, nt, t0);
      }
    }
  });
  return sets.result();
}
