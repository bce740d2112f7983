// Real FFT (forward and inverse) for power-of-two sizes n = 2 .. 65536, float32, SIMD.
//
// Algorithm (n >= 16): the n real samples are read as m = n/2 complex samples
// z[j] = x[2j] + i x[2j+1]; an m-point complex FFT (decimation in time, split
// re/im arrays) gives Z, and the standard real-split step turns Z into the
// n/2 + 1 bins X[k] = Fe[k] + W_n^k Fo[k], with Fe = (Z[k] + conj Z[m-k]) / 2 and
// Fo = (Z[k] - conj Z[m-k]) / 2i (e.g. Oppenheim & Schafer, "computing the DFT of a
// real sequence with a half-length complex FFT"). The complex FFT does one pass that
// fuses the bit-reversal gather with the first two radix-2 stages (f32x4 for m >= 16),
// then radix-4 passes (two radix-2 stages per sweep of memory) vectorised over 4 butterflies
// (f32x4), plus one radix-2 pass when log2(m) is odd. n < 16 uses a direct DFT.
// The inverse runs the same complex FFT through the swap trick
// IFFT(Z) = swap(FFT(swap(Z))), swap exchanging real and imaginary parts.
//
// Table layout (f32 slots from `table`, size rfftTableFloats(n), m = n/2, L = log2 m):
//   [0, m)            stage twiddle real parts: slot h + j = cos(pi j / h)   (W_{2h}^j), h = 4, 8, .., m/2
//   [m, 2m)           stage twiddle imaginary parts: slot m + h + j = -sin(pi j / h)
//   [2m, 3m)          real-split twiddles W_n^k, real part cos(2 pi k / n), k = 0 .. m-1
//   [3m, 4m)          imaginary part -sin(2 pi k / n)
//   [4m, 4m + m/4)    i32: byte offset (8 * rev_{L-2}(q)) of the complex input sample that
//                     lands at output slot 4q after bit reversal (only for n >= 16)
// Who computes it: rfftInitTable (sines/cosines in f64, rounded once to f32). JS calls it
// once per n and caches the table (src/wasm/dsp.ts, core.persistent key `rfft:<n>`);
// AS callers (e.g. the phase vocoder) receive the table pointer from JS the same way.
//
// No function here allocates, and inner loops use raw load/store (no bounds checks).

/** f32 slots the table for a real FFT of size n needs (a multiple of 4). */
export function rfftTableFloats(n: i32): i32 {
  const m = n >> 1;
  return (4 * m + (m >> 2) + 3) & ~3;
}

/** Fills the table for a real FFT of size n (layout at the top of this file). */
export function rfftInitTable(n: i32, table: usize): void {
  const m = n >> 1;
  const twRe = table;
  const twIm = table + (<usize>m << 2);
  for (let h = 4; h < m; h <<= 1) {
    for (let j = 0; j < h; j++) {
      const a = (Math.PI * <f64>j) / <f64>h;
      store<f32>(twRe + ((<usize>(h + j)) << 2), <f32>Math.cos(a));
      store<f32>(twIm + ((<usize>(h + j)) << 2), <f32>-Math.sin(a));
    }
  }
  const rsRe = table + (<usize>(2 * m) << 2);
  const rsIm = table + (<usize>(3 * m) << 2);
  for (let k = 0; k < m; k++) {
    const a = (2.0 * Math.PI * <f64>k) / <f64>n;
    store<f32>(rsRe + (<usize>k << 2), <f32>Math.cos(a));
    store<f32>(rsIm + (<usize>k << 2), <f32>-Math.sin(a));
  }
  if (m >= 8) {
    const bits = ctz(m) - 2;
    const bitrev = table + (<usize>(4 * m) << 2);
    for (let q = 0; q < m >> 2; q++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((q >> b) & 1) << (bits - 1 - b);
      store<i32>(bitrev + (<usize>q << 2), r << 3);
    }
  }
}

// ---- complex FFT core (m >= 8 points, split re/im output) ----

