/**
 * Label encodings for the CNN: class indices ⇄ one-hot rows (the targets of a
 * softmax + categorical cross-entropy head, as keras.utils.to_categorical).
 */
import { assertLabels, MlError } from './dataset.js';

/** rows × nClasses float32 matrix, row-major, with a single 1 per row. */
export function oneHot(y: Int32Array, nClasses: number): Float32Array {
  assertLabels(y, y.length, nClasses);
  const out = new Float32Array(y.length * nClasses);
  for (let i = 0; i < y.length; i++) out[i * nClasses + y[i]!] = 1;
  return out;
}

/**
 * Index of the largest entry of each row (first one on ties, like numpy.argmax);
 * turns one-hot targets or class probabilities back into class indices.
 */
export function argmaxRows(scores: ArrayLike<number>, rows: number, nClasses: number): Int32Array {
  if (!Number.isInteger(nClasses) || nClasses <= 0) throw new MlError(`nClasses must be a positive integer, got ${nClasses}`);
  if (scores.length !== rows * nClasses) {
    throw new MlError(`argmaxRows: ${scores.length} scores is not rows × nClasses = ${rows} × ${nClasses}`);
  }
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const base = i * nClasses;
    let best = 0;
    let bestValue = scores[base]!;
    for (let c = 1; c < nClasses; c++) {
      const v = scores[base + c]!;
      if (v > bestValue) {
        bestValue = v;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Index of the largest score of one row (first one on ties, like numpy.argmax). */
export function argmax(scores: ArrayLike<number>): number {
  return argmaxRows(scores, 1, scores.length)[0]!;
}
