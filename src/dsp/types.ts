/**
 * Shapes and options shared by the WASM kernels and the pure-JS reference.
 * Both backends implement {@link DspBackend}, so tests and benchmarks can run
 * the same calls against either one.
 *
 * Layout follows librosa: a spectrogram is [nBins, nFrames] and an MFCC matrix
 * is [nMfcc, nFrames], stored row-major (bin/coefficient-major) in `data`.
 */

export type Real = Float32Array | Float64Array;

/** A row-major 2-D array: element (r, c) lives at data[r * cols + c]. */
export interface Matrix<T extends Real = Real> {
  data: T;
  rows: number;
  cols: number;
}

/** Complex STFT, real and imaginary parts as two row-major [nBins, nFrames] matrices. */
export interface ComplexMatrix<T extends Real = Real> {
  re: T;
  im: T;
  rows: number;
  cols: number;
}

export type PadMode = 'constant' | 'reflect';

/** librosa.stft defaults (librosa >= 0.10: pad_mode='constant'). */
export interface StftOptions {
  nFft?: number; // 2048
  hopLength?: number; // nFft / 4
  center?: boolean; // true
  padMode?: PadMode; // 'constant'
}

/** librosa.filters.mel defaults: Slaney scale, Slaney area normalisation. */
export interface MelOptions {
  sr?: number; // 22050
  nFft?: number; // 2048
  nMels?: number; // 128
  fmin?: number; // 0
  fmax?: number; // sr / 2
  htk?: boolean; // false (Slaney scale)
  norm?: 'slaney' | null; // 'slaney'
}

export interface MelSpectrogramOptions extends StftOptions, MelOptions {
  power?: number; // 2
}

/** librosa.power_to_db defaults; top_db is applied against the max of the whole input. */
export interface PowerToDbOptions {
  ref?: number; // 1
  amin?: number; // 1e-10
  topDb?: number | null; // 80
}

export interface MfccOptions extends MelSpectrogramOptions, PowerToDbOptions {
  nMfcc?: number; // 20
  lifter?: number; // 0 (off)
}

/** librosa.feature.zero_crossing_rate / rms framing. */
export interface FrameOptions {
  frameLength?: number; // 2048
  hopLength?: number; // 512
  center?: boolean; // true
}

/** librosa.feature.delta options (mode 'interp', axis -1: along the columns = frames). */
export interface DeltaOptions {
  /** Savitzky-Golay window length, odd >= 3 and <= the number of frames (9). */
  width?: number;
  /** Derivative order: 1 = delta, 2 = delta-delta (1). */
  order?: 1 | 2;
}

/**
 * librosa.yin options. fmin and fmax are required (librosa has no defaults either); librosa's
 * recommended range is C2..C7 (65.4 .. 2093 Hz), speech usually needs 50/60 .. 400/500 Hz.
 * Padding when centred is always zeros (librosa's default pad_mode='constant').
 */
export interface YinOptions {
  fmin: number; // Hz, > 0
  fmax: number; // Hz, fmin < fmax <= sr / 2
  sr?: number; // 22050
  frameLength?: number; // 2048
  winLength?: number; // frameLength / 2 (floor)
  hopLength?: number; // frameLength / 4 (floor)
  troughThreshold?: number; // 0.1
  center?: boolean; // true
}

/**
 * librosa.pyin options: the YIN framing (pad_mode 'constant', resolution fixed at librosa's 0.1
 * semitone, i.e. 10 pitch bins per semitone) plus the pYIN priors and HMM.
 */
export interface PyinOptions extends YinOptions {
  nThresholds?: number; // 100
  betaParameters?: readonly [number, number]; // [2, 18]
  boltzmannParameter?: number; // 2
  maxTransitionRate?: number; // 35.92 octaves per second
  switchProb?: number; // 0.01
  noTroughProb?: number; // 0.01
  /** Value of f0 on unvoiced frames (NaN); null = the decoded pitch bin's frequency anyway. */
  fillNa?: number | null;
}

/** librosa.pyin's three outputs, one value per frame each. */
export interface PyinResult<T extends Real = Real> {
  /** F0 in Hz (the Viterbi path's pitch bin), fillNa on unvoiced frames. */
  f0: T;
  /** 1 where the decoded state is voiced. */
  voicedFlag: Uint8Array;
  /** Probability that the frame is voiced (before decoding): the voiced states' observation mass. */
  voicedProb: T;
}

