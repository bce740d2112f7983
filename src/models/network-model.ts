/**
 * A TensorFlow.js network (paper, frames or sequence CNN) behind the
 * EmotionModel interface: preprocessing (preprocess.ts) then the network,
 * whose input is always [dim, 1] (architectures reshape inside). Saved as the
 * standard tfjs layers-model files, which load the same way in Node and in
 * browsers.
 */
import type * as tf from '../ml/tfjs.js';
import { disposeCnn } from '../ml/cnn/model.js';
import { cnnPredictProba } from './cnn-predict.js';
import { BundleError, layersModelFiles, loadLayersModelFrom, MODEL_FILE, type BundleFiles, type BundleReader } from './bundle-files.js';
import { assertModelInput, assertProbabilities, type EmotionModel, type ModelMeta, type RowContext, type TrainingSummary } from './emotion-model.js';
import type { Preprocessor } from './preprocess.js';

export class NetworkModel implements EmotionModel {
  private disposed = false;

  get transductive(): boolean {
    return this.pre.needsSpeakers;
  }

  constructor(readonly meta: ModelMeta, readonly training: TrainingSummary[], private readonly pre: Preprocessor, readonly network: tf.LayersModel) {
    NetworkModel.checkShapes(network, pre.dim, meta.classes.length, 'network');
  }

  predictProba(X: Float32Array, rows: number, ctx?: RowContext): Float32Array {
    if (this.disposed) throw new BundleError('this model has been disposed');
    assertModelInput(this.meta, X, rows);
    if (rows === 0) return new Float32Array(0);
    const P = cnnPredictProba(this.network, this.pre.transform(X, rows, ctx), rows, this.pre.dim);
    return assertProbabilities(P, rows, this.meta.classes.length, 'network');
  }

  async toBundle(): Promise<{ classifier: Record<string, unknown>; preprocessing: unknown; files: BundleFiles }> {
    return { classifier: { model: MODEL_FILE }, preprocessing: this.pre.toJSON(), files: await layersModelFiles(this.network) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeCnn(this.network);
  }

  static async fromBundle(meta: ModelMeta, training: TrainingSummary[], pre: Preprocessor, classifier: { model?: string }, reader: BundleReader): Promise<NetworkModel> {
    const network = await loadLayersModelFrom(reader, classifier?.model ?? MODEL_FILE);
    try {
      NetworkModel.checkShapes(network, pre.dim, meta.classes.length, reader.where);
    } catch (e) {
      disposeCnn(network);
      throw e;
    }
    return new NetworkModel(meta, training, pre, network);
  }

  /** The network must take [dim, 1] rows and give one probability per class. */
  private static checkShapes(network: tf.LayersModel, dim: number, nClasses: number, where: string): void {
    const input = network.inputs[0]?.shape;
    const output = network.outputs[0]?.shape;
    if (!input || input.length !== 3 || input[1] !== dim || input[2] !== 1) {
      throw new BundleError(`${where}: the network takes [${String(input?.slice(1))}] but its preprocessing gives rows of ${dim} values`);
    }
    if (!output || output.length !== 2 || output[1] !== nClasses) {
      throw new BundleError(`${where}: the network has ${String(output?.[1])} outputs but the bundle lists ${nClasses} classes`);
    }
  }
}
