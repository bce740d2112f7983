/**
 * The paper's classical models behind the EmotionModel interface: a decision
 * tree and k-nearest neighbours, each with its preprocessing (optional
 * utterance normalisation of paper vectors, then per-column standardisation
 * fitted on the training rows).
 *
 * Saved form: the tree as JSON in bundle.json; KNN's training rows (already
 * preprocessed, float32, row-major) in knn-rows.bin with their labels in
 * bundle.json, since a KNN model is its training set.
 */
import { DecisionTreeClassifier, type DecisionTreeJSON } from '../ml/decision-tree.js';
import { KNeighborsClassifier } from '../ml/knn.js';
import { MlError } from '../ml/dataset.js';
import type { WasmCore } from '../wasm/core.js';
import { BundleError, type BundleFiles, type BundleReader } from './bundle-files.js';
import type { ModelMeta, TrainingSummary } from './emotion-model.js';
import { PreprocessedModel } from './preprocessed-model.js';
import type { Preprocessor } from './preprocess.js';

export const KNN_ROWS_FILE = 'knn-rows.bin';

export class TreeModel extends PreprocessedModel {
  constructor(meta: ModelMeta, training: TrainingSummary[], pre: Preprocessor, private readonly tree: DecisionTreeClassifier) {
    super(meta, training, pre, 'decision tree');
  }

  protected classify(Z: Float32Array, rows: number): Float32Array {
    return this.tree.predictProba(Z, rows, this.pre.dim);
  }

  async toBundle(): Promise<{ classifier: Record<string, unknown>; preprocessing: unknown; files: BundleFiles }> {
    return { classifier: { tree: this.tree.toJSON() }, preprocessing: this.pre.toJSON(), files: {} };
  }

  static fromBundle(meta: ModelMeta, training: TrainingSummary[], pre: Preprocessor, classifier: { tree?: DecisionTreeJSON }, where: string): TreeModel {
    let tree: DecisionTreeClassifier;
    try {
      tree = DecisionTreeClassifier.fromJSON(classifier?.tree as DecisionTreeJSON);
    } catch (e) {
      throw new BundleError(`${where}: classifier.tree: ${(e as Error).message}`);
    }
    const t = tree.toJSON();
    if (t.nClasses !== meta.classes.length) throw new BundleError(`${where}: the tree has ${t.nClasses} classes but classes lists ${meta.classes.length}`);
    if (t.dim !== pre.dim) throw new BundleError(`${where}: the tree takes ${t.dim} features but the preprocessing gives ${pre.dim}`);
    return new TreeModel(meta, training, pre, tree);
  }
}

export class KnnModel extends PreprocessedModel {
  constructor(
    meta: ModelMeta,
    training: TrainingSummary[],
    pre: Preprocessor,
    private readonly knn: KNeighborsClassifier,
    private readonly stored: { X: Float32Array; rows: number; y: Int32Array },
  ) {
    super(meta, training, pre, 'KNN');
  }

  protected classify(Z: Float32Array, rows: number): Float32Array {
    return this.knn.predictProba(Z, rows, this.pre.dim);
  }

  async toBundle(): Promise<{ classifier: Record<string, unknown>; preprocessing: unknown; files: BundleFiles }> {
    const { X, rows, y } = this.stored;
    return {
      classifier: { k: this.knn.k, rows, file: KNN_ROWS_FILE, labels: Array.from(y) },
      preprocessing: this.pre.toJSON(),
      files: { [KNN_ROWS_FILE]: new Uint8Array(X.buffer, X.byteOffset, X.byteLength) },
    };
  }

  /** Builds from preprocessed training rows Z (kept as the model). */
  static create(meta: ModelMeta, training: TrainingSummary[], pre: Preprocessor, k: number, Z: Float32Array, rows: number, y: Int32Array, core?: WasmCore): KnnModel {
    const knn = new KNeighborsClassifier({ k, core }).fit(Z, rows, pre.dim, y, meta.classes.length);
    return new KnnModel(meta, training, pre, knn, { X: Z, rows, y });
  }

  static async fromBundle(
    meta: ModelMeta, training: TrainingSummary[], pre: Preprocessor, classifier: { k?: number; rows?: number; file?: string; labels?: number[] },
    reader: BundleReader, core?: WasmCore,
  ): Promise<KnnModel> {
    const where = reader.where;
    const { k, rows, labels } = classifier ?? {};
    if (!Number.isInteger(k) || k! < 1 || !Number.isInteger(rows) || rows! < k! || !Array.isArray(labels) || labels.length !== rows) {
      throw new BundleError(`${where}: classifier needs integer k ≥ 1, rows ≥ k and one label per row`);
    }
    const nClasses = meta.classes.length;
    if (labels.some((c) => !Number.isInteger(c) || c < 0 || c >= nClasses)) throw new BundleError(`${where}: a KNN label is outside the ${nClasses} classes`);
    const bytes = await reader.bytes(KNN_ROWS_FILE);
    if (bytes.byteLength !== rows! * pre.dim * 4) {
      throw new BundleError(`${where}/${KNN_ROWS_FILE}: ${bytes.byteLength} bytes, expected ${rows} rows × ${pre.dim} float32`);
    }
    const X = new Float32Array(rows! * pre.dim);
    new Uint8Array(X.buffer).set(bytes);
    try {
      return KnnModel.create(meta, training, pre, k!, X, rows!, Int32Array.from(labels), core);
    } catch (e) {
      if (e instanceof MlError) throw new BundleError(`${where}/${KNN_ROWS_FILE}: ${e.message}`);
      throw e;
    }
  }
}
