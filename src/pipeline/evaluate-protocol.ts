import { selectRows, type Dataset } from '../ml/dataset.js';
import { DecisionTreeClassifier } from '../ml/decision-tree.js';
import { KNeighborsClassifier } from '../ml/knn.js';
import { classificationMetrics, type ClassificationMetrics } from '../ml/metrics.js';
import { argmaxRows } from '../ml/one-hot.js';
import { StandardScaler } from '../ml/scaler.js';
import type { Split } from '../ml/split.js';
import { trainCnn, type TrainCnnOptions } from '../ml/cnn/train.js';
import { disposeCnn } from '../ml/cnn/model.js';
import { cnnForArch, type CnnArch } from '../ml/cnn/frames-model.js';
import { cnnPredictProba } from '../models/cnn-predict.js';
import type { WasmCore } from '../wasm/core.js';
import type { ModelName, ModelResult, ProtocolResult } from './results.js';

export interface EvaluateOptions {
  models: ModelName[];
  seed: number;
  core?: WasmCore;
  cnn?: Omit<TrainCnnOptions, 'seed' | 'model'>;
  /** CNN architecture (default 'paper'; 'frames': frames-model.ts, needs `nMfcc` to find the frame layout). */
  cnnArch?: CnnArch;
  /** MFCCs per frame in the feature vectors (default 20, the paper's). */
  nMfcc?: number;
  /** KNN train accuracy on at most this many training rows (each costs a full distance scan). */
  knnTrainSample?: number;
  log?: (line: string) => void;
}

const DESCRIPTIONS: Record<Split['protocol'], string> = {
  paper: "paper: every clip augmented, then a stratified 80/20 split of all rows (copies of one recording land on both sides: optimistic)",
  clip: 'clip: recordings split 80/20 (stratified) first, augmented copies only on the training side, test on original recordings',
  speaker: 'speaker: held-out actors (balanced by gender), augmented copies only on the training side, test on their original recordings',
};

/**
 * One protocol: fit the scaler on the training side only, then train and
 * score each model. Returns everything results.json records for it.
 */
export async function evaluateProtocol(table: Dataset, split: Split, opts: EvaluateOptions): Promise<ProtocolResult> {
  const log = opts.log ?? (() => {});
  const train = selectRows(table, split.train);
  const test = selectRows(table, split.test);
  const { dim } = table;
  const nClasses = table.classes.length;
  const scaler = new StandardScaler().fit(train.X, train.rows, dim);
  const Xtr = scaler.transform(train.X, train.rows, dim);
  const Xte = scaler.transform(test.X, test.rows, dim);
  const result: ProtocolResult = {
    protocol: split.protocol,
    description: DESCRIPTIONS[split.protocol],
    trainRows: train.rows,
    testRows: test.rows,
    trainSpeakers: split.protocol === 'speaker' ? [...new Set(train.speaker)].sort() : [],
    testSpeakers: split.protocol === 'speaker' ? [...new Set(test.speaker)].sort() : [],
    models: {},
  };

  for (const model of opts.models) {
    log(`[${split.protocol}] ${model}: training on ${train.rows} rows × ${dim}`);
    const t0 = performance.now();
    let trainPred: Int32Array;
    let trainTruth: Int32Array = train.y;
    let testPred: Int32Array;
    let fitSeconds: number;
    let training: ModelResult['training'];
    if (model === 'dt') {
      const dt = new DecisionTreeClassifier({ seed: opts.seed }).fit(Xtr, train.rows, dim, train.y, nClasses);
      fitSeconds = (performance.now() - t0) / 1000;
      trainPred = dt.predict(Xtr, train.rows, dim);
      const t1 = performance.now();
      testPred = dt.predict(Xte, test.rows, dim);
      result.models.dt = score('dt', train.y, trainPred, test.y, testPred, table.classes, fitSeconds, (performance.now() - t1) / 1000);
      continue;
    } else if (model === 'knn') {
      const knn = new KNeighborsClassifier({ k: 4, core: opts.core }).fit(Xtr, train.rows, dim, train.y, nClasses);
      fitSeconds = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      testPred = knn.predict(Xte, test.rows, dim);
      const predictSeconds = (performance.now() - t1) / 1000;
      // Train accuracy of KNN includes each row's own zero distance; on a sample to bound the cost.
      const sample = Math.min(train.rows, opts.knnTrainSample ?? 2000);
      trainTruth = train.y.subarray(0, sample);
      trainPred = knn.predict(Xtr.subarray(0, sample * dim), sample, dim);
      result.models.knn = score('knn', trainTruth, trainPred, test.y, testPred, table.classes, fitSeconds, predictSeconds);
      continue;
    } else {
      const arch = cnnForArch(opts.cnnArch ?? 'paper', { dim, nMfcc: opts.nMfcc ?? 20, nClasses, seed: opts.seed, learningRate: opts.cnn?.learningRate });
      let XtrCnn = Xtr;
      let XteCnn = Xte;
      if (arch.relayout) {
        // Re-laid-out raw rows get their own scaler, fitted on the training side only as above.
        const rawTr = arch.relayout(train.X, train.rows);
        const cnnScaler = new StandardScaler().fit(rawTr, train.rows, dim);
        XtrCnn = cnnScaler.transform(rawTr, train.rows, dim);
        XteCnn = cnnScaler.transform(arch.relayout(test.X, test.rows), test.rows, dim);
      }
      const fit = await trainCnn(XtrCnn, train.y, nClasses, {
        ...opts.cnn,
        model: arch.model,
        seed: opts.seed,
        onEpoch: (epoch, l) => {
          log(`[${split.protocol}] cnn epoch ${epoch + 1}: loss ${l.loss.toFixed(4)} acc ${l.acc.toFixed(4)}` +
            (l.val_loss !== undefined ? ` val_loss ${l.val_loss.toFixed(4)} val_acc ${l.val_acc!.toFixed(4)}` : ''));
        },
      });
      fitSeconds = (performance.now() - t0) / 1000;
      trainPred = argmaxRows(cnnPredictProba(fit.model, XtrCnn, train.rows, dim), train.rows, nClasses);
      const t1 = performance.now();
      testPred = argmaxRows(cnnPredictProba(fit.model, XteCnn, test.rows, dim), test.rows, nClasses);
      const predictSeconds = (performance.now() - t1) / 1000;
      training = {
        backend: fit.backend,
        epochs: fit.history.length,
        bestEpoch: fit.bestEpoch + 1,
        stoppedEarly: fit.stoppedEpoch !== null,
        epochSeconds: fit.epochMs.map((ms) => ms / 1000),
        history: {
          loss: fit.history.map((h) => h.loss),
          acc: fit.history.map((h) => h.acc),
          valLoss: fit.history.map((h) => h.val_loss ?? NaN),
          valAcc: fit.history.map((h) => h.val_acc ?? NaN),
        },
      };
      disposeCnn(fit.model);
      result.models.cnn = { ...score('cnn', trainTruth, trainPred, test.y, testPred, table.classes, fitSeconds, predictSeconds), training };
    }
  }
  return result;
}

