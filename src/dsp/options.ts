import { DEFAULTS, frameCount, type FrameOptions, type PowerToDbOptions, type Real } from './types.js';
import { assertFrameable, assertNonNegative, assertPositive, assertPositiveInt } from './validate.js';

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
