import type { PyinOptions, PyinResult, Real } from '../dsp/types.js';
import { resolvePyinOptions, type ResolvedPyin } from '../dsp/contour-options.js';
import { assertSignal } from '../dsp/validate.js';
import { cmndfFrame, parabolicShift, yinFramesSource } from './yin.js';

/** numpy.finfo(float64).tiny: librosa.sequence.viterbi adds it before every log. */
export const TINY64 = 2.2250738585072014e-308;

// ---- the pieces of librosa.pyin that depend only on the options (shared with the WASM binding) ----

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

/** Python's round() (half to even), as librosa's max_semitones_per_frame uses. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---- per frame: trough probabilities (librosa's __pyin_helper) ----

/**
 * For one CMNDF frame: the probability of each trough being the period (pYIN's threshold
 * distribution, Mauch & Dixon 2014, as librosa / the official pYIN implement it), written to
 * `probs` (length = cmndf length, zero except at troughs). Returns false when there is no trough.
 */
export function pyinTroughProbs(
  cmndf: ArrayLike<number>, thresholds: Float64Array, betaProbs: Float64Array, o: ResolvedPyin, probs: Float64Array,
): boolean {
  const L = cmndf.length;
  probs.fill(0);
  const troughs: number[] = [];
  for (let i = 0; i < L; i++) {
    const v = cmndf[i]!;
    const t = i === 0 ? v < cmndf[1]! : i === L - 1 ? v < cmndf[i - 1]! : v < cmndf[i - 1]! && v <= cmndf[i + 1]!;
    if (t) troughs.push(i);
  }
  if (troughs.length === 0) return false;
  const nT = betaProbs.length;
  // prior over troughs per threshold: Boltzmann over each trough's rank among those below it
  for (let j = 0; j < nT; j++) {
    const thr = thresholds[j + 1]!;
    let below = 0;
    for (const i of troughs) if (cmndf[i]! < thr) below++;
    let rank = 0;
    for (const i of troughs) {
      if (!(cmndf[i]! < thr)) continue;
      probs[i]! += boltzmannPmf(rank, o.boltzmannParameter, below) * betaProbs[j]!;
      rank++;
    }
  }
  // the global minimum takes the mass of the thresholds no trough is below
  let gmin = troughs[0]!;
  for (const i of troughs) if (cmndf[i]! < cmndf[gmin]!) gmin = i;
  let mass = 0;
  for (let j = 0; j < nT; j++) if (!(cmndf[gmin]! < thresholds[j + 1]!)) mass += betaProbs[j]!;
  probs[gmin]! += o.noTroughProb * mass;
  return true;
}

/** Pitch bin of a frequency: round(12 * binsPerSemitone * log2(f / fmin)), clipped to [0, nBins] (librosa clips to nBins, not nBins - 1). */
export function pyinBin(f0: number, o: ResolvedPyin): number {
  const b = roundHalfEven(12 * o.binsPerSemitone * Math.log2(f0 / o.fmin));
  return Math.min(Math.max(b, 0), o.nPitchBins);
}

/**
 * librosa.pyin(y, fmin, fmax, sr, frame_length, win_length, hop_length, n_thresholds, beta_parameters,
 * boltzmann_parameter, resolution=0.1, max_transition_rate, switch_prob, no_trough_prob, fill_na,
 * center, pad_mode='constant') in float64: CMNDF as librosa.yin, trough probabilities, then
 * Viterbi decoding over nPitchBins voiced + nPitchBins unvoiced states. This reference runs the
 * dense Viterbi (every state pair, log(T + tiny) as librosa), so it also checks the banded
 * decoding of the WASM kernel.
 */
export function pyin(y: Real, opts: PyinOptions): PyinResult<Float64Array> {
  assertSignal(y);
  const o = resolvePyinOptions(y, opts);
  const n = o.nPitchBins;
  const padded = yinFramesSource(y, o);
  const { thresholds, betaProbs } = pyinThresholdPrior(o);
  const lags = o.maxPeriod - o.minPeriod + 1;
  const probs = new Float64Array(lags);
  // observation probabilities of the voiced states; unvoiced ones are (1 - voicedProb) / n
  const obs = new Float64Array(o.frames * n);
  const voicedProb = new Float64Array(o.frames);
  for (let t = 0; t < o.frames; t++) {
    const { cmndf } = cmndfFrame(padded, t * o.hopLength, o);
    if (!pyinTroughProbs(cmndf, thresholds, betaProbs, o, probs)) continue;
    const row = new Float64Array(n + 1); // bin n: librosa's clip target, outside the voiced states
    for (let i = 0; i < lags; i++) {
      if (probs[i] === 0) continue;
      const f0 = o.sr / (o.minPeriod + i + parabolicShift(cmndf, i));
      row[pyinBin(f0, o)] = probs[i]!; // assignment: a later (longer) period overwrites the same bin
    }
    let s = 0;
    for (let b = 0; b < n; b++) s += row[b]!;
    voicedProb[t] = Math.min(Math.max(s, 0), 1);
    obs.set(row.subarray(0, n), t * n);
  }

  // Viterbi (librosa.sequence.viterbi): states 0..n-1 voiced, n..2n-1 unvoiced
  const width = o.transitionWidth;
  const half = width >> 1;
  const band = pyinTransitionBand(n, width);
  const S = 2 * n;
  const logT = (k: number, j: number): number => {
    const kk = k % n;
    const jj = j % n;
    const o2 = jj - kk + half;
    const local = o2 >= 0 && o2 < width ? band[kk * width + o2]! : 0;
    const sw = (k < n) === (j < n) ? 1 - o.switchProb : o.switchProb;
    return Math.log(sw * local + TINY64);
  };
  const logObs = (t: number, s: number): number =>
    Math.log((s < n ? obs[t * n + s]! : (1 - voicedProb[t]!) / n) + TINY64);
  let value = Float64Array.from({ length: S }, (_, s) => logObs(0, s) + Math.log((s < n ? 0 : 1 / n) + TINY64));
  const ptr = new Int32Array(o.frames * S);
  for (let t = 1; t < o.frames; t++) {
    const next = new Float64Array(S);
    for (let j = 0; j < S; j++) {
      let best = 0;
      let bestV = -Infinity;
      for (let k = 0; k < S; k++) {
        const v = value[k]! + logT(k, j);
        if (v > bestV) {
          bestV = v;
          best = k;
        }
      }
      ptr[t * S + j] = best;
      next[j] = logObs(t, j) + bestV;
    }
    value = next;
  }
  const states = new Int32Array(o.frames);
  let last = 0;
  for (let s = 1; s < S; s++) if (value[s]! > value[last]!) last = s;
  states[o.frames - 1] = last;
  for (let t = o.frames - 2; t >= 0; t--) states[t] = ptr[(t + 1) * S + states[t + 1]!]!;

  const f0 = new Float64Array(o.frames);
  const voicedFlag = new Uint8Array(o.frames);
  for (let t = 0; t < o.frames; t++) {
    const s = states[t]!;
    voicedFlag[t] = s < n ? 1 : 0;
    f0[t] = s < n || o.fillNa === null ? o.fmin * 2 ** ((s % n) / (12 * o.binsPerSemitone)) : o.fillNa;
  }
  return { f0, voicedFlag, voicedProb };
}