/** librosa.effects.trim options (ref = np.max of the frame RMS, aggregate irrelevant for mono). */
export interface TrimOptions {
  topDb?: number; // 60
  frameLength?: number; // 2048
  hopLength?: number; // 512
}

/** The non-silent part of a signal as [start, end) sample indices (both 0 when all is silent). */
export interface TrimRange {
  start: number;
  end: number;
}

/**
 * The librosa feature chain, implemented by the WASM backend (`WasmDsp`, float32) and the float64
 * JavaScript reference (`ReferenceDsp`). Signals are mono, as librosa.load returns them (float, [-1, 1]); frame counts follow
 * {@link frameCount}; matrices are [rows, frames] as librosa returns them.
 */
export interface DspBackend {
  /** 'wasm' or 'js-reference'. */
  readonly name: string;
  /**
   * librosa.stft: periodic Hann window, centred frames padded with zeros by default.
   * Returns [1 + nFft / 2, frames]; defaults nFft 2048, hopLength nFft / 4, center true, padMode 'constant'.
   */
  stft(y: Real, opts?: StftOptions): ComplexMatrix;
  /** |STFT|^power (power 1 = magnitude, 2 = power). */
  spectrogram(y: Real, opts?: StftOptions & { power?: number }): Matrix;
  /**
   * librosa.filters.mel: [nMels, 1 + nFft / 2] triangular filters; defaults sr 22050, nFft 2048,
   * nMels 128, fmin 0, fmax sr / 2, Slaney mel scale and area normalisation.
   */
  melFilterbank(opts?: MelOptions): Matrix;
  /** librosa.feature.melspectrogram: mel filterbank × |STFT|^power (power 2), [nMels, frames]. */
  melSpectrogram(y: Real, opts?: MelSpectrogramOptions): Matrix;
  /**
   * librosa.power_to_db: 10·log10(max(amin, S) / ref) in dB, floored at (max of the whole input − topDb);
   * defaults ref 1, amin 1e-10, topDb 80 (null: no floor). Same shape as `S`.
   */
  powerToDb(S: Matrix, opts?: PowerToDbOptions): Matrix;
  /**
   * librosa.feature.mfcc: DCT-II (ortho) of power_to_db(melspectrogram(y)), first nMfcc rows,
   * optional lifter; [nMfcc, frames], defaults nMfcc 20, nMels 128, sr 22050.
   */
  mfcc(y: Real, opts?: MfccOptions): Matrix;
  /**
   * librosa.feature.zero_crossing_rate: crossings / frameLength per frame (centring repeats the edge
   * samples; |x| ≤ 1e-10 counts as 0). Defaults frameLength 2048, hopLength 512, center true.
   */
  zeroCrossingRate(y: Real, opts?: FrameOptions): Real;
  /**
   * librosa.feature.rms from the signal: sqrt(mean(x²)) per frame (centring pads zeros).
   * Defaults frameLength 2048, hopLength 512, center true.
   */
  rms(y: Real, opts?: FrameOptions): Real;
  /** librosa.feature.delta(data, width, order, axis=-1, mode='interp'): same shape as data. */
  delta(data: Matrix, opts?: DeltaOptions): Matrix;
  /** librosa.yin: F0 in Hz per frame. */
  yin(y: Real, opts: YinOptions): Real;
  /** YIN's aperiodicity per frame: the CMNDF at the lag yin() picks (0 = periodic; 1 for silence). */
  yinAperiodicity(y: Real, opts: YinOptions): Real;
  /** librosa.pyin: F0, voiced flag and voiced probability per frame. */
  pyin(y: Real, opts: PyinOptions): PyinResult;
  /** librosa.effects.trim: [start, end) of the non-silent part. */
  trim(y: Real, opts?: TrimOptions): TrimRange;
}

export const DEFAULTS = {
  sr: 22050,
  nFft: 2048,
  hopLength: 512,
  nMels: 128,
  nMfcc: 20,
  amin: 1e-10,
  topDb: 80,
} as const;

/** Number of frames librosa produces: centred signals are padded by nFft/2 on both sides. */
export function frameCount(n: number, frameLength: number, hopLength: number, center: boolean): number {
  const padded = center ? n + 2 * Math.floor(frameLength / 2) : n;
  if (padded < frameLength) return 0;
  return 1 + Math.floor((padded - frameLength) / hopLength);
}
