/**
 * Long synthetic recordings with a known layout, for speech activity detection and emotion-over-
 * time tests, benchmarks and soaks: utterances of the source-filter synthesiser (speech part only,
 * cut at the plan's speech start and end) separated by pauses, over additive background noise.
 *
 * {@link SyntheticSpeechStream} produces the signal in chunks of any size with bounded memory (a
 * fixed pool of pre-synthesised utterances is reused in a seeded random order), so an hour of audio
 * costs no more memory than a minute; {@link synthLongRecording} collects a whole short recording.
 * Everything is seeded: the same options give the same samples.
 *
 * SNR is relative to the synthesiser's nominal speech level (SPEECH_LEVEL_DBFS RMS): noise RMS =
 * SPEECH_LEVEL_DBFS − snrDb dBFS. `snrDb: null` leaves only the synthesiser's own room noise
 * (NOISE_FLOOR_DBFS, about 40 dB below speech) in the utterances and digital silence in the pauses.
 */
import { EMOTIONS_7, type Emotion7 } from '../corpus/types.js';
import { Random } from '../util/random.js';
import { SynthError } from './errors.js';
import { SPEECH_LEVEL_DBFS, synthesizeUtterance } from './synthesizer.js';
import { makeVoice } from './voices.js';

export type BackgroundNoise = 'white' | 'pink';

export interface LongRecordingOptions {
  sampleRate: number;
  seed?: number;
  /** Background noise level against the nominal speech level, dB; null = no added noise (default 20). */
  snrDb?: number | null;
  noise?: BackgroundNoise;
  /** Pause between utterances, seconds, drawn uniformly (default 0.6–2.0). */
  pause?: [number, number];
  /** Silence before the first utterance, seconds (default: one drawn pause). */
  lead?: number;
  /** Distinct utterances synthesised and then reused (default 12). */
  pool?: number;
  /** Actor whose voice speaks (default 3); the stream's recordings are one speaker. */
  actor?: number;
  /** Emotions of the utterances, cycled through the pool (default all seven). */
  emotions?: readonly Emotion7[];
}

/** One utterance in the recording: [start, end) in samples at sampleRate. */
export interface SpeechSegment {
  start: number;
  end: number;
  emotion: Emotion7;
}

interface PooledUtterance {
  samples: Float32Array;
  emotion: Emotion7;
}

export class SyntheticSpeechStream {
  readonly sampleRate: number;
  private readonly rng: Random;
  private readonly noiseRng: Random;
  private readonly pool: PooledUtterance[];
  private readonly noiseAmp: number;
  private readonly noise: BackgroundNoise;
  private readonly pause: [number, number];
  /** Current part: an utterance (index into pool) or a pause (-1), with its length and read position. */
  private part: { utterance: number; length: number; at: number };
  private position = 0;
  private pink = new Float64Array(7);
  /** Called for every utterance as its first sample is produced. */
  onSegment?: (s: SpeechSegment) => void;

  constructor(opts: LongRecordingOptions) {
    const sr = opts.sampleRate;
    if (!Number.isInteger(sr) || sr < 8000 || sr > 192000) throw new SynthError(`sampleRate must be an integer from 8000 to 192000 Hz, got ${sr}`);
    const seed = opts.seed ?? 1;
    this.sampleRate = sr;
    this.rng = new Random(seed);
    this.noiseRng = new Random((seed ^ 0x5bd1e995) >>> 0);
    const snr = opts.snrDb === undefined ? 20 : opts.snrDb;
    this.noiseAmp = snr === null ? 0 : Math.pow(10, (SPEECH_LEVEL_DBFS - snr) / 20);
    this.noise = opts.noise ?? 'white';
    this.pause = opts.pause ?? [0.6, 2.0];
    if (!(this.pause[0] >= 0 && this.pause[1] >= this.pause[0])) throw new SynthError(`pause must be [min, max] seconds with 0 <= min <= max, got [${this.pause.join(', ')}]`);
    const emotions = opts.emotions ?? EMOTIONS_7;
    const size = opts.pool ?? 12;
    const voice = makeVoice(opts.actor ?? 3, seed);
    this.pool = Array.from({ length: size }, (_, i) => {
      const emotion = emotions[i % emotions.length]!;
      const u = synthesizeUtterance({
        statement: ((i >> 1) % 2) + 1 as 1 | 2,
        emotion,
        intensity: i % 2 === 0 ? 'normal' : 'strong',
        voice,
        sampleRate: sr,
        seed: (seed * 7919 + i * 104729) >>> 0,
      });
      const a = Math.floor(u.plan.speechStart * sr);
      const b = Math.min(u.samples.length, Math.ceil(u.plan.speechEnd * sr));
      return { samples: u.samples.slice(a, b), emotion };
    });
    const lead = opts.lead ?? this.drawPause();
    this.part = { utterance: -1, length: Math.round(lead * sr), at: 0 };
  }

