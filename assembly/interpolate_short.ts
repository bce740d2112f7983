// Second stage of the two-stage resampler (src/wasm/resample-fft.ts): a short interpolator (a
// few vectors of taps) evaluated at fractional positions on a grid of phases + 1 rows, as
// resampleInterpolated (assembly/resample.ts) does for long filters. With so few taps the
// per-output bookkeeping dominates: this loop does it for four outputs at once in vector lanes
// and blends the two rows' products as vectors, leaving one horizontal sum per output. No allocation.

import { horizontalSum } from './resample_taps';

/** Taps per row: quarterBandInterpolator's 19 non-zero taps padded to five f32x4 (JS checks its design against this). */
const TAPS = 20;

export function interpolateShortTaps(): i32 {
  return TAPS;
}

/** The two rows at `a` and `a` + one row, each dotted with x (five vectors, unrolled), blended by w. */
@inline
function blendedDot(x: usize, a: usize, w: v128): v128 {
  const b = a + (TAPS << 2);
  const x0 = v128.load(x);
  const x1 = v128.load(x, 16);
  const x2 = v128.load(x, 32);
  const x3 = v128.load(x, 48);
  const x4 = v128.load(x, 64);
  const sa = f32x4.add(
    f32x4.add(f32x4.mul(x0, v128.load(a)), f32x4.mul(x1, v128.load(a, 16))),
    f32x4.add(f32x4.add(f32x4.mul(x2, v128.load(a, 32)), f32x4.mul(x3, v128.load(a, 48))), f32x4.mul(x4, v128.load(a, 64))),
  );
  const sb = f32x4.add(
    f32x4.add(f32x4.mul(x0, v128.load(b)), f32x4.mul(x1, v128.load(b, 16))),
    f32x4.add(f32x4.add(f32x4.mul(x2, v128.load(b, 32)), f32x4.mul(x3, v128.load(b, 48))), f32x4.mul(x4, v128.load(b, 64))),
  );
  return f32x4.add(sa, f32x4.mul(w, f32x4.sub(sb, sa)));
}

/**
 * out[k] = interpolation of the input at time t = (k0 + k) * step between the grid rows p and
 * p + 1 that bracket frac(t) (p = floor(frac * phases), weight frac * phases - p), for k in
 * [0, outLen), reading x from index floor(t) - base on (x's index 0 is sample `base` of the
 * whole input, so a stream continued block by block computes the same t and the same sums as
 * one call from k0 = 0, base = 0). The grid has phases + 1 rows of TAPS floats.
 */
