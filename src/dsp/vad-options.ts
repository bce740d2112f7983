/**
 * Options of the speech activity detector (assembly/vad.ts, src/wasm/vad.ts, src/reference/vad.ts),
 * resolved and checked once for both backends (same defaults, same DspError messages).
 *
 * The detector looks at frames of `frameLength` samples every `hopLength` (not centred) and decides
 * speech / non-speech from three cues against an adaptive background: lower spectral flatness than
 * the background (voiced speech puts its energy into harmonics), energy above a noise floor that
 * follows the quietest frames together with a zero-crossing rate unlike the background's (noisy
 * sounds such as fricatives), or energy far above the floor on its own. Hangover smoothing then
 * needs `minSpeech` seconds of raw speech to switch on (and keeps `preRoll` seconds before it), and
 * `hangover` seconds of raw non-speech to switch off. The defaults were chosen on synthetic speech in
 * white and pink noise (bench/vad-accuracy.ts; README "Emotion over time" has the measured accuracy).
 */
import { DspError } from './errors.js';
import { assertFinite, assertPositive, assertPositiveInt, assertPowerOfTwo } from './validate.js';

export interface VadOptions {
  /** Sample rate of the signal in Hz (required). */
  sr: number;
  /** Frame length in samples, a power of two (default: the largest one up to 32 ms). */
  frameLength?: number;
  /** Frame hop in samples (default 10 ms). */
  hopLength?: number;
  /** Speech band for the flatness cue, Hz (default 100 to min(4000, sr / 2)). */
  fmin?: number;
  fmax?: number;
  /** Energy above the noise floor that, with a ZCR unlike the background's, counts, dB (default 9). */
  energyMarginDb?: number;
  /** Flatness below the background's that counts, dB (default 1). */
  flatnessMarginDb?: number;
  /** Zero-crossing-rate difference from the background's that counts (default 0.15). */
  zcrMargin?: number;
  /** Energy above the floor that counts as speech on its own, dB (default 10). */
  strongDb?: number;
  /** How fast the noise floor may rise, dB per second (default 1). */
  floorRiseDbPerSecond?: number;
  /** Frames quieter than this are never speech, dB re full scale (default -60). */
  gateDb?: number;
  /** Raw speech needed to switch on, seconds (default 0.03). */
  minSpeech?: number;
  /** Frames kept before a detected onset, seconds (default 0.02). */
  preRoll?: number;
  /** Raw non-speech needed to switch off, seconds (default 0.1). */
  hangover?: number;
}

export interface ResolvedVad {
  sr: number;
  frameLength: number;
  hopLength: number;
  /** Speech band as FFT bins (inclusive). */
  kLo: number;
  kHi: number;
  energyMarginDb: number;
  flatnessMarginDb: number;
  zcrMargin: number;
  strongDb: number;
  /** dB per frame. */
  rise: number;
  gateDb: number;
  /** Weight of a new frame in the background flatness / ZCR averages. */
  alpha: number;
  /** Frames within this many dB of the floor update the background flatness / ZCR. */
  nearDb: number;
  minRun: number;
  preRollFrames: number;
  hangFrames: number;
  /** Frames between a frame and its final decision: minRun - 1 + preRollFrames. */
  delay: number;
}

/** Largest decision delay the kernel's pending mask holds. */
export const MAX_VAD_DELAY = 30;
/** Background averages: a time constant of about half a second at the default hop. */
const BACKGROUND_SECONDS = 0.5;

/** Largest power of two <= 32 ms at sr (at least 64). */
export function defaultVadFrameLength(sr: number): number {
  let n = 64;
  while (n * 2 <= 0.032 * sr) n *= 2;
  return n;
}

/**
 * Fills in the defaults of {@link VadOptions} and converts seconds and Hz to frames and FFT bins,
 * as both detector backends use them; throws DspError on an invalid option.
 */
