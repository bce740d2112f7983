/**
 * Training any ModelSpec on rows of a feature table, behind one function.
 *
 * Leakage rules, enforced here for every kind:
 *  - only `rows` (the caller's training side) are read; test rows never are;
 *  - networks stop early on whole validation speakers taken out of `rows`
 *    (ml/validation-speakers.ts): none of their rows, original or augmented,
 *    is trained on, and the preprocessing statistics (scalers) are fitted on
 *    the remaining training rows only;
 *  - per-clip normalisations (utterance norm, sequence recipes) use each
 *    clip's own frames and nothing else.
 * DT and KNN have no early stopping and train on all of `rows`.
 */
import type * as tf from '../ml/tfjs.js';
import type { FeatureRecipe } from '../features/feature-recipe.js';
import { paperVectorLayout } from '../features/frame-major.js';
import { sequenceChannelOffsets, sequenceValuesPerFrame } from '../features/sequence-recipe.js';
import { selectRows, MlError, ORIGINAL_VERSION, type Dataset } from '../ml/dataset.js';
import { DecisionTreeClassifier } from '../ml/decision-tree.js';
import { sequenceBatchAugment } from '../ml/cnn/batch-augment.js';
import { buildFramesCnn } from '../ml/cnn/frames-model.js';
import { buildPaperCnn } from '../ml/cnn/model.js';
import { buildSequenceCnn } from '../ml/cnn/sequence-model.js';
import { trainCnn, type BatchProgress, type EpochLogs, type TrainCnnOptions } from '../ml/cnn/train.js';
import { validationPlan, type ValidationBy } from '../ml/validation-speakers.js';
import { Random } from '../util/random.js';
import type { WasmCore } from '../wasm/core.js';
import { KnnModel, TreeModel } from './classical-models.js';
import type { EmotionModel, ModelMeta, TrainedOn, TrainingSummary } from './emotion-model.js';
import { EnsembleModel } from './ensemble-model.js';
import { modelTitle, type CnnSpec, type ModelSpec } from './model-spec.js';
import { NetworkModel } from './network-model.js';
import { Preprocessor, type PreprocessStepSpec, type RowContext } from './preprocess.js';

/** A feature table's rows plus what a bundle records about them. */
export interface TrainingData extends Dataset {
  recipe: FeatureRecipe;
  /** Corpus folder (provenance). */
  corpus: string;
  /** Augmentation versions present in the table. */
  versions: string[];
  /** The corpus is `ser synth` output. */
  synthetic?: boolean;
}

export interface FitOptions {
  seed: number;
  /** Progress lines (the title, validation plan, one line per epoch); default none. */
  log?: (line: string) => void;
  /** WASM instance for KNN's distance kernel. */
  core?: WasmCore;
  /** Named training recipe, recorded in the bundle. */
  recipeName?: string;
  /** Called after every epoch of a network trained on this thread: member index (0 outside ensembles), 0-based epoch, its logs. */
  onEpoch?: (member: number, epoch: number, logs: EpochLogs) => void;
  /**
   * Networks: called after every training batch with the member index (0 outside ensembles), and once
   * more with `progress.done` when that network is trained; also for members on worker threads.
   * For progress display; it does not change the training.
   */
  onBatch?: (member: number, progress: BatchProgress) => void;
  /** Internal: ensemble member index (selects the validation speakers). */
  member?: number;
  /**
   * Internal: seed of the speaker partition that validation groups come from (the ensemble's
   * seed, shared by its members so their groups are disjoint; default `seed`).
   */
  validationSeed?: number;
  /**
   * Ensembles: train up to this many members at once on worker threads (Node only;
   * default 1, on this thread). The result does not depend on it.
   */
  threads?: number;
  /** Networks: validate on held-out speakers (default) or held-out recordings (src/ml/validation-speakers.ts). */
  validateBy?: ValidationBy;
}

