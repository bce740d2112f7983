/**
 * Trains the paper's CNN with Keras-equivalent semantics, reproducibly:
 *  - validationSplit takes the LAST fraction of the given rows, before any
 *    shuffling (keras Model.fit: split_at = int(n · (1 − validation_split)));
 *  - each epoch visits the training rows in a fresh order drawn from the
 *    project's seeded generator (tfjs fit's own shuffle uses Math.random);
 *  - reported loss/acc are the batch-size-weighted means of the per-batch
 *    training-mode values, val_loss/val_acc come from an inference-mode
 *    evaluate at the end of the epoch — as in Keras' History;
 *  - early stopping on val_loss with best-weight restoration (early-stopping.ts).
 *
 * The loop calls model.trainOnBatch on batches gathered from one
 * backend-resident copy of X, which lets it reseed Dropout before each step
 * (model.ts: setDropoutSeed). Default patience is 5 epochs: the paper stops
 * early on validation loss but does not state a patience, so 5 is our choice
 * (a common Keras setting), not the paper's; pass `patience` to change it.
 * Measured on this machine: this loop and tfjs' model.fit cost the same CPU
 * time per epoch within run-to-run noise (bench/cnn-train.ts --compare-fit).
 */
import * as tf from '../tfjs.js';
import { Random } from '../../util/random.js';
import { buildPaperCnn, CnnError, setDropoutSeed } from './model.js';
import { fuseConvPoolForTraining } from './fuse-conv-pool.js';
import { fuseBatchNormForTraining } from './fuse-batch-norm.js';
import { EarlyStopping } from './early-stopping.js';

export interface EpochLogs {
  loss: number;
  acc: number;
  /** Absent when validationSplit is 0. */
  val_loss?: number;
  val_acc?: number;
}

/** Where training stands, reported after every training batch (TrainCnnOptions.onBatch). */
export interface BatchProgress {
  /** 0-based epoch. */
  epoch: number;
  /** Maximum epochs (early stopping may end sooner); on the `done` event, the epochs that ran. */
  epochs: number;
  /** Batches done in this epoch, 1..batches. */
  batch: number;
  /** Training batches per epoch: ceil(training rows / batchSize). */
  batches: number;
  /** Set on one last event once training has ended (every epoch ran, or early stopping fired). */
  done?: boolean;
}

export interface TrainCnnOptions {
  /** Maximum epochs (default 50). */
  epochs?: number;
  /** Rows per gradient step (default 32, Keras' default). */
  batchSize?: number;
  /** Fraction of rows, taken from the end, held out for validation (default 0.2; 0 disables validation and early stopping). */
  validationSplit?: number;
  /** Early-stopping patience in epochs on val_loss (default 5; Infinity disables). */
  patience?: number;
  /** Restore the weights of the best val_loss epoch at the end (default true). */
  restoreBestWeights?: boolean;
  /** Seed for initialisers, shuffling and dropout (default 0). */
  seed?: number;
  /** Build options override: e.g. a different learning rate (default paper Adam 1e-3). */
  learningRate?: number;
  /** Called after every epoch with its 0-based index and logs; may be async. */
  onEpoch?: (epoch: number, logs: EpochLogs) => void | Promise<void>;
  /**
   * Called after every training batch, and once more with `done` at the end (progress display;
   * synchronous, and it cannot change the training: the same seed gives the same weights with or without it).
   */
  onBatch?: (progress: BatchProgress) => void;
  /** Train this model instead of a fresh paper CNN (must accept [dim, 1] inputs and nClasses outputs, compiled). */
  model?: tf.LayersModel;
  /**
   * Explicit validation rows (e.g. whole held-out speakers, ml/validation-speakers.ts), scored
   * like Keras' validation_data. When given, every row of X trains and validationSplit is ignored.
   */
  validationData?: { X: Float32Array; y: Int32Array };
  /**
   * Changes each training batch in place before the step (e.g. SpecAugment masks, mixup):
   * x is rows × dim, y rows × nClasses (one-hot on entry; soft targets are allowed).
   * Draws must come from `rng` so a run stays reproducible.
   */
  augment?: (x: Float32Array, y: Float32Array, rows: number, rng: Random) => void;
  /**
   * While training on the wasm backend, run a first Conv1D → MaxPooling1D pair and each
   * BatchNormalization layer as fused ops (fuse-conv-pool.ts, fuse-batch-norm.ts; default true).
   * false trains through tfjs' own layers: slower, the same model up to float32 rounding, for
   * comparisons.
   */
  fuseLayers?: boolean;
}

