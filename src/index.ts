/**
 * ser-wasm, Node entry (package.json "exports" → "node"). Browsers get src/browser/index.ts,
 * which leaves out everything here that needs the file system, worker threads or tfjs-node.
 *
 * @module ser-wasm
 */

// Audio I/O (librosa.load semantics, WAV encode/decode, typed AudioError).
export * from './audio/index.js';

// DSP backends: WASM (build/ser.wasm) and the float64 JavaScript reference.
export { WasmCore, instantiateWasm, instantiateWasmFromUrl, type SerWasmExports } from './wasm/core.js';
export { loadWasmCore, wasmPath } from './wasm/load-node.js';
export { WasmDsp, createWasmDsp, MAX_FFT, type YinTrack, type FrameFeaturesPlan } from './wasm/dsp.js';
export type { WasmStftPlanes } from './wasm/stft-planes.js';
export { resample, resampleDirect, resampleRatio } from './wasm/resample.js';
export { createReferenceDsp, ReferenceDsp } from './reference/index.js';
export { DspError } from './dsp/errors.js';
export { DEFAULTS, frameCount } from './dsp/types.js';
export type {
  ComplexMatrix, DeltaOptions, DspBackend, FrameOptions, Matrix, MelOptions, MelSpectrogramOptions, MfccOptions, PadMode,
  PowerToDbOptions, PyinOptions, PyinResult, Real, StftOptions, TrimOptions, TrimRange, YinOptions,
} from './dsp/types.js';

// The paper's features.
export {
  paperVector, paperVectorForRecipe, assemblePaperVector, PAPER_RECIPE, makeRecipe, recipeVectorLength, valuesPerFrame,
  type PaperRecipe, type PaperVectorOptions,
} from './features/paper-vector.js';
export {
  featureVector, recipeLoadOptions, parseFeatureRecipe, describeRecipe, isSequenceRecipe, type FeatureRecipe, type SequenceRecipe,
} from './features/feature-recipe.js';
export { makeSequenceRecipe, SEQUENCE_CHANNELS, type SequenceChannel } from './features/sequence-recipe.js';
export { sequenceVector } from './features/sequence-features.js';
export { computeFrameFeatures, type FrameFeatures, type FrameFeatureOptions } from './features/frame-features.js';

// Augmentation (seeded), with the WASM backend for stretch and pitch shift.
export * from './augment/index.js';
export { createWasmAugmentBackend, timeStretch, pitchShift, phaseVocoder, istft } from './wasm/augment.js';
export type { IstftOptions } from './dsp/istft-geometry.js';
export type { PhaseVocoderOptions, PhaseVocoderPrecision } from './dsp/phase-vocoder-plan.js';

// Corpora and the synthetic corpus.
export * from './corpus/index.js';
export * from './synth/index.js';

// Feature extraction over a corpus (worker pool, cache, feature tables).
export { extractCorpus, augmentPreset, type AugmentPreset, type ExtractCorpusOptions } from './extract/extract-corpus.js';
export { startExtractionWorkers, type PoolRun, type StartedWorkers } from './extract/pool.js';
export type { DrawnParams, ExtractResult } from './extract/types.js';
export {
  readFeatureTableBinary, writeFeatureTableBinary, openFeatureTableBinary, type FeatureTable, type TableRows, type TableStream,
} from './extract/feature-table.js';
export { writeFeatureTableCsv, openFeatureTableCsv } from './extract/csv-table.js';

