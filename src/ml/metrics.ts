/**
 * Classification metrics with sklearn.metrics semantics:
 *  - confusion matrix indexed [true][predicted];
 *  - per-class precision, recall, F1 and support; a 0/0 ratio is 0
 *    (sklearn's default zero_division='warn' also returns 0);
 *  - macro average (plain mean over classes) and weighted average (weighted
 *    by support), over ALL classes 0..nClasses−1, as sklearn does when given
 *    labels=range(nClasses);
 *  - balanced accuracy: mean recall over the classes present in y_true
 *    (sklearn.metrics.balanced_accuracy_score, adjusted=False).
 */
import { MlError } from './dataset.js';

export interface AveragedScores {
  precision: number;
  recall: number;
  f1: number;
  /** Total number of samples. */
  support: number;
}

export interface ClassificationMetrics {
  nClasses: number;
  accuracy: number;
  balancedAccuracy: number;
  /** confusion[t][p] = samples of true class t predicted as p. */
  confusion: number[][];
  precision: number[];
  recall: number[];
  f1: number[];
  /** True samples per class. */
  support: number[];
  macro: AveragedScores;
  weighted: AveragedScores;
}

function checkLabels(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): void {
  if (!Number.isInteger(nClasses) || nClasses <= 0) throw new MlError(`nClasses must be a positive integer, got ${nClasses}`);
  if (yTrue.length !== yPred.length) throw new MlError(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  if (yTrue.length === 0) throw new MlError('metrics need at least one sample (got 0 labels)');
  for (const [name, y] of [['yTrue', yTrue], ['yPred', yPred]] as const) {
    for (let i = 0; i < y.length; i++) {
      const c = y[i]!;
      if (!Number.isInteger(c) || c < 0 || c >= nClasses) throw new MlError(`${name}[${i}] = ${c} is not a class index in [0, ${nClasses})`);
    }
  }
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/** sklearn.metrics.confusion_matrix with labels 0..nClasses−1: [nClasses][nClasses] counts, [true][predicted]. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number[][] {
  checkLabels(yTrue, yPred, nClasses);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]!]![yPred[i]!]!++;
  return m;
}

/** sklearn.metrics.accuracy_score: fraction of equal labels, in [0, 1]. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) throw new MlError(`yTrue has ${yTrue.length} labels but yPred has ${yPred.length}`);
  if (yTrue.length === 0) throw new MlError('metrics need at least one sample (got 0 labels)');
  let correct = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) correct++;
  return correct / yTrue.length;
}

/** sklearn.metrics.balanced_accuracy_score (adjusted=False): mean recall over the classes present in yTrue. */
export function balancedAccuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number {
  return classificationMetrics(yTrue, yPred, nClasses).balancedAccuracy;
}

/**
 * Everything sklearn.metrics.classification_report and confusion_matrix give for class indices in
 * [0, nClasses): accuracy, balanced accuracy, per-class precision / recall / F1 / support, macro and
 * weighted averages over all nClasses classes (0/0 counts as 0).
 */
export function classificationMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): ClassificationMetrics {
  const confusion = confusionMatrix(yTrue, yPred, nClasses);
  const total = yTrue.length;
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  const support: number[] = [];
  let correct = 0;
  let presentRecallSum = 0;
  let present = 0;
  for (let c = 0; c < nClasses; c++) {
    const tp = confusion[c]![c]!;
    let predicted = 0;
    let actual = 0;
    for (let k = 0; k < nClasses; k++) {
      predicted += confusion[k]![c]!;
      actual += confusion[c]![k]!;
    }
    correct += tp;
    precision.push(ratio(tp, predicted));
    recall.push(ratio(tp, actual));
    // F1 = 2TP / (2TP + FP + FN), the form sklearn uses (equal to the harmonic mean when defined).
    f1.push(ratio(2 * tp, predicted + actual)); // predicted + actual = 2TP + FP + FN
    support.push(actual);
    if (actual > 0) {
      presentRecallSum += tp / actual;
      present++;
    }
  }
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / nClasses;
  const weightedMean = (v: number[]) => v.reduce((a, x, c) => a + x * support[c]!, 0) / total;
  return {
    nClasses,
    accuracy: correct / total,
    balancedAccuracy: presentRecallSum / present,
    confusion,
    precision,
    recall,
    f1,
    support,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1), support: total },
    weighted: { precision: weightedMean(precision), recall: weightedMean(recall), f1: weightedMean(f1), support: total },
  };
}
