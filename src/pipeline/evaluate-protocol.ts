import { selectRows } from '../ml/dataset.js';
import { classificationMetrics, type ClassificationMetrics } from '../ml/metrics.js';
import { argmaxRows } from '../ml/one-hot.js';
import type { Split } from '../ml/split.js';
import type { EmotionModel } from '../models/emotion-model.js';
import { fitModel, type TrainingData } from '../models/fit-model.js';
import { modelTitle, type ModelSpec } from '../models/model-spec.js';
import type { WasmCore } from '../wasm/core.js';
import type { FoldScores, ModelName, ModelResult, ProtocolResult } from './results.js';
import type { ValidationBy } from '../ml/validation-speakers.js';

export interface EvaluateOptions {
  /** The classifier behind each model name, in order. */
  models: Array<[ModelName, ModelSpec]>;
  seed: number;
  core?: WasmCore;
  /** Training recipe name, recorded in bundles and results. */
  recipeName?: string;
  /** Ensembles: members trained at once on worker threads (default 1). */
  threads?: number;
  /** Networks' validation: held-out speakers (default) or held-out recordings. */
  validateBy?: ValidationBy;
  /** Train accuracy of KNN on at most this many training rows (each costs a full distance scan). */
  knnTrainSample?: number;
  log?: (line: string) => void;
}

const DESCRIPTIONS: Record<Split['protocol'], string> = {
  paper: "paper: every clip augmented, then a stratified 80/20 split of all rows (copies of one recording land on both sides: optimistic)",
  clip: 'clip: recordings split 80/20 (stratified) first, augmented copies only on the training side, test on original recordings',
  speaker: 'speaker: held-out actors (balanced by gender), augmented copies only on the training side, test on their original recordings',
};

/**
 * One protocol: each model is fitted on the split's training rows only
 * (fitModel: its scaler, its validation speakers and its early stopping all
 * come from those rows) and scored on the test rows.
 */
export async function evaluateProtocol(table: TrainingData, split: Split, opts: EvaluateOptions): Promise<ProtocolResult> {
  const log = opts.log ?? (() => {});
  const train = selectRows(table, split.train);
  const test = selectRows(table, split.test);
  const result: ProtocolResult = {
    protocol: split.protocol,
    description: DESCRIPTIONS[split.protocol],
    trainRows: train.rows,
    testRows: test.rows,
    trainSpeakers: split.protocol === 'speaker' ? [...new Set(train.speaker)].sort() : [],
    testSpeakers: split.protocol === 'speaker' ? [...new Set(test.speaker)].sort() : [],
    models: {},
  };

  for (const [name, spec] of opts.models) {
    log(`[${split.protocol}] ${modelTitle(spec)}: training on ${train.rows} rows × ${table.dim}`);
    const t0 = performance.now();
    const model = await fitModel(spec, table, split.train, {
      seed: opts.seed,
      core: opts.core,
      recipeName: opts.recipeName,
      threads: opts.threads,
      validateBy: opts.validateBy,
      log: (line) => log(`[${split.protocol}] ${line}`),
    });
    try {
      const fitSeconds = (performance.now() - t0) / 1000;
      const nClasses = table.classes.length;
      // Train accuracy on a bounded sample for KNN (a full distance scan per row), on everything otherwise.
      const sample = name === 'knn' ? Math.min(train.rows, opts.knnTrainSample ?? 2000) : train.rows;
      // Row contexts for transductive models: each speaker's statistics from its original recordings.
      const ctx = (d: typeof train, n: number) => ({ speakers: d.speaker.slice(0, n), statistics: d.version.slice(0, n).map((v) => v === 'original') });
      const trainPred = argmaxRows(model.predictProba(train.X.subarray(0, sample * table.dim), sample, ctx(train, sample)), sample, nClasses);
      const t1 = performance.now();
      const testPred = argmaxRows(model.predictProba(test.X, test.rows, ctx(test, test.rows)), test.rows, nClasses);
      const predictSeconds = (performance.now() - t1) / 1000;
      result.models[name] = {
        ...score(name, train.y.subarray(0, sample), trainPred, test.y, testPred, table.classes, fitSeconds, predictSeconds),
        title: modelTitle(spec),
        ...(trainingOf(model) ? { training: trainingOf(model)! } : {}),
      };
    } finally {
      model.dispose();
    }
  }
  return result;
}

/** The first network's curves (the report draws one model per protocol) and how many there were. */
function trainingOf(model: EmotionModel): ModelResult['training'] | undefined {
  const nets = model.training.filter((t) => t.history);
  const t = nets[0];
  if (!t?.history) return undefined;
  return {
    backend: t.backend ?? '',
    epochs: t.epochs ?? t.history.loss.length,
    bestEpoch: t.bestEpoch ?? t.history.loss.length,
    stoppedEarly: (t.epochs ?? 0) < ((model.meta.spec.kind === 'ensemble' ? model.meta.spec.member : model.meta.spec) as { epochs?: number }).epochs!,
    epochSeconds: t.epochSeconds ?? [],
    history: t.history,
    members: nets.length,
    validationSpeakers: nets.map((n) => n.validationSpeakers),
    validationModes: nets.map((n) => n.validationMode),
  };
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

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Population standard deviation over folds (each fold is one observation of the whole procedure). */
const sd = (xs: number[]): number => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

/**
 * Pools the folds of a cross-validated protocol: every test row was predicted
 * by exactly one fold's models, so the pooled confusion matrix is the sum, and
 * the pooled metrics are computed from it as if from one prediction list.
 * Per-fold accuracy, balanced accuracy (UAR) and macro-F1 are kept, with their
 * mean and standard deviation over folds.
 */
export function poolFolds(folds: ProtocolResult[], classes: string[]): ProtocolResult {
  const first = folds[0]!;
  const models: ProtocolResult['models'] = {};
  const summary: NonNullable<ProtocolResult['foldSummary']> = {};
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
    const perFold = (f: (r: ModelResult) => number) => {
      const xs = results.map(f);
      return { mean: mean(xs), sd: sd(xs) };
    };
    summary[model] = { accuracy: perFold((r) => r.testAccuracy), balancedAccuracy: perFold((r) => r.balancedAccuracy), macroF1: perFold((r) => r.macro.f1) };
    models[model] = {
      model,
      ...(results[0]!.title ? { title: results[0]!.title } : {}),
      trainAccuracy: mean(results.map((r) => r.trainAccuracy)),
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
  const scores = (f: ProtocolResult, pick: (r: ModelResult) => number): FoldScores =>
    Object.fromEntries(Object.entries(f.models).map(([k, r]) => [k, pick(r!)]));
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
      accuracy: scores(f, (r) => r.testAccuracy),
      balancedAccuracy: scores(f, (r) => r.balancedAccuracy),
      macroF1: scores(f, (r) => r.macro.f1),
      fitSeconds: scores(f, (r) => r.fitSeconds),
    })),
    foldSummary: summary,
  };
}
