// Band-limited resampling kernels (windowed-sinc FIR evaluated at fractional input positions).
// The filter design lives in JS (src/reference/resample.ts); see src/wasm/resample.ts for the
// memory layout. No allocation: all pointers come from JS.
//
// Input `x` is the signal already zero-padded by -firstTap samples on the left and enough zeros on
// the right, so output k is a plain contiguous dot product x[n0 .. n0 + taps) · row.
// `taps` is a multiple of 8 (two f32x4 accumulators hide the add latency).

import { horizontalSum, interpolatedTap } from './resample_taps';

@inline
function dotRow(x: usize, h: usize, taps: i32): f32 {
  let acc0 = f32x4.splat(0);
  let acc1 = f32x4.splat(0);
  const end = x + (<usize>taps << 2);
  while (x < end) {
    acc0 = f32x4.add(acc0, f32x4.mul(v128.load(x), v128.load(h)));
    acc1 = f32x4.add(acc1, f32x4.mul(v128.load(x, 16), v128.load(h, 16)));
    x += 32;
    h += 32;
  }
  return horizontalSum(f32x4.add(acc0, acc1));
}

/** Four dot products with one filter row (x pointers `xa + j·xStep`), each summed exactly as {@link dotRow}. */
@inline
function dotRow4(xa: usize, xStep: usize, h: usize, taps: i32, out: usize, outStep: usize): void {
  let a0 = f32x4.splat(0);
  let a1 = f32x4.splat(0);
  let b0 = f32x4.splat(0);
  let b1 = f32x4.splat(0);
  let c0 = f32x4.splat(0);
  let c1 = f32x4.splat(0);
  let d0 = f32x4.splat(0);
  let d1 = f32x4.splat(0);
  let x = xa;
  const end = h + (<usize>taps << 2);
  while (h < end) {
    const h0 = v128.load(h);
    const h1 = v128.load(h, 16);
    a0 = f32x4.add(a0, f32x4.mul(v128.load(x), h0));
    a1 = f32x4.add(a1, f32x4.mul(v128.load(x, 16), h1));
    const y = x + xStep;
    b0 = f32x4.add(b0, f32x4.mul(v128.load(y), h0));
    b1 = f32x4.add(b1, f32x4.mul(v128.load(y, 16), h1));
    const z = y + xStep;
    c0 = f32x4.add(c0, f32x4.mul(v128.load(z), h0));
    c1 = f32x4.add(c1, f32x4.mul(v128.load(z, 16), h1));
    const w = z + xStep;
    d0 = f32x4.add(d0, f32x4.mul(v128.load(w), h0));
    d1 = f32x4.add(d1, f32x4.mul(v128.load(w, 16), h1));
    x += 32;
    h += 32;
  }
  store<f32>(out, horizontalSum(f32x4.add(a0, a1)));
  store<f32>(out + outStep, horizontalSum(f32x4.add(b0, b1)));
  store<f32>(out + 2 * outStep, horizontalSum(f32x4.add(c0, c1)));
  store<f32>(out + 3 * outStep, horizontalSum(f32x4.add(d0, d1)));
}

/**
 * Exact polyphase resampling by up/down (reduced ratio). Output k sits at input time
 * k·down/up = n0 + phase/up; its taps are row `phase` of the [up, taps] bank.
 *
 * Order of work: outputs k = q·up + p (p < up) share the row of phase p·down mod up and start at
 * n0 = q·down + floor(p·down / up). Blocks of four consecutive q run through every p, so each
 * row is loaded once per four outputs and the block's input span (4·down + taps samples) stays
 * in L1; the four sums are independent chains. Every output is summed exactly as a lone
 * {@link dotRow}, so the values do not depend on the blocking.
 */
export function resamplePolyphase(
  xPtr: usize, outPtr: usize, outLen: i32, bankPtr: usize, taps: i32, up: i32, down: i32,
): void {
  const stride = <usize>taps << 2;
  const whole = down / up; // n0 advance per output, integer part
  const rem = down % up; // and the phase advance
  const blocks = outLen / up / 4; // blocks of 4 complete periods of up outputs
  const xStep = <usize>down << 2;
  const outStep = <usize>up << 2;
  for (let b = 0; b < blocks; b++) {
    const q = <usize>b * 4;
    let n0: usize = q * <usize>down;
    let phase: i32 = 0;
    for (let p = 0; p < up; p++) {
      dotRow4(xPtr + (n0 << 2), xStep, bankPtr + <usize>phase * stride, taps, outPtr + ((q * <usize>up + <usize>p) << 2), outStep);
      n0 += <usize>whole;
      phase += rem;
      if (phase >= up) {
        phase -= up;
        n0++;
      }
    }
  }
  // The rest one output at a time (phase and n0 of output k from its period q and offset p).
  const first = blocks * 4 * up;
  let n0: usize = <usize>(blocks * 4) * <usize>down;
  let phase: i32 = 0;
  for (let k = first; k < outLen; k++) {
    store<f32>(outPtr + (<usize>k << 2), dotRow(xPtr + (n0 << 2), bankPtr + <usize>phase * stride, taps));
    n0 += <usize>whole;
    phase += rem;
    if (phase >= up) {
      phase -= up;
      n0++;
    }
  }
}

