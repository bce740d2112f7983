import type { FrameOptions, Real } from '../dsp/types.js';
import { resolveFrameOptions } from '../dsp/options.js';
import { assertSignal } from '../dsp/validate.js';
import { padBothSides } from './pad.js';

/**
 * librosa.feature.rms from a time signal: centring pads frame_length / 2 zeros on both
 * sides (pad_mode 'constant', librosa >= 0.10), then sqrt(mean(x^2)) over each frame.
 */
export function rms(y: Real, opts: FrameOptions = {}): Float64Array {
  assertSignal(y);
  const { frameLength, hopLength, center, frames } = resolveFrameOptions(y, opts);
  const padded = center ? padBothSides(y, frameLength >> 1, 'constant') : Float64Array.from(y);
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    let sum = 0;
    for (let i = start; i < start + frameLength; i++) sum += padded[i]! * padded[i]!;
    out[t] = Math.sqrt(sum / frameLength);
  }
  return out;
}