export interface TrainCnnResult {
  model: tf.LayersModel;
  history: EpochLogs[];
  /** 0-based epoch after which early stopping fired, or null if all epochs ran. */
  stoppedEpoch: number | null;
  /** 0-based epoch with the lowest val_loss (the weights returned when restoreBestWeights), or the last epoch without validation. */
  bestEpoch: number;
  /** Wall time of each epoch (training + validation), ms. */
  epochMs: number[];
  /** Active tfjs backend name. */
  backend: string;
}

function validate(X: Float32Array, y: Int32Array, nClasses: number, o: Required<Omit<TrainCnnOptions, 'onEpoch' | 'onBatch' | 'model' | 'validationData' | 'augment' | 'fuseLayers'>>): number {
  if (!(X instanceof Float32Array)) throw new CnnError('X must be a Float32Array (rows × dim, row-major)');
  if (!(y instanceof Int32Array)) throw new CnnError('y must be an Int32Array of class indices');
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new CnnError(`nClasses must be an integer ≥ 2, got ${nClasses}`);
  const rows = y.length;
  if (rows === 0) throw new CnnError('y is empty (0 rows)');
  if (X.length % rows !== 0 || X.length === 0) {
    throw new CnnError(`X has ${X.length} values, not a multiple of the ${rows} rows in y`);
  }
  for (let i = 0; i < rows; i++) {
    const c = y[i]!;
    if (c < 0 || c >= nClasses) throw new CnnError(`y[${i}] = ${c} is outside [0, ${nClasses - 1}]`);
  }
  for (let i = 0; i < X.length; i++) {
    if (!Number.isFinite(X[i]!)) throw new CnnError(`X contains a non-finite value (${X[i]}) at row ${Math.floor(i / (X.length / rows))}`);
  }
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new CnnError(`epochs must be an integer ≥ 1, got ${o.epochs}`);
  if (!Number.isInteger(o.batchSize) || o.batchSize < 1) throw new CnnError(`batchSize must be an integer ≥ 1, got ${o.batchSize}`);
  if (!(o.validationSplit >= 0 && o.validationSplit < 1)) throw new CnnError(`validationSplit must be in [0, 1), got ${o.validationSplit}`);
  if (!(o.patience === Infinity || (Number.isInteger(o.patience) && o.patience >= 1))) {
    throw new CnnError(`patience must be an integer ≥ 1 or Infinity, got ${o.patience}`);
  }
  return X.length / rows;
}

