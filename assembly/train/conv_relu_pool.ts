// The fused Conv1D → ReLU → MaxPooling1D of ../conv_relu_pool.ts split over
// the kernel threads by image: part p of `parts` takes images
// [⌊batch·p/parts⌋, ⌊batch·(p+1)/parts⌋). Each image is computed exactly as in
// the single-threaded kernel; the gradient writes one partial per image
// (partials [batch × (taps + 1) × channels] float32) that the caller sums in
// image order, so the result does not depend on the thread count. work holds
// parts × convReluPoolWorkBytes(width) bytes (one row per thread).

import { convReluPool1d, convReluPoolImageGrad, convReluPoolWorkBytes } from "../conv_relu_pool";

// Per-thread work bytes, for the caller sizing `work` (the same function the kernels use).
export { convReluPoolWorkBytes };

export function convReluPoolPart(
  x: usize, w: usize, bias: usize, y: usize, work: usize,
  batch: i32, width: i32, taps: i32, channels: i32, pool: i32, outWidth: i32,
  part: i32, parts: i32,
): void {
  const lo = <i32>(<i64>batch * part / parts), hi = <i32>(<i64>batch * (part + 1) / parts);
  if (hi <= lo) return;
  convReluPool1d(
    x + (<usize>lo * <usize>width << 2), w, bias, y + ((<usize>lo * <usize>outWidth * <usize>channels) << 2),
    work + <usize>part * <usize>convReluPoolWorkBytes(width),
    hi - lo, width, taps, channels, pool, outWidth,
  );
}

export function convReluPoolGradPart(
  x: usize, w: usize, bias: usize, dy: usize, partials: usize, work: usize,
  batch: i32, width: i32, taps: i32, channels: i32, pool: i32, outWidth: i32,
  part: i32, parts: i32,
): void {
  const lo = <i32>(<i64>batch * part / parts), hi = <i32>(<i64>batch * (part + 1) / parts);
  const myWork = work + <usize>part * <usize>convReluPoolWorkBytes(width);
  const n = (taps + 1) * channels;
  for (let b = lo; b < hi; b++) {
    convReluPoolImageGrad(
      x + (<usize>b * <usize>width << 2), w, bias, dy + ((<usize>b * <usize>outWidth * <usize>channels) << 2),
      partials + (<usize>b * <usize>n << 2), myWork,
      width, taps, channels, pool, outWidth,
    );
  }
}