function score(
  model: ModelName,
  trainTrue: Int32Array,
  trainPred: Int32Array,
  testTrue: Int32Array,
  testPred: Int32Array,
  classes: string[],
  fitSeconds: number,
  predictSeconds: number,
): ModelResult {
  const nClasses = classes.length;
  const tr = classificationMetrics(trainTrue, trainPred, nClasses);
  const te: ClassificationMetrics = classificationMetrics(testTrue, testPred, nClasses);
  return {
    model,
    trainAccuracy: tr.accuracy,
    testAccuracy: te.accuracy,
    balancedAccuracy: te.balancedAccuracy,
    perClass: te.precision.map((_, c) => ({ label: classes[c] ?? String(c), precision: te.precision[c]!, recall: te.recall[c]!, f1: te.f1[c]!, support: te.support[c]! })),
    macro: te.macro,
    weighted: te.weighted,
    confusion: te.confusion,
    fitSeconds,
    predictSeconds,
  };
}

/**
 * Pools the folds of a cross-validated protocol: every test row was predicted
 * by exactly one fold's models, so the pooled confusion matrix is the sum, and
 * the pooled metrics are computed from it as if from one prediction list.
 */
export function poolFolds(folds: ProtocolResult[], classes: string[]): ProtocolResult {
  const first = folds[0]!;
  const models: ProtocolResult['models'] = {};
  for (const model of Object.keys(first.models) as ModelName[]) {
    const results = folds.map((f) => f.models[model]!);
    const confusion = classes.map((_, t) => classes.map((__, p) => results.reduce((sum, r) => sum + r.confusion[t]![p]!, 0)));
    const yTrue: number[] = [];
    const yPred: number[] = [];
    confusion.forEach((row, t) => row.forEach((count, p) => {
      for (let i = 0; i < count; i++) {
        yTrue.push(t);
        yPred.push(p);
      }
    }));
    const m = classificationMetrics(yTrue, yPred, classes.length);
    const mean = (f: (r: ModelResult) => number): number => results.reduce((s, r) => s + f(r), 0) / results.length;
    models[model] = {
      model,
      trainAccuracy: mean((r) => r.trainAccuracy),
      testAccuracy: m.accuracy,
      balancedAccuracy: m.balancedAccuracy,
      perClass: classes.map((label, c) => ({ label, precision: m.precision[c]!, recall: m.recall[c]!, f1: m.f1[c]!, support: m.support[c]! })),
      macro: m.macro,
      weighted: m.weighted,
      confusion: m.confusion,
      fitSeconds: results.reduce((s, r) => s + r.fitSeconds, 0),
      predictSeconds: results.reduce((s, r) => s + r.predictSeconds, 0),
      ...(results[0]!.training ? { training: results[0]!.training } : {}),
    };
  }
  return {
    protocol: first.protocol,
    description: `${first.description}; ${folds.length} folds, every actor held out once, predictions pooled`,
    trainRows: Math.round(folds.reduce((s, f) => s + f.trainRows, 0) / folds.length),
    testRows: folds.reduce((s, f) => s + f.testRows, 0),
    trainSpeakers: [...new Set(folds.flatMap((f) => f.trainSpeakers))].sort(),
    testSpeakers: [...new Set(folds.flatMap((f) => f.testSpeakers))].sort(),
    models,
    folds: folds.map((f) => ({
      testSpeakers: f.testSpeakers,
      testRows: f.testRows,
      accuracy: Object.fromEntries(Object.entries(f.models).map(([k, r]) => [k, r!.testAccuracy])),
    })),
  };
}
