/**
 * A time-frequency recipe for models that convolve over time: the whole
 * utterance (silence trimmed) as a fixed number of frames, each frame a group
 * of channels, stored frame-major:
 *
 *   row = [frame 0: logmel(nMels) [delta(nMels)] rms pitch voicing][frame 1: …] … [frame frames−1: …]
 *
 * Channels (in this order, each only when listed in `channels`):
 *  - 'logmel'  : librosa.power_to_db(melspectrogram(power 2), ref=1, top_db=None), nMels values
 *  - 'delta'   : librosa.feature.delta of that log-mel (width 9, or the largest odd width the
 *                clip allows; zeros below 3 frames), nMels values
 *  - 'rms'     : 20·log10(max(rms, 1e-5)) over frames of nFft samples, 1 value
 *  - 'pitch'   : log2(F0 / 100 Hz) from YIN (librosa.yin) over [pitch.fmin, pitch.fmax];
 *                unvoiced frames are interpolated linearly between the voiced ones around
 *                them (held at the ends), 1 value
 *  - 'voicing' : 1 − YIN aperiodicity, clipped to [0, 1] (about 1 in clean voiced frames), 1 value
 * A frame is voiced when its YIN aperiodicity is below `pitch.voicedBelow`.
 *
 * Framing: centred STFT / RMS / YIN frames of nFft samples every hopLength, so the
 * channels share one frame grid. Loading: from 0 s, at most `maxSeconds`, resampled
 * to `sr`. Trimming: librosa.effects.trim(top_db = trimTopDb, frame_length = nFft,
 * hop_length = hopLength / 2) before framing (null: no trimming).
 * Per-utterance normalisation ('mean': subtract each channel's mean over the clip's
 * real frames; 'meanvar': also divide by its standard deviation; 'voicing' is left as
 * is) removes the speaker's and the channel's stationary colouring; it uses no
 * statistics of other clips, so it cannot leak across a split. Then the clip is
 * centre-cropped or centred in zero padding to `frames` frames (after normalisation,
 * 0 is the clip's own mean).
 */
import { assertPositive, assertPositiveInt, assertPowerOfTwo } from '../dsp/validate.js';
import { DspError } from '../dsp/errors.js';

export const SEQUENCE_CHANNELS = ['logmel', 'delta', 'rms', 'pitch', 'voicing'] as const;
export type SequenceChannel = (typeof SEQUENCE_CHANNELS)[number];

export type SequenceNorm = 'off' | 'mean' | 'meanvar';
export const SEQUENCE_NORMS: readonly SequenceNorm[] = ['off', 'mean', 'meanvar'];

export interface SequenceRecipe {
  kind: 'sequence';
  sr: number;
  nFft: number;
  hopLength: number;
  nMels: number;
  /** Silence threshold in dB below the loudest frame (librosa.effects.trim's top_db); null = no trimming. */
  trimTopDb: number | null;
  /** Frames per clip after centre crop / padding. */
  frames: number;
  /** Channel groups per frame, in SEQUENCE_CHANNELS order. */
  channels: SequenceChannel[];
  pitch: { fmin: number; fmax: number; voicedBelow: number };
  utteranceNorm: SequenceNorm;
  /** Longest stretch of a file that is read (from 0 s). */
  maxSeconds: number;
  /** frames × valuesPerFrame. */
  vectorLength: number;
}

/** Values per frame for these channels and mel bands. */
export function sequenceValuesPerFrame(channels: readonly SequenceChannel[], nMels: number): number {
  return channels.reduce((n, c) => n + (c === 'logmel' || c === 'delta' ? nMels : 1), 0);
}

/** Offset of each channel group inside a frame (undefined when the channel is absent). */
export function sequenceChannelOffsets(r: Pick<SequenceRecipe, 'channels' | 'nMels'>): Partial<Record<SequenceChannel, number>> {
  const at: Partial<Record<SequenceChannel, number>> = {};
  let offset = 0;
  for (const c of SEQUENCE_CHANNELS) {
    if (!r.channels.includes(c)) continue;
    at[c] = offset;
    offset += c === 'logmel' || c === 'delta' ? r.nMels : 1;
  }
  return at;
}

const SEQUENCE_BASE: Omit<SequenceRecipe, 'vectorLength'> = {
  kind: 'sequence',
  sr: 16000,
  nFft: 1024,
  hopLength: 512,
  nMels: 64,
  trimTopDb: 40,
  frames: 96,
  channels: ['logmel', 'rms', 'pitch', 'voicing'],
  pitch: { fmin: 60, fmax: 500, voicedBelow: 0.25 },
  utteranceNorm: 'mean',
  maxSeconds: 20,
};

/** A validated sequence recipe: the defaults above overridden by `overrides`. */
export function makeSequenceRecipe(overrides: Partial<Omit<SequenceRecipe, 'kind' | 'vectorLength'>> = {}): SequenceRecipe {
  const r = { ...SEQUENCE_BASE, ...overrides, pitch: { ...SEQUENCE_BASE.pitch, ...overrides.pitch } };
  assertPositiveInt(r.sr, 'sr');
  assertPowerOfTwo(r.nFft, 'nFft');
  assertPositiveInt(r.hopLength, 'hopLength');
  if (r.hopLength < 2) throw new DspError(`hopLength must be ≥ 2 (trimming uses hopLength / 2), got ${r.hopLength}`);
  assertPositiveInt(r.nMels, 'nMels');
  assertPositiveInt(r.frames, 'frames');
  assertPositive(r.maxSeconds, 'maxSeconds');
  if (r.trimTopDb !== null) assertPositive(r.trimTopDb, 'trimTopDb');
  if (!SEQUENCE_NORMS.includes(r.utteranceNorm)) throw new DspError(`utteranceNorm must be one of ${SEQUENCE_NORMS.join(', ')}, got '${String(r.utteranceNorm)}'`);
  if (!Array.isArray(r.channels) || r.channels.length === 0) throw new DspError('channels must list at least one of ' + SEQUENCE_CHANNELS.join(', '));
  for (const c of r.channels) if (!SEQUENCE_CHANNELS.includes(c)) throw new DspError(`unknown channel '${String(c)}' (expected ${SEQUENCE_CHANNELS.join(', ')})`);
  const channels = SEQUENCE_CHANNELS.filter((c) => r.channels.includes(c));
  const p = r.pitch;
  if (!(p.fmin > 0 && p.fmin < p.fmax && p.fmax <= r.sr / 2)) throw new DspError(`pitch range must satisfy 0 < fmin < fmax <= sr / 2, got ${p.fmin}–${p.fmax} Hz`);
  if (!(p.voicedBelow > 0)) throw new DspError(`pitch.voicedBelow must be > 0, got ${p.voicedBelow}`);
  return { ...r, channels, vectorLength: r.frames * sequenceValuesPerFrame(channels, r.nMels) };
}
