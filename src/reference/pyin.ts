import type { PyinOptions, PyinResult, Real } from '../dsp/types.js';
import { resolvePyinOptions, type ResolvedPyin } from '../dsp/contour-options.js';
import { roundHalfEven } from '../dsp/round-half-even.js';
import { assertSignal } from '../dsp/validate.js';
import { cmndfFrame, parabolicShift, yinFramesSource } from './yin.js';

// The pieces of librosa.pyin that depend only on the options are shared with the WASM binding:
// src/dsp/pyin-plan.ts (re-exported here for existing imports).
export { TINY64, betaCdf, boltzmannPmf, numpyPairwiseSum, pyinThresholdPrior, pyinTransitionBand } from '../dsp/pyin-plan.js';
import { TINY64, boltzmannPmf, pyinThresholdPrior, pyinTransitionBand } from '../dsp/pyin-plan.js';

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
