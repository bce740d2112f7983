// Input screening for signals copied into WASM memory: a vectorised scan for NaN and
// +-Infinity, so JS does not have to walk every sample before each call.

/** Index of the first non-finite f32 among n values at ptr, or -1 if all are finite. */
export function firstNonFinite(ptr: usize, n: i32): i32 {
  // x - x is 0 for finite x and NaN for NaN or Infinity; NaN survives the sum.
  let acc = f32x4.splat(0);
  const vecEnd = <usize>(n & ~3) << 2;
  for (let p: usize = 0; p < vecEnd; p += 16) {
    const v = v128.load(ptr + p);
    acc = f32x4.add(acc, f32x4.sub(v, v));
  }
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (let i = n & ~3; i < n; i++) {
    const x = load<f32>(ptr + (<usize>i << 2));
    s += x - x;
  }
  if (s == s) return -1;
  for (let i = 0; i < n; i++) {
    const x = load<f32>(ptr + (<usize>i << 2));
    if (x - x != x - x) return i;
  }
  return -1;
}