/** Bit-reversal gather from interleaved complex `src` fused with the radix-2 stages h = 1, 2. */
@inline
function firstPass(m: i32, table: usize, src: usize, re: usize, im: usize): void {
  const bitrev = table + (<usize>(4 * m) << 2);
  const quarter = <usize>m << 1; // byte distance of complex index m/4 in interleaved data
  const half = <usize>m << 2; // m/2
  for (let q = 0; q < m >> 2; q++) {
    const a = src + <usize>load<i32>(bitrev + (<usize>q << 2));
    const ar = load<f32>(a), ai = load<f32>(a, 4);
    const br = load<f32>(a + half), bi = load<f32>(a + half, 4);
    const cr = load<f32>(a + quarter), ci = load<f32>(a + quarter, 4);
    const dr = load<f32>(a + quarter + half), di = load<f32>(a + quarter + half, 4);
    // stage h = 1 (twiddle 1)
    const a1r = ar + br, a1i = ai + bi, b1r = ar - br, b1i = ai - bi;
    const c1r = cr + dr, c1i = ci + di, d1r = cr - dr, d1i = ci - di;
    // stage h = 2 (twiddles 1 and -i)
    const o = <usize>q << 4;
    store<f32>(re + o, a1r + c1r);
    store<f32>(im + o, a1i + c1i);
    store<f32>(re + o, b1r + d1i, 4);
    store<f32>(im + o, b1i - d1r, 4);
    store<f32>(re + o, a1r - c1r, 8);
    store<f32>(im + o, a1i - c1i, 8);
    store<f32>(re + o, b1r - d1i, 12);
    store<f32>(im + o, b1i + d1r, 12);
  }
}

/**
 * Same pass, 4 output blocks at a time (m >= 16). With Q = m/4 blocks, the blocks
 * q = r, r + Q/2, r + Q/4, r + 3Q/4 (r < Q/4) read the consecutive inputs p0 .. p0+3,
 * p0 = rev(r): reversing q's bits sends its two top bits to the two lowest. So every load
 * is a contiguous v128 pair (de-interleaved by shuffles), and a 4x4 transpose turns the
 * per-lane results into the 4 consecutive outputs of each block.
 */
@inline
function firstPassSimd(m: i32, table: usize, src: usize, re: usize, im: usize): void {
  const bitrev = table + (<usize>(4 * m) << 2);
  const quarter = <usize>m << 1;
  const half = <usize>m << 2;
  const blockQ2 = <usize>m << 1; // byte offset of block Q/2 = m/8 in re/im (16 bytes per block)
  const blockQ4 = <usize>m; // block Q/4 = m/16
  for (let r = 0; r < m >> 4; r++) {
    const a = src + <usize>load<i32>(bitrev + (<usize>r << 2));
    let v0 = v128.load(a), v1 = v128.load(a, 16);
    const ar = f32x4.shuffle(v0, v1, 0, 2, 4, 6), ai = f32x4.shuffle(v0, v1, 1, 3, 5, 7);
    v0 = v128.load(a + half); v1 = v128.load(a + half, 16);
    const br = f32x4.shuffle(v0, v1, 0, 2, 4, 6), bi = f32x4.shuffle(v0, v1, 1, 3, 5, 7);
    v0 = v128.load(a + quarter); v1 = v128.load(a + quarter, 16);
    const cr = f32x4.shuffle(v0, v1, 0, 2, 4, 6), ci = f32x4.shuffle(v0, v1, 1, 3, 5, 7);
    v0 = v128.load(a + quarter + half); v1 = v128.load(a + quarter + half, 16);
    const dr = f32x4.shuffle(v0, v1, 0, 2, 4, 6), di = f32x4.shuffle(v0, v1, 1, 3, 5, 7);
    const a1r = f32x4.add(ar, br), a1i = f32x4.add(ai, bi), b1r = f32x4.sub(ar, br), b1i = f32x4.sub(ai, bi);
    const c1r = f32x4.add(cr, dr), c1i = f32x4.add(ci, di), d1r = f32x4.sub(cr, dr), d1i = f32x4.sub(ci, di);
    const o = <usize>r << 4;
    transposeStore(re + o, blockQ2, blockQ4, f32x4.add(a1r, c1r), f32x4.add(b1r, d1i), f32x4.sub(a1r, c1r), f32x4.sub(b1r, d1i));
    transposeStore(im + o, blockQ2, blockQ4, f32x4.add(a1i, c1i), f32x4.sub(b1i, d1r), f32x4.sub(a1i, c1i), f32x4.add(b1i, d1r));
  }
}

