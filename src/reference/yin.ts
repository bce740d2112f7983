import type { Real, YinOptions } from '../dsp/types.js';
import { resolveYinOptions, type ResolvedYin } from '../dsp/contour-options.js';
import { assertSignal } from '../dsp/validate.js';
import { padBothSides } from './pad.js';

/** librosa's acf_frames / energy_frames floor: |v| < 1e-6 becomes 0. */
const FLOOR = 1e-6;
/** util.tiny of a float64 array (numpy.finfo(float64).tiny), added to the CMNDF denominator. */
const TINY64 = 2.2250738585072014e-308;

export interface YinTrack {
  /** F0 per frame in Hz (librosa.yin). */
  f0: Float64Array;
  /** CMNDF at the chosen lag per frame; 1 where the difference function is zero up to that lag (silence). */
  aperiodicity: Float64Array;
}

/**
 * Cumulative mean normalised difference of one frame (librosa's
 * _cumulative_mean_normalized_difference, equation 8 of de Cheveigné & Kawahara 2002),
 * for lags minPeriod .. maxPeriod. `frame` holds frameLength samples starting at `offset`.
 * Computed directly in float64 (librosa goes through an FFT; the sums are the same):
 *   acf(tau)    = sum_{k=1}^{W} x[k] x[k+tau]              (W = winLength; librosa's sums start at 1)
 *   energy(tau) = sum_{k=tau+1}^{tau+W} x[k]^2
 *   d(tau)      = energy(0) + energy(tau) - 2 acf(tau)      (acf, energy with |v| < 1e-6 set to 0)
 *   cmndf(tau)  = d(tau) / (sum_{j=1}^{tau} d(j) / tau + tiny)
 * Returns the CMNDF values and the first lag >= 1 with d != 0 (maxPeriod + 1 if none).
 */
export function cmndfFrame(frame: ArrayLike<number>, offset: number, o: ResolvedYin): { cmndf: Float64Array; firstActive: number } {
  const W = o.winLength;
  const d = new Float64Array(o.maxPeriod + 1);
  const x = (k: number): number => frame[offset + k]!;
  // inclusive running sums of x^2, as librosa's np.cumsum: energy(tau) = cs[tau + W] - cs[tau]
  const cs = new Float64Array(o.maxPeriod + W + 1);
  let run = 0;
  for (let k = 0; k < cs.length; k++) cs[k] = run += x(k) * x(k);
  const energy = (tau: number): number => {
    const e = cs[tau + W]! - cs[tau]!;
    return Math.abs(e) < FLOOR ? 0 : e;
  };
  const e0 = energy(0);
  for (let tau = 0; tau <= o.maxPeriod; tau++) {
    let acf = 0;
    for (let k = 1; k <= W; k++) acf += x(k) * x(k + tau);
    if (Math.abs(acf) < FLOOR) acf = 0;
    d[tau] = e0 + energy(tau) - 2 * acf;
  }
  const lags = o.maxPeriod - o.minPeriod + 1;
  const cmndf = new Float64Array(lags);
  let cum = 0;
  let firstActive = o.maxPeriod + 1;
  for (let tau = 1; tau <= o.maxPeriod; tau++) {
    cum += d[tau]!;
    if (d[tau] !== 0 && firstActive > o.maxPeriod) firstActive = tau;
    if (tau >= o.minPeriod) cmndf[tau - o.minPeriod] = d[tau]! / (cum / tau + TINY64);
  }
  return { cmndf, firstActive };
}

/** librosa's _parabolic_interpolation at one index: 0 at the ends or when the vertex is more than a bin away. */
export function parabolicShift(x: ArrayLike<number>, i: number): number {
  if (i <= 0 || i >= x.length - 1) return 0;
  const a = x[i + 1]! + x[i - 1]! - 2 * x[i]!;
  const b = (x[i + 1]! - x[i - 1]!) / 2;
  if (Math.abs(b) >= Math.abs(a)) return 0;
  return -b / a;
}

/**
 * The lag index YIN picks in one CMNDF frame: the first local minimum (x[i] < x[i-1] and
 * x[i] <= x[i+1]; index 0 if x[0] < x[1]; the last index if x[L-1] < x[L-2]) that is below
 * the threshold, else the global minimum (first occurrence).
 */
export function yinPick(x: ArrayLike<number>, threshold: number): number {
  const L = x.length;
  for (let i = 0; i < L; i++) {
    const trough = i === 0 ? x[0]! < x[1]! : i === L - 1 ? x[i]! < x[i - 1]! : x[i]! < x[i - 1]! && x[i]! <= x[i + 1]!;
    if (trough && x[i]! < threshold) return i;
  }
  let best = 0;
  for (let i = 1; i < L; i++) if (x[i]! < x[best]!) best = i;
  return best;
}

/** Frames of y as librosa.yin sees them: zero padding of frameLength / 2 on both sides when centred. */
export function yinFramesSource(y: Real, o: ResolvedYin): Float64Array {
  return o.center ? padBothSides(y, o.frameLength >> 1, 'constant') : Float64Array.from(y);
}

/** F0 (librosa.yin) and the aperiodicity at the chosen lag, per frame, float64. */
export function yinTrack(y: Real, opts: YinOptions): YinTrack {
  assertSignal(y);
  const o = resolveYinOptions(y, opts);
  const padded = yinFramesSource(y, o);
  const f0 = new Float64Array(o.frames);
  const aperiodicity = new Float64Array(o.frames);
  for (let t = 0; t < o.frames; t++) {
    const { cmndf, firstActive } = cmndfFrame(padded, t * o.hopLength, o);
    const i = yinPick(cmndf, o.troughThreshold);
    f0[t] = o.sr / (o.minPeriod + i + parabolicShift(cmndf, i));
    // d = 0 up to the picked lag: silence (or under the 1e-6 floors), not a perfect period
    aperiodicity[t] = firstActive > o.minPeriod + i ? 1 : cmndf[i]!;
  }
  return { f0, aperiodicity };
}

/**
 * librosa.yin(y, fmin, fmax, sr, frame_length, win_length, hop_length, trough_threshold, center,
 * pad_mode='constant'): F0 in Hz per frame, shape [frames] with frames = 1 + floor(n / hop)
 * when centred. Unvoiced frames get whatever lag wins (librosa does not mark them); use
 * {@link yinAperiodicity} as the voicing measure.
 */
export function yin(y: Real, opts: YinOptions): Float64Array {
  return yinTrack(y, opts).f0;
}

/**
 * Aperiodicity per frame: the cumulative mean normalised difference at the lag yin() picks
 * (de Cheveigné & Kawahara's aperiodicity measure). About 0 for a clean periodic frame, below
 * troughThreshold when the trough passed the threshold, around 1 (up to ~2) for noise.
 * Frames whose difference function is zero at every lag up to the picked one (digital
 * silence, or a level under librosa's 1e-6 energy floor, where the CMNDF is 0 / tiny = 0)
 * get 1, not 0. 1 - aperiodicity is a simple voicing score.
 */
export function yinAperiodicity(y: Real, opts: YinOptions): Float64Array {
  return yinTrack(y, opts).aperiodicity;
}
