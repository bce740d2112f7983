import type { Matrix } from '../dsp/types.js';

/**
 * Orthonormal DCT-II down each column of X [n, frames], keeping the first nOut rows
 * (scipy.fftpack.dct(X, type=2, norm='ortho', axis=-2)[:nOut]):
 *   Y[k, t] = s_k * sum_n X[n, t] cos(pi k (2n + 1) / (2N)),  s_0 = sqrt(1/N), s_k = sqrt(2/N).
 * Direct O(N * nOut) sum per column; the basis is evaluated once.
 */
export function dctIIOrtho(X: Matrix, nOut: number): Matrix<Float64Array> {
  const N = X.rows;
  const frames = X.cols;
  const basis = new Float64Array(nOut * N);
  for (let k = 0; k < nOut; k++) {
    const s = k === 0 ? Math.sqrt(1 / N) : Math.sqrt(2 / N);
    for (let n = 0; n < N; n++) basis[k * N + n] = s * Math.cos((Math.PI * k * (2 * n + 1)) / (2 * N));
  }
  const data = new Float64Array(nOut * frames);
  for (let k = 0; k < nOut; k++) {
    for (let t = 0; t < frames; t++) {
      let acc = 0;
      for (let n = 0; n < N; n++) acc += basis[k * N + n]! * X.data[n * frames + t]!;
      data[k * frames + t] = acc;
    }
  }
  return { data, rows: nOut, cols: frames };
}

/**
 * Sinusoidal liftering as librosa.feature.mfcc (lifter L > 0):
 * M[k] *= 1 + (L / 2) sin(pi (k + 1) / L), k = 0 .. n_mfcc - 1. Modifies M in place.
 */
export function lifterInPlace(M: Matrix<Float64Array>, lifter: number): void {
  for (let k = 0; k < M.rows; k++) {
    const gain = 1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter);
    for (let t = 0; t < M.cols; t++) M.data[k * M.cols + t]! *= gain;
  }
}
