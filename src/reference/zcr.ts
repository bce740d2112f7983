import type { FrameOptions, Real } from '../dsp/types.js';
import { resolveFrameOptions } from '../dsp/options.js';
import { assertSignal } from '../dsp/validate.js';
import { padBothSides } from './pad.js';

/** librosa.zero_crossings threshold: |x| <= 1e-10 is treated as exactly 0. */
const ZERO_THRESHOLD = 1e-10;

/**
 * librosa.feature.zero_crossing_rate: centring repeats the edge samples (np.pad mode 'edge'),
 * values with |x| <= 1e-10 become 0 and 0 counts as positive, a crossing at position i of a
 * frame means sign(x[i]) != sign(x[i-1]) (position 0 never is one), rate = count / frame_length.
 */
export function zeroCrossingRate(y: Real, opts: FrameOptions = {}): Float64Array {
  assertSignal(y);
  const { frameLength, hopLength, center, frames } = resolveFrameOptions(y, opts);

  const padded = center ? padBothSides(y, frameLength >> 1, 'edge') : Float64Array.from(y);
  const negative = new Uint8Array(padded.length);
  for (let i = 0; i < padded.length; i++) {
    const v = Math.abs(padded[i]!) <= ZERO_THRESHOLD ? 0 : padded[i]!;
    negative[i] = v < 0 ? 1 : 0;
  }
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    let count = 0;
    for (let i = start + 1; i < start + frameLength; i++) if (negative[i] !== negative[i - 1]) count++;
    out[t] = count / frameLength;
  }
  return out;
}
