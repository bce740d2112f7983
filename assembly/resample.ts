// Band-limited resampling kernels (windowed-sinc FIR evaluated at fractional input positions).
// The filter table is designed in JS (src/reference/resample.ts) and passed in; see
// src/wasm/resample.ts for the memory layout. No allocation: all pointers come from JS.
//
// Input `x` is the signal already zero-padded by -firstTap samples on the left and enough zeros on
// the right, so output k is a plain contiguous dot product x[n0 .. n0 + taps) · row.
// `taps` is a multiple of 8 (two f32x4 accumulators hide the add latency).

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
  const s = f32x4.add(acc0, acc1);
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/**
 * Exact polyphase resampling by up/down (reduced ratio). Output k sits at input time
 * k·down/up = n0 + phase/up; its taps are row `phase` of the [up, taps] bank.
 */
export function resamplePolyphase(
  xPtr: usize, outPtr: usize, outLen: i32, bankPtr: usize, taps: i32, up: i32, down: i32,
): void {
  const stride = <usize>taps << 2;
  const whole = down / up; // n0 advance per output, integer part
  const rem = down % up; // and the phase advance
  let n0: usize = 0;
  let phase: i32 = 0;
  for (let k = 0; k < outLen; k++) {
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
 * Resampling with a table of phases + 1 rows at fractional positions p / phases; output k
 * interpolates linearly between the two rows that bracket frac(k · step). Used when the exact
 * polyphase bank would be too large (large `up`, e.g. near-irrational ratios).
 */
export function resampleInterpolated(
  xPtr: usize, outPtr: usize, outLen: i32, tablePtr: usize, taps: i32, phases: i32, step: f64,
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
    const row = tablePtr + <usize>p * stride;
    const a = dotRow(x, row, taps);
    const b = dotRow(x, row + stride, taps);
    store<f32>(outPtr + (<usize>k << 2), a + w * (b - a));
  }
}
