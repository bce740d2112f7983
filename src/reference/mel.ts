import type { Matrix, MelOptions, MelSpectrogramOptions, Real } from '../dsp/types.js';
import { DspError } from '../dsp/errors.js';
import { resolveMelOptions } from '../dsp/options.js';
import { spectrogram } from './stft.js';

// Mel scales as in librosa.hz_to_mel / mel_to_hz.
// Slaney (Auditory Toolbox): linear below 1 kHz at 200/3 Hz per mel, logarithmic above
// with 27 mels per factor 6.4. HTK: 2595 log10(1 + f / 700).
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOG_STEP = Math.log(6.4) / 27;

export function hzToMel(f: number, htk = false): number {
  if (htk) return 2595 * Math.log10(1 + f / 700);
  return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOG_STEP : f / F_SP;
}

export function melToHz(m: number, htk = false): number {
  if (htk) return 700 * (Math.pow(10, m / 2595) - 1);
  return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (m - MIN_LOG_MEL)) : F_SP * m;
}

/** n frequencies evenly spaced on the mel scale from fmin to fmax (librosa.mel_frequencies). */
export function melFrequencies(n: number, fmin: number, fmax: number, htk = false): Float64Array {
  const lo = hzToMel(fmin, htk);
  const hi = hzToMel(fmax, htk);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = melToHz(n === 1 ? lo : lo + ((hi - lo) * i) / (n - 1), htk);
  return out;
}

/** Centre frequency of each rfft bin: linspace(0, sr/2, 1 + n_fft/2) (librosa.fft_frequencies). */
export function fftFrequencies(sr: number, nFft: number): Float64Array {
  const bins = (nFft >> 1) + 1;
  const out = new Float64Array(bins);
  for (let k = 0; k < bins; k++) out[k] = (k * sr) / nFft;
  return out;
}

// Option resolution lives in src/dsp/options.ts (shared with the WASM backend); re-exported for existing imports.
export { resolveMelOptions, type ResolvedMelOptions } from '../dsp/options.js';

/**
 * Mel filterbank [n_mels, 1 + n_fft/2] as librosa.filters.mel: triangles whose corners are
 * n_mels + 2 mel-spaced frequencies, evaluated at the rfft bin frequencies; with Slaney
 * normalisation each triangle is scaled by 2 / (upper - lower edge in Hz) (constant area).
 */
export function melFilterbank(opts: MelOptions = {}): Matrix<Float64Array> {
  const { sr, nFft, nMels, fmin, fmax, htk, norm } = resolveMelOptions(opts);
  const fftFreqs = fftFrequencies(sr, nFft);
  const edges = melFrequencies(nMels + 2, fmin, fmax, htk);
  const bins = fftFreqs.length;
  const data = new Float64Array(nMels * bins);
  for (let m = 0; m < nMels; m++) {
    const left = edges[m]!;
    const centre = edges[m + 1]!;
    const right = edges[m + 2]!;
    const scale = norm === 'slaney' ? 2 / (right - left) : 1;
    for (let k = 0; k < bins; k++) {
      const f = fftFreqs[k]!;
      const rising = (f - left) / (centre - left);
      const falling = (right - f) / (right - centre);
      data[m * bins + k] = Math.max(0, Math.min(rising, falling)) * scale;
    }
  }
  return { data, rows: nMels, cols: bins };
}

/**
 * Indices of the empty filters of a mel filterbank, by librosa.filters.mel's rule: a band whose
 * lower edge is above 0 Hz but that covers no FFT bin (too many mels for the FFT size and rate).
 * librosa warns about them; so does the CLI ({@link EMPTY_MEL_FILTERS_WARNING}).
 */
export function emptyMelFilters(opts: MelOptions = {}): number[] {
  const fb = melFilterbank(opts);
  const r = resolveMelOptions(opts);
  const edges = melFrequencies(r.nMels + 2, r.fmin, r.fmax, r.htk);
  const empty: number[] = [];
  for (let m = 0; m < fb.rows; m++) {
    let max = 0;
    for (let k = 0; k < fb.cols; k++) max = Math.max(max, fb.data[m * fb.cols + k]!);
    if (edges[m] !== 0 && !(max > 0)) empty.push(m);
  }
  return empty;
}

/** librosa's wording for {@link emptyMelFilters}. */
export const EMPTY_MEL_FILTERS_WARNING =
  'Empty filters detected in mel frequency basis. Some channels will produce empty responses. Try increasing your sampling rate (and fmax) or reducing n_mels.';

/** Plain matrix product A [m, k] x B [k, n]. */
export function matmul(A: Matrix, B: Matrix): Matrix<Float64Array> {
  if (A.cols !== B.rows) throw new DspError(`matmul: inner sizes differ (${A.cols} vs ${B.rows})`);
  const out = new Float64Array(A.rows * B.cols);
  for (let i = 0; i < A.rows; i++) {
    for (let k = 0; k < A.cols; k++) {
      const a = A.data[i * A.cols + k]!;
      if (a === 0) continue; // mel filters are mostly zeros
      const bRow = k * B.cols;
      const oRow = i * B.cols;
      for (let j = 0; j < B.cols; j++) out[oRow + j]! += a * B.data[bRow + j]!;
    }
  }
  return { data: out, rows: A.rows, cols: B.cols };
}

/** librosa.feature.melspectrogram: mel filterbank applied to |STFT|^power (power 2 by default). */
export function melSpectrogram(y: Real, opts: MelSpectrogramOptions = {}): Matrix<Float64Array> {
  const fb = melFilterbank(opts);
  const S = spectrogram(y, { ...opts, power: opts.power ?? 2 });
  return matmul(fb, S);
}
