// Packed single-precision matrix product for the training kernels, run by
// several threads at once on one shared memory (src/ml/cnn/threads/):
//
//   C = op(A) · op(B)      (or C += op(A) · op(B) when `accumulate`)
//                          C: m × n (row-major, ldc floats per row)
//   op(A)[i, p] = transA ? A[p·lda + i] : A[i·lda + p]      (i < m, p < k)
//   op(B)[p, j] = transB ? B[j·ldb + p] : B[p·ldb + j]      (p < k, j < n)
//
// Dense-layer backprop needs all three forms with the same matrices
// (y = x·W, dW = xᵀ·dy, dx = dy·Wᵀ), so transposes are folded into packing
// rather than materialised.
//
// Blocking after Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication" (ACM TOMS 34(3), 2008) as in BLIS: a KC-deep slice of op(B)
// is packed into NR-column micro-panels, an MC × KC block of op(A) into
// MR-row micro-panels, and a register-resident MR × NR micro-kernel walks
// both contiguously. Packing also handles every edge (rows or columns past
// m or n are packed as zeros), so the micro-kernel has no branches.
//
// Threads: each call computes the output columns (or rows) of part `part` of
// `parts`, split on micro-tile boundaries along the longer of m and n. Every
// C element is summed over the same KC slices in the same order whatever the
// split, so the result does not depend on the thread count (tested against
// 1, 2 and 3 threads). Within a slice the k-sum runs in order; slices are
// added to C in order (C starts from the first slice's sum, not from zero,
// unless accumulating). A's rows may overlap (lda < k when !transA, or
// columns when transA): a convolution's windows are read in place.
//
// Memory: nothing is allocated. `scratch` is this thread's own area of
// sgemmScratchBytes() bytes (packed A, packed B, one edge tile).

const MR: i32 = 4;
const NR: i32 = 8;
// KC·NR floats of packed B (8 KB) and KC·MR of packed A (4 KB) per micro-kernel
// call stay in L1; MC·KC (64 KB) and KC·NC (512 KB) blocks stay in L2 (1 MB).
const KC: i32 = 256;
const MC: i32 = 64;
const NC: i32 = 512;
const MC_MAX: i32 = 1024;

const PACKED_A_BYTES: usize = <usize>(MC * KC) << 2;
const PACKED_B_BYTES: usize = <usize>(KC * NC) << 2;
const TILE_BYTES: usize = <usize>(MR * NR) << 2;

/** Bytes of per-thread scratch one sgemm call needs. */
export function sgemmScratchBytes(): usize {
  return PACKED_A_BYTES + PACKED_B_BYTES + TILE_BYTES;
}