/**
 * Fills the interpolated-mode grid: `phases + 1` rows of `taps` taps, row p for the fractional
 * position p / phases, tap m at offset d = p / phases - (firstTap + m) input samples, read from
 * the prototype table at x = |d| · scale (scale = band factor × prototype samples per unit) by
 * linear interpolation between entries floor(x) and floor(x) + 1 (Smith's table lookup; entries
 * at or past protoLen - 1 are the window's outside, 0). Each row is then scaled to sum to 1, as
 * the exact bank is (DC passes unchanged whatever the phase).
 *
 * Only rows 0 .. phases/2 are looked up, one tap column at a time: down a column x moves by just
 * scale / phases table entries per row, so the reads walk the (megabyte-sized) table
 * sequentially instead of jumping `scale` entries per tap along a row. The filter is even, so
 * row phases - p is row p reversed: tap m there has offset -(d of tap 1 - 2·firstTap - m of row p).
 */
export function resampleFillGrid(
  protoPtr: usize, protoLen: i32, scale: f64, phases: i32, taps: i32, firstTap: i32, gridPtr: usize,
): void {
  const last = protoLen - 1;
  const stride = <usize>taps << 2;
  const half = phases >> 1;
  const invPhases = 1.0 / <f64>phases;
  for (let m = 0; m < taps; m++) {
    const offset = <f64>(firstTap + m);
    let at = gridPtr + (<usize>m << 2);
    for (let p = 0; p <= half; p++) {
      const x = Math.abs(<f64>p * invPhases - offset) * scale;
      const i = <i32>x; // x >= 0: truncation is floor
      let h: f32 = 0;
      if (i < last) {
        const e = protoPtr + (<usize>i << 2);
        const h0 = load<f32>(e);
        h = h0 + <f32>(x - <f64>i) * (load<f32>(e, 4) - h0);
      }
      store<f32>(at, h);
      at += stride;
    }
  }
  for (let p = 0; p <= half; p++) {
    const row = gridPtr + <usize>p * stride;
    const end = row + stride;
    let acc = f64x2.splat(0);
    for (let at = row; at < end; at += 16) {
      const v = v128.load(at);
      acc = f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))));
    }
    const norm = f32x4.splat(<f32>(1.0 / (f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1))));
    for (let at = row; at < end; at += 16) v128.store(at, f32x4.mul(v128.load(at), norm));
  }
  // Mirror index m' = 1 - 2·firstTap - m; outside [0, taps) the tap lies beyond the window (0).
  const mirror = 1 - 2 * firstTap;
  for (let p = half + 1; p <= phases; p++) {
    const src = gridPtr + <usize>(phases - p) * stride;
    const dst = gridPtr + <usize>p * stride;
    for (let m = 0; m < taps; m++) {
      const mm = mirror - m;
      store<f32>(dst + (<usize>m << 2), mm >= 0 && mm < taps ? load<f32>(src + (<usize>mm << 2)) : 0);
    }
  }
}

/**
 * Resampling on a grid of phases + 1 rows at fractional positions p / phases (any real ratio):
 * output k sits at input time t = k · step and interpolates linearly between the two rows that
 * bracket frac(t). Both rows' dot products share one pass over x.
 */
export function resampleInterpolated(
  xPtr: usize, outPtr: usize, outLen: i32, gridPtr: usize, taps: i32, phases: i32, step: f64,
): void {
  const stride = <usize>taps << 2;
  for (let k = 0; k < outLen; k++) {
    const t = <f64>k * step;
    const whole = Math.floor(t);
    const pos = (t - whole) * <f64>phases;
    let p = <i32>Math.floor(pos);
    if (p > phases - 1) p = phases - 1;
    const w = <f32>(pos - <f64>p);
    const x = xPtr + (<usize>whole << 2);
    store<f32>(outPtr + (<usize>k << 2), interpolatedTap(x, gridPtr + <usize>p * stride, stride, w));
  }
}
