/**
 * Inverse STFT in float64, the yardstick for the WASM kernel in assembly/istft.ts.
 *
 * Semantics of librosa.istft (0.10.2) with a periodic Hann window, win_length = n_fft:
 *   1. each column is inverted with irfft(n = n_fft) (the imaginary parts of the DC and
 *      Nyquist bins are ignored, as numpy.fft.irfft does) and multiplied by the window;
 *   2. frames are overlap-added at hop_length spacing;
 *   3. the sum is divided by the window-sum-square envelope (librosa.filters.window_sumsquare:
 *      the overlap-add of window²) wherever that envelope exceeds the float32 `tiny`;
 *   4. with center=True the first n_fft/2 samples are dropped; with `length` the result is
 *      cut or zero-padded to exactly that many samples (librosa.util.fix_length), and only the
 *      frames that can reach those samples are used.
 */
import type { ComplexMatrix } from '../dsp/types.js';
import { FLOAT32_TINY, assertComplexMatrix, istftGeometry, type IstftOptions } from '../dsp/istft-geometry.js';
import { fftInPlace } from './fft.js';
import { hannPeriodic } from './window.js';

// Request geometry and input checks are shared with the WASM binding: src/dsp/istft-geometry.ts.
export { assertComplexMatrix, FLOAT32_TINY, istftGeometry, type IstftGeometry, type IstftOptions } from '../dsp/istft-geometry.js';

/** librosa.istft for a [bins, frames] row-major complex matrix, float64 throughout. */
export function istftReference(D: ComplexMatrix, opts: IstftOptions = {}): Float64Array {
  assertComplexMatrix(D, 'istft');
  const g = istftGeometry(D.rows, D.cols, opts);
  const { nFft, hopLength, nFrames, length, offset } = g;
  const bins = D.rows;
  const window = hannPeriodic(nFft);
  const y = new Float64Array(length);
  const envelope = new Float64Array(length);
  const re = new Float64Array(nFft);
  const im = new Float64Array(nFft);

  for (let t = 0; t < nFrames; t++) {
    // irfft through a forward complex FFT: ifft(X) = conj(fft(conj(X))) / N, with the
    // Hermitian-symmetric full spectrum rebuilt from the half spectrum.
    for (let k = 0; k < bins; k++) {
      re[k] = D.re[k * D.cols + t]!;
      im[k] = -D.im[k * D.cols + t]!;
    }
    im[0] = 0;
    im[bins - 1] = 0;
    for (let k = 1; k < bins - 1; k++) {
      re[nFft - k] = re[k]!;
      im[nFft - k] = -im[k]!;
    }
    fftInPlace(re, im);
    const start = t * hopLength - offset;
    for (let i = 0; i < nFft; i++) {
      const j = start + i;
      if (j < 0 || j >= length) continue;
      const w = window[i]!;
      y[j]! += (w * re[i]!) / nFft;
      envelope[j]! += w * w;
    }
  }
  for (let j = 0; j < length; j++) {
    if (envelope[j]! > FLOAT32_TINY) y[j]! /= envelope[j]!;
  }
  return y;
}
