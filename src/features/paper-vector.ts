import type { DspBackend, Real } from '../dsp/types.js';
import { allFinite, assertPositiveInt } from '../dsp/validate.js';
import { computeFrameFeatures, type FrameFeatureOptions, type FrameFeatures } from './frame-features.js';
import { makeRecipe, type PaperRecipe } from './recipe.js';

export { PAPER_RECIPE, makeRecipe, recipeVectorLength, valuesPerFrame, type PaperRecipe } from './recipe.js';

export interface PaperVectorOptions extends FrameFeatureOptions {
  /**
   * Length of the output: zero-padded at the end or truncated to it. Default: the recipe's
   * vectorLength for these options (2376 with the paper's). null keeps the natural length.
   */
  targetLength?: number | null;
}

/**
 * The paper's per-clip vector: ZCR of every frame, then RMS of every frame, then the MFCCs
 * frame by frame (mfcc.T flattened: frame 0's coefficients, frame 1's, ...). Non-finite
 * values become 0, and the vector is padded with zeros (as the paper's fillna(0) on
 * ragged rows) or truncated to `targetLength`.
 */
export function assemblePaperVector(f: FrameFeatures, targetLength: number | null): Float32Array {
  const frames = f.zcr.length;
  const { rows: nMfcc, cols, data } = f.mfcc;
  if (f.rms.length !== frames || cols !== frames) {
    throw new Error(`paper vector: frame counts differ (zcr ${frames}, rms ${f.rms.length}, mfcc ${cols})`);
  }
  const natural = frames * (2 + nMfcc);
  const length = targetLength ?? natural;
  const out = new Float32Array(length); // zero-filled: the padding
  out.set(f.zcr.subarray(0, Math.min(frames, length)));
  if (frames < length) out.set(f.rms.subarray(0, Math.min(frames, length - frames)), frames);
  // mfcc.T flattened: frame t's coefficients at 2 · frames + t · nMfcc.
  const mfccFrames = Math.min(frames, Math.ceil(Math.max(0, length - 2 * frames) / nMfcc));
  for (let t = 0; t < mfccFrames; t++) {
    const at = 2 * frames + t * nMfcc;
    const count = Math.min(nMfcc, length - at);
    for (let k = 0; k < count; k++) out[at + k] = data[k * cols + t]!;
  }
  // After the float32 store, so that a finite float64 too large for float32 also becomes 0.
  if (!allFinite(out)) for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) out[i] = 0;
  return out;
}

/** paperVector of clip `y` (already loaded at opts.sr) with any DspBackend. */
export function paperVector(dsp: DspBackend, y: Real, opts: PaperVectorOptions = {}): Float32Array {
  const { targetLength, ...frameOpts } = opts;
  let length: number | null;
  if (targetLength === null) length = null;
  else if (targetLength === undefined) length = makeRecipe(definedOnly(frameOpts)).vectorLength;
  else {
    assertPositiveInt(targetLength, 'targetLength');
    length = targetLength;
  }
  return assemblePaperVector(computeFrameFeatures(dsp, y, frameOpts), length);
}

/** The frame-feature options of a recipe (what paperVectorForRecipe computes its frames with). */
export function recipeFrameOptions(recipe: PaperRecipe): Required<FrameFeatureOptions> {
  const { sr, nFft, hopLength, nMfcc, nMels } = recipe;
  return { sr, nFft, hopLength, nMfcc, nMels };
}

/** paperVector with every parameter taken from a recipe (padded/truncated to recipe.vectorLength). */
export function paperVectorForRecipe(dsp: DspBackend, y: Real, recipe: PaperRecipe): Float32Array {
  return paperVector(dsp, y, { ...recipeFrameOptions(recipe), targetLength: recipe.vectorLength });
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
