// DCT-II with orthonormal scaling (scipy.fft.dct(type=2, norm='ortho'), what
// librosa.feature.mfcc applies down the mel axis), keeping the first nOut coefficients,
// with librosa's optional sinusoidal lifter folded into the basis.
//
// Basis [nOut, nIn] f32 row-major, computed here in f64 and cached by JS
// (core.persistent key `dct:<nIn>:<nOut>:<lifter>`).

/** Bytes of the cached table: the basis, then the f64 row sums used by dctFrames. */
export function dctTableBytes(nIn: i32, nOut: i32): i32 {
  return ((nIn * nOut * 4 + 15) & ~15) + nOut * 8;
}

@inline
function rowSums(basis: usize, nIn: i32, nOut: i32): usize {
  return basis + <usize>((nIn * nOut * 4 + 15) & ~15);
}

/**
 * basis[k, j] = s_k cos(pi k (2j + 1) / (2 nIn)) * L_k with s_0 = sqrt(1/nIn),
 * s_k = sqrt(2/nIn); L_k = 1 + (lifter/2) sin(pi (k+1) / lifter) when lifter > 0, else 1.
 * Followed by R_k = sum_j basis[k, j] in f64 (of the stored f32 values).
 */
export function dctInitBasis(nIn: i32, nOut: i32, lifter: f64, basis: usize): void {
  const N = <f64>nIn;
  const sums = rowSums(basis, nIn, nOut);
  for (let k = 0; k < nOut; k++) {
    const scale = k == 0 ? Math.sqrt(1.0 / N) : Math.sqrt(2.0 / N);
    const lift = lifter > 0 ? 1.0 + (lifter / 2.0) * Math.sin((Math.PI * <f64>(k + 1)) / lifter) : 1.0;
    let sum: f64 = 0;
    for (let j = 0; j < nIn; j++) {
      const c = Math.cos((Math.PI * <f64>k * <f64>(2 * j + 1)) / (2.0 * N));
      const b = <f32>(scale * c * lift);
      store<f32>(basis + (<usize>(k * nIn + j) << 2), b);
      sum += <f64>b;
    }
    store<f64>(sums + (<usize>k << 3), sum);
  }
}

/**
 * Transforms nFrames contiguous input vectors (frame-major src [nFrames, nIn]);
 * coefficient k of frame t goes to out[k * coefStride + t * frameStride].
 *
 * The inputs are dB values that mostly share a sign and a large offset, so coefficient 0
 * would add nIn same-signed terms (hundreds of dB) and lose several f32 ulps. Each frame
 * is therefore shifted by its mean c first: out_k = sum_j B[k, j] (x_j - c) + c R_k, with
 * the f32x4 dot product on small centred values and c R_k added in f64.
 */
export function dctFrames(src: usize, nFrames: i32, nIn: i32, basis: usize, nOut: i32, out: usize, coefStride: i32, frameStride: i32): void {
  const inBytes = <usize>nIn << 2;
  const vecBytes = inBytes & ~15;
  const sums = rowSums(basis, nIn, nOut);
  const zero = f32x4.splat(0);
  let t = 0;
  // Four frames at a time: each frame's sums run in exactly the single-frame order below, but the
  // four chains of dependent adds (the f64 mean, each row's f32x4 accumulator) interleave instead
  // of waiting on one another, and each basis row is read once for four frames. Same results.
  for (; t + 4 <= nFrames; t += 4) {
    const x0 = src + <usize>t * inBytes;
    const x1 = x0 + inBytes;
    const x2 = x1 + inBytes;
    const x3 = x2 + inBytes;
    let m01 = f64x2.splat(0);
    let m23 = f64x2.splat(0);
    for (let j: usize = 0; j < inBytes; j += 4) {
      m01 = f64x2.add(m01, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(x0 + j)), 1, <f64>load<f32>(x1 + j)));
      m23 = f64x2.add(m23, f64x2.replace_lane(f64x2.splat(<f64>load<f32>(x2 + j)), 1, <f64>load<f32>(x3 + j)));
    }
    const n = f64x2.splat(<f64>nIn);
    const c01 = f64x2.div(m01, n);
    const c23 = f64x2.div(m23, n);
    const c0 = <f32>f64x2.extract_lane(c01, 0);
    const c1 = <f32>f64x2.extract_lane(c01, 1);
    const c2 = <f32>f64x2.extract_lane(c23, 0);
    const c3 = <f32>f64x2.extract_lane(c23, 1);
    const v0 = f32x4.splat(c0);
    const v1 = f32x4.splat(c1);
    const v2 = f32x4.splat(c2);
    const v3 = f32x4.splat(c3);
    for (let k = 0; k < nOut; k++) {
      const row = basis + <usize>k * inBytes;
      let a0 = zero;
      let a1 = zero;
      let a2 = zero;
      let a3 = zero;
      let j: usize = 0;
      for (; j < vecBytes; j += 16) {
        const b = v128.load(row + j);
        a0 = f32x4.add(a0, f32x4.mul(b, f32x4.sub(v128.load(x0 + j), v0)));
        a1 = f32x4.add(a1, f32x4.mul(b, f32x4.sub(v128.load(x1 + j), v1)));
        a2 = f32x4.add(a2, f32x4.mul(b, f32x4.sub(v128.load(x2 + j), v2)));
        a3 = f32x4.add(a3, f32x4.mul(b, f32x4.sub(v128.load(x3 + j), v3)));
      }
      const rk = load<f64>(sums + (<usize>k << 3));
      const o = out + (<usize>(k * coefStride + t * frameStride) << 2);
      const step = <usize>frameStride << 2;
      store<f32>(o, finish(a0, row, x0, c0, j, inBytes, rk));
      store<f32>(o + step, finish(a1, row, x1, c1, j, inBytes, rk));
      store<f32>(o + 2 * step, finish(a2, row, x2, c2, j, inBytes, rk));
      store<f32>(o + 3 * step, finish(a3, row, x3, c3, j, inBytes, rk));
    }
  }
  for (; t < nFrames; t++) {
    const x = src + <usize>t * inBytes;
    let m: f64 = 0;
    for (let j: usize = 0; j < inBytes; j += 4) m += <f64>load<f32>(x + j);
    const c = <f32>(m / <f64>nIn);
    const vc = f32x4.splat(c);
    for (let k = 0; k < nOut; k++) {
      const row = basis + <usize>k * inBytes;
      let acc = zero;
      let j: usize = 0;
      for (; j < vecBytes; j += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(row + j), f32x4.sub(v128.load(x + j), vc)));
      store<f32>(out + (<usize>(k * coefStride + t * frameStride) << 2), finish(acc, row, x, c, j, inBytes, load<f64>(sums + (<usize>k << 3))));
    }
  }
}

/**
 * One coefficient from its f32x4 partial sums over the first j bytes: lanes added as
 * (l0 + l1) + (l2 + l3), the remaining inputs one by one, then c R_k added in f64.
 */
@inline
function finish(acc: v128, row: usize, x: usize, c: f32, j: usize, inBytes: usize, rk: f64): f32 {
  let s: f32 = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
  for (; j < inBytes; j += 4) s += load<f32>(row + j) * (load<f32>(x + j) - c);
  return <f32>(<f64>s + <f64>c * rk);
}
