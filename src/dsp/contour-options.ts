import { DspError } from './errors.js';
import { roundHalfEven } from './round-half-even.js';
import {
  DEFAULTS, frameCount, type DeltaOptions, type Matrix, type PyinOptions, type Real, type TrimOptions, type YinOptions,
} from './types.js';
import { assertFinite, assertFrameable, assertMatrix, assertPositive, assertPositiveInt } from './validate.js';

// Option resolution for delta, yin and trim, shared by the WASM backend and the JS reference
// (same librosa defaults, same checks, same DspError messages on both).

export interface ResolvedDelta {
  width: number;
  order: 1 | 2;
}

/**
 * librosa.feature.delta checks: width odd >= 3 and (mode 'interp') width <= frames; order 1 or 2
 * (librosa accepts any positive order; Savitzky-Golay with polyorder = order, here 1 or 2).
 */
export function resolveDeltaOptions(data: Matrix, opts: DeltaOptions): ResolvedDelta {
  assertMatrix(data, 'delta input');
  const width = opts.width ?? 9;
  const order = opts.order ?? 1;
  if (!Number.isInteger(width) || width < 3 || width % 2 !== 1) throw new DspError(`width must be an odd integer >= 3, got ${width}`);
  if (order !== 1 && order !== 2) throw new DspError(`order must be 1 or 2, got ${String(order)}`);
  if (width > data.cols) {
    throw new DspError(`width=${width} cannot exceed the number of frames (${data.cols}) in mode 'interp'`);
  }
  return { width, order };
}

export interface ResolvedYin {
  sr: number;
  fmin: number;
  fmax: number;
  frameLength: number;
  winLength: number;
  hopLength: number;
  troughThreshold: number;
  center: boolean;
  /** floor(sr / fmax): the first lag of the CMNDF. */
  minPeriod: number;
  /** min(ceil(sr / fmin), frameLength - winLength - 1): the last lag. */
  maxPeriod: number;
  frames: number;
}

/** Longest YIN frame (the WASM kernel correlates with a real FFT of at most 65536 points). */
export const MAX_YIN_FRAME = 1 << 16;

/** librosa.yin defaults and its __check_yin_params, plus the usual framing checks. */
export function resolveYinOptions(y: Real, opts: YinOptions): ResolvedYin {
  if (opts === undefined || opts === null || typeof opts !== 'object') throw new DspError('yin needs options with fmin and fmax');
  const { fmin, fmax } = opts;
  if (fmin === undefined || fmax === undefined) throw new DspError('both fmin and fmax must be provided');
  const sr = opts.sr ?? DEFAULTS.sr;
  assertPositive(sr, 'sr');
  assertFinite(fmin, 'fmin');
  assertFinite(fmax, 'fmax');
  const frameLength = opts.frameLength ?? DEFAULTS.nFft;
  assertPositiveInt(frameLength, 'frameLength');
  if (frameLength > MAX_YIN_FRAME) throw new DspError(`frameLength must be at most ${MAX_YIN_FRAME} for yin, got ${frameLength}`);
  const winLength = opts.winLength ?? Math.floor(frameLength / 2);
  assertPositiveInt(winLength, 'winLength');
  const hopLength = opts.hopLength ?? Math.floor(frameLength / 4);
  assertPositiveInt(hopLength, 'hopLength');
  const troughThreshold = opts.troughThreshold ?? 0.1;
  assertPositive(troughThreshold, 'troughThreshold');
  const center = opts.center ?? true;
  if (fmax > sr / 2) throw new DspError(`fmax=${fmax} cannot exceed the Nyquist frequency ${sr / 2}`);
  if (fmin >= fmax) throw new DspError(`fmin=${fmin} must be less than fmax=${fmax}`);
  if (fmin <= 0) throw new DspError(`fmin=${fmin} must be strictly positive`);
  if (winLength >= frameLength) throw new DspError(`winLength=${winLength} must be less than frameLength=${frameLength}`);
  const minPeriod = Math.floor(sr / fmax);
  if (frameLength - winLength - 1 <= minPeriod) {
    throw new DspError(
      `fmax=${fmax} is too small for frameLength=${frameLength}, winLength=${winLength} and sr=${sr}: ` +
        `raise fmax to ${(sr / (frameLength - winLength - 1)).toFixed(3)} or frameLength to ${Math.ceil(sr / fmax) + winLength + 1}`,
    );
  }
  assertFrameable(y.length, frameLength, center);
  const maxPeriod = Math.min(Math.ceil(sr / fmin), frameLength - winLength - 1);
  return {
    sr, fmin, fmax, frameLength, winLength, hopLength, troughThreshold, center, minPeriod, maxPeriod,
    frames: frameCount(y.length, frameLength, hopLength, center),
  };
}