/** Trains a (paper) CNN on standardised features X [rows × dim] with labels y. */
export async function trainCnn(X: Float32Array, y: Int32Array, nClasses: number, opts: TrainCnnOptions = {}): Promise<TrainCnnResult> {
  const o = {
    epochs: opts.epochs ?? 50,
    batchSize: opts.batchSize ?? 32,
    validationSplit: opts.validationSplit ?? 0.2,
    patience: opts.patience ?? 5,
    restoreBestWeights: opts.restoreBestWeights ?? true,
    seed: opts.seed ?? 0,
    learningRate: opts.learningRate ?? 1e-3,
  };
  const explicitVal = opts.validationData;
  if (explicitVal) o.validationSplit = 0;
  const dim = validate(X, y, nClasses, o);
  if (explicitVal) {
    if (explicitVal.y.length === 0) throw new CnnError('validationData has no rows');
    validate(explicitVal.X, explicitVal.y, nClasses, o);
    if (explicitVal.X.length !== explicitVal.y.length * dim) throw new CnnError(`validationData rows have ${explicitVal.X.length / explicitVal.y.length} values, training rows ${dim}`);
  }
  const rows = y.length;
  const nTrain = Math.floor(rows * (1 - o.validationSplit));
  const nVal = explicitVal ? explicitVal.y.length : rows - nTrain;
  if (nTrain < 1) throw new CnnError(`validationSplit ${o.validationSplit} leaves no training rows out of ${rows}`);

  const rng = new Random(o.seed);
  const model = opts.model ?? buildPaperCnn(dim, nClasses, { seed: rng.nextUint32(), learningRate: o.learningRate });
  if (opts.model) {
    const inShape = model.inputs[0]!.shape;
    const outShape = model.outputs[0]!.shape;
    if (inShape[1] !== dim || inShape[2] !== 1 || outShape[1] !== nClasses) {
      throw new CnnError(`model takes [${inShape.slice(1)}] → [${outShape.slice(1)}], data is [${dim},1] → [${nClasses}]`);
    }
  }
  const shuffleRng = rng.fork(1);
  const dropoutRng = rng.fork(2);
  const augmentRng = rng.fork(4);
  // Patience Infinity still tracks the best epoch (for restoreBestWeights) but never stops.
  const stopper =
    nVal > 0
      ? new EarlyStopping({ patience: o.patience === Infinity ? Number.MAX_SAFE_INTEGER : o.patience, restoreBestWeights: o.restoreBestWeights })
      : null;

  // With a batch transform the batches are assembled on the JS side (the transform edits them there).
  const augment = opts.augment;
  const xAll = augment ? null : tf.tensor3d(X, [rows, dim, 1]);
  const yAll = augment ? null : tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), nClasses) as tf.Tensor2D);
  const valX = explicitVal ? explicitVal.X : X.subarray(nTrain * dim);
  const valY = explicitVal ? explicitVal.y : y.subarray(nTrain);
  const xVal = nVal > 0 ? tf.tensor3d(valX, [nVal, dim, 1]) : null;
  const yVal = nVal > 0 ? tf.tidy(() => tf.oneHot(tf.tensor1d(valY, 'int32'), nClasses) as tf.Tensor2D) : null;
  const order = Array.from({ length: nTrain }, (_, i) => i);
  const batches = Math.ceil(nTrain / o.batchSize);
  const onBatch = opts.onBatch;
  const history: EpochLogs[] = [];
  const epochMs: number[] = [];
  let stoppedEpoch: number | null = null;

  // Fused ops in place of some layers while the model trains (undone in the finally below).
  const unfuse = opts.fuseLayers === false ? [] : [fuseConvPoolForTraining(model), fuseBatchNormForTraining(model)];
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const t0 = performance.now();
      shuffleRng.shuffle(order);
      let lossSum = 0;
      let accSum = 0;
      for (let start = 0; start < nTrain; start += o.batchSize) {
        const idx = order.slice(start, start + o.batchSize);
        let batch: tf.Tensor[];
        if (augment) {
          const xb = new Float32Array(idx.length * dim);
          const yb = new Float32Array(idx.length * nClasses);
          idx.forEach((r, i) => {
            xb.set(X.subarray(r * dim, (r + 1) * dim), i * dim);
            yb[i * nClasses + y[r]!] = 1;
          });
          augment(xb, yb, idx.length, augmentRng);
          batch = [tf.tensor3d(xb, [idx.length, dim, 1]), tf.tensor2d(yb, [idx.length, nClasses])];
        } else {
          const idxT = tf.tensor1d(idx, 'int32');
          batch = [tf.gather(xAll!, idxT), tf.gather(yAll!, idxT)];
          idxT.dispose();
        }
        setDropoutSeed(model, dropoutRng.nextUint32());
        try {
          const [loss, acc] = (await model.trainOnBatch(batch[0]!, batch[1]!)) as number[];
          lossSum += loss! * idx.length;
          accSum += acc! * idx.length;
        } finally {
          tf.dispose(batch);
        }
        onBatch?.({ epoch, epochs: o.epochs, batch: start / o.batchSize + 1, batches });
      }
      const logs: EpochLogs = { loss: lossSum / nTrain, acc: accSum / nTrain };
      if (xVal && yVal) {
        const scalars = model.evaluate(xVal, yVal, { batchSize: o.batchSize }) as tf.Scalar[];
        logs.val_loss = scalars[0]!.dataSync()[0]!;
        logs.val_acc = scalars[1]!.dataSync()[0]!;
        tf.dispose(scalars);
      }
      history.push(logs);
      epochMs.push(performance.now() - t0);
      const stop = stopper !== null && stopper.update(epoch, logs.val_loss!, model);
      await opts.onEpoch?.(epoch, logs);
      if (stop) {
        stoppedEpoch = epoch;
        break;
      }
    }
    if (stopper && o.restoreBestWeights) stopper.restore(model);
    onBatch?.({ epoch: history.length - 1, epochs: history.length, batch: batches, batches, done: true });
  } finally {
    for (const restore of unfuse) restore();
    setDropoutSeed(model, undefined);
    stopper?.dispose();
    tf.dispose([...(xAll ? [xAll] : []), ...(yAll ? [yAll] : []), ...(xVal ? [xVal] : []), ...(yVal ? [yVal] : [])]);
  }

  return {
    model,
    history,
    stoppedEpoch,
    bestEpoch: stopper && stopper.bestEpoch >= 0 ? stopper.bestEpoch : history.length - 1,
    epochMs,
    backend: tf.getBackend(),
  };
}
