import { beforeAll, describe, expect, it } from 'vitest';
import { KNeighborsClassifier } from '../src/ml/knn.js';
import { MlError } from '../src/ml/dataset.js';
import { kNearestJs, kNearestWasm, squaredDistancesJs, squaredDistancesWasm } from '../src/wasm/knn-distance.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import type { WasmCore } from '../src/wasm/core.js';
import { Random } from '../src/util/random.js';

function gaussianMatrix(rows: number, dim: number, seed: number, scale = 1): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length: rows * dim }, () => rng.gaussian() * scale);
}

/** Float64 reference: Σ (a − b)² without any float32 rounding of the sum. */
function squaredDistance64(A: Float32Array, a: number, B: Float32Array, b: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) {
    const d = A[a * dim + i]! - B[b * dim + i]!;
    s += d * d;
  }
  return s;
}

let core: WasmCore;
beforeAll(async () => {
  core = await loadWasmCore();
});

describe('squared distances: WASM SIMD kernel vs JS', () => {
  // dims cover the 4-lane body only (8, 2376), the scalar tail (1, 7, 301) and several L2 tiles (301: 216 rows per tile).
  for (const [nq, nt, dim] of [
    [3, 5, 1],
    [4, 9, 7],
    [5, 11, 8],
    [6, 501, 301],
    [2, 40, 2376],
  ] as const) {
    it(`${nq} queries × ${nt} train × dim ${dim}: bit-identical, and within 1e-4 relative of float64`, () => {
      const Q = gaussianMatrix(nq, dim, 10 + dim);
      const T = gaussianMatrix(nt, dim, 20 + dim, 2);
      const wasm = squaredDistancesWasm(core, Q, nq, T, nt, dim);
      const js = squaredDistancesJs(Q, nq, T, nt, dim);
      expect(Array.from(wasm)).toEqual(Array.from(js));
      let worst = 0;
      for (let q = 0; q < nq; q++) {
        for (let t = 0; t < nt; t++) {
          const ref = squaredDistance64(Q, q, T, t, dim);
          worst = Math.max(worst, Math.abs(wasm[q * nt + t]! - ref) / ref);
        }
      }
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it('exact zero distance for identical rows', () => {
    const T = gaussianMatrix(3, 13, 1);
    const d = squaredDistancesWasm(core, T.subarray(13, 26), 1, T, 3, 13);
    expect(d[1]).toBe(0);
  });
});

describe('k-nearest search', () => {
  it('WASM and JS return the same neighbours across query blocks and training chunks', () => {
    const dim = 37;
    const T = gaussianMatrix(700, dim, 3);
    const Q = gaussianMatrix(300, dim, 4); // > 256: two query blocks
    const js = kNearestJs(T, 700, Q, 300, dim, 4);
    const wasm = kNearestWasm(core, T, 700, Q, 300, dim, 4);
    expect(Array.from(wasm.indices)).toEqual(Array.from(js.indices));
    expect(Array.from(wasm.sqDistances)).toEqual(Array.from(js.sqDistances));
    // small blocks: 7 query blocks (last partial) × 5 training chunks of 150 rows (last partial)
    const blocked = kNearestWasm(core, T, 700, Q, 300, dim, 4, { queryBlock: 45, trainChunkBytes: 150 * dim * 4 });
    expect(Array.from(blocked.indices)).toEqual(Array.from(js.indices));
    expect(Array.from(blocked.sqDistances)).toEqual(Array.from(js.sqDistances));
    // brute-force check of the first query
    const order = Array.from({ length: 700 }, (_, t) => t).sort((a, b) => squaredDistance64(Q, 0, T, a, dim) - squaredDistance64(Q, 0, T, b, dim));
    expect(Array.from(js.indices.subarray(0, 4))).toEqual(order.slice(0, 4));
  });

  it('does not grow WASM memory after the first call (scratch is released)', () => {
    const T = gaussianMatrix(500, 64, 5);
    const Q = gaussianMatrix(50, 64, 6);
    kNearestWasm(core, T, 500, Q, 50, 64, 4);
    const bytes = core.memoryBytes;
    for (let i = 0; i < 3; i++) kNearestWasm(core, T, 500, Q, 50, 64, 4);
    expect(core.memoryBytes).toBe(bytes);
  });

  it('keeps the earlier training row when distances tie', () => {
    const T = Float32Array.from([2, 1, -1, 1, 1]); // squared distances from 0: 4, 1, 1, 1, 1
    const r = kNearestJs(T, 5, Float32Array.from([0]), 1, 1, 3);
    expect(Array.from(r.indices)).toEqual([1, 2, 3]);
    expect(Array.from(kNearestWasm(core, T, 5, Float32Array.from([0]), 1, 1, 3).indices)).toEqual([1, 2, 3]);
  });
});

describe('KNeighborsClassifier (k = 4)', () => {
  function blobs(n: number, dim: number, nClasses: number, seed: number) {
    const rng = new Random(seed);
    const X = new Float32Array(n * dim);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = rng.int(0, nClasses - 1);
      for (let j = 0; j < dim; j++) X[i * dim + j] = (j % nClasses === y[i] ? 8 : 0) + rng.gaussian();
    }
    return { X, y };
  }

  it('classifies well-separated blobs perfectly, WASM and JS identically', () => {
    const dim = 21;
    const train = blobs(400, dim, 7, 1);
    const test = blobs(150, dim, 7, 2);
    const wasm = new KNeighborsClassifier({ core }).fit(train.X, 400, dim, train.y, 7);
    const js = new KNeighborsClassifier().fit(train.X, 400, dim, train.y, 7);
    expect(wasm.backend).toBe('wasm');
    expect(js.backend).toBe('js');
    const pw = wasm.predict(test.X, 150, dim);
    expect(Array.from(pw)).toEqual(Array.from(js.predict(test.X, 150, dim)));
    expect(Array.from(pw)).toEqual(Array.from(test.y));
  });

  it('breaks a 2–2 vote tie towards the smallest class index (as sklearn)', () => {
    // 1-D train: 0 and 1 are class 1, 2 and 3 are class 0, 10 is class 2. Query 1.5: neighbours 1, 2, 0, 3 → 2 votes each.
    const X = Float32Array.from([0, 1, 2, 3, 10]);
    const y = Int32Array.from([1, 1, 0, 0, 2]);
    for (const model of [new KNeighborsClassifier(), new KNeighborsClassifier({ core })]) {
      model.fit(X, 5, 1, y, 3);
      expect(Array.from(model.predict(Float32Array.from([1.5]), 1, 1))).toEqual([0]);
      expect(Array.from(model.predictProba(Float32Array.from([1.5]), 1, 1))).toEqual([0.5, 0.5, 0]);
      const nb = model.kneighbors(Float32Array.from([1.5]), 1, 1);
      expect(Array.from(nb.indices)).toEqual([1, 2, 0, 3]);
      expect(Array.from(nb.distances)).toEqual([0.5, 0.5, 1.5, 1.5]);
    }
  });

  it('rejects misuse with MlError', () => {
    expect(() => new KNeighborsClassifier({ k: 0 })).toThrow(MlError);
    expect(() => new KNeighborsClassifier().predict(new Float32Array(1), 1, 1)).toThrow(/not fitted/);
    expect(() => new KNeighborsClassifier().fit(new Float32Array(3), 3, 1, Int32Array.from([0, 1, 0]), 2)).toThrow(/only 3 training rows/);
    const m = new KNeighborsClassifier({ k: 1 }).fit(new Float32Array(4), 2, 2, Int32Array.from([0, 1]), 2);
    expect(() => m.predict(new Float32Array(3), 1, 3)).toThrow(/fitted on 2 features/);
    expect(() => m.predict(Float32Array.from([0, NaN]), 1, 2)).toThrow(/non-finite/);
  });
});
