import type { Real, TrimOptions, TrimRange } from '../dsp/types.js';
import { resolveTrimOptions } from '../dsp/contour-options.js';
import { assertSignal } from '../dsp/validate.js';
import { rms } from './rms.js';

/** librosa.amplitude_to_db's amin (1e-5), as power: amin^2. */
const AMIN_POWER = 1e-10;

/**
 * librosa.effects.trim(y, top_db, ref=np.max, frame_length, hop_length):
 *  1. rms per frame (centred, zero padding: librosa.feature.rms);
 *  2. dB against the loudest frame: 10 log10(max(1e-10, rms^2)) - 10 log10(max(1e-10, max(rms)^2))
 *     (amplitude_to_db with amin 1e-5, top_db None);
 *  3. frames with dB > -top_db are non-silent; start = first such frame * hop,
 *     end = min(n, (last such frame + 1) * hop); [0, 0) when there is none.
 * A signal of constant RMS (including all zeros) is not trimmed: every frame is at 0 dB.
 */
export function trim(y: Real, opts: TrimOptions = {}): TrimRange {
  assertSignal(y);
  const { topDb, frameLength, hopLength } = resolveTrimOptions(opts);
  const r = rms(y, { frameLength, hopLength, center: true });
  return trimFromRms(r, y.length, topDb, hopLength);
}

/** Step 2 and 3 of {@link trim} on a ready RMS contour. */
export function trimFromRms(r: ArrayLike<number>, n: number, topDb: number, hopLength: number): TrimRange {
  let peak = 0;
  for (let t = 0; t < r.length; t++) peak = Math.max(peak, Math.abs(r[t]!));
  const refDb = 10 * Math.log10(Math.max(AMIN_POWER, peak * peak));
  let first = -1;
  let last = -1;
  for (let t = 0; t < r.length; t++) {
    const db = 10 * Math.log10(Math.max(AMIN_POWER, r[t]! * r[t]!)) - refDb;
    if (db > -topDb) {
      if (first < 0) first = t;
      last = t;
    }
  }
  if (first < 0) return { start: 0, end: 0 };
  return { start: first * hopLength, end: Math.min(n, (last + 1) * hopLength) };
}
