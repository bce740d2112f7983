import * as tf from '../ml/tfjs.js';

/**
 * Class probabilities of a Conv1D model for standardised rows X [rows × dim],
 * fed in batches as [batch, dim, 1] so memory stays bounded on big test sets.
 */
export function cnnPredictProba(model: tf.LayersModel, X: Float32Array, rows: number, dim: number, batchSize = 256): Float32Array {
  const nClasses = (model.outputs[0]!.shape[1] as number) ?? 0;
  const out = new Float32Array(rows * nClasses);
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const probs = tf.tidy(() => {
      const input = tf.tensor3d(X.subarray(start * dim, (start + n) * dim), [n, dim, 1]);
      return model.predict(input) as tf.Tensor;
    });
    out.set(probs.dataSync() as Float32Array, start * nClasses);
    probs.dispose();
  }
  return out;
}
