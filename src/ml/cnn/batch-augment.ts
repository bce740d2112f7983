/**
 * Per-batch augmentation for sequence rows ([frames × channels] frame-major,
 * standardised), for trainCnn's `augment` hook. Every draw comes from the
 * seeded generator trainCnn passes in.
 *
 *  - SpecAugment masks (Park et al., 2019, "SpecAugment: A Simple Data
 *    Augmentation Method for Automatic Speech Recognition"): per example,
 *    `masks` bands of up to `maxChannels` consecutive mel channels and `masks`
 *    spans of up to `maxFrames` frames are set to 0, the standardised mean.
 *    No time warping.
 *  - mixup (Zhang et al., 2018, "mixup: Beyond Empirical Risk Minimization"):
 *    each example is blended with a randomly paired one of the same batch,
 *    x = λ·x_i + (1 − λ)·x_j and likewise the targets, λ ~ Beta(α, α) folded to
 *    λ ≥ 0.5 so the example keeps its own identity.
 */
import type { Random } from '../../util/random.js';
import type { SpecAugmentSpec } from '../../models/model-spec.js';

export interface SequenceAugmentOptions {
  frames: number;
  channels: number;
  /** Channels [0, maskableChannels) may be frequency-masked (the log-mel block). */
  maskableChannels: number;
  specAugment: SpecAugmentSpec | null;
  mixup: number;
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000), with the shape < 1 boost U^(1/shape). */
export function sampleGamma(shape: number, rng: Random): number {
  if (shape < 1) return sampleGamma(shape + 1, rng) * Math.pow(rng.uniform() || Number.MIN_VALUE, 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = rng.gaussian();
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = rng.uniform();
    if (Math.log(u || Number.MIN_VALUE) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(a: number, b: number, rng: Random): number {
  const x = sampleGamma(a, rng);
  const y = sampleGamma(b, rng);
  return x + y > 0 ? x / (x + y) : 0.5;
}

export function sequenceBatchAugment(o: SequenceAugmentOptions): (x: Float32Array, y: Float32Array, rows: number, rng: Random) => void {
  const { frames, channels } = o;
  const dim = frames * channels;
  return (x, y, rows, rng) => {
    const sa = o.specAugment;
    if (sa && sa.masks > 0) {
      for (let i = 0; i < rows; i++) {
        const base = i * dim;
        for (let m = 0; m < sa.masks; m++) {
          const fw = rng.int(0, Math.min(sa.maxChannels, o.maskableChannels));
          const f0 = rng.int(0, o.maskableChannels - fw);
          for (let t = 0; t < frames; t++) x.fill(0, base + t * channels + f0, base + t * channels + f0 + fw);
          const tw = rng.int(0, Math.min(sa.maxFrames, frames));
          const t0 = rng.int(0, frames - tw);
          x.fill(0, base + t0 * channels, base + (t0 + tw) * channels);
        }
      }
    }
    if (o.mixup > 0 && rows > 1) {
      const nClasses = y.length / rows;
      const partner = rng.shuffle(Array.from({ length: rows }, (_, i) => i));
      const x0 = Float32Array.from(x);
      const y0 = Float32Array.from(y);
      for (let i = 0; i < rows; i++) {
        const j = partner[i]!;
        const beta = sampleBeta(o.mixup, o.mixup, rng);
        const lam = Math.max(beta, 1 - beta);
        for (let k = 0; k < dim; k++) x[i * dim + k] = lam * x0[i * dim + k]! + (1 - lam) * x0[j * dim + k]!;
        for (let c = 0; c < nClasses; c++) y[i * nClasses + c] = lam * y0[i * nClasses + c]! + (1 - lam) * y0[j * nClasses + c]!;
      }
    }
  };
}
