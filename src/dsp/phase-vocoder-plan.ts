/**
 * What librosa's time stretch and pitch shift (librosa 0.10.2) need before any signal work, shared
 * by the float64 reference (src/reference/phase-vocoder.ts) and the WASM binding
 * (src/wasm/augment.ts) so both take the same frames, produce the same lengths and reject the same
 * input with the same DspError: the phase vocoder's options and geometry, the time-stretch STFT
 * and output length, and the pitch shift's stretch rate and resampling ratio.
 */
import { DspError } from './errors.js';
import { DEFAULTS } from './types.js';
import { roundHalfEven } from './round-half-even.js';

export type PhaseVocoderPrecision = 'float32' | 'float64';

export interface PhaseVocoderOptions {
  /** Hop of the STFT; default nFft / 4 (librosa's default, also used by time_stretch). */
  hopLength?: number;
  /** FFT size; default 2 * (rows - 1). */
  nFft?: number;
  /** Rounding of the float64 reference (src/reference/phase-vocoder.ts); default 'float32' (librosa on complex64). */
  precision?: PhaseVocoderPrecision;
}

/** More output frames than this is a mistake (a rate near zero), not a request. */
export const MAX_STRETCH_FRAMES = 1 << 20;

export interface PhaseVocoderGeometry {
  nFft: number;
  hopLength: number;
  /** Output frames: len(np.arange(0, nFrames, rate)) = ceil(nFrames / rate). */
  outFrames: number;
}

/** Validates rate and sizes and works out the output frames. */
export function phaseVocoderGeometry(rows: number, cols: number, rate: number, opts: PhaseVocoderOptions = {}): PhaseVocoderGeometry {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
    throw new DspError(`phase vocoder: rate must be a finite number > 0, got ${rate}`);
  }
  if (!Number.isInteger(rows) || rows < 2) throw new DspError(`phase vocoder: the STFT needs at least 2 frequency bins, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 1) throw new DspError('phase vocoder: the STFT has no frames');
  const nFft = opts.nFft ?? 2 * (rows - 1);
  if (!Number.isInteger(nFft) || nFft < 2) throw new DspError(`phase vocoder: nFft must be an integer >= 2, got ${nFft}`);
  const hopLength = opts.hopLength ?? Math.floor(nFft / 4);
  if (!Number.isInteger(hopLength) || hopLength <= 0) throw new DspError(`phase vocoder: hopLength must be a positive integer, got ${hopLength}`);
  const outFrames = Math.ceil(cols / rate);
  if (outFrames > MAX_STRETCH_FRAMES) {
    throw new DspError(`phase vocoder: rate ${rate} on ${cols} frames would produce ${outFrames} frames (limit ${MAX_STRETCH_FRAMES})`);
  }
  return { nFft, hopLength, outFrames };
}

/**
 * librosa.effects.time_stretch's STFT: librosa.stft's defaults (n_fft 2048, hop n_fft / 4,
 * centred, zero padding), and the phase vocoder and inverse STFT run at the same hop.
 */
export const TIME_STRETCH_N_FFT = DEFAULTS.nFft;
export const TIME_STRETCH_HOP = DEFAULTS.hopLength;

/** Output length of librosa.effects.time_stretch: int(round(len / rate)), Python's round (half to even). */
export function stretchedLength(n: number, rate: number): number {
  return roundHalfEven(n / rate);
}

/** Time-stretch parameters shared by both backends: validates and returns the output length. */
export function assertStretch(n: number, rate: number): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
    throw new DspError(`time stretch: rate must be a finite number > 0, got ${rate}`);
  }
  const length = stretchedLength(n, rate);
  if (length < 1) throw new DspError(`time stretch: rate ${rate} on ${n} samples leaves no samples`);
  return length;
}

export interface PitchShiftPlan {
  /** Time-stretch rate 2^(-nSteps / binsPerOctave). */
  rate: number;
  /**
   * Resampling ratio of the second stage: librosa resamples from orig_sr = sr / rate (not an
   * integer) to sr, i.e. by sr / orig_sr computed in float64, which is what this holds.
   */
  ratio: number;
  /** librosa.resample's output length for the stretched clip: ceil(n_st * (sr / (sr / rate))). */
  resampledLength: number;
  /** Length of the stretched clip. */
  stretchedLength: number;
}

/** Validates a pitch-shift request and derives the stretch rate and resampling rates. */
export function planPitchShift(n: number, sr: number, nSteps: number, binsPerOctave = 12): PitchShiftPlan {
  if (!Number.isSafeInteger(sr) || sr <= 0) throw new DspError(`pitch shift: sr must be a positive integer sample rate, got ${sr}`);
  if (typeof nSteps !== 'number' || !Number.isFinite(nSteps)) throw new DspError(`pitch shift: nSteps must be a finite number, got ${nSteps}`);
  if (!Number.isInteger(binsPerOctave) || binsPerOctave <= 0) {
    throw new DspError(`pitch shift: binsPerOctave must be a positive integer, got ${binsPerOctave}`);
  }
  if (Math.abs(nSteps / binsPerOctave) > 4) {
    throw new DspError(`pitch shift: ${nSteps} steps of 1/${binsPerOctave} octave is beyond ±4 octaves`);
  }
  const rate = 2 ** (-nSteps / binsPerOctave);
  const stretched = assertStretch(n, rate);
  const origSr = sr / rate;
  return {
    rate,
    ratio: sr / origSr,
    resampledLength: Math.ceil(stretched * (sr / origSr)),
    stretchedLength: stretched,
  };
}
