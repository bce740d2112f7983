import { DspError } from './errors.js';
import { DEFAULTS, frameCount, type FrameOptions, type MelOptions, type PadMode, type PowerToDbOptions, type Real, type StftOptions } from './types.js';
import {
  assertFrameable, assertMelRange, assertNonNegative, assertPadMode, assertPositive, assertPositiveInt, assertPowerOfTwo,
} from './validate.js';

// Option resolution shared by the WASM backend and the JS reference, so both
// apply the same librosa defaults and reject the same values with the same words.

export interface ResolvedFrames {
  frameLength: number;
  hopLength: number;
  center: boolean;
  frames: number;
}

/** librosa.feature.zero_crossing_rate / rms framing (frame_length 2048, hop 512, centred). */
export function resolveFrameOptions(y: Real, opts: FrameOptions): ResolvedFrames {
  const frameLength = opts.frameLength ?? DEFAULTS.nFft;
  const hopLength = opts.hopLength ?? DEFAULTS.hopLength;
  const center = opts.center ?? true;
  assertPositiveInt(frameLength, 'frameLength');
  assertPositiveInt(hopLength, 'hopLength');
  assertFrameable(y.length, frameLength, center);
  return { frameLength, hopLength, center, frames: frameCount(y.length, frameLength, hopLength, center) };
}

export interface ResolvedDb {
  amin: number;
  /** |ref|, as librosa takes the magnitude of a scalar reference. */
  ref: number;
  topDb: number | null;
}

/** librosa.power_to_db defaults: ref 1, amin 1e-10, top_db 80 (null disables the floor). */
export function resolveDbOptions(opts: PowerToDbOptions): ResolvedDb {
  const amin = opts.amin ?? DEFAULTS.amin;
  assertPositive(amin, 'amin');
  const ref = Math.abs(opts.ref ?? 1);
  assertPositive(ref, 'ref');
  const topDb = opts.topDb === undefined ? DEFAULTS.topDb : opts.topDb;
  if (topDb !== null) assertNonNegative(topDb, 'topDb');
  return { amin, ref, topDb };
}

export interface ResolvedStftOptions {
  nFft: number;
  hopLength: number;
  center: boolean;
  padMode: PadMode;
}

/** librosa.stft defaults: n_fft 2048, hop n_fft // 4, center=True, pad_mode 'constant'. */
export function resolveStftOptions(opts: StftOptions = {}): ResolvedStftOptions {
  const nFft = opts.nFft ?? DEFAULTS.nFft;
  assertPowerOfTwo(nFft, 'nFft');
  const hopLength = opts.hopLength ?? Math.floor(nFft / 4);
  assertPositiveInt(hopLength, 'hopLength');
  const padMode = opts.padMode ?? 'constant';
  assertPadMode(padMode);
  return { nFft, hopLength, center: opts.center ?? true, padMode };
}

/** A validated STFT of a signal: the resolved options and the output shape [bins, frames]. */
export interface StftPlan extends ResolvedStftOptions {
  frames: number;
  bins: number;
  /** Samples of padding before y[0]: nFft / 2 when centred, else 0. */
  padLeft: number;
}

/**
 * The STFT of n samples with these options (librosa.stft): options resolved, the signal checked
 * to hold a frame, and the frame and bin counts; the one place both backends work them out.
 */
export function planStft(n: number, opts: StftOptions = {}): StftPlan {
  const o = resolveStftOptions(opts);
  assertFrameable(n, o.nFft, o.center);
  return { ...o, frames: frameCount(n, o.nFft, o.hopLength, o.center), bins: (o.nFft >> 1) + 1, padLeft: o.center ? o.nFft >> 1 : 0 };
}

export interface ResolvedMelOptions {
  sr: number;
  nFft: number;
  nMels: number;
  fmin: number;
  fmax: number;
  htk: boolean;
  norm: 'slaney' | null;
}

/** librosa.filters.mel defaults: sr 22050, n_fft 2048, 128 mels, fmin 0, fmax sr/2, Slaney scale and norm. */
export function resolveMelOptions(opts: MelOptions = {}): ResolvedMelOptions {
  const sr = opts.sr ?? DEFAULTS.sr;
  assertPositive(sr, 'sr');
  const nFft = opts.nFft ?? DEFAULTS.nFft;
  assertPowerOfTwo(nFft, 'nFft');
  const nMels = opts.nMels ?? DEFAULTS.nMels;
  assertPositiveInt(nMels, 'nMels');
  const fmin = opts.fmin ?? 0;
  const fmax = opts.fmax ?? sr / 2;
  assertMelRange(fmin, fmax);
  const norm = opts.norm === undefined ? 'slaney' : opts.norm;
  if (norm !== 'slaney' && norm !== null) throw new DspError(`norm must be 'slaney' or null, got '${String(norm)}'`);
  return { sr, nFft, nMels, fmin, fmax, htk: opts.htk ?? false, norm };
}
