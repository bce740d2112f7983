import type { DeltaOptions, Matrix } from '../dsp/types.js';
import { resolveDeltaOptions } from '../dsp/contour-options.js';
import { assertSignal } from '../dsp/validate.js';

/**
 * Least-squares weights of a polynomial fit: for samples at positions `xs` and a polynomial of
 * degree p, the returned w (one array per entry of `at`) satisfies
 * (d^deriv / dx^deriv of the fitted polynomial)(at[i]) = sum_j w[i][j] * sample[j].
 * Solves the normal equations (A^T A) c = A^T e_j in float64 (A = Vandermonde, small p).
 */
export function polyfitDerivativeWeights(xs: readonly number[], p: number, deriv: number, at: readonly number[]): Float64Array[] {
  const n = xs.length;
  const m = p + 1;
  // Normal matrix N[k][l] = sum_j x_j^(k+l) and the pseudo-inverse rows (N^-1 A^T).
  const normal: number[][] = Array.from({ length: m }, (_, k) =>
    Array.from({ length: m }, (_, l) => xs.reduce((s, x) => s + x ** (k + l), 0)),
  );
  const inv = invert(normal);
  // coef[k][j]: weight of sample j in polynomial coefficient c_k (c_k multiplies x^k).
  const coef = Array.from({ length: m }, (_, k) =>
    Float64Array.from(xs, (x) => inv[k]!.reduce((s, v, l) => s + v * x ** l, 0)),
  );
  return at.map((x0) => {
    const w = new Float64Array(n);
    for (let k = deriv; k < m; k++) {
      let falling = 1; // k! / (k - deriv)!
      for (let q = 0; q < deriv; q++) falling *= k - q;
      const scale = falling * x0 ** (k - deriv);
      for (let j = 0; j < n; j++) w[j]! += scale * coef[k]![j]!;
    }
    return w;
  });
}

/** Gauss-Jordan inverse with partial pivoting (the matrices here are at most 3 x 3). */
function invert(a: number[][]): number[][] {
  const m = a.length;
  const aug = a.map((row, i) => [...row, ...Array.from({ length: m }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < m; col++) {
    let piv = col;
    for (let r = col + 1; r < m; r++) if (Math.abs(aug[r]![col]!) > Math.abs(aug[piv]![col]!)) piv = r;
    [aug[col], aug[piv]] = [aug[piv]!, aug[col]!];
    const d = aug[col]![col]!;
    for (let c = 0; c < 2 * m; c++) aug[col]![c]! /= d;
    for (let r = 0; r < m; r++) {
      if (r === col) continue;
      const f = aug[r]![col]!;
      for (let c = 0; c < 2 * m; c++) aug[r]![c]! -= f * aug[col]![c]!;
    }
  }
  return aug.map((row) => row.slice(m));
}

/**
 * librosa.feature.delta(data, width, order, axis=-1, mode='interp'), i.e.
 * scipy.signal.savgol_filter(data, width, polyorder=order, deriv=order, mode='interp') along
 * each row (time = columns):
 *  - frames t with a full window (h <= t < cols - h, h = width // 2): the derivative of the
 *    least-squares polynomial of degree `order` through data[t-h .. t+h], evaluated at t;
 *  - the first and last h frames: the derivative of the polynomial fitted to the first /
 *    last `width` frames, evaluated at those frames (scipy's _fit_edge).
 * Shapes: data [rows, cols] row-major (features x frames, librosa's layout) -> same shape.
 */
export function delta(data: Matrix, opts: DeltaOptions = {}): Matrix<Float64Array> {
  const { width, order } = resolveDeltaOptions(data, opts);
  assertSignal(data.data, 'delta input');
  const { rows, cols } = data;
  const h = width >> 1;
  const window = Array.from({ length: width }, (_, j) => j - h);
  const [centre] = polyfitDerivativeWeights(window, order, order, [0]);
  const positions = Array.from({ length: width }, (_, j) => j);
  const left = polyfitDerivativeWeights(positions, order, order, positions.slice(0, h));
  const right = polyfitDerivativeWeights(positions, order, order, positions.slice(width - h));
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const x = (t: number): number => data.data[r * cols + t]!;
    for (let t = 0; t < cols; t++) {
      let w: Float64Array;
      let start: number;
      if (t < h) [w, start] = [left[t]!, 0];
      else if (t >= cols - h) [w, start] = [right[t - (cols - h)]!, cols - width];
      else [w, start] = [centre!, t - h];
      let s = 0;
      for (let j = 0; j < width; j++) s += w[j]! * x(start + j);
      out[r * cols + t] = s;
    }
  }
  return { data: out, rows, cols };
}
