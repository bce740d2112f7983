// Inner loops shared by the one-shot resampler (assembly/resample.ts) and its streaming
// continuation (assembly/stream_resample.ts). One definition keeps both paths' float32
// arithmetic, and so their outputs, identical bit for bit. This module is not re-exported by
// assembly/index.ts: nothing here becomes a WASM export.

@inline
export function horizontalSum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/**
 * One output of the interpolated-grid resampler: the dot products of the `stride` bytes of input
 * at x with grid rows a and a + stride (the two phases that bracket the output's fractional
 * position), blended linearly by w. Both dot products share one pass over x; `stride` is a
 * multiple of 32 bytes (two f32x4 accumulators per row hide the add latency).
 */
@inline
export function interpolatedTap(x: usize, a: usize, stride: usize, w: f32): f32 {
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
  return ya + w * (yb - ya);
}