/** Trains `spec` on `rows` of `data` (all rows when omitted). */
export async function fitModel(spec: ModelSpec, data: TrainingData, rows?: ArrayLike<number>, opts: FitOptions = { seed: 42 }): Promise<EmotionModel> {
  const trainRows = rows ? Int32Array.from(rows) : Int32Array.from({ length: data.rows }, (_, i) => i);
  if (trainRows.length === 0) throw new MlError('fitModel: no training rows');
  const log = opts.log ?? (() => {});
  const meta: ModelMeta = {
    spec,
    classes: data.classes.slice(),
    recipe: data.recipe,
    seed: opts.seed,
    trainedOn: trainedOn(data, trainRows, opts.recipeName),
    createdAt: new Date().toISOString(),
  };
  if (spec.kind === 'ensemble') {
    // Each member's seed and validation group depend only on (seed, member index).
    const tasks = Array.from({ length: spec.members }, (_, m) => ({ spec: spec.member, seed: new Random(opts.seed).fork(100 + m).nextUint32(), member: m }));
    const threads = Math.min(opts.threads ?? 1, spec.members);
    if (threads > 1) {
      log(`${modelTitle(spec)}: ${spec.members} members on ${threads} threads`);
      const { fitMembersOnThreads } = await import('./fit-parallel.js');
      return new EnsembleModel(meta, await fitMembersOnThreads(tasks, data, trainRows, {
        threads, recipeName: opts.recipeName, validationSeed: opts.seed, validateBy: opts.validateBy, log, onBatch: opts.onBatch,
      }));
    }
    const members: EmotionModel[] = [];
    try {
      for (const t of tasks) {
        log(`${modelTitle(spec)}: member ${t.member + 1} of ${spec.members}`);
        members.push(await fitModel(t.spec, data, trainRows, { ...opts, seed: t.seed, member: t.member, validationSeed: opts.seed }));
      }
      return new EnsembleModel(meta, members);
    } catch (e) {
      for (const m of members) m.dispose();
      throw e;
    }
  }
  const started = performance.now();
  if (spec.kind === 'dt' || spec.kind === 'knn') {
    const train = selectRows(data, trainRows);
    const steps: PreprocessStepSpec[] = [];
    const norm = spec.utteranceNorm ?? 'off';
    if (norm !== 'off') steps.push({ op: 'utterance-norm', mode: norm, nMfcc: paperRecipe(data.recipe, 'utterance norm').nMfcc });
    steps.push({ op: 'standardize' });
    const { pre, Z } = Preprocessor.fit(steps, train.X, train.rows, data.dim);
    const summary = (): TrainingSummary[] => [{
      validationSpeakers: [], validationMode: 'none', fitRows: train.rows, validationRows: 0, seconds: (performance.now() - started) / 1000,
    }];
    if (spec.kind === 'dt') {
      const tree = new DecisionTreeClassifier({ seed: opts.seed }).fit(Z, train.rows, pre.dim, train.y, data.classes.length);
      return new TreeModel(meta, summary(), pre, tree);
    }
    return KnnModel.create(meta, summary(), pre, spec.k, Z, train.rows, train.y, opts.core);
  }
  return fitNetwork(spec, data, trainRows, meta, opts, started);
}

