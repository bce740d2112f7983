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
import type { ModelMeta, TrainingSummary } from './emotion-model.js';
import { PreprocessedModel } from './preprocessed-model.js';
import type { Preprocessor } from './preprocess.js';

export class NetworkModel extends PreprocessedModel {
  constructor(meta: ModelMeta, training: TrainingSummary[], pre: Preprocessor, readonly network: tf.LayersModel) {
    super(meta, training, pre, 'network');
    NetworkModel.checkShapes(network, pre.dim, meta.classes.length, 'network');
  }

  protected classify(Z: Float32Array, rows: number): Float32Array {
    return cnnPredictProba(this.network, Z, rows, this.pre.dim);
  }

  async toBundle(): Promise<{ classifier: Record<string, unknown>; preprocessing: unknown; files: BundleFiles }> {
    return { classifier: { model: MODEL_FILE }, preprocessing: this.pre.toJSON(), files: await layersModelFiles(this.network) };
  }

  protected override release(): void {
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
