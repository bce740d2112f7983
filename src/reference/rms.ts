import type { FrameOptions, Real } from '../dsp/types.js';
import { DEFAULTS, frameCount } from '../dsp/types.js';
import { assertFrameable, assertPositiveInt, assertSignal } from '../dsp/validate.js';
import { padBothSides } from './pad.js';

/**
 * librosa.feature.rms from a time signal: centring pads frame_length / 2 zeros on both
 * sides (pad_mode 'constant', librosa >= 0.10), then sqrt(mean(x^2)) over each frame.
 */
export function rms(y: Real, opts: FrameOptions = {}): Float64Array {
  assertSignal(y);
  const frameLength = opts.frameLength ?? DEFAULTS.nFft;
  const hopLength = opts.hopLength ?? DEFAULTS.hopLength;
  const center = opts.center ?? true;
  assertPositiveInt(frameLength, 'frameLength');
  assertPositiveInt(hopLength, 'hopLength');
  assertFrameable(y.length, frameLength, center);

  const padded = center ? padBothSides(y, frameLength >> 1, 'constant') : Float64Array.from(y);
  const frames = frameCount(y.length, frameLength, hopLength, center);
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const start = t * hopLength;
    let sum = 0;
    for (let i = start; i < start + frameLength; i++) sum += padded[i]! * padded[i]!;
    out[t] = Math.sqrt(sum / frameLength);
  }
  return out;
}