// @ts-ignore: decorator
@inline
function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, dst: usize, dstStride: usize): void {
  // Rows r0..r3 (4 lanes each) → columns stored at dst, dst + dstStride, ...
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + dstStride, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * dstStride, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * dstStride, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

// Packs `width` (MR or NR) consecutive "lines" of a matrix, each line being
// contiguous over k in memory (lineStride bytes apart), into dst as kc groups
// of `width` floats: dst[p·width + l] = line_l[p]. Lines at or past `valid`
// are packed as zeros.
// @ts-ignore: decorator
@inline
function packLines(src: usize, lineStride: usize, valid: i32, width: i32, kc: i32, dst: usize): void {
  const rowBytes = <usize>width << 2;
  if (valid >= width) {
    const kc4 = kc & ~3;
    for (let l = 0; l < width; l += 4) {
      const s = src + <usize>l * lineStride;
      const d = dst + (<usize>l << 2);
      for (let p = 0; p < kc4; p += 4) {
        const off = <usize>p << 2;
        transpose4(
          v128.load(s + off),
          v128.load(s + lineStride + off),
          v128.load(s + 2 * lineStride + off),
          v128.load(s + 3 * lineStride + off),
          d + <usize>p * rowBytes,
          rowBytes,
        );
      }
      for (let p = kc4; p < kc; p++) {
        const off = <usize>p << 2;
        const at = d + <usize>p * rowBytes;
        store<f32>(at, load<f32>(s + off));
        store<f32>(at, load<f32>(s + lineStride + off), 4);
        store<f32>(at, load<f32>(s + 2 * lineStride + off), 8);
        store<f32>(at, load<f32>(s + 3 * lineStride + off), 12);
      }
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    const at = dst + <usize>p * rowBytes;
    for (let l = 0; l < width; l++) {
      store<f32>(at + (<usize>l << 2), l < valid ? load<f32>(src + <usize>l * lineStride + (<usize>p << 2)) : 0);
    }
  }
}

// Packs `width` consecutive elements of each of kc "rows" that are contiguous
// over the width (rows rowStride bytes apart): dst[p·width + l] = row_p[l].
// Elements at or past `valid` are zeros.
// @ts-ignore: decorator
@inline
function packRows(src: usize, rowStride: usize, valid: i32, width: i32, kc: i32, dst: usize): void {
  const rowBytes = <usize>width << 2;
  if (valid >= width) {
    for (let p = 0; p < kc; p++) {
      const s = src + <usize>p * rowStride;
      const d = dst + <usize>p * rowBytes;
      for (let l = 0; l < width; l += 4) v128.store(d + (<usize>l << 2), v128.load(s + (<usize>l << 2)));
    }
    return;
  }
  for (let p = 0; p < kc; p++) {
    const s = src + <usize>p * rowStride;
    const d = dst + <usize>p * rowBytes;
    for (let l = 0; l < width; l++) store<f32>(d + (<usize>l << 2), l < valid ? load<f32>(s + (<usize>l << 2)) : 0);
  }
}

// MR × NR block of C (cStride bytes per row) from kc steps of packed A
// (MR floats per step) and packed B (NR floats per step); adds to C when
// `accumulate`, else overwrites it. Four broadcast loads and two vector
// loads feed eight multiply-adds per step (no FMA in baseline WASM SIMD).
// @ts-ignore: decorator
@inline
function microKernel(ap: usize, bp: usize, kc: i32, c: usize, cStride: usize, accumulate: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  if (accumulate) {
    c00 = v128.load(c); c01 = v128.load(c, 16);
    c10 = v128.load(c + cStride); c11 = v128.load(c + cStride, 16);
    c20 = v128.load(c + 2 * cStride); c21 = v128.load(c + 2 * cStride, 16);
    c30 = v128.load(c + 3 * cStride); c31 = v128.load(c + 3 * cStride, 16);
  }
  let a = ap, b = bp;
  const aEnd = ap + (<usize>kc << 4);
  while (a < aEnd) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(s, b0)); c01 = f32x4.add(c01, f32x4.mul(s, b1));
    s = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(s, b0)); c11 = f32x4.add(c11, f32x4.mul(s, b1));
    s = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(s, b0)); c21 = f32x4.add(c21, f32x4.mul(s, b1));
    s = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(s, b0)); c31 = f32x4.add(c31, f32x4.mul(s, b1));
    a += 16;
    b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + cStride, c10); v128.store(c + cStride, c11, 16);
  v128.store(c + 2 * cStride, c20); v128.store(c + 2 * cStride, c21, 16);
  v128.store(c + 3 * cStride, c30); v128.store(c + 3 * cStride, c31, 16);
}

/**
 * Part `part` of `parts` of C = op(A)·op(B) (see the file header). Pointers
 * are byte addresses; strides are in floats. Parts cover disjoint blocks of
 * C, so all parts may run at once on one shared memory.
 */
