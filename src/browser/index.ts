/**
 * ser-wasm, browser entry (package.json "exports" → "browser"): the same WASM DSP and feature
 * code as the Node entry, with everything that needs Node left out. The module is loaded from
 * a URL or bytes instead of from disk, and loadAudioBytes gets the WASM resampler explicitly:
 *
 *   const core = await loadWasmCoreFrom('/assets/ser.wasm'); // the file of the "ser-wasm/wasm" export, served
 *   const model = await loadModelFromUrl('/model/', { core });               // any bundle `ser train` writes
 *   const { y } = await loadAudioBytes(wavBytes, { ...recipeLoadOptions(model.meta.recipe), resampler: wasmResampler(core) });
 *   const p = model.predictProba(featureVector(createWasmDspFromCore(core), y, model.meta.recipe), 1);
 *
 * test/browser-entry.test.ts bundles this file for the browser and fails on any Node built-in.
 *
 * @module ser-wasm/browser
 */
export { loadWasmCoreFrom, createWasmDspFromCore, wasmResampler, type WasmSource } from './wasm.js';
export { loadModelFromUrl, urlReader, ModelBundleError } from './model-bundle.js';
export type { EmotionModel, ModelMeta, TrainingSummary, TrainedOn } from '../models/emotion-model.js';
export { modelTitle, type ModelSpec } from '../models/model-spec.js';
export { trimForRecipe } from '../features/sequence-features.js';

export { WasmCore, instantiateWasm, instantiateWasmFromUrl, type SerWasmExports } from '../wasm/core.js';
export { WasmDsp, MAX_FFT, type YinTrack } from '../wasm/dsp.js';
export { resample } from '../wasm/resample.js';
export { createReferenceDsp, ReferenceDsp } from '../reference/index.js';
export { DspError } from '../dsp/errors.js';
export { DEFAULTS, frameCount } from '../dsp/types.js';
export type {
  ComplexMatrix, DeltaOptions, DspBackend, Matrix, PyinOptions, PyinResult, Real, TrimOptions, TrimRange, YinOptions,
} from '../dsp/types.js';

export { loadAudioBytes, loadAudioRanges, DEFAULT_SR, type LoadBytesOptions, type LoadedAudio, type Resampler } from '../audio/load.js';
export { decodeWav, readWavInfo } from '../audio/wav-decode.js';
export { encodeWav, type EncodeWavOptions } from '../audio/wav-encode.js';
export { AudioError, isAudioError, type AudioErrorCode } from '../audio/errors.js';

export {
  paperVector, paperVectorForRecipe, assemblePaperVector, PAPER_RECIPE, makeRecipe, recipeVectorLength,
  type PaperRecipe, type PaperVectorOptions,
} from '../features/paper-vector.js';
export {
  featureVector, recipeLoadOptions, parseFeatureRecipe, describeRecipe, isSequenceRecipe, type FeatureRecipe, type SequenceRecipe,
} from '../features/feature-recipe.js';
export { makeSequenceRecipe, SEQUENCE_CHANNELS, type SequenceChannel } from '../features/sequence-recipe.js';
export { sequenceVector } from '../features/sequence-features.js';
export { computeFrameFeatures, type FrameFeatures } from '../features/frame-features.js';

export { StandardScaler, type StandardScalerJSON } from '../ml/scaler.js';
export { Random, hashString } from '../util/random.js';

// Emotion over time: the streaming API, speech activity, streamed WAV decoding (src/timeline/).
export { EmotionStream, windowSamples, type EmotionStreamOptions, type TimelineWindow, type TimelineStats } from '../timeline/stream.js';
export { speechSegments, summaryLine, type SegmentSummary } from '../timeline/summary.js';
export { timelineDocument, timelineCsv, type TimelineDocument } from '../timeline/format.js';
export { WasmVad, detectSpeech } from '../wasm/vad.js';
export { resolveVadOptions, type VadOptions } from '../dsp/vad-options.js';
export { StreamResampler } from '../wasm/stream-resample.js';
export { openWavStream, bytesSource, blobSource, type ByteSource, type WavStream } from '../audio/wav-stream.js';
