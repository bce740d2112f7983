/**
 * The augmentation recipe: which versions of a clip the extractor produces and with which
 * (seeded) parameters. Paper: every training clip is used as 'original' plus four augmented
 * copies — additive noise, time shift, time stretch and pitch shift.
 *
 * Seeding: every version of every clip gets its own 32-bit seed (e.g. from
 * {@link augmentationSeed}(runSeed, clipId, version)); all random choices for that version
 * (drawn stretch rate / pitch steps / shift / noise amplitude, and the noise samples) come from
 * a Random seeded with it, and the seed is recorded in {@link AppliedAugmentation}. Re-running
 * {@link augmentClip} with the recorded seed reproduces the output bit for bit, independently of
 * the order in which clips or workers run.
 */
import { DspError } from '../dsp/errors.js';
import type { Real } from '../dsp/types.js';
import { assertSignal } from '../dsp/validate.js';
import { pitchShiftReference, timeStretchReference } from '../reference/phase-vocoder.js';
import { Random, hashString } from '../util/random.js';
import { addScaledNoise, drawNoiseFactor, PAPER_NOISE_FACTOR, type NoiseOptions } from './noise.js';
import { drawShift, PAPER_MAX_SHIFT_MS, roll, rollChecked, type ShiftOptions } from './shift.js';

export { addNoise, addScaledNoise, drawNoiseFactor, PAPER_NOISE_FACTOR, type NoiseOptions } from './noise.js';
export { drawShift, maxShiftSamples, PAPER_MAX_SHIFT_MS, randomShift, roll, type ShiftOptions } from './shift.js';

export const AUGMENT_VERSIONS = ['original', 'noise', 'shift', 'stretch', 'pitch'] as const;
export type AugmentVersion = (typeof AUGMENT_VERSIONS)[number];

/** A fixed value, or a range from which one value is drawn uniformly per clip. */
export type ParamSpec = number | { min: number; max: number };

export interface AugmentParams {
  noise: NoiseOptions;
  shift: ShiftOptions;
  /** librosa.effects.time_stretch rate (> 1 faster/shorter, < 1 slower/longer). */
  stretch: { rate: ParamSpec };
  /** librosa.effects.pitch_shift steps (semitones with 12 bins per octave). */
  pitch: { nSteps: ParamSpec; binsPerOctave?: number };
}

/**
 * The paper's parameters: noise 0.005 × peak, shift within ±5 ms, stretch rate drawn in
 * [0.8, 1.2] and pitch drawn in [-2, 2] semitones per clip.
 */
export const PAPER_AUGMENT_PARAMS: AugmentParams = Object.freeze({
  noise: { factor: PAPER_NOISE_FACTOR, uniformFactor: false },
  shift: { maxShiftMs: PAPER_MAX_SHIFT_MS },
  stretch: { rate: { min: 0.8, max: 1.2 } },
  pitch: { nSteps: { min: -2, max: 2 }, binsPerOctave: 12 },
});

/**
 * The reference notebook's variant: fixed stretch rate 0.8 and pitch 0.7 steps, noise amplitude
 * drawn as 0.005 × U(0, 1) per clip, shift up to ±5000 samples (its `uniform(-5, 5) * 1000`; the
 * librosa fixture shift_seed0 = 1369 samples is of that kind, far beyond ±5 ms).
 */
export const NOTEBOOK_AUGMENT_PARAMS: AugmentParams = Object.freeze({
  noise: { factor: PAPER_NOISE_FACTOR, uniformFactor: true },
  shift: { maxShiftSamples: 5000 },
  stretch: { rate: 0.8 },
  pitch: { nSteps: 0.7, binsPerOctave: 12 },
});

/** One STFT-based augmentation of a signal: a time stretch, or a pitch shift (a stretch then a resampling). */
export type StretchJob =
  | { kind: 'stretch'; rate: number }
  | { kind: 'pitch'; sr: number; nSteps: number; binsPerOctave?: number };

