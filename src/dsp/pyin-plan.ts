/**
 * The parts of librosa.pyin (0.10.2) that depend only on the options, shared by the float64
 * reference (src/reference/pyin.ts) and the WASM binding (src/wasm/dsp.ts): the beta prior over
 * the YIN thresholds, the triangular pitch-transition band, and the numeric helpers that make
 * them bit-identical to scipy/numpy (incomplete beta, Boltzmann pmf, numpy's pairwise sum).
 */
import type { ResolvedPyin } from './contour-options.js';

/** numpy.finfo(float64).tiny: librosa.sequence.viterbi adds it before every log. */
export const TINY64 = 2.2250738585072014e-308;

/** Regularised incomplete beta I_x(a, b) (scipy.stats.beta.cdf), continued fraction (Lentz), float64. */
export function betaCdf(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (Number.isInteger(a) && Number.isInteger(b) && a + b <= 100) {
    // integer shapes (the default 2, 18): I_x(a, b) = sum_{j=a}^{a+b-1} C(a+b-1, j) x^j (1-x)^(a+b-1-j)
    const m = a + b - 1;
    let sum = 0;
    let c = 1; // C(m, j), built up from C(m, 0)
    for (let j = 0; j <= m; j++) {
      if (j >= a) sum += c * x ** j * (1 - x) ** (m - j);
      c = (c * (m - j)) / (j + 1);
    }
    return Math.min(sum, 1);
  }
  const lnFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  // the continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + num / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~1e-15 relative). */
function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let s = c[0]!;
  for (let i = 1; i < 9; i++) s += c[i]! / (x + i);
  const t = x + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(s);
}

/** beta_probs = diff(beta.cdf(linspace(0, 1, n + 1), a, b)): the prior over the n thresholds. */
export function pyinThresholdPrior(o: ResolvedPyin): { thresholds: Float64Array; betaProbs: Float64Array } {
  const n = o.nThresholds;
  const thresholds = Float64Array.from({ length: n + 1 }, (_, i) => linspace01(i, n));
  const cdf = Array.from(thresholds, (x) => betaCdf(x, o.betaParameters[0], o.betaParameters[1]));
  return { thresholds, betaProbs: Float64Array.from({ length: n }, (_, i) => cdf[i + 1]! - cdf[i]!) };
}

/** numpy.linspace(0, 1, n + 1)[i] (numpy computes i * step, with the last point exactly 1). */
function linspace01(i: number, n: number): number {
  return i === n ? 1 : i * (1 / n);
}

/** scipy.stats.boltzmann.pmf(k, lambda, N): (1 - e^-λ) e^(-λk) / (1 - e^(-λN)) for 0 <= k < N. */
export function boltzmannPmf(k: number, lambda: number, N: number): number {
  if (k < 0 || k >= N) return 0;
  return ((1 - Math.exp(-lambda)) / (1 - Math.exp(-lambda * N))) * Math.exp(-lambda * k);
}

/** numpy's pairwise summation (what ndarray.sum uses along a contiguous axis), for bit-identical row sums. */
export function numpyPairwiseSum(a: ArrayLike<number>, lo = 0, n = a.length): number {
  if (n < 8) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[lo + i]!;
    return s;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => a[lo + k]!);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k]! += a[lo + i + k]!;
    let s = (r[0]! + r[1]!) + (r[2]! + r[3]!) + ((r[4]! + r[5]!) + (r[6]! + r[7]!));
    for (; i < n; i++) s += a[lo + i]!;
    return s;
  }
  let n2 = n >> 1;
  n2 -= n2 % 8;
  return numpyPairwiseSum(a, lo, n2) + numpyPairwiseSum(a, lo + n2, n - n2);
}

/**
 * librosa.sequence.transition_local(nBins, width, window='triangle', wrap=False) as a band:
 * row k has non-zero weights for columns k - half .. k + half (half = width // 2, width odd),
 * band[k * width + (j - k + half)] = T[k][j] (0 outside the matrix), rows normalised with numpy's
 * summation order.
 */
export function pyinTransitionBand(nBins: number, width: number): Float64Array {
  const half = width >> 1;
  // scipy.signal.windows.triang(width), odd width: w[n - 1] = 2 n / (width + 1) for n <= half + 1, mirrored
  const tri = Float64Array.from({ length: width }, (_, i) => (2 * (Math.min(i, width - 1 - i) + 1)) / (width + 1));
  const band = new Float64Array(nBins * width);
  const row = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) {
    row.fill(0);
    for (let o = -half; o <= half; o++) if (k + o >= 0 && k + o < nBins) row[k + o] = tri[o + half]!;
    const sum = numpyPairwiseSum(row);
    for (let o = -half; o <= half; o++) if (k + o >= 0 && k + o < nBins) band[k * width + o + half] = row[k + o]! / sum;
  }
  return band;
}
