// Batch normalisation in training mode over the last axis (tfjs-layers'
// BatchNormalization with axis −1 while it trains), forward and backward in a
// few passes over [rows × channels] (rows = every other axis flattened), for
// src/ml/cnn/kernels/batch-norm-train.ts.
//
// Why: tfjs runs a training-mode batch norm as ~15 kernels over the whole
// activation (moments: mean, squared difference, mean; normalisation; and
// their gradients, each an element-wise kernel of its own), about a fifth of
// the sequence CNN's training step.
//
// Forward (Ioffe & Szegedy 2015, Algorithm 1; the variance is the biased one,
// as tf.moments):
//   μ_c = Σ_r x[r,c] / R        σ²_c = Σ_r (x[r,c] − μ_c)² / R
//   y[r,c] = (x[r,c] − μ_c) · (γ_c / √(σ²_c + ε)) + β_c
// Backward, with x̂ = (x − μ)/√(σ² + ε) (the same paper, §3; gradients through
// μ and σ² included):
//   dβ_c = Σ_r dy      dγ_c = Σ_r dy · x̂
//   dx[r,c] = γ_c / √(σ²_c + ε) · (dy[r,c] − dβ_c / R − x̂[r,c] · dγ_c / R)
// Sums in float64 (two accumulators per four channels), elements in float32.
// `channels` must be a multiple of 4 (the TypeScript side checks). Nothing is
// allocated; `work` holds batchNormTrainWorkBytes(channels) bytes (3 × channels float64).

import { highF64 as hi, lowF64 as lo, packF32 } from "./simd_f64";

/** Writes y [rows × channels], mean and variance [channels] (float32). */
export function batchNormTrainForward(
  x: usize, gamma: usize, beta: usize, y: usize, mean: usize, variance: usize, work: usize,
  rows: i32, channels: i32, epsilon: f64,
): void {
  const rowBytes = <usize>channels << 2;
  const sums = work; // f64 per channel
  const invR = 1.0 / <f64>rows;
  memory.fill(sums, 0, <usize>channels << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    for (let c = 0; c < channels; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const at = sums + (<usize>c << 3);
      v128.store(at, f64x2.add(v128.load(at), lo(v)));
      v128.store(at, f64x2.add(v128.load(at, 16), hi(v)), 16);
    }
  }
  for (let c = 0; c < channels; c += 2) {
    const at = sums + (<usize>c << 3);
    v128.store(at, f64x2.mul(v128.load(at), f64x2.splat(invR)));
  }
  // Second pass: squared deviations from the float64 mean.
  const sq = work + (<usize>channels << 3);
  memory.fill(sq, 0, <usize>channels << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    for (let c = 0; c < channels; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const m = sums + (<usize>c << 3);
      const at = sq + (<usize>c << 3);
      const d0 = f64x2.sub(lo(v), v128.load(m));
      const d1 = f64x2.sub(hi(v), v128.load(m, 16));
      v128.store(at, f64x2.add(v128.load(at), f64x2.mul(d0, d0)));
      v128.store(at, f64x2.add(v128.load(at, 16), f64x2.mul(d1, d1)), 16);
    }
  }
  // Per channel: mean, variance (float32 outputs) and the affine map y = x·a + b in float64.
  for (let c = 0; c < channels; c++) {
    // The statistics as float32 tensors, as tf.moments returns them, and the map built from those
    // (as tf.batchNormalization applies them), so the backward pass sees the same numbers.
    const mu = <f64><f32>load<f64>(sums + (<usize>c << 3));
    const v = <f64><f32>(load<f64>(sq + (<usize>c << 3)) * invR);
    store<f32>(mean + (<usize>c << 2), <f32>mu);
    store<f32>(variance + (<usize>c << 2), <f32>v);
    const a = <f64>load<f32>(gamma + (<usize>c << 2)) / Math.sqrt(v + epsilon);
    store<f64>(sums + (<usize>c << 3), a); // reuse: scale
    store<f64>(sq + (<usize>c << 3), <f64>load<f32>(beta + (<usize>c << 2)) - mu * a); // reuse: shift
  }
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    const out = y + <usize>r * rowBytes;
    for (let c = 0; c < channels; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const a = sums + (<usize>c << 3);
      const b = sq + (<usize>c << 3);
      const y0 = f64x2.add(f64x2.mul(lo(v), v128.load(a)), v128.load(b));
      const y1 = f64x2.add(f64x2.mul(hi(v), v128.load(a, 16)), v128.load(b, 16));
      v128.store(out + (<usize>c << 2), packF32(y0, y1));
    }
  }
}