/** The two augmentations that need an STFT pipeline; implemented by the WASM and reference backends. */
export interface AugmentBackend {
  readonly name: string;
  /** librosa.effects.time_stretch(y, rate=rate); length round(len / rate). */
  timeStretch(y: Real, rate: number): Float32Array;
  /** librosa.effects.pitch_shift(y, sr=sr, n_steps=nSteps, bins_per_octave); same length as y. */
  pitchShift(y: Real, sr: number, nSteps: number, binsPerOctave?: number): Float32Array;
  /**
   * Optional: several stretches and pitch shifts of one signal sharing its analysis STFT; each
   * output must equal the corresponding timeStretch / pitchShift call. `onAnalysis`, when given,
   * is called once with the analysis STFT of y in the backend's own form (the WASM backend's:
   * WasmStftPlanes, src/wasm/stft-planes.ts), valid only during the call: callers that know the
   * backend reuse it for y's own features.
   */
  stretchJobs?(y: Real, jobs: readonly StretchJob[], onAnalysis?: (stft: unknown) => void): Float32Array[];
  /**
   * Optional: {@link addScaledNoise} faster; must give the same samples bit for bit and leave
   * `rng` in the same state.
   */
  addScaledNoise?(y: Real, relativeAmplitude: number, rng: Random): Float32Array;
}

/** The backend's noise loop if it has one, else the JS one (identical results either way). */
function noisy(backend: AugmentBackend, y: Real, relativeAmplitude: number, rng: Random): Float32Array {
  return backend.addScaledNoise ? backend.addScaledNoise(y, relativeAmplitude, rng) : addScaledNoise(y, relativeAmplitude, rng);
}

/** The float64 JS reference (slow; for tests and environments without the WASM module). */
export const referenceAugmentBackend: AugmentBackend = Object.freeze({
  name: 'js-reference',
  timeStretch: (y: Real, rate: number) => Float32Array.from(timeStretchReference(y, rate)),
  pitchShift: (y: Real, sr: number, nSteps: number, binsPerOctave = 12) =>
    Float32Array.from(pitchShiftReference(y, sr, nSteps, { binsPerOctave })),
});

/** What was done to a clip: enough to reproduce it (with the same params) and to report it. */
export interface AppliedAugmentation {
  version: AugmentVersion;
  /** Seed of the Random every draw for this version came from. */
  seed: number;
  /** noise: amplitude relative to the clip's peak. */
  noiseFactor?: number;
  /** shift: np.roll amount in samples. */
  shiftSamples?: number;
  /** stretch and pitch: the time-stretch rate. */
  rate?: number;
  /** pitch: steps of 1/binsPerOctave octave. */
  nSteps?: number;
}

/** A per-(run, clip, version) seed that does not depend on processing order. */
export function augmentationSeed(runSeed: number, clipId: string, version: AugmentVersion): number {
  return hashString(`${runSeed >>> 0}\u0000${clipId}\u0000${version}`);
}

function drawParam(spec: ParamSpec, rng: Random, what: string): number {
  if (typeof spec === 'number') {
    if (!Number.isFinite(spec)) throw new DspError(`${what} must be a finite number, got ${spec}`);
    return spec;
  }
  const { min, max } = spec ?? ({} as { min?: number; max?: number });
  if (typeof min !== 'number' || typeof max !== 'number' || !Number.isFinite(min) || !Number.isFinite(max) || min > max) {
    throw new DspError(`${what} range must be finite numbers with min <= max, got ${JSON.stringify(spec)}`);
  }
  return rng.range(min, max);
}

function assertVersion(version: string): asserts version is AugmentVersion {
  if (!(AUGMENT_VERSIONS as readonly string[]).includes(version)) {
    throw new DspError(`unknown augmentation '${version}' (expected one of ${AUGMENT_VERSIONS.join(', ')})`);
  }
}

function seedOf(seed: number | Random): number {
  if (seed instanceof Random) return seed.nextUint32();
  if (!Number.isInteger(seed)) throw new DspError(`augmentation seed must be an integer or a Random, got ${seed}`);
  return seed >>> 0;
}

/**
 * Applies one version to a clip. `seed`: an integer seed, or a Random from which a fresh seed is
 * taken (one draw). Returns the new signal (always a new array) and what was applied.
 * `params`: the recipe's draws (PAPER_AUGMENT_PARAMS or NOTEBOOK_AUGMENT_PARAMS). `backend`:
 * which implementation runs the STFT-based versions, stated by the caller since the two differ
 * ~20× in speed (the WASM one, `createWasmAugmentBackend(core)` in ser-wasm/augment, or the
 * float64 reference, `referenceAugmentBackend`).
 */