export interface ResolvedPyin extends ResolvedYin {
  nThresholds: number;
  betaParameters: readonly [number, number];
  boltzmannParameter: number;
  switchProb: number;
  noTroughProb: number;
  fillNa: number | null;
  /** ceil(1 / resolution) with resolution 0.1. */
  binsPerSemitone: number;
  /** floor(12 * binsPerSemitone * log2(fmax / fmin)) + 1 voiced states (as many unvoiced). */
  nPitchBins: number;
  /** round(maxTransitionRate * 12 * hop / sr) * binsPerSemitone + 1 (odd): the pitch-transition band. */
  transitionWidth: number;
}

/** Largest pYIN state count accepted (2 x pitch bins; fmin 1 Hz .. fmax 24 kHz needs ~1,750 bins). */
const MAX_PITCH_BINS = 4096;

/** librosa.pyin defaults and checks (its yin checks plus the HMM parameters). */
export function resolvePyinOptions(y: Real, opts: PyinOptions): ResolvedPyin {
  const base = resolveYinOptions(y, opts);
  const nThresholds = opts.nThresholds ?? 100;
  assertPositiveInt(nThresholds, 'nThresholds');
  if (nThresholds > 10000) throw new DspError(`nThresholds must be at most 10000, got ${nThresholds}`);
  const betaParameters = opts.betaParameters ?? ([2, 18] as const);
  if (!Array.isArray(betaParameters) || betaParameters.length !== 2) throw new DspError('betaParameters must be a pair [a, b]');
  assertPositive(betaParameters[0], 'betaParameters[0]');
  assertPositive(betaParameters[1], 'betaParameters[1]');
  const boltzmannParameter = opts.boltzmannParameter ?? 2;
  assertPositive(boltzmannParameter, 'boltzmannParameter');
  const maxTransitionRate = opts.maxTransitionRate ?? 35.92;
  assertPositive(maxTransitionRate, 'maxTransitionRate');
  const switchProb = opts.switchProb ?? 0.01;
  const noTroughProb = opts.noTroughProb ?? 0.01;
  for (const [v, name] of [[switchProb, 'switchProb'], [noTroughProb, 'noTroughProb']] as const) {
    if (!Number.isFinite(v) || v <= 0 || v >= 1) throw new DspError(`${name} must be in (0, 1), got ${v}`);
  }
  const fillNa = opts.fillNa === undefined ? NaN : opts.fillNa;
  if (fillNa !== null && typeof fillNa !== 'number') throw new DspError('fillNa must be a number (NaN allowed) or null');
  const binsPerSemitone = 10;
  const nPitchBins = Math.floor(12 * binsPerSemitone * Math.log2(base.fmax / base.fmin)) + 1;
  if (nPitchBins > MAX_PITCH_BINS) throw new DspError(`fmax / fmin spans ${nPitchBins} pitch bins; at most ${MAX_PITCH_BINS}`);
  const transitionWidth = roundHalfEven((maxTransitionRate * 12 * base.hopLength) / base.sr) * binsPerSemitone + 1;
  if (nPitchBins < 2 || transitionWidth > nPitchBins) {
    throw new DspError(
      `the pitch range fmin=${base.fmin}..fmax=${base.fmax} (${nPitchBins} bins of 0.1 semitone) is narrower than one ` +
        `pitch transition (${transitionWidth} bins): widen it or lower maxTransitionRate / hopLength`,
    );
  }
  return {
    ...base, nThresholds, betaParameters: [betaParameters[0], betaParameters[1]], boltzmannParameter, switchProb, noTroughProb,
    fillNa, binsPerSemitone, nPitchBins, transitionWidth,
  };
}

export interface ResolvedTrim {
  topDb: number;
  frameLength: number;
  hopLength: number;
}

/** librosa.effects.trim defaults: top_db 60, frame_length 2048, hop_length 512. */
export function resolveTrimOptions(opts: TrimOptions): ResolvedTrim {
  const topDb = opts.topDb ?? 60;
  assertPositive(topDb, 'topDb');
  const frameLength = opts.frameLength ?? DEFAULTS.nFft;
  const hopLength = opts.hopLength ?? DEFAULTS.hopLength;
  assertPositiveInt(frameLength, 'frameLength');
  assertPositiveInt(hopLength, 'hopLength');
  return { topDb, frameLength, hopLength };
}