export function sgemm(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, b: usize, ldb: i32, c: usize, ldc: i32,
  accumulate: i32, scratch: usize, part: i32, parts: i32,
): void {
  if (m <= 0 || n <= 0 || part < 0 || part >= parts) return;
  // Split along the longer side in whole micro-tiles.
  let i0 = 0, i1 = m, j0 = 0, j1 = n;
  if (n >= m) {
    const tiles = (n + NR - 1) / NR;
    j0 = min(n, <i32>((<i64>tiles * part) / parts) * NR);
    j1 = min(n, <i32>((<i64>tiles * (part + 1)) / parts) * NR);
  } else {
    const tiles = (m + MR - 1) / MR;
    i0 = min(m, <i32>((<i64>tiles * part) / parts) * MR);
    i1 = min(m, <i32>((<i64>tiles * (part + 1)) / parts) * MR);
  }
  if (i0 >= i1 || j0 >= j1) return;
  const cStride = <usize>ldc << 2;
  if (k <= 0) {
    if (accumulate) return;
    for (let i = i0; i < i1; i++) memory.fill(c + <usize>i * cStride + (<usize>j0 << 2), 0, <usize>(j1 - j0) << 2);
    return;
  }

  const packedA = scratch;
  const packedB = scratch + PACKED_A_BYTES;
  const tile = packedB + PACKED_B_BYTES;
  const tileStride: usize = <usize>NR << 2;
  const aLine = <usize>lda << 2;
  const bLine = <usize>ldb << 2;

  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const addToC = accumulate != 0 || pc > 0;
      // op(B)[pc.., jc..] → NR-column panels.
      for (let jr = 0; jr < nc; jr += NR) {
        const j = jc + jr;
        const dst = packedB + (<usize>(jr * kc) << 2);
        if (transB) packLines(b + <usize>j * bLine + (<usize>pc << 2), bLine, n - j, NR, kc, dst);
        else packRows(b + <usize>pc * bLine + (<usize>j << 2), bLine, n - j, NR, kc, dst);
      }
      // Shallow slices (a weight gradient's k is the batch size) take taller
      // A blocks in the same packed-A buffer: longer contiguous runs when A is
      // read transposed, fewer passes over packed B. Whole micro-tiles only.
      const mcMax = max(MC, min(MC_MAX, (MC * KC / kc) & ~(MR - 1)));
      for (let ic = i0; ic < i1; ic += mcMax) {
        const mc = min(mcMax, i1 - ic);
        // op(A)[ic.., pc..] → MR-row panels.
        for (let ir = 0; ir < mc; ir += MR) {
          const i = ic + ir;
          const dst = packedA + (<usize>(ir * kc) << 2);
          if (transA) packRows(a + <usize>pc * aLine + (<usize>i << 2), aLine, m - i, MR, kc, dst);
          else packLines(a + <usize>i * aLine + (<usize>pc << 2), aLine, m - i, MR, kc, dst);
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const j = jc + jr;
          const bp = packedB + (<usize>(jr * kc) << 2);
          const cols = min(NR, j1 - j);
          for (let ir = 0; ir < mc; ir += MR) {
            const i = ic + ir;
            const ap = packedA + (<usize>(ir * kc) << 2);
            const rows = min(MR, i1 - i);
            const cBlock = c + <usize>i * cStride + (<usize>j << 2);
            if (rows == MR && cols == NR) {
              microKernel(ap, bp, kc, cBlock, cStride, addToC);
              continue;
            }
            // Edge (only at C's own last rows or columns, never at a split):
            // the same arithmetic on a scratch tile, then the valid part back.
            if (addToC) {
              for (let r = 0; r < rows; r++) {
                memory.copy(tile + <usize>r * tileStride, cBlock + <usize>r * cStride, <usize>cols << 2);
              }
            }
            microKernel(ap, bp, kc, tile, tileStride, addToC);
            for (let r = 0; r < rows; r++) {
              memory.copy(cBlock + <usize>r * cStride, tile + <usize>r * tileStride, <usize>cols << 2);
            }
          }
        }
      }
    }
  }
}

/**
 * `count` products of the same shape in one call (a convolution's images),
 * operand i at a + i·aStride, b + i·bStride, c + i·cStride (strides in floats):
 *  - sumIntoC == 0: C_i = op(A_i)·op(B_i); the parts take whole products
 *    (contiguous runs of i), so one call hands work to the threads once;
 *  - sumIntoC != 0: C = Σ_i op(A_i)·op(B_i), i in order, every part
 *    sweeping its own block of C through all of them (a filter gradient).
 * Either way each element is computed as sgemm computes it, so the result
 * does not depend on the thread count.
 */
export function sgemmBatch(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  a: usize, lda: i32, aStride: i32, b: usize, ldb: i32, bStride: i32, c: usize, ldc: i32, cStride: i32,
  count: i32, sumIntoC: i32, scratch: usize, part: i32, parts: i32,
): void {
  if (count <= 0 || part < 0 || part >= parts) return;
  const aStep = <usize>aStride << 2, bStep = <usize>bStride << 2, cStep = <usize>cStride << 2;
  if (sumIntoC) {
    for (let i = 0; i < count; i++) {
      sgemm(transA, transB, m, n, k, a + <usize>i * aStep, lda, b + <usize>i * bStep, ldb, c, ldc, i > 0 ? 1 : 0, scratch, part, parts);
    }
    return;
  }
  const first = <i32>((<i64>count * part) / parts);
  const end = <i32>((<i64>count * (part + 1)) / parts);
  for (let i = first; i < end; i++) {
    sgemm(transA, transB, m, n, k, a + <usize>i * aStep, lda, b + <usize>i * bStep, ldb, c + <usize>i * cStep, ldc, 0, scratch, 0, 1);
  }
}