export function augmentClip(
  version: AugmentVersion,
  y: Real,
  sr: number,
  seed: number | Random,
  params: AugmentParams,
  backend: AugmentBackend,
): { y: Float32Array; applied: AppliedAugmentation } {
  assertVersion(version);
  assertSignal(y);
  if (!Number.isInteger(sr) || sr <= 0) throw new DspError(`sample rate must be a positive integer, got ${sr}`);
  const clipSeed = seedOf(seed);
  const rng = new Random(clipSeed);
  const applied = drawVersion(version, sr, clipSeed, rng, params);
  switch (version) {
    case 'original':
      return { y: Float32Array.from(y), applied };
    case 'noise':
      return { y: noisy(backend, y, applied.noiseFactor!, rng), applied };
    case 'shift':
      return { y: roll(y, applied.shiftSamples!), applied };
    case 'stretch':
      return { y: backend.timeStretch(y, applied.rate!), applied };
    case 'pitch':
      return { y: backend.pitchShift(y, sr, applied.nSteps!, params.pitch.binsPerOctave ?? 12), applied };
  }
}

/** The parameters one version draws from its seed: what {@link augmentClip} applies (noise also keeps drawing from `rng`). */
function drawVersion(version: AugmentVersion, sr: number, clipSeed: number, rng: Random, params: AugmentParams): AppliedAugmentation {
  switch (version) {
    case 'original':
      return { version, seed: clipSeed };
    case 'noise':
      return { version, seed: clipSeed, noiseFactor: drawNoiseFactor(rng, params.noise) };
    case 'shift':
      return { version, seed: clipSeed, shiftSamples: drawShift(rng, sr, params.shift) };
    case 'stretch': {
      const rate = drawParam(params.stretch.rate, rng, 'stretch rate');
      if (rate <= 0) throw new DspError(`stretch rate must be > 0, got ${rate}`);
      return { version, seed: clipSeed, rate };
    }
    case 'pitch': {
      const bpo = params.pitch.binsPerOctave ?? 12;
      const nSteps = drawParam(params.pitch.nSteps, rng, 'pitch nSteps');
      return { version, seed: clipSeed, nSteps, rate: 2 ** (-nSteps / bpo) };
    }
  }
}

/**
 * Several versions of one clip at once, version i from seed `seeds[i]`: the same signals and
 * records as calling {@link augmentClip}(versions[i], y, sr, seeds[i], params, backend) for each
 * i, but y is validated once, the stretch and pitch versions share one analysis STFT when the
 * backend has `stretchJobs`, and 'original' is y itself (not a copy: do not modify it).
 * `opts.onAnalysis` goes to the backend's stretchJobs (see AugmentBackend); it is not called
 * when no stretch or pitch version is asked for, or the backend has no stretchJobs.
 */
export function augmentClipVersions(
  versions: readonly AugmentVersion[],
  y: Real,
  sr: number,
  seeds: readonly number[],
  params: AugmentParams,
  backend: AugmentBackend,
  opts: { onAnalysis?: (stft: unknown) => void } = {},
): Array<{ y: Real; applied: AppliedAugmentation }> {
  versions.forEach(assertVersion);
  if (seeds.length !== versions.length) throw new DspError(`augmentClipVersions: ${versions.length} versions but ${seeds.length} seeds`);
  assertSignal(y);
  if (!Number.isInteger(sr) || sr <= 0) throw new DspError(`sample rate must be a positive integer, got ${sr}`);
  const out: Array<{ y: Real; applied: AppliedAugmentation } | undefined> = new Array(versions.length);
  const jobs: StretchJob[] = [];
  const jobOf: number[] = [];
  versions.forEach((version, i) => {
    const clipSeed = seedOf(seeds[i]!);
    const rng = new Random(clipSeed);
    const applied = drawVersion(version, sr, clipSeed, rng, params);
    switch (version) {
      case 'original':
        out[i] = { y, applied };
        break;
      case 'noise':
        out[i] = { y: noisy(backend, y, applied.noiseFactor!, rng), applied };
        break;
      case 'shift':
        out[i] = { y: rollChecked(y, applied.shiftSamples!), applied };
        break;
      case 'stretch':
        jobs.push({ kind: 'stretch', rate: applied.rate! });
        jobOf.push(i);
        out[i] = { y, applied }; // signal filled below
        break;
      case 'pitch':
        jobs.push({ kind: 'pitch', sr, nSteps: applied.nSteps!, binsPerOctave: params.pitch.binsPerOctave ?? 12 });
        jobOf.push(i);
        out[i] = { y, applied };
        break;
    }
  });
  if (jobs.length > 0) {
    const signals = backend.stretchJobs
      ? backend.stretchJobs(y, jobs, opts.onAnalysis)
      : jobs.map((j) => (j.kind === 'stretch' ? backend.timeStretch(y, j.rate) : backend.pitchShift(y, sr, j.nSteps, j.binsPerOctave)));
    signals.forEach((s, j) => (out[jobOf[j]!]!.y = s));
  }
  return out as Array<{ y: Real; applied: AppliedAugmentation }>;
}
