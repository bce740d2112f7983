/**
 * Additive white Gaussian noise scaled to the clip's peak, the paper's "noise" augmentation:
 *   y' = y + a * max|y| * N(0, 1)  (one independent draw per sample),
 * with a = factor (paper: 0.005). With `uniformFactor` the amplitude is itself drawn once per
 * clip as a = factor * U(0, 1), as the reference notebook does (`noise_amp = f *
 * np.random.uniform() * np.amax(data)`; np.amax there is the signed maximum, here the peak
 * magnitude so a clip whose largest excursion is negative still gets noise).
 */
import { DspError } from '../dsp/errors.js';
import type { Real } from '../dsp/types.js';
import { assertSignal } from '../dsp/validate.js';
import { Random } from '../util/random.js';

export interface NoiseOptions {
  /** Noise amplitude relative to the clip's peak; default 0.005 (paper). */
  factor?: number;
  /** Draw the amplitude as factor * U(0, 1) once per clip (notebook variant); default false. */
  uniformFactor?: boolean;
}

export const PAPER_NOISE_FACTOR = 0.005;

/** The amplitude actually used, relative to the peak (draws one uniform when uniformFactor is set). */
export function drawNoiseFactor(rng: Random, opts: NoiseOptions = {}): number {
  const factor = opts.factor ?? PAPER_NOISE_FACTOR;
  if (typeof factor !== 'number' || !Number.isFinite(factor) || factor < 0) {
    throw new DspError(`noise: factor must be a finite number >= 0, got ${factor}`);
  }
  return opts.uniformFactor ? factor * rng.uniform() : factor;
}

/** The amplitude check of {@link addScaledNoise} (shared with the WASM kernel's wrapper, src/wasm/augment.ts). */
export function assertNoiseAmplitude(relativeAmplitude: number): void {
  if (!Number.isFinite(relativeAmplitude) || relativeAmplitude < 0) {
    throw new DspError(`noise: amplitude must be a finite number >= 0, got ${relativeAmplitude}`);
  }
}

/** y + relativeAmplitude * max|y| * N(0, 1), drawing one Gaussian per sample from `rng`. */
export function addScaledNoise(y: Real, relativeAmplitude: number, rng: Random): Float32Array {
  assertSignal(y);
  assertNoiseAmplitude(relativeAmplitude);
  let peak = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  const sigma = relativeAmplitude * peak;
  const out = new Float32Array(y.length);
  rng.addScaledGaussian(y, sigma, out);
  return out;
}

/** The noise augmentation; `seed` may be a number or a Random (which is advanced). */
export function addNoise(y: Real, seed: number | Random, opts: NoiseOptions = {}): Float32Array {
  const rng = typeof seed === 'number' ? new Random(seed) : seed;
  return addScaledNoise(y, drawNoiseFactor(rng, opts), rng);
}
