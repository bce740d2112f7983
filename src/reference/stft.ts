import type { ComplexMatrix, Matrix, Real, StftOptions } from '../dsp/types.js';
import { planStft } from '../dsp/options.js';
import { assertPositive, assertSignal } from '../dsp/validate.js';
import { rfft } from './fft.js';
import { padBothSides } from './pad.js';
import { hannPeriodic } from './window.js';

// Option resolution lives in src/dsp/options.ts (shared with the WASM backend); re-exported for existing imports.
export { resolveStftOptions, type ResolvedStftOptions } from '../dsp/options.js';

/**
 * Short-time Fourier transform, librosa.stft semantics: periodic Hann window of length
 * n_fft, frames every hop samples, centred frames (n_fft / 2 padding on both sides),
 * X[f, t] = rfft(window * frame_t)[f] with no scaling. Output [1 + n_fft/2, frames].
 */
export function stft(y: Real, opts: StftOptions = {}): ComplexMatrix<Float64Array> {
  assertSignal(y);
  const { nFft, hopLength, center, padMode, frames, bins } = planStft(y.length, opts);
  const padded = center ? padBothSides(y, nFft >> 1, padMode) : Float64Array.from(y);
  const window = hannPeriodic(nFft);
  const re = new Float64Array(bins * frames);
  const im = new Float64Array(bins * frames);
  const frame = new Float64Array(nFft);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    for (let i = 0; i < nFft; i++) frame[i] = padded[start + i]! * window[i]!;
    const X = rfft(frame);
    for (let f = 0; f < bins; f++) {
      re[f * frames + t] = X.re[f]!;
      im[f * frames + t] = X.im[f]!;
    }
  }
  return { re, im, rows: bins, cols: frames };
}

/** |STFT|^power: power 1 is the magnitude spectrogram, 2 the power spectrogram. */
export function spectrogram(y: Real, opts: StftOptions & { power?: number } = {}): Matrix<Float64Array> {
  const power = opts.power ?? 1;
  assertPositive(power, 'power');
  const X = stft(y, opts);
  const data = new Float64Array(X.re.length);
  for (let i = 0; i < data.length; i++) {
    const p = X.re[i]! * X.re[i]! + X.im[i]! * X.im[i]!;
    data[i] = power === 2 ? p : Math.pow(Math.sqrt(p), power);
  }
  return { data, rows: X.rows, cols: X.cols };
}
