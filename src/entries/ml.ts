/**
 * `ser-wasm/ml`: classical machine learning without TensorFlow.js: StandardScaler, a CART decision
 * tree and k-nearest neighbours (scikit-learn's defaults), metrics (accuracy, balanced accuracy,
 * per-class precision/recall/F1, confusion matrix, sklearn's classification report) and the
 * train/test protocols (the paper's stratified split, speaker-independent splits and folds).
 * Browser-safe. The CNNs and saved models are in `ser-wasm/models`.
 *
 * @module ser-wasm/ml
 */
export { StandardScaler, type StandardScalerJSON } from '../ml/scaler.js';
export { DecisionTreeClassifier, type DecisionTreeOptions, type DecisionTreeJSON } from '../ml/decision-tree.js';
export { KNeighborsClassifier, type KnnOptions, type Neighbors } from '../ml/knn.js';
export {
  accuracy, balancedAccuracy, classificationMetrics, confusionMatrix, type ClassificationMetrics, type AveragedScores,
} from '../ml/metrics.js';
export { classificationReport, formatClassificationReport, formatConfusionMatrix } from '../ml/classification-report.js';
export {
  paperSplit, clipSplit, speakerSplit, speakerFolds, stratifiedSplit, validationSplit, auditSplit, ravdessGender,
  type Split, type SplitProtocol, type SplitAudit, type Gender, type StratifiedOptions, type SpeakerSplitOptions, type SpeakerFoldOptions,
  type ValidationSplitOptions,
} from '../ml/split.js';
export { oneHot, argmaxRows } from '../ml/one-hot.js';
export { ORIGINAL_VERSION, MlError, selectRows, type Dataset } from '../ml/dataset.js';
