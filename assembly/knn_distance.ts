// Squared Euclidean distances for k-nearest-neighbour search (the KNN hot path).
//
// out[q * nTrain + t] = Σ_i (query_q[i] − train_t[i])², all float32, rows
// row-major with `dim` floats each. Direct differences rather than
// ‖a‖² + ‖b‖² − 2a·b: the expanded form cancels catastrophically when two
// standardised feature vectors are close (exactly the neighbours that
// matter), while differences cost the same number of SIMD ops here.
//
// Accumulation order is fixed so the JS reference (src/wasm/knn-distance.ts)
// can reproduce it bit for bit: four f32 lanes over i ≡ 0..3 (mod 4) for
// i < dim & ~3, lanes summed as (l0 + l1) + (l2 + l3), then the dim % 4 tail
// added one element at a time.
//
// Blocking: train rows are visited in tiles of about 256 KiB (fits L2) and
// every query of the block is run against a tile before moving on, so each
// train row comes from main memory once per call. Within a tile one query is
// compared with 4 train rows at a time (the query chunk is loaded once).

const TILE_BYTES: i32 = 256 * 1024;

@inline
function lanesToScalar(acc: v128): f32 {
  return (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
}

@inline
function tail(q: usize, t: usize, from: i32, dim: i32, sum: f32): f32 {
  for (let i = from; i < dim; i++) {
    const d = load<f32>(q + (<usize>i << 2)) - load<f32>(t + (<usize>i << 2));
    sum += d * d;
  }
  return sum;
}

export function knnSquaredDistances(queries: usize, nQueries: i32, train: usize, nTrain: i32, dim: i32, out: usize): void {
  const rowBytes = <usize>dim << 2;
  const dim4 = dim & ~3;
  let tileRows = TILE_BYTES / (dim << 2);
  tileRows = tileRows < 4 ? 4 : tileRows & ~3;

  for (let t0 = 0; t0 < nTrain; t0 += tileRows) {
    const tEnd = min(t0 + tileRows, nTrain);
    for (let q = 0; q < nQueries; q++) {
      const qp = queries + <usize>q * rowBytes;
      const outRow = out + ((<usize>q * <usize>nTrain) << 2);
      let t = t0;
      for (; t + 4 <= tEnd; t += 4) {
        const p0 = train + <usize>t * rowBytes;
        const p1 = p0 + rowBytes;
        const p2 = p1 + rowBytes;
        const p3 = p2 + rowBytes;
        let a0 = f32x4.splat(0);
        let a1 = f32x4.splat(0);
        let a2 = f32x4.splat(0);
        let a3 = f32x4.splat(0);
        for (let i = 0; i < dim4; i += 4) {
          const off = <usize>i << 2;
          const qv = v128.load(qp + off);
          const d0 = f32x4.sub(qv, v128.load(p0 + off));
          const d1 = f32x4.sub(qv, v128.load(p1 + off));
          const d2 = f32x4.sub(qv, v128.load(p2 + off));
          const d3 = f32x4.sub(qv, v128.load(p3 + off));
          a0 = f32x4.add(a0, f32x4.mul(d0, d0));
          a1 = f32x4.add(a1, f32x4.mul(d1, d1));
          a2 = f32x4.add(a2, f32x4.mul(d2, d2));
          a3 = f32x4.add(a3, f32x4.mul(d3, d3));
        }
        const o = outRow + (<usize>t << 2);
        store<f32>(o, tail(qp, p0, dim4, dim, lanesToScalar(a0)));
        store<f32>(o + 4, tail(qp, p1, dim4, dim, lanesToScalar(a1)));
        store<f32>(o + 8, tail(qp, p2, dim4, dim, lanesToScalar(a2)));
        store<f32>(o + 12, tail(qp, p3, dim4, dim, lanesToScalar(a3)));
      }
      for (; t < tEnd; t++) {
        const p = train + <usize>t * rowBytes;
        let a = f32x4.splat(0);
        for (let i = 0; i < dim4; i += 4) {
          const off = <usize>i << 2;
          const d = f32x4.sub(v128.load(qp + off), v128.load(p + off));
          a = f32x4.add(a, f32x4.mul(d, d));
        }
        store<f32>(outRow + (<usize>t << 2), tail(qp, p, dim4, dim, lanesToScalar(a)));
      }
    }
  }
}