export function resolveVadOptions(opts: VadOptions): ResolvedVad {
  if (!opts || typeof opts !== 'object') throw new DspError('speech activity detection needs options with sr');
  const { sr } = opts;
  assertPositiveInt(sr, 'sr');
  const frameLength = opts.frameLength ?? defaultVadFrameLength(sr);
  assertPowerOfTwo(frameLength, 'frameLength', 16, 1 << 14);
  const hopLength = opts.hopLength ?? Math.max(1, Math.round(0.01 * sr));
  assertPositiveInt(hopLength, 'hopLength');
  if (hopLength > frameLength) throw new DspError(`hopLength (${hopLength}) must not exceed frameLength (${frameLength})`);
  const fmin = opts.fmin ?? 100;
  const fmax = opts.fmax ?? Math.min(4000, sr / 2);
  assertFinite(fmin, 'fmin');
  assertFinite(fmax, 'fmax');
  if (!(fmin >= 0 && fmin < fmax && fmax <= sr / 2)) throw new DspError(`the speech band must satisfy 0 <= fmin < fmax <= sr / 2, got ${fmin}–${fmax} Hz`);
  const kLo = Math.ceil((fmin * frameLength) / sr);
  const kHi = Math.min(frameLength / 2, Math.floor((fmax * frameLength) / sr));
  if (kHi < kLo) throw new DspError(`the speech band ${fmin}–${fmax} Hz holds no FFT bin at frameLength ${frameLength}`);
  const num = (v: number | undefined, fallback: number, name: string, positive = true): number => {
    const x = v ?? fallback;
    assertFinite(x, name);
    if (positive) assertPositive(x, name);
    return x;
  };
  const energyMarginDb = num(opts.energyMarginDb, 9, 'energyMarginDb');
  const flatnessMarginDb = num(opts.flatnessMarginDb, 1, 'flatnessMarginDb');
  const zcrMargin = num(opts.zcrMargin, 0.15, 'zcrMargin');
  const strongDb = num(opts.strongDb, 10, 'strongDb');
  const risePerSecond = num(opts.floorRiseDbPerSecond, 1, 'floorRiseDbPerSecond');
  const gateDb = num(opts.gateDb, -60, 'gateDb', false);
  const seconds = (v: number | undefined, fallback: number, name: string, min: number): number => {
    const x = v ?? fallback;
    assertFinite(x, name);
    if (x < 0) throw new DspError(`${name} must be >= 0 seconds, got ${x}`);
    return Math.max(min, Math.round((x * sr) / hopLength));
  };
  const minRun = seconds(opts.minSpeech, 0.03, 'minSpeech', 1);
  const preRollFrames = seconds(opts.preRoll, 0.02, 'preRoll', 0);
  const hangFrames = seconds(opts.hangover, 0.1, 'hangover', 1);
  const delay = minRun - 1 + preRollFrames;
  if (delay > MAX_VAD_DELAY) {
    throw new DspError(`minSpeech + preRoll span ${delay + 1} frames; at most ${MAX_VAD_DELAY + 1} are supported (use a longer hopLength or shorter times)`);
  }
  const framesPerSecond = sr / hopLength;
  return {
    sr, frameLength, hopLength, kLo, kHi, energyMarginDb, flatnessMarginDb, zcrMargin, strongDb,
    rise: risePerSecond / framesPerSecond,
    gateDb,
    alpha: Math.min(1, 1 / (BACKGROUND_SECONDS * framesPerSecond)),
    nearDb: 3,
    minRun, preRollFrames, hangFrames, delay,
  };
}

/** The kernel's parameter block (assembly/vad.ts, P_* order). */
export function vadParamBlock(o: ResolvedVad): Float64Array {
  return Float64Array.of(
    o.energyMarginDb, o.flatnessMarginDb, o.zcrMargin, o.rise, o.gateDb, o.alpha, o.minRun, o.preRollFrames, o.hangFrames,
    o.nearDb, o.strongDb,
  );
}

/** Frames a signal of n samples gives when its end is padded with zeros: every frame that starts inside it. */
export function vadFrameCount(n: number, hopLength: number): number {
  return Math.ceil(n / hopLength);
}