// Models: classical ML, the paper's CNN, saved model bundles.
export { StandardScaler, type StandardScalerJSON } from './ml/scaler.js';
export { DecisionTreeClassifier, type DecisionTreeOptions } from './ml/decision-tree.js';
export { KNeighborsClassifier, type KnnOptions } from './ml/knn.js';
export { accuracy, balancedAccuracy, classificationMetrics, confusionMatrix, type ClassificationMetrics } from './ml/metrics.js';
export {
  paperSplit, clipSplit, speakerSplit, speakerFolds, type Split, type SplitProtocol, type StratifiedOptions, type SpeakerSplitOptions,
  type SpeakerFoldOptions,
} from './ml/split.js';
export { buildPaperCnn, compileCnn, compilePaperCnn, disposeCnn, PAPER_CNN, CnnError, type PaperCnnOptions } from './ml/cnn/model.js';
export { trainCnn, type TrainCnnOptions, type TrainCnnResult, type EpochLogs, type BatchProgress } from './ml/cnn/train.js';
export type { ValidationBy } from './ml/validation-speakers.js';
export { initBackend, type BackendPreference, type BackendInfo } from './ml/cnn/backend.js';
export { saveCnn, loadCnn } from './ml/cnn/persist.js';
export { saveBundle, loadBundle, directoryReader, BUNDLE_FILE, BUNDLE_FORMAT } from './models/bundle.js';
export { loadModelFrom, bundleFilesOf } from './models/bundle-format.js';
export { BundleError, type BundleReader, type BundleFiles } from './models/bundle-files.js';
export type { EmotionModel, ModelMeta, TrainingSummary, TrainedOn } from './models/emotion-model.js';
export { fitModel, type TrainingData, type FitOptions } from './models/fit-model.js';
export {
  modelTitle, validateModelSpec, PAPER_CNN_SPEC, PAPER_DT, PAPER_KNN, type ModelSpec, type CnnSpec, type CnnArchName, type SpecAugmentSpec,
} from './models/model-spec.js';
export { TRAINING_RECIPES, trainingRecipe, type TrainingRecipe, type TrainingRecipeName, type ModelChoice } from './models/training-recipes.js';
export { Preprocessor, type PreprocessStepSpec, type PreprocessStepJSON, type RowContext } from './models/preprocess.js';
export { cnnPredictProba } from './models/cnn-predict.js';
export { quantizeModelDir, type QuantizeSummary, type QuantizationDtype } from './models/quantize.js';

// The full experiment (Table 4).
export { runPipeline, type PipelineOptions } from './pipeline/run-pipeline.js';
export { PROTOCOL_NAMES, MODEL_NAMES, PROTOCOL_TITLES, MODEL_TITLES, modelLabel } from './pipeline/names.js';
export {
  type PipelineResults, type ProtocolName, type ModelName, type ProtocolResult, type ModelResult, type FoldScores,
  type MeanSd, type AveragedMetrics, type ClassMetrics,
} from './pipeline/results.js';
export type { DisplayRef } from './pipeline/display-format.js';

// Misc.
export { Random, hashString, type RandomState } from './util/random.js';

// Emotion over time: the streaming API, speech activity, streamed WAV decoding, files and figures (src/timeline/).
export { EmotionStream, windowSamples, type EmotionStreamOptions, type TimelineWindow, type TimelineStats } from './timeline/stream.js';
export { timelineForFile, type FileTimeline, type FileTimelineOptions, type EnvelopeColumn } from './timeline/file.js';
export { speechSegments, summaryLine, type SegmentSummary } from './timeline/summary.js';
export { timelineDocument, timelineCsv, type TimelineDocument } from './timeline/format.js';
export { renderTimeline, timelineSpec } from './timeline/plot.js';
export type { RenderedFigure } from './report/render.js';
export { WasmVad, detectSpeech } from './wasm/vad.js';
export { vadReference, type VadResult } from './reference/vad.js';
export { resolveVadOptions, type VadOptions, type ResolvedVad } from './dsp/vad-options.js';
export { StreamResampler } from './wasm/stream-resample.js';
export { openWavStream, bytesSource, blobSource, type ByteSource, type WavStream, type WavStreamOptions } from './audio/wav-stream.js';
export { fileSource } from './audio/wav-file-source.js';
export {
  SyntheticSpeechStream, synthLongRecording, type LongRecordingOptions, type SpeechSegment, type BackgroundNoise,
} from './synth/long-recording.js';
