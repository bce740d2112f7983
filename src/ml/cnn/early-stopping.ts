/**
 * Early stopping on a monitored loss with best-weight restoration, following
 * keras.callbacks.EarlyStopping(monitor='val_loss', mode='min', min_delta,
 * patience, restore_best_weights): an epoch "improves" when the loss drops
 * below best − minDelta; training stops once `patience` consecutive epochs
 * fail to improve. tfjs 4.x's tf.callbacks.earlyStopping has no
 * restoreBestWeights option, hence this class.
 *
 * Difference from Keras ≤ 2.10, same as Keras 3: with restoreBestWeights the
 * best weights are put back at the end of training even when the patience
 * never ran out, so the returned model is always the best one seen.
 */
import * as tf from '../tfjs.js';
import { CnnError } from './model.js';

export interface EarlyStoppingOptions {
  /** Epochs without improvement before stopping (≥ 1). */
  patience: number;
  /** Minimum decrease that counts as an improvement (default 0, as Keras). */
  minDelta?: number;
  /** Keep a copy of the best weights and restore it at the end (default true). */
  restoreBestWeights?: boolean;
}

export class EarlyStopping {
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  /** Best monitored value so far. */
  bestLoss = Infinity;
  /** 0-based epoch of the best value (-1 before the first epoch). */
  bestEpoch = -1;
  private wait = 0;
  private bestWeights: tf.Tensor[] | null = null;

  constructor(opts: EarlyStoppingOptions) {
    if (!Number.isInteger(opts.patience) || opts.patience < 1) {
      throw new CnnError(`patience must be an integer ≥ 1, got ${opts.patience}`);
    }
    const minDelta = opts.minDelta ?? 0;
    if (!(minDelta >= 0) || !Number.isFinite(minDelta)) throw new CnnError(`minDelta must be a finite number ≥ 0, got ${minDelta}`);
    this.patience = opts.patience;
    this.minDelta = minDelta;
    this.restoreBestWeights = opts.restoreBestWeights ?? true;
  }

  /**
   * Records the monitored loss of `epoch` and returns true when training
   * should stop. A NaN loss never counts as an improvement.
   */
  update(epoch: number, loss: number, model: tf.LayersModel): boolean {
    if (loss < this.bestLoss - this.minDelta) {
      this.bestLoss = loss;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.snapshot(model);
      return false;
    }
    this.wait++;
    return this.wait >= this.patience;
  }

  private snapshot(model: tf.LayersModel): void {
    this.bestWeights?.forEach((t) => t.dispose());
    // clone() shares the variable's current buffer; the optimiser's assign()
    // later points the variable at a new buffer, so the copy stays intact.
    this.bestWeights = tf.tidy(() => model.getWeights().map((w) => w.clone())); // returned tensors survive tidy
  }

  /** Puts the best weights back into `model` (no-op without a snapshot). Returns whether it did. */
  restore(model: tf.LayersModel): boolean {
    if (!this.bestWeights) return false;
    model.setWeights(this.bestWeights);
    return true;
  }

  /** Frees the snapshot. */
  dispose(): void {
    this.bestWeights?.forEach((t) => t.dispose());
    this.bestWeights = null;
  }
}
