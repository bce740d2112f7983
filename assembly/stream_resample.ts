// Streaming continuation of resampleInterpolated (assembly/resample.ts) for src/wasm/stream-resample.ts:
// the same arithmetic for output k (input time t = k · step, the two grid rows around frac(t), one
// pass over x), but for outputs k0 .. k0 + outLen of a stream whose input buffer starts at padded
// index `base`, so a stream resampled block by block gives exactly the samples of one call over
// the whole signal. No allocation; all pointers come from JS.

import { interpolatedTap } from './resample_taps';

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
    const x = xPtr + (<usize>(<i64>(whole - base)) << 2);
    store<f32>(outPtr + (<usize>k << 2), interpolatedTap(x, gridPtr + <usize>p * stride, stride, w));
  }
}
