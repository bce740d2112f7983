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

export interface DspBackend {
  readonly name: string;
  stft(y: Real, opts?: StftOptions): ComplexMatrix;
  /** |STFT|^power (power 1 = magnitude, 2 = power). */
  spectrogram(y: Real, opts?: StftOptions & { power?: number }): Matrix;
  melFilterbank(opts?: MelOptions): Matrix;
  melSpectrogram(y: Real, opts?: MelSpectrogramOptions): Matrix;
  powerToDb(S: Matrix, opts?: PowerToDbOptions): Matrix;
  mfcc(y: Real, opts?: MfccOptions): Matrix;
  zeroCrossingRate(y: Real, opts?: FrameOptions): Real;
  rms(y: Real, opts?: FrameOptions): Real;
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
