// librosa.feature.delta(data, width, order, axis=-1, mode='interp'): a Savitzky-Golay
// derivative filter (scipy.signal.savgol_filter with polyorder = deriv = order) along each
// row of a row-major [rows x cols] f32 matrix (features x frames).
//
// With polyorder = deriv the order-th derivative of the fitted polynomial is a constant, so:
//  - interior frames h <= t < cols - h (h = width / 2): out[t] = sum_j w[j] x[t - h + j];
//  - scipy's 'interp' edges fit one polynomial to the first (last) `width` frames and
//    evaluate its derivative at frames 0 .. h-1 (cols-h .. cols-1): that constant is exactly
//    the interior value at t = h (t = cols - h - 1), whose window is the same `width` frames.
// Weights (least squares, positions j - h):
//   order 1: w_j = (j - h) / S2                               S2 = sum k^2
//   order 2: w_j = 2 ((j - h)^2 - S2 / width) / (S4 - S2^2 / width)   S4 = sum k^4
// computed in f64 by deltaInitWeights (JS caches them per width and order). Sums in f64
// (f32x4 loads promoted to two f64x2 lanes), rounded once to f32, as scipy does for f32 input.
// Needs cols >= width (JS validates). No allocation.

/** Fills `width` f64 weights at `w` for derivative order 1 or 2. */
export function deltaInitWeights(width: i32, order: i32, w: usize): void {
  const h = width >> 1;
  let s2: f64 = 0, s4: f64 = 0;
  for (let k = -h; k <= h; k++) {
    const k2 = <f64>(k * k);
    s2 += k2;
    s4 += k2 * k2;
  }
  const n = <f64>width;
  for (let j = 0; j < width; j++) {
    const k = <f64>(j - h);
    const v = order == 1 ? k / s2 : (2.0 * (k * k - s2 / n)) / (s4 - (s2 * s2) / n);
    store<f64>(w + (<usize>j << 3), v);
  }
}

/** out (rows x cols f32) = delta of data (rows x cols f32) with the `width` weights at `w`. */
export function deltaRows(data: usize, rows: i32, cols: i32, width: i32, w: usize, out: usize): void {
  const h = width >> 1;
  const end = cols - h; // interior frames: [h, end)
  for (let r = 0; r < rows; r++) {
    const x = data + (<usize>(r * cols) << 2);
    const y = out + (<usize>(r * cols) << 2);
    let t = h;
    // four frames per step: window sums for t .. t+3 in two f64x2 accumulators
    for (; t + 4 <= end; t += 4) {
      let lo = f64x2.splat(0), hi = f64x2.splat(0);
      let p = x + (<usize>(t - h) << 2);
      for (let j = 0; j < width; j++) {
        const v = v128.load(p);
        const c = f64x2.splat(load<f64>(w + (<usize>j << 3)));
        lo = f64x2.add(lo, f64x2.mul(c, f64x2.promote_low_f32x4(v)));
        hi = f64x2.add(hi, f64x2.mul(c, f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1))));
        p += 4;
      }
      const a = f32x4.demote_f64x2_zero(lo);
      const b = f32x4.demote_f64x2_zero(hi);
      v128.store(y + (<usize>t << 2), f32x4.shuffle(a, b, 0, 1, 4, 5));
    }
    for (; t < end; t++) {
      let s: f64 = 0;
      const p = x + (<usize>(t - h) << 2);
      for (let j = 0; j < width; j++) s += load<f64>(w + (<usize>j << 3)) * <f64>load<f32>(p + (<usize>j << 2));
      store<f32>(y + (<usize>t << 2), <f32>s);
    }
    const first = load<f32>(y + (<usize>h << 2));
    const last = load<f32>(y + (<usize>(end - 1) << 2));
    for (let i = 0; i < h; i++) {
      store<f32>(y + (<usize>i << 2), first);
      store<f32>(y + (<usize>(end + i) << 2), last);
    }
  }
}