/** Stores lane l of (o0, o1, o2, o3) as one vector at block l of {0, Q/2, Q/4, 3Q/4} (offsets from dst). */
@inline
function transposeStore(dst: usize, blockQ2: usize, blockQ4: usize, o0: v128, o1: v128, o2: v128, o3: v128): void {
  const t0 = f32x4.shuffle(o0, o1, 0, 4, 1, 5), t1 = f32x4.shuffle(o2, o3, 0, 4, 1, 5);
  const t2 = f32x4.shuffle(o0, o1, 2, 6, 3, 7), t3 = f32x4.shuffle(o2, o3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t1, 0, 1, 4, 5));
  v128.store(dst + blockQ2, f32x4.shuffle(t0, t1, 2, 3, 6, 7));
  v128.store(dst + blockQ4, f32x4.shuffle(t2, t3, 0, 1, 4, 5));
  v128.store(dst + blockQ2 + blockQ4, f32x4.shuffle(t2, t3, 2, 3, 6, 7));
}

/** One radix-2 DIT stage of half-size h (>= 4), in place, 4 butterflies per step. */
@inline
function radix2Stage(m: i32, h: i32, table: usize, re: usize, im: usize): void {
  const twRe = table + (<usize>h << 2);
  const twIm = table + (<usize>(m + h) << 2);
  const hb = <usize>h << 2;
  for (let g = 0; g < m; g += 2 * h) {
    const base = <usize>g << 2;
    for (let j: usize = 0; j < hb; j += 16) {
      const wr = v128.load(twRe + j), wi = v128.load(twIm + j);
      const pa = base + j, pb = pa + hb;
      const ar = v128.load(re + pa), ai = v128.load(im + pa);
      const br = v128.load(re + pb), bi = v128.load(im + pb);
      const tr = f32x4.sub(f32x4.mul(br, wr), f32x4.mul(bi, wi));
      const ti = f32x4.add(f32x4.mul(br, wi), f32x4.mul(bi, wr));
      v128.store(re + pa, f32x4.add(ar, tr));
      v128.store(im + pa, f32x4.add(ai, ti));
      v128.store(re + pb, f32x4.sub(ar, tr));
      v128.store(im + pb, f32x4.sub(ai, ti));
    }
  }
}

/**
 * Radix-2 stages h and 2h in one sweep (h >= 4), in place, 4 butterflies per step.
 * The 2h stage's twiddle for index j + h is -i times the one for j, so only two
 * twiddle loads are needed per step.
 */