  /** Samples produced so far. */
  get samplesProduced(): number {
    return this.position;
  }

  /** The next n samples. */
  next(n: number): Float32Array {
    const out = new Float32Array(n);
    let i = 0;
    while (i < n) {
      if (this.part.at >= this.part.length) this.advance(this.position + i);
      const take = Math.min(n - i, this.part.length - this.part.at);
      if (this.part.utterance >= 0) {
        const src = this.pool[this.part.utterance]!.samples;
        out.set(src.subarray(this.part.at, this.part.at + take), i);
      }
      this.part.at += take;
      i += take;
    }
    if (this.noiseAmp > 0) this.addNoise(out);
    this.position += n;
    return out;
  }

  private drawPause(): number {
    return this.rng.range(this.pause[0], this.pause[1]);
  }

  private advance(start: number): void {
    if (this.part.utterance >= 0) {
      this.part = { utterance: -1, length: Math.round(this.drawPause() * this.sampleRate), at: 0 };
    } else {
      const k = this.rng.int(0, this.pool.length - 1);
      const u = this.pool[k]!;
      this.part = { utterance: k, length: u.samples.length, at: 0 };
      this.onSegment?.({ start, end: start + u.samples.length, emotion: u.emotion });
    }
  }

  private addNoise(out: Float32Array): void {
    const a = this.noiseAmp;
    if (this.noise === 'white') {
      // Uniform white noise: RMS = amplitude / sqrt(3).
      const amp = a * Math.sqrt(3);
      for (let i = 0; i < out.length; i++) out[i]! += amp * (2 * this.noiseRng.uniform() - 1);
      return;
    }
    // Pink (1/f) noise: Paul Kellett's refined filter of white noise, scaled to the wanted RMS.
    const amp = a / PINK_RMS;
    for (let i = 0; i < out.length; i++) out[i]! += amp * pinkStep(this.pink, 2 * this.noiseRng.uniform() - 1);
  }
}

/** One step of Paul Kellett's pink-noise filter (state b: 7 values) on white input w. */
function pinkStep(b: Float64Array, w: number): number {
  b[0] = 0.99886 * b[0]! + w * 0.0555179;
  b[1] = 0.99332 * b[1]! + w * 0.0750759;
  b[2] = 0.969 * b[2]! + w * 0.153852;
  b[3] = 0.8665 * b[3]! + w * 0.3104856;
  b[4] = 0.55 * b[4]! + w * 0.5329522;
  b[5] = -0.7616 * b[5]! - w * 0.016898;
  const p = b[0]! + b[1]! + b[2]! + b[3]! + b[4]! + b[5]! + b[6]! + w * 0.5362;
  b[6] = w * 0.115926;
  return p;
}

/** RMS of the filter's output for uniform white input in [-1, 1), measured once (after its settling time). */
const PINK_RMS = (() => {
  const rng = new Random(12345);
  const b = new Float64Array(7);
  for (let i = 0; i < 20000; i++) pinkStep(b, 2 * rng.uniform() - 1);
  let s = 0;
  const n = 400000;
  for (let i = 0; i < n; i++) s += pinkStep(b, 2 * rng.uniform() - 1) ** 2;
  return Math.sqrt(s / n);
})();

/** A whole recording of `seconds` and its utterances (those that start inside it; the last may be cut). */
export function synthLongRecording(seconds: number, opts: LongRecordingOptions): { y: Float32Array; segments: SpeechSegment[]; sampleRate: number } {
  if (!(seconds > 0)) throw new SynthError(`seconds must be > 0, got ${seconds}`);
  const stream = new SyntheticSpeechStream(opts);
  const segments: SpeechSegment[] = [];
  stream.onSegment = (s) => segments.push(s);
  const n = Math.round(seconds * stream.sampleRate);
  const y = stream.next(n);
  return { y, segments: segments.map((s) => ({ ...s, end: Math.min(s.end, n) })), sampleRate: stream.sampleRate };
}
