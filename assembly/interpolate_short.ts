// Second stage of the two-stage resampler (src/wasm/resample-fft.ts): a short interpolator (a
// few vectors of taps) evaluated at fractional positions on a grid of phases + 1 rows, as
// resampleInterpolated (assembly/resample.ts) does for long filters. With so few taps the
// per-output bookkeeping dominates, so this loop does two outputs per pass and blends the two
// rows' products as vectors, leaving one horizontal sum per output. No allocation.

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
  let k = 0;
  for (; k + 1 < outLen; k += 2) {
    const t0 = (k0 + <f64>k) * step;
    const t1 = (k0 + <f64>(k + 1)) * step;
    const n0 = Math.floor(t0);
    const n1 = Math.floor(t1);
    const pos0 = (t0 - n0) * P;
    const pos1 = (t1 - n1) * P;
    const p0 = min(<i32>pos0, last);
    const p1 = min(<i32>pos1, last);
    const y0 = blendedDot(xPtr + (<usize>(n0 - base) << 2), gridPtr + <usize>p0 * stride, f32x4.splat(<f32>(pos0 - <f64>p0)));
    const y1 = blendedDot(xPtr + (<usize>(n1 - base) << 2), gridPtr + <usize>p1 * stride, f32x4.splat(<f32>(pos1 - <f64>p1)));
    store<f32>(outPtr + (<usize>k << 2), horizontalSum(y0));
    store<f32>(outPtr + (<usize>k << 2), horizontalSum(y1), 4);
  }
  if (k < outLen) {
    const t = (k0 + <f64>k) * step;
    const n = Math.floor(t);
    const pos = (t - n) * P;
    const p = min(<i32>pos, last);
    const y = blendedDot(xPtr + (<usize>(n - base) << 2), gridPtr + <usize>p * stride, f32x4.splat(<f32>(pos - <f64>p)));
    store<f32>(outPtr + (<usize>k << 2), horizontalSum(y));
  }
}
