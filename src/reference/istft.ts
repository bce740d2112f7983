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
import { DspError } from '../dsp/errors.js';
import type { ComplexMatrix } from '../dsp/types.js';
import { assertPositiveInt, assertPowerOfTwo } from '../dsp/validate.js';
import { fftInPlace } from './fft.js';
import { hannPeriodic } from './window.js';

export interface IstftOptions {
  /** FFT size; default 2 * (rows - 1), as librosa infers it. */
  nFft?: number;
  /** Hop between frames; default nFft / 4. */
  hopLength?: number;
  /** The STFT was computed with center=True (n_fft/2 padding on both sides); default true. */
  center?: boolean;
  /** Exact output length (librosa's `length`); default: everything the frames cover. */
  length?: number;
}

/** Smallest positive normal float32: librosa.util.tiny for the float32 output librosa produces. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

export interface IstftGeometry {
  nFft: number;
  hopLength: number;
  center: boolean;
  /** Frames actually used (librosa skips frames that cannot reach the requested length). */
  nFrames: number;
  /** Output length in samples. */
  length: number;
  /** Output sample i comes from overlap-add position i + offset (n_fft/2 when centred). */
  offset: number;
}

/** Validates an ISTFT request and works out its geometry (shared by the WASM binding). */
export function istftGeometry(rows: number, cols: number, opts: IstftOptions = {}): IstftGeometry {
  if (!Number.isInteger(rows) || rows < 2) throw new DspError(`istft: the STFT needs at least 2 frequency bins, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 1) throw new DspError(`istft: the STFT has no frames`);
  const nFft = opts.nFft ?? 2 * (rows - 1);
  assertPowerOfTwo(nFft, 'istft: nFft', 4);
  if (rows !== (nFft >> 1) + 1) throw new DspError(`istft: an STFT with nFft ${nFft} has ${(nFft >> 1) + 1} bins, got ${rows}`);
  const hopLength = opts.hopLength ?? Math.floor(nFft / 4);
  assertPositiveInt(hopLength, 'istft: hopLength');
  if (hopLength > nFft) throw new DspError(`istft: hopLength (${hopLength}) must not exceed nFft (${nFft})`);
  const center = opts.center ?? true;
  const offset = center ? nFft >> 1 : 0;
  let nFrames = cols;
  let length: number;
  if (opts.length !== undefined) {
    assertPositiveInt(opts.length, 'istft: length');
    length = opts.length;
    nFrames = Math.min(cols, Math.ceil((length + 2 * offset) / hopLength));
  } else {
    length = nFft + hopLength * (cols - 1) - 2 * offset;
    if (length <= 0) throw new DspError(`istft: ${cols} frame(s) of ${nFft} with center=true give no samples`);
  }
  return { nFft, hopLength, center, nFrames, length, offset };
}

/** Shape and finiteness check for a complex [bins, frames] matrix (shared with the WASM binding). */
export function assertComplexMatrix(D: ComplexMatrix, what: string): void {
  const n = D.rows * D.cols;
  if (D.re.length !== n || D.im.length !== n) {
    throw new DspError(`${what}: re/im hold ${D.re.length}/${D.im.length} values, expected rows*cols = ${n}`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(D.re[i]!) || !Number.isFinite(D.im[i]!)) {
      throw new DspError(`${what}: non-finite value at bin ${Math.floor(i / D.cols)}, frame ${i % D.cols}`);
    }
  }
}

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
      y[j] += (w * re[i]!) / nFft;
      envelope[j] += w * w;
    }
  }
  for (let j = 0; j < length; j++) {
    if (envelope[j]! > FLOAT32_TINY) y[j] /= envelope[j]!;
  }
  return y;
}
