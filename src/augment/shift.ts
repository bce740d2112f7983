/**
 * Circular time shift, the paper's "shift" augmentation: np.roll(y, k), i.e.
 * out[(i + k) mod n] = y[i], with k a uniform integer in [-K, K].
 *
 * K comes from `maxShiftMs` (paper: ±5 ms, K = floor(5e-3 * sr)) or directly from
 * `maxShiftSamples`. Note: the reference notebook draws `int(np.random.uniform(-5, 5) * 1000)`,
 * i.e. up to ±5000 samples (~227 ms at 22.05 kHz); pass maxShiftSamples: 5000 for that.
 */
import { DspError } from '../dsp/errors.js';
import type { Real } from '../dsp/types.js';
import { assertSignal } from '../dsp/validate.js';
import { Random } from '../util/random.js';

export interface ShiftOptions {
  /** Largest shift in milliseconds either way; default 5 (paper). Ignored if maxShiftSamples is set. */
  maxShiftMs?: number;
  /** Largest shift in samples either way (overrides maxShiftMs). */
  maxShiftSamples?: number;
}

export const PAPER_MAX_SHIFT_MS = 5;

/** K, the largest shift in samples, for a clip at `sr`. */
export function maxShiftSamples(sr: number, opts: ShiftOptions = {}): number {
  if (opts.maxShiftSamples !== undefined) {
    const k = opts.maxShiftSamples;
    if (!Number.isInteger(k) || k < 0) throw new DspError(`shift: maxShiftSamples must be an integer >= 0, got ${k}`);
    return k;
  }
  const ms = opts.maxShiftMs ?? PAPER_MAX_SHIFT_MS;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new DspError(`shift: maxShiftMs must be a finite number >= 0, got ${ms}`);
  if (!Number.isFinite(sr) || sr <= 0) throw new DspError(`shift: sample rate must be > 0, got ${sr}`);
  return Math.floor((ms * sr) / 1000);
}

/** A shift drawn uniformly from the integers in [-K, K]. */
export function drawShift(rng: Random, sr: number, opts: ShiftOptions = {}): number {
  const k = maxShiftSamples(sr, opts);
  return rng.int(-k, k);
}

/** np.roll(y, k) for a 1-D signal: a pure rotation, any integer k (taken modulo the length). */
export function roll(y: Real, k: number): Float32Array {
  assertSignal(y);
  return rollChecked(y, k);
}

/**
 * {@link roll} for a signal its caller has already checked with assertSignal (augmentClipVersions
 * checks the clip once for all its versions), so the samples are not scanned a second time.
 */
export function rollChecked(y: Real, k: number): Float32Array {
  if (!Number.isInteger(k)) throw new DspError(`shift: the shift must be an integer number of samples, got ${k}`);
  const n = y.length;
  const s = ((k % n) + n) % n;
  const out = new Float32Array(n);
  out.set(y.subarray(n - s), 0);
  out.set(y.subarray(0, n - s), s);
  return out;
}

/** The shift augmentation; `seed` may be a number or a Random (which is advanced). */
export function randomShift(y: Real, sr: number, seed: number | Random, opts: ShiftOptions = {}): Float32Array {
  const rng = typeof seed === 'number' ? new Random(seed) : seed;
  return roll(y, drawShift(rng, sr, opts));
}