async function fitNetwork(spec: CnnSpec, data: TrainingData, trainRows: Int32Array, meta: ModelMeta, opts: FitOptions, started: number): Promise<EmotionModel> {
  const log = opts.log ?? (() => {});
  const member = opts.member ?? 0;
  const plan = validationPlan(data, trainRows, { seed: opts.validationSeed ?? opts.seed, member, by: opts.validateBy });
  const fit = selectRows(data, plan.fit);
  const val = selectRows(data, plan.validation);
  const nClasses = data.classes.length;
  const rng = new Random(opts.seed);
  const netSeed = rng.fork(3).nextUint32();
  log(`${modelTitle(spec)}: ${fit.rows} training rows, validation on ${val.rows} original clips of ` +
    (plan.mode === 'speakers' ? `held-out speakers ${plan.speakers.join(', ')}` : 'held-out recordings'));

  let steps: PreprocessStepSpec[];
  let network: tf.LayersModel;
  let augment: TrainCnnOptions['augment'];
  if (spec.arch === 'sequence') {
    const recipe = data.recipe;
    if (recipe.kind !== 'sequence') throw new MlError(`the sequence CNN needs a sequence feature recipe, got the paper's`);
    const channels = sequenceValuesPerFrame(recipe.channels, recipe.nMels);
    steps = spec.speakerNorm ? [{ op: 'speaker-standardize', channels }, { op: 'channel-standardize', channels }] : [{ op: 'channel-standardize', channels }];
    network = buildSequenceCnn(recipe.frames, channels, nClasses, { filters: spec.filters, dropout: spec.dropout, seed: netSeed, learningRate: spec.learningRate });
    const logmelAt = sequenceChannelOffsets(recipe).logmel;
    augment = spec.specAugment || spec.mixup > 0
      ? sequenceBatchAugment({
        frames: recipe.frames, channels, maskableChannels: logmelAt === 0 ? recipe.nMels : 0, specAugment: spec.specAugment, mixup: spec.mixup,
      })
      : undefined;
  } else {
    const recipe = paperRecipe(data.recipe, `the ${spec.arch} CNN`);
    steps = spec.utteranceNorm !== 'off' ? [{ op: 'utterance-norm', mode: spec.utteranceNorm, nMfcc: recipe.nMfcc }] : [];
    if (spec.arch === 'frames') {
      const layout = paperVectorLayout(data.dim, recipe.nMfcc);
      steps.push({ op: 'frame-major', nMfcc: recipe.nMfcc });
      if (spec.speakerNorm) steps.push({ op: 'speaker-standardize', channels: layout.channels });
      steps.push({ op: 'standardize' });
      network = buildFramesCnn(layout.frames, layout.channels, nClasses, { seed: netSeed, learningRate: spec.learningRate });
    } else {
      steps.push({ op: 'standardize' });
      network = buildPaperCnn(data.dim, nClasses, { seed: netSeed, learningRate: spec.learningRate });
    }
    augment = undefined;
  }
  // Speaker statistics (transductive steps) come from each speaker's original recordings.
  const context = (d: Dataset): RowContext => ({ speakers: d.speaker, statistics: d.version.map((v) => v === ORIGINAL_VERSION) });
  const { pre, Z } = Preprocessor.fit(steps, fit.X, fit.rows, data.dim, context(fit));
  let result;
  try {
    result = await trainCnn(Z, fit.y, nClasses, {
      model: network,
      seed: rng.nextUint32(),
      epochs: spec.epochs,
      patience: spec.patience,
      batchSize: spec.batchSize,
      learningRate: spec.learningRate,
      validationData: { X: pre.transform(val.X, val.rows, context(val)), y: val.y },
      augment,
      onBatch: opts.onBatch ? (p) => opts.onBatch!(member, p) : undefined,
      onEpoch: (epoch, l) => {
        opts.onEpoch?.(member, epoch, l);
        log(`  epoch ${epoch + 1}: loss ${l.loss.toFixed(4)} acc ${l.acc.toFixed(3)} val_loss ${l.val_loss?.toFixed(4)} val_acc ${l.val_acc?.toFixed(3)}`);
      },
    });
  } catch (e) {
    network.dispose();
    throw e;
  }
  const h = result.history;
  const summary: TrainingSummary = {
    validationSpeakers: plan.speakers,
    validationMode: plan.mode,
    fitRows: fit.rows,
    validationRows: val.rows,
    seconds: (performance.now() - started) / 1000,
    epochs: h.length,
    bestEpoch: result.bestEpoch + 1,
    bestValLoss: h[result.bestEpoch]?.val_loss ?? null,
    backend: result.backend,
    history: { loss: h.map((e) => e.loss), acc: h.map((e) => e.acc), valLoss: h.map((e) => e.val_loss ?? NaN), valAcc: h.map((e) => e.val_acc ?? NaN) },
    epochSeconds: result.epochMs.map((ms) => ms / 1000),
  };
  return new NetworkModel(meta, [summary], pre, result.model);
}

function paperRecipe(r: FeatureRecipe, who: string) {
  if (r.kind === 'sequence') throw new MlError(`${who} needs the paper's feature vectors, got a sequence recipe`);
  return r;
}

function trainedOn(data: TrainingData, rows: Int32Array, recipeName?: string): TrainedOn {
  const speakers = new Set<string>();
  for (const r of rows) speakers.add(data.speaker[r]!);
  return {
    corpus: data.corpus, rows: rows.length, speakers: [...speakers].sort(), versions: data.versions.slice(),
    ...(recipeName ? { recipeName } : {}), ...(data.synthetic ? { synthetic: true } : {}),
  };
}