@inline
function radix4Stage(m: i32, h: i32, table: usize, re: usize, im: usize): void {
  const w1Re = table + (<usize>h << 2);
  const w1Im = table + (<usize>(m + h) << 2);
  const w2Re = table + (<usize>(2 * h) << 2);
  const w2Im = table + (<usize>(m + 2 * h) << 2);
  const hb = <usize>h << 2;
  for (let g = 0; g < m; g += 4 * h) {
    const base = <usize>g << 2;
    for (let j: usize = 0; j < hb; j += 16) {
      const pa = base + j, pb = pa + hb, pc = pb + hb, pd = pc + hb;
      const w1r = v128.load(w1Re + j), w1i = v128.load(w1Im + j);
      const ar = v128.load(re + pa), ai = v128.load(im + pa);
      const br = v128.load(re + pb), bi = v128.load(im + pb);
      const cr = v128.load(re + pc), ci = v128.load(im + pc);
      const dr = v128.load(re + pd), di = v128.load(im + pd);
      // stage h: (a, b) and (c, d) with W_{2h}^j
      const tbr = f32x4.sub(f32x4.mul(br, w1r), f32x4.mul(bi, w1i));
      const tbi = f32x4.add(f32x4.mul(br, w1i), f32x4.mul(bi, w1r));
      const tdr = f32x4.sub(f32x4.mul(dr, w1r), f32x4.mul(di, w1i));
      const tdi = f32x4.add(f32x4.mul(dr, w1i), f32x4.mul(di, w1r));
      const a1r = f32x4.add(ar, tbr), a1i = f32x4.add(ai, tbi);
      const b1r = f32x4.sub(ar, tbr), b1i = f32x4.sub(ai, tbi);
      const c1r = f32x4.add(cr, tdr), c1i = f32x4.add(ci, tdi);
      const d1r = f32x4.sub(cr, tdr), d1i = f32x4.sub(ci, tdi);
      // stage 2h: (a1, c1) with W_{4h}^j, (b1, d1) with -i W_{4h}^j
      const w2r = v128.load(w2Re + j), w2i = v128.load(w2Im + j);
      const tcr = f32x4.sub(f32x4.mul(c1r, w2r), f32x4.mul(c1i, w2i));
      const tci = f32x4.add(f32x4.mul(c1r, w2i), f32x4.mul(c1i, w2r));
      const ter = f32x4.sub(f32x4.mul(d1r, w2r), f32x4.mul(d1i, w2i));
      const tei = f32x4.add(f32x4.mul(d1r, w2i), f32x4.mul(d1i, w2r));
      v128.store(re + pa, f32x4.add(a1r, tcr));
      v128.store(im + pa, f32x4.add(a1i, tci));
      v128.store(re + pc, f32x4.sub(a1r, tcr));
      v128.store(im + pc, f32x4.sub(a1i, tci));
      // b1 + (-i)(te) = (b1r + tei, b1i - ter); b1 - (-i)(te) = (b1r - tei, b1i + ter)
      v128.store(re + pb, f32x4.add(b1r, tei));
      v128.store(im + pb, f32x4.sub(b1i, ter));
      v128.store(re + pd, f32x4.sub(b1r, tei));
      v128.store(im + pd, f32x4.add(b1i, ter));
    }
  }
}

/** Forward m-point complex FFT (m >= 8): interleaved `src` in, split `re`/`im` out (natural order). */
function complexFft(m: i32, table: usize, src: usize, re: usize, im: usize): void {
  if (m >= 16) firstPassSimd(m, table, src, re, im);
  else firstPass(m, table, src, re, im);
  let h = 4;
  if (((ctz(m) - 2) & 1) != 0) {
    radix2Stage(m, 4, table, re, im);
    h = 8;
  }
  for (; h < m; h <<= 2) radix4Stage(m, h, table, re, im);
}

@inline
function reverse4(v: v128): v128 {
  return f32x4.shuffle(v, v, 3, 2, 1, 0);
}