// Which outputs batchNormTrainBackward writes (bit mask; the same values in batch-norm-train.ts).
const BN_GRAD_X: i32 = 1;
const BN_GRAD_GAMMA: i32 = 2;
const BN_GRAD_BETA: i32 = 4;

/**
 * Writes the gradients asked for by `want` (BN_GRAD_* bits): dx [rows ×
 * channels], dgamma and dbeta [channels] (float32), from the forward's x,
 * gamma, mean and variance and the upstream dy.
 */
export function batchNormTrainBackward(
  x: usize, gamma: usize, mean: usize, variance: usize, dy: usize,
  dx: usize, dgamma: usize, dbeta: usize, work: usize,
  rows: i32, channels: i32, epsilon: f64, want: i32,
): void {
  const rowBytes = <usize>channels << 2;
  const sumDy = work; // f64 per channel: Σ dy, then Σ dy · (x − μ)
  const sumDyXc = work + (<usize>channels << 3);
  memory.fill(work, 0, <usize>channels << 4);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    const g = dy + <usize>r * rowBytes;
    for (let c = 0; c < channels; c += 4) {
      const off = <usize>c << 2;
      const v = v128.load(row + off);
      const d = v128.load(g + off);
      const m = v128.load(mean + off);
      const at = sumDy + (<usize>c << 3);
      const bt = sumDyXc + (<usize>c << 3);
      const d0 = lo(d), d1 = hi(d);
      v128.store(at, f64x2.add(v128.load(at), d0));
      v128.store(at, f64x2.add(v128.load(at, 16), d1), 16);
      v128.store(bt, f64x2.add(v128.load(bt), f64x2.mul(d0, f64x2.sub(lo(v), lo(m)))));
      v128.store(bt, f64x2.add(v128.load(bt, 16), f64x2.mul(d1, f64x2.sub(hi(v), hi(m)))), 16);
    }
  }
  const invR = 1.0 / <f64>rows;
  for (let c = 0; c < channels; c++) {
    const inv = 1.0 / Math.sqrt(<f64>load<f32>(variance + (<usize>c << 2)) + epsilon);
    const sDy = load<f64>(sumDy + (<usize>c << 3));
    const sDyXhat = load<f64>(sumDyXc + (<usize>c << 3)) * inv;
    if (want & BN_GRAD_BETA) store<f32>(dbeta + (<usize>c << 2), <f32>sDy);
    if (want & BN_GRAD_GAMMA) store<f32>(dgamma + (<usize>c << 2), <f32>sDyXhat);
    // For dx: dx = k · (dy − sDy/R − (x − μ) · inv · sDyXhat/R), k = γ · inv; stored as
    // dx = k·dy + (x − μ)·p + q with p = −k·inv·sDyXhat/R and q = −k·sDy/R.
    const k = <f64>load<f32>(gamma + (<usize>c << 2)) * inv;
    store<f64>(sumDy + (<usize>c << 3), k);
    store<f64>(sumDyXc + (<usize>c << 3), -k * inv * sDyXhat * invR);
    store<f64>(work + (<usize>(2 * channels + c) << 3), -k * sDy * invR);
  }
  if (!(want & BN_GRAD_X)) return;
  const q = work + (<usize>channels << 4);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * rowBytes;
    const g = dy + <usize>r * rowBytes;
    const out = dx + <usize>r * rowBytes;
    for (let c = 0; c < channels; c += 4) {
      const off = <usize>c << 2;
      const v = v128.load(row + off);
      const d = v128.load(g + off);
      const m = v128.load(mean + off);
      const kc = sumDy + (<usize>c << 3);
      const pc = sumDyXc + (<usize>c << 3);
      const qc = q + (<usize>c << 3);
      const r0 = f64x2.add(f64x2.add(f64x2.mul(lo(d), v128.load(kc)), f64x2.mul(f64x2.sub(lo(v), lo(m)), v128.load(pc))), v128.load(qc));
      const r1 = f64x2.add(f64x2.add(f64x2.mul(hi(d), v128.load(kc, 16)), f64x2.mul(f64x2.sub(hi(v), hi(m)), v128.load(pc, 16))), v128.load(qc, 16));
      v128.store(out + off, packF32(r0, r1));
    }
  }
}

/** Bytes of `work` the two functions above need for `channels` channels. */
export function batchNormTrainWorkBytes(channels: i32): i32 {
  return channels * 3 * 8;
}
