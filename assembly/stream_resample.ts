// Streaming continuation of resampleInterpolated (assembly/resample.ts) for src/wasm/stream-resample.ts:
// the same arithmetic for output k (input time t = k · step, the two grid rows around frac(t), one
// pass over x), but for outputs k0 .. k0 + outLen of a stream whose input buffer starts at padded
// index `base`, so a stream resampled block by block gives exactly the samples of one call over
// the whole signal. No allocation; all pointers come from JS.

@inline
function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * x: padded input from padded index `base` on (padded index = input index − firstTap); out: outLen f32.
 * Output k0 + k reads x from padded index floor((k0 + k) · step), which must be >= base.
 */
export function resampleInterpolatedFrom(
  xPtr: usize, base: f64, outPtr: usize, k0: f64, outLen: i32, gridPtr: usize, taps: i32, phases: i32, step: f64,
): void {
  const stride = <usize>taps << 2;
  for (let k = 0; k < outLen; k++) {
    const t = (k0 + <f64>k) * step;
    const whole = Math.floor(t);
    const pos = (t - whole) * <f64>phases;
    let p = <i32>Math.floor(pos);
    if (p > phases - 1) p = phases - 1;
    const w = <f32>(pos - <f64>p);
    let x = xPtr + (<usize>(<i64>(whole - base)) << 2);
    let a = gridPtr + <usize>p * stride;
    let b = a + stride;
    const end = x + stride;
    let a0 = f32x4.splat(0);
    let a1 = f32x4.splat(0);
    let b0 = f32x4.splat(0);
    let b1 = f32x4.splat(0);
    while (x < end) {
      const x0 = v128.load(x);
      const x1 = v128.load(x, 16);
      a0 = f32x4.add(a0, f32x4.mul(x0, v128.load(a)));
      a1 = f32x4.add(a1, f32x4.mul(x1, v128.load(a, 16)));
      b0 = f32x4.add(b0, f32x4.mul(x0, v128.load(b)));
      b1 = f32x4.add(b1, f32x4.mul(x1, v128.load(b, 16)));
      x += 32;
      a += 32;
      b += 32;
    }
    const ya = horizontalSum(f32x4.add(a0, a1));
    const yb = horizontalSum(f32x4.add(b0, b1));
    store<f32>(outPtr + (<usize>k << 2), ya + w * (yb - ya));
  }
}
