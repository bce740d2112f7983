// Single-precision matrix product for the training kernels of the tfjs wasm
// backend (src/ml/cnn/kernels/conv1d.ts):
//
//   C[i, j] = Σ_k A[i, k] · B[k, j]        i < m, j < n, k < depth
//
// A's rows may overlap or be spaced freely (row i starts aRowStride floats
// after row i − 1): a Conv1D's input windows are rows of A read straight from
// the zero-padded signal with no im2col copy. B is row-major [depth × n],
// C row-major with ldc floats per row. n must be a multiple of 4 (the caller
// pads B and C with zero columns when needed).
//
// Register blocking as in the BLIS micro-kernel: a 4-row × 8-column block of
// C lives in eight f32x4 accumulators while k runs; each step splats four A
// values and loads one B row segment (two vectors) for eight multiply-adds.
// Remainders use 1-row and 4-column blocks. Plain float32 sums in k order
// (depth is at most a few thousand here). Nothing is allocated.

// @ts-ignore: decorator
@inline
function block4x8(a: usize, aStride: usize, b: usize, bStride: usize, c: usize, cStride: usize, depth: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const a1 = a + aStride, a2 = a1 + aStride, a3 = a2 + aStride;
  let bk = b;
  for (let k: usize = 0; k < (<usize>depth << 2); k += 4) {
    const b0 = v128.load(bk);
    const b1 = v128.load(bk, 16);
    const s0 = f32x4.splat(load<f32>(a + k));
    const s1 = f32x4.splat(load<f32>(a1 + k));
    const s2 = f32x4.splat(load<f32>(a2 + k));
    const s3 = f32x4.splat(load<f32>(a3 + k));
    c00 = f32x4.add(c00, f32x4.mul(s0, b0)); c01 = f32x4.add(c01, f32x4.mul(s0, b1));
    c10 = f32x4.add(c10, f32x4.mul(s1, b0)); c11 = f32x4.add(c11, f32x4.mul(s1, b1));
    c20 = f32x4.add(c20, f32x4.mul(s2, b0)); c21 = f32x4.add(c21, f32x4.mul(s2, b1));
    c30 = f32x4.add(c30, f32x4.mul(s3, b0)); c31 = f32x4.add(c31, f32x4.mul(s3, b1));
    bk += bStride;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + cStride, c10); v128.store(c + cStride, c11, 16);
  v128.store(c + 2 * cStride, c20); v128.store(c + 2 * cStride, c21, 16);
  v128.store(c + 3 * cStride, c30); v128.store(c + 3 * cStride, c31, 16);
}

// @ts-ignore: decorator
@inline
function block1x4(a: usize, b: usize, bStride: usize, c: usize, depth: i32): void {
  let acc = f32x4.splat(0);
  let bk = b;
  for (let k: usize = 0; k < (<usize>depth << 2); k += 4) {
    acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(a + k)), v128.load(bk)));
    bk += bStride;
  }
  v128.store(c, acc);
}

export function gemmF32(aPtr: usize, aRowStride: i32, bPtr: usize, cPtr: usize, m: i32, depth: i32, n: i32, ldc: i32): void {
  const aStride = <usize>aRowStride << 2;
  const bStride = <usize>n << 2;
  const cStride = <usize>ldc << 2;
  const m4 = m & ~3;
  const n8 = n & ~7;
  let i = 0;
  for (; i < m4; i += 4) {
    const a = aPtr + <usize>i * aStride;
    const c = cPtr + <usize>i * cStride;
    let j = 0;
    for (; j < n8; j += 8) block4x8(a, aStride, bPtr + (<usize>j << 2), bStride, c + (<usize>j << 2), cStride, depth);
    for (; j < n; j += 4) {
      for (let r: usize = 0; r < 4; r++) block1x4(a + r * aStride, bPtr + (<usize>j << 2), bStride, c + r * cStride + (<usize>j << 2), depth);
    }
  }
  for (; i < m; i++) {
    const a = aPtr + <usize>i * aStride;
    const c = cPtr + <usize>i * cStride;
    for (let j = 0; j < n; j += 4) block1x4(a, bPtr + (<usize>j << 2), bStride, c + (<usize>j << 2), depth);
  }
}

// Adds column block `cols` of each of `rows` rows (spaced srcStride floats)
// into dst rows spaced dstStride floats (overlapping destination rows
// accumulate): the col2im step of a Conv1D's input gradient.
export function scatterAddRows(srcPtr: usize, srcStride: i32, dstPtr: usize, dstStride: i32, rows: i32, cols: i32): void {
  const cols4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const s = srcPtr + ((<usize>r * <usize>srcStride) << 2);
    const d = dstPtr + ((<usize>r * <usize>dstStride) << 2);
    let j = 0;
    for (; j < cols4; j += 4) {
      const at = d + (<usize>j << 2);
      v128.store(at, f32x4.add(v128.load(at), v128.load(s + (<usize>j << 2))));
    }
    for (; j < cols; j++) {
      const at = d + (<usize>j << 2);
      store<f32>(at, load<f32>(at) + load<f32>(s + (<usize>j << 2)));
    }
  }
}
