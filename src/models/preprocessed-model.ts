/**
 * What every single (non-ensemble) model shares: its own preprocessing in front
 * of a classifier, input checks against the recipe, a probability check after,
 * and a disposed state. Subclasses supply `classify` (preprocessed rows → class
 * probabilities), `toBundle` and `release`.
 */
import { MlError } from '../ml/dataset.js';
import type { BundleFiles } from './bundle-files.js';
import { assertModelInput, assertProbabilities, type EmotionModel, type ModelMeta, type RowContext, type TrainingSummary } from './emotion-model.js';
import type { Preprocessor } from './preprocess.js';

export abstract class PreprocessedModel implements EmotionModel {
  private disposed = false;

  constructor(readonly meta: ModelMeta, readonly training: TrainingSummary[], protected readonly pre: Preprocessor, private readonly who: string) {}

  get transductive(): boolean {
    return this.pre.needsSpeakers;
  }

  predictProba(X: Float32Array, rows: number, ctx?: RowContext): Float32Array {
    if (this.disposed) throw new MlError(`this ${this.who} has been disposed`);
    assertModelInput(this.meta, X, rows);
    if (rows === 0) return new Float32Array(0);
    return assertProbabilities(this.classify(this.pre.transform(X, rows, ctx), rows), rows, this.meta.classes.length, this.who);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.release();
  }

  /** rows × classes probabilities of preprocessed rows Z [rows × pre.dim]. */
  protected abstract classify(Z: Float32Array, rows: number): Float32Array;
  abstract toBundle(): Promise<{ classifier: Record<string, unknown>; preprocessing: unknown; files: BundleFiles }>;
  /** Frees what the classifier holds (tensors); called once. */
  protected release(): void {}
}
