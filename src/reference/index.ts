/**
 * The pure-JS float64 reference DSP ('js-reference'): plain, readable implementations of the
 * librosa 0.10 feature chain. It is the yardstick the WASM backend is tested and benchmarked
 * against, not a fast path.
 */
import type {
  ComplexMatrix, DeltaOptions, DspBackend, FrameOptions, Matrix, MelOptions, MelSpectrogramOptions, MfccOptions,
  PowerToDbOptions, PyinOptions, PyinResult, Real, StftOptions, TrimOptions, TrimRange, YinOptions,
} from '../dsp/types.js';
import { pyin } from './pyin.js';
import { delta } from './delta.js';
import { trim } from './trim.js';
import { yin, yinAperiodicity, yinTrack, type YinTrack } from './yin.js';
import { melFilterbank, melSpectrogram } from './mel.js';
import { mfcc } from './mfcc.js';
import { powerToDb } from './power-to-db.js';
import { rms } from './rms.js';
import { spectrogram, stft } from './stft.js';
import { zeroCrossingRate } from './zcr.js';

export class ReferenceDsp implements DspBackend {
  readonly name = 'js-reference';

  stft(y: Real, opts?: StftOptions): ComplexMatrix<Float64Array> {
    return stft(y, opts);
  }

  spectrogram(y: Real, opts?: StftOptions & { power?: number }): Matrix<Float64Array> {
    return spectrogram(y, opts);
  }

  melFilterbank(opts?: MelOptions): Matrix<Float64Array> {
    return melFilterbank(opts);
  }

  melSpectrogram(y: Real, opts?: MelSpectrogramOptions): Matrix<Float64Array> {
    return melSpectrogram(y, opts);
  }

  powerToDb(S: Matrix, opts?: PowerToDbOptions): Matrix<Float64Array> {
    return powerToDb(S, opts);
  }

  mfcc(y: Real, opts?: MfccOptions): Matrix<Float64Array> {
    return mfcc(y, opts);
  }

  zeroCrossingRate(y: Real, opts?: FrameOptions): Float64Array {
    return zeroCrossingRate(y, opts);
  }

  rms(y: Real, opts?: FrameOptions): Float64Array {
    return rms(y, opts);
  }

  /** librosa.feature.delta (width 9, order 1, mode 'interp'): [features, frames] -> same shape. */
  delta(data: Matrix, opts?: DeltaOptions): Matrix<Float64Array> {
    return delta(data, opts);
  }

  /** librosa.yin: F0 in Hz per frame (fmin, fmax required). */
  yin(y: Real, opts: YinOptions): Float64Array {
    return yin(y, opts);
  }

  /** CMNDF at the lag yin() picks, per frame (1 for digital silence). */
  yinAperiodicity(y: Real, opts: YinOptions): Float64Array {
    return yinAperiodicity(y, opts);
  }

  /** yin() and yinAperiodicity() from one pass. */
  yinTrack(y: Real, opts: YinOptions): YinTrack {
    return yinTrack(y, opts);
  }

  /** librosa.pyin: f0 (NaN unvoiced), voiced flag, voiced probability per frame (dense Viterbi, float64). */
  pyin(y: Real, opts: PyinOptions): PyinResult<Float64Array> {
    return pyin(y, opts);
  }

  /** librosa.effects.trim (top_db 60, ref max RMS, frame 2048, hop 512): [start, end) samples. */
  trim(y: Real, opts?: TrimOptions): TrimRange {
    return trim(y, opts);
  }
}

/** The float64 JavaScript reference backend (synchronous, no WASM): the yardstick, not a fast path. */
export function createReferenceDsp(): ReferenceDsp {
  return new ReferenceDsp();
}

export { fftInPlace, rfft } from './fft.js';
export { hannPeriodic } from './window.js';
export { padBothSides, type PadKind } from './pad.js';
export { resolveStftOptions } from './stft.js';
export { hzToMel, melToHz, melFrequencies, fftFrequencies, resolveMelOptions } from './mel.js';
export { dctIIOrtho } from './dct.js';
export { delta, polyfitDerivativeWeights } from './delta.js';
export { yin, yinAperiodicity, yinTrack, type YinTrack } from './yin.js';
export { trim, trimFromRms } from './trim.js';
export { pyin } from './pyin.js';