/** Real-split step: Z (m points in re/im) -> X[0..m] in place, 4 pairs (k, m-k) per step. */
function realSplitForward(m: i32, table: usize, re: usize, im: usize): void {
  const rsRe = table + (<usize>(2 * m) << 2);
  const rsIm = table + (<usize>(3 * m) << 2);
  const z0r = load<f32>(re), z0i = load<f32>(im);
  const half = f32x4.splat(0.5);
  const mb = <usize>m << 2;
  // k = 1 .. m/2 in blocks of 4; the mirrored block m-k-3 .. m-k is read reversed.
  // Blocks never write what a later block reads (they meet only at k = m/2, where both
  // formulas give the same value).
  for (let k: usize = 4; k <= mb >> 1; k += 16) {
    const mk = mb - k - 12;
    const ar = v128.load(re + k), ai = v128.load(im + k);
    const br = reverse4(v128.load(re + mk));
    const bi = f32x4.neg(reverse4(v128.load(im + mk)));
    const fer = f32x4.mul(half, f32x4.add(ar, br));
    const fei = f32x4.mul(half, f32x4.add(ai, bi));
    // Fo = -i (A - B) / 2
    const forr = f32x4.mul(half, f32x4.sub(ai, bi));
    const foi = f32x4.mul(half, f32x4.sub(br, ar));
    const wr = v128.load(rsRe + k), wi = v128.load(rsIm + k);
    const tr = f32x4.sub(f32x4.mul(wr, forr), f32x4.mul(wi, foi));
    const ti = f32x4.add(f32x4.mul(wr, foi), f32x4.mul(wi, forr));
    v128.store(re + k, f32x4.add(fer, tr));
    v128.store(im + k, f32x4.add(fei, ti));
    // X[m-k] = conj(Fe - T)
    v128.store(re + mk, reverse4(f32x4.sub(fer, tr)));
    v128.store(im + mk, reverse4(f32x4.sub(ti, fei)));
  }
  store<f32>(re, z0r + z0i);
  store<f32>(im, 0);
  store<f32>(re + mb, z0r - z0i);
  store<f32>(im + mb, 0);
}

// ---- direct DFT for the tiny sizes (n = 2, 4, 8) ----

/** W_n^r for any r (mod n), from the real-split twiddles (W^(r + n/2) = -W^r). */
@inline
function twiddleRe(table: usize, m: i32, r: i32): f32 {
  const rsRe = table + (<usize>(2 * m) << 2);
  return r < m ? load<f32>(rsRe + (<usize>r << 2)) : -load<f32>(rsRe + (<usize>(r - m) << 2));
}

@inline
function twiddleIm(table: usize, m: i32, r: i32): f32 {
  const rsIm = table + (<usize>(3 * m) << 2);
  return r < m ? load<f32>(rsIm + (<usize>r << 2)) : -load<f32>(rsIm + (<usize>(r - m) << 2));
}

function directForward(n: i32, table: usize, input: usize, outRe: usize, outIm: usize): void {
  const m = n >> 1;
  for (let k = 0; k <= m; k++) {
    let sr: f32 = 0, si: f32 = 0;
    for (let j = 0; j < n; j++) {
      const x = load<f32>(input + (<usize>j << 2));
      const r = (j * k) & (n - 1);
      sr += x * twiddleRe(table, m, r);
      si += x * twiddleIm(table, m, r);
    }
    store<f32>(outRe + (<usize>k << 2), sr);
    store<f32>(outIm + (<usize>k << 2), k == 0 || k == m ? 0 : si);
  }
}

function directInverse(n: i32, table: usize, inRe: usize, inIm: usize, output: usize): void {
  const m = n >> 1;
  const x0 = load<f32>(inRe), xm = load<f32>(inRe + (<usize>m << 2));
  for (let j = 0; j < n; j++) {
    let s: f32 = x0 + ((j & 1) != 0 ? -xm : xm);
    for (let k = 1; k < m; k++) {
      const r = (j * k) & (n - 1);
      // Re(X[k] conj(W^r)) counted twice for the mirrored bin n - k
      const xr = load<f32>(inRe + (<usize>k << 2)), xi = load<f32>(inIm + (<usize>k << 2));
      s += 2 * (xr * twiddleRe(table, m, r) + xi * twiddleIm(table, m, r));
    }
    store<f32>(output + (<usize>j << 2), s / <f32>n);
  }
}

// ---- public entry points ----

/**
 * Forward real FFT, numpy.fft.rfft convention (no scaling):
 * X[k] = sum_j x[j] exp(-2 pi i j k / n), k = 0 .. n/2.
 *  n:      power of two, 2 .. 65536 (JS validates)
 *  table:  rfftInitTable(n, table) output
 *  input:  n f32 (read only)
 *  outRe, outIm: n/2 + 1 f32 each; must not overlap `input`.
 */
export function rfftForward(n: i32, table: usize, input: usize, outRe: usize, outIm: usize): void {
  const m = n >> 1;
  if (m < 8) {
    directForward(n, table, input, outRe, outIm);
    return;
  }
  complexFft(m, table, input, outRe, outIm);
  realSplitForward(m, table, outRe, outIm);
}

