// One Adam step (Kingma & Ba, "Adam: A method for stochastic optimization",
// ICLR 2015, Algorithm 1) over n floats, in place, in the same float32
// operations and order as tfjs-core's AdamOptimizer.applyGradients:
//
//   m' = m·β1 + g·(1−β1)                v' = v·β2 + g²·(1−β2)
//   x' = ((m' / (1−β1ᵗ)) / (√(v' / (1−β2ᵗ)) + ε)) · (−lr) + x
//
// Each WASM float32 operation rounds exactly as the backend's per-op kernels
// do, so the result equals tf.train.adam's bit for bit (tested), in one pass
// over memory instead of ~14 kernels. Part `part` of `parts` updates its own
// contiguous, 64-byte-aligned range, so threads never share a cache line and
// the result does not depend on the thread count. Scalars arrive as the
// float32 values tfjs would hold (the caller rounds them).

const GRAIN: i32 = 16; // floats per 64-byte line

export function adamUpdate(
  x: usize, m: usize, v: usize, g: usize, n: i32,
  beta1: f32, beta2: f32, oneMinusBeta1: f32, oneMinusBeta2: f32,
  epsilon: f32, negLearningRate: f32, oneMinusAccBeta1: f32, oneMinusAccBeta2: f32,
  part: i32, parts: i32,
): void {
  if (n <= 0 || part < 0 || part >= parts) return;
  const lines = (n + GRAIN - 1) / GRAIN;
  const start = min(n, <i32>((<i64>lines * part) / parts) * GRAIN);
  const end = min(n, <i32>((<i64>lines * (part + 1)) / parts) * GRAIN);
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2);
  const c1 = f32x4.splat(oneMinusBeta1), c2 = f32x4.splat(oneMinusBeta2);
  const eps = f32x4.splat(epsilon), negLr = f32x4.splat(negLearningRate);
  const d1 = f32x4.splat(oneMinusAccBeta1), d2 = f32x4.splat(oneMinusAccBeta2);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const off = <usize>i << 2;
    const gi = v128.load(g + off);
    const mi = f32x4.add(f32x4.mul(v128.load(m + off), b1), f32x4.mul(gi, c1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + off), b2), f32x4.mul(f32x4.mul(gi, gi), c2));
    v128.store(m + off, mi);
    v128.store(v + off, vi);
    const step = f32x4.div(f32x4.div(mi, d1), f32x4.add(f32x4.sqrt(f32x4.div(vi, d2)), eps));
    v128.store(x + off, f32x4.add(f32x4.mul(step, negLr), v128.load(x + off)));
  }
  for (; i < end; i++) {
    const off = <usize>i << 2;
    const gi = load<f32>(g + off);
    const mi = load<f32>(m + off) * beta1 + gi * oneMinusBeta1;
    const vi = load<f32>(v + off) * beta2 + gi * gi * oneMinusBeta2;
    store<f32>(m + off, mi);
    store<f32>(v + off, vi);
    const step = (mi / oneMinusAccBeta1) / (sqrt<f32>(vi / oneMinusAccBeta2) + epsilon);
    store<f32>(x + off, step * negLearningRate + load<f32>(x + off));
  }
}
