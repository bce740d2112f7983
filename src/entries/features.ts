/**
 * `ser-wasm/features`: the feature vectors models are trained on, from a mono signal and a
 * {@link DspBackend} (see `ser-wasm/dsp`): the paper's per-clip vector (ZCR, RMS and 20 MFCCs per
 * frame, frame-interleaved, zero-padded to 2,376 values at 22.05 kHz over 2.5 s) and the sequence
 * recipes (log-mel, delta, RMS, pitch, voicing per frame over the trimmed utterance).
 * No TensorFlow.js; browser-safe.
 *
 *   import { createWasmDsp } from 'ser-wasm/dsp';
 *   import { PAPER_RECIPE, featureVector, recipeLoadOptions } from 'ser-wasm/features';
 *   import { loadAudio } from 'ser-wasm/audio';
 *   const { y } = await loadAudio('clip.wav', recipeLoadOptions(PAPER_RECIPE));
 *   const x = featureVector(await createWasmDsp(), y, PAPER_RECIPE); // Float32Array(2376)
 *
 * @module ser-wasm/features
 */
export {
  paperVector, paperVectorForRecipe, assemblePaperVector, PAPER_RECIPE, makeRecipe, recipeVectorLength, valuesPerFrame,
  type PaperRecipe, type PaperVectorOptions,
} from '../features/paper-vector.js';
export {
  featureVector, recipeLoadOptions, parseFeatureRecipe, describeRecipe, isSequenceRecipe, recipesEqual,
  type FeatureRecipe, type SequenceRecipe,
} from '../features/feature-recipe.js';
export {
  makeSequenceRecipe, SEQUENCE_CHANNELS, SEQUENCE_NORMS, sequenceValuesPerFrame, type SequenceChannel, type SequenceNorm,
} from '../features/sequence-recipe.js';
export { sequenceVector, trimForRecipe, type SequenceDsp } from '../features/sequence-features.js';
export { computeFrameFeatures, type FrameFeatures, type FrameFeatureOptions } from '../features/frame-features.js';
export type { DspBackend, Real, Matrix } from '../dsp/types.js';
export { utteranceNormalize, UTTERANCE_NORM_MODES, UtteranceNormError, type UtteranceNormMode } from '../features/utterance-norm.js';
export { toFrameMajor, paperVectorLayout, FrameLayoutError, type PaperVectorLayout } from '../features/frame-major.js';