/**
 * Inverse real FFT, numpy.fft.irfft convention (scaled by 1/n): n real samples from the
 * n/2 + 1 bins in inRe/inIm. The imaginary parts of bins 0 and n/2 are ignored (as numpy does).
 *  work: n f32 of scratch. output: n f32. inRe/inIm are read only; output and work must
 *  not overlap them or each other.
 */
export function rfftInverse(n: i32, table: usize, inRe: usize, inIm: usize, output: usize, work: usize): void {
  const m = n >> 1;
  if (m < 8) {
    directInverse(n, table, inRe, inIm, output);
    return;
  }
  const rsRe = table + (<usize>(2 * m) << 2);
  const rsIm = table + (<usize>(3 * m) << 2);
  const mb = <usize>m << 2;
  const scale = <f32>1 / <f32>n;
  const vs = f32x4.splat(scale);
  // Undo the real split: Fe = (X[k] + conj X[m-k]) / n, Fo = (X[k] - conj X[m-k]) conj(W^k) / n,
  // Z[k] = Fe + i Fo, Z[m-k] = conj(Fe) + i conj(Fo). Z goes to `output` interleaved with
  // re/im swapped, so that the forward FFT below computes the inverse.
  const x0 = load<f32>(inRe), xm = load<f32>(inRe + mb);
  store<f32>(output, (x0 - xm) * scale); // swapped: Im Z[0] first
  store<f32>(output, (x0 + xm) * scale, 4);
  for (let k: usize = 4; k <= mb >> 1; k += 16) {
    const mk = mb - k - 12;
    const ar = v128.load(inRe + k), ai = v128.load(inIm + k);
    const br = reverse4(v128.load(inRe + mk));
    const bi = f32x4.neg(reverse4(v128.load(inIm + mk)));
    const fer = f32x4.mul(vs, f32x4.add(ar, br));
    const fei = f32x4.mul(vs, f32x4.add(ai, bi));
    const dr = f32x4.mul(vs, f32x4.sub(ar, br));
    const di = f32x4.mul(vs, f32x4.sub(ai, bi));
    const wr = v128.load(rsRe + k), wi = f32x4.neg(v128.load(rsIm + k)); // conj(W^k)
    const forr = f32x4.sub(f32x4.mul(dr, wr), f32x4.mul(di, wi));
    const foi = f32x4.add(f32x4.mul(dr, wi), f32x4.mul(di, wr));
    // Z[k] = (fer - foi, fei + forr); Z[m-k] = (fer + foi, forr - fei)
    const zkr = f32x4.sub(fer, foi), zki = f32x4.add(fei, forr);
    const zmr = reverse4(f32x4.add(fer, foi)), zmi = reverse4(f32x4.sub(forr, fei));
    // interleave swapped pairs (im, re) for k .. k+3 and m-k-3 .. m-k
    const ok = output + (k << 1), om = output + (mk << 1);
    v128.store(ok, f32x4.shuffle(zki, zkr, 0, 4, 1, 5));
    v128.store(ok, f32x4.shuffle(zki, zkr, 2, 6, 3, 7), 16);
    v128.store(om, f32x4.shuffle(zmi, zmr, 0, 4, 1, 5));
    v128.store(om, f32x4.shuffle(zmi, zmr, 2, 6, 3, 7), 16);
  }
  const ar = work, ai = work + mb;
  complexFft(m, table, output, ar, ai);
  // swap back: z = (Ai, Ar); x[2j] = Re z[j], x[2j+1] = Im z[j]
  for (let j: usize = 0; j < mb; j += 16) {
    const vr = v128.load(ai + j), vi = v128.load(ar + j);
    v128.store(output + (j << 1), f32x4.shuffle(vr, vi, 0, 4, 1, 5));
    v128.store(output + (j << 1), f32x4.shuffle(vr, vi, 2, 6, 3, 7), 16);
  }
}
