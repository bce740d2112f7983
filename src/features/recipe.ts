import { frameCount } from '../dsp/types.js';
import { assertMfccCount, assertNonNegative, assertPositive, assertPositiveInt, assertPowerOfTwo } from '../dsp/validate.js';

/**
 * The paper's recipe: load at `sr` from `offset` for `duration` seconds, frame with
 * `nFft` / `hopLength`, take ZCR, RMS and `nMfcc` MFCCs (from `nMels` mel bands) per
 * frame, and pad/truncate to `vectorLength` values (the flat vector of the paper).
 * A plain serialisable object, so it can be sent to worker threads. `kind` is absent in
 * files written before other recipes existed; absent means 'paper'.
 */
export interface PaperRecipe {
  kind?: 'paper';
  sr: number;
  offset: number;
  duration: number;
  nFft: number;
  hopLength: number;
  nMfcc: number;
  nMels: number;
  vectorLength: number;
}

/** Values per frame in the paper vector: ZCR + RMS + the MFCCs. */
export function valuesPerFrame(nMfcc: number): number {
  return nMfcc + 2;
}

/**
 * Vector length for a full-duration clip: frames of a centred analysis of
 * floor(duration * sr) samples (what librosa.load returns at the target rate) times values per frame.
 * Paper recipe: 55125 samples -> 1 + 55125 // 512 = 108 frames -> 108 * 22 = 2376.
 */
export function recipeVectorLength(r: Omit<PaperRecipe, 'vectorLength'>): number {
  // The small epsilon keeps e.g. 2.5 * 22050 from landing a hair below an integer.
  const samples = Math.floor(r.duration * r.sr + 1e-9);
  return frameCount(samples, r.nFft, r.hopLength, true) * valuesPerFrame(r.nMfcc);
}

/** A validated recipe: the paper's values overridden by `overrides`, vectorLength derived unless given. */
export function makeRecipe(overrides: Partial<PaperRecipe> = {}): PaperRecipe {
  const base = { ...PAPER_RECIPE_BASE, ...overrides, kind: 'paper' as const };
  assertPositive(base.sr, 'sr');
  assertNonNegative(base.offset, 'offset');
  assertPositive(base.duration, 'duration');
  assertPowerOfTwo(base.nFft, 'nFft');
  assertPositiveInt(base.hopLength, 'hopLength');
  assertPositiveInt(base.nMels, 'nMels');
  assertMfccCount(base.nMfcc, base.nMels);
  const vectorLength = overrides.vectorLength ?? recipeVectorLength(base);
  assertPositiveInt(vectorLength, 'vectorLength');
  return { ...base, vectorLength };
}

const PAPER_RECIPE_BASE: Omit<PaperRecipe, 'vectorLength'> = {
  sr: 22050,
  offset: 0.6,
  duration: 2.5,
  nFft: 2048,
  hopLength: 512,
  nMfcc: 20,
  nMels: 128,
};

/** The paper's recipe (librosa defaults, 2.5 s from 0.6 s at 22.05 kHz): vectorLength 2376. */
export const PAPER_RECIPE: Readonly<PaperRecipe> = Object.freeze(makeRecipe());
