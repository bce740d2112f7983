/**
 * `ser-wasm/models`: every classifier behind one interface ({@link EmotionModel}): fitModel
 * (decision tree, k-NN, the paper's CNN, frame and sequence CNNs, ensembles), saved model bundles
 * (saveBundle/loadBundle, the files `ser train` writes) and the TensorFlow.js backend choice
 * (initBackend: tfjs-node when installed, else WASM with our training kernels, else cpu).
 * Loads TensorFlow.js (tfjs-core + tfjs-layers); Node only (browsers: `ser-wasm/browser`).
 *
 * @module ser-wasm/models
 */
export { initBackend, type BackendPreference, type BackendInfo } from '../ml/cnn/backend.js';
export { buildPaperCnn, compileCnn, compilePaperCnn, disposeCnn, PAPER_CNN, CnnError, type PaperCnnOptions } from '../ml/cnn/model.js';
export { trainCnn, type TrainCnnOptions, type TrainCnnResult, type EpochLogs, type BatchProgress } from '../ml/cnn/train.js';
export type { ValidationBy } from '../ml/validation-speakers.js';
export { saveCnn, loadCnn } from '../ml/cnn/persist.js';
export { saveBundle, loadBundle, directoryReader, BUNDLE_FILE, BUNDLE_FORMAT } from '../models/bundle.js';
export { loadModelFrom, bundleFilesOf } from '../models/bundle-format.js';
export { BundleError, type BundleReader, type BundleFiles } from '../models/bundle-files.js';
export type { EmotionModel, ModelMeta, TrainingSummary, TrainedOn } from '../models/emotion-model.js';
export { fitModel, type TrainingData, type FitOptions } from '../models/fit-model.js';
export {
  modelTitle, validateModelSpec, PAPER_CNN_SPEC, PAPER_DT, PAPER_KNN, type ModelSpec, type CnnSpec, type CnnArchName, type SpecAugmentSpec,
} from '../models/model-spec.js';
export { TRAINING_RECIPES, trainingRecipe, type TrainingRecipe, type TrainingRecipeName, type ModelChoice } from '../models/training-recipes.js';
export { Preprocessor, type PreprocessStepSpec, type PreprocessStepJSON, type RowContext } from '../models/preprocess.js';
export { cnnPredictProba } from '../models/cnn-predict.js';
export { quantizeModelDir, type QuantizeSummary, type QuantizationDtype } from '../models/quantize.js';