export function interpolateShort(
  xPtr: usize, base: f64, outPtr: usize, k0: f64, outLen: i32, gridPtr: usize, phases: i32, step: f64,
): void {
  const stride: usize = TAPS << 2;
  const P = <f64>phases;
  const last = phases - 1;
  // Four outputs per pass, their bookkeeping in vector lanes: the same float64 products, floors and
  // saturating conversions as the scalar tail below, lane by lane, so the split changes no result.
  const vStep = f64x2.splat(step);
  const vP = f64x2.splat(P);
  const vBase = f64x2.splat(base);
  const vLast = i32x4.splat(last);
  const rowBytes = i32x4.splat(<i32>stride);
  let k = 0;
  for (; k + 3 < outLen; k += 4) {
    const kk = k0 + <f64>k;
    const tA = f64x2.mul(f64x2.replace_lane(f64x2.splat(kk), 1, kk + 1), vStep);
    const tB = f64x2.mul(f64x2.replace_lane(f64x2.splat(kk + 2), 1, kk + 3), vStep);
    const nA = f64x2.floor(tA);
    const nB = f64x2.floor(tB);
    const posA = f64x2.mul(f64x2.sub(tA, nA), vP);
    const posB = f64x2.mul(f64x2.sub(tB, nB), vP);
    const p = i32x4.min_s(i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(posA), i32x4.trunc_sat_f64x2_s_zero(posB), 0, 1, 4, 5), vLast);
    const wA = f32x4.demote_f64x2_zero(f64x2.sub(posA, f64x2.convert_low_i32x4_s(p)));
    const wB = f32x4.demote_f64x2_zero(f64x2.sub(posB, f64x2.convert_low_i32x4_s(i32x4.shuffle(p, p, 2, 3, 0, 1))));
    const w = i32x4.shuffle(wA, wB, 0, 1, 4, 5);
    const at = i32x4.shl(i32x4.shuffle(
      i32x4.trunc_sat_f64x2_u_zero(f64x2.sub(nA, vBase)), i32x4.trunc_sat_f64x2_u_zero(f64x2.sub(nB, vBase)), 0, 1, 4, 5), 2);
    const row = i32x4.mul(p, rowBytes);
    const y0 = blendedDot(xPtr + <usize>i32x4.extract_lane(at, 0), gridPtr + <usize>i32x4.extract_lane(row, 0), i32x4.shuffle(w, w, 0, 0, 0, 0));
    const y1 = blendedDot(xPtr + <usize>i32x4.extract_lane(at, 1), gridPtr + <usize>i32x4.extract_lane(row, 1), i32x4.shuffle(w, w, 1, 1, 1, 1));
    const y2 = blendedDot(xPtr + <usize>i32x4.extract_lane(at, 2), gridPtr + <usize>i32x4.extract_lane(row, 2), i32x4.shuffle(w, w, 2, 2, 2, 2));
    const y3 = blendedDot(xPtr + <usize>i32x4.extract_lane(at, 3), gridPtr + <usize>i32x4.extract_lane(row, 3), i32x4.shuffle(w, w, 3, 3, 3, 3));
    const out = outPtr + (<usize>k << 2);
    store<f32>(out, horizontalSum(y0));
    store<f32>(out, horizontalSum(y1), 4);
    store<f32>(out, horizontalSum(y2), 8);
    store<f32>(out, horizontalSum(y3), 12);
  }
  for (; k < outLen; k++) {
    const t = (k0 + <f64>k) * step;
    const n = Math.floor(t);
    const pos = (t - n) * P;
    const p = min(<i32>pos, last);
    const y = blendedDot(xPtr + (<usize>(n - base) << 2), gridPtr + <usize>p * stride, f32x4.splat(<f32>(pos - <f64>p)));
    store<f32>(outPtr + (<usize>k << 2), horizontalSum(y));
  }
}

/** One row (TAPS floats at h) dotted with x, as a vector of partial sums. */
@inline
function rowDot(x: usize, h: usize): v128 {
  return f32x4.add(
    f32x4.add(f32x4.mul(v128.load(x), v128.load(h)), f32x4.mul(v128.load(x, 16), v128.load(h, 16))),
    f32x4.add(f32x4.add(f32x4.mul(v128.load(x, 32), v128.load(h, 32)), f32x4.mul(v128.load(x, 48), v128.load(h, 48))), f32x4.mul(v128.load(x, 64), v128.load(h, 64))),
  );
}

/**
 * interpolateShort for a rational step down / up (an integer rate pair): input time
 * t = (k0 + k) · down / up takes only `up` fractional positions p / up, so each output is one
 * row of an exact polyphase bank (`up` rows of TAPS floats), no interpolation between rows; the
 * bank of the usual pairs (147 rows at 48 → 22.05 kHz, 12 KB) stays in L1. Integer positions are
 * exact: n = floor(t), p = (k0 + k) · down mod up, computed in i64. x is read from index n − base.
 */
export function interpolateExact(
  xPtr: usize, base: i64, outPtr: usize, k0: i64, outLen: i32, bankPtr: usize, up: i32, down: i32,
): void {
  const stride: usize = TAPS << 2;
  const num0 = k0 * <i64>down;
  let n = num0 / <i64>up - base; // index of the first tap in x
  let p = <i32>(num0 % <i64>up);
  const whole = down / up;
  const rem = down % up;
  for (let k = 0; k < outLen; k++) {
    store<f32>(outPtr + (<usize>k << 2), horizontalSum(rowDot(xPtr + (<usize>n << 2), bankPtr + <usize>p * stride)));
    n += whole;
    p += rem;
    if (p >= up) {
      p -= up;
      n++;
    }
  }
}
