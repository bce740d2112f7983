// librosa.pyin after the CMNDF (cmndfFrames in yin.ts): the trough probabilities of pYIN
// (Mauch & Dixon 2014, as librosa and the official pYIN implement them) and the Viterbi
// decoding over nBins voiced + nBins unvoiced pitch states, with librosa's arithmetic.
//
// pyinObservations, per frame (cmndf row c, lags values):
//   troughs: c[i] < c[i-1] && c[i] <= c[i+1]; i = 0 if c[0] < c[1]; the last if c[L-1] < c[L-2]
//   for each threshold j (thresholds[j + 1]): troughs below it, ranked by lag, get
//     boltzmann.pmf(rank, lambda, count) * betaProbs[j]
//   the global minimum trough also gets noTroughProb * sum(betaProbs of thresholds <= its height)
//   each trough with p > 0 -> f0 = sr / (minPeriod + i + parabolic shift), bin =
//     clip(round_half_even(12 * binsPerSemitone * log2(f0 / fmin)), 0, nBins) and obs[bin] = p
//     (assignment: a longer period overwrites the same bin; bin nBins falls outside the voiced states)
//   voicedProb = clip(sum of the voiced bins, 0, 1)
//
// pyinViterbi: librosa.sequence.viterbi in log space with log(p + tiny) everywhere. The
// transition matrix is kron([[1-s, s], [s, 1-s]], T) with T a triangular band of `width`
// (transition_local); librosa stores it dense, so a transition outside the band still costs
// log(tiny) = -708.4 rather than being impossible, and can win (e.g. an octave jump when the
// alternative passes states without observations, each costing log(tiny) too). Here the band
// is scored explicitly (f64x2 maxima over the band, tables laid out by target state so the
// sources are contiguous) and the out-of-band sources by a running maximum of the previous
// values over the three index ranges outside the band (prefix, sliding window, suffix), so a
// frame costs O(states x width) instead of O(states^2), with the same argmax (first index on ties).
//
// No allocation; JS passes every buffer (sizes from the *WorkBytes functions).

const TINY64: f64 = 2.2250738585072014e-308;

@inline
function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

/**
 * Scratch bytes of pyinObservations: trough lags (i32), their probabilities (f64), one bin row
 * (f64), exp(-lambda k) for k = 0 .. lags (f64), the troughs' heights (f64).
 */
export function pyinObservationWorkBytes(lags: i32, nBins: i32): i32 {
  return (roundUp4(lags) << 2) + (roundUp4(lags) << 3) + (roundUp4(nBins + 1) << 3) + (roundUp4(lags + 1) << 3) + (roundUp4(lags) << 3);
}

function parabolicShift(c: usize, len: i32, i: i32): f64 {
  if (i <= 0 || i >= len - 1) return 0;
  const xm = load<f64>(c + (<usize>(i - 1) << 3));
  const x0 = load<f64>(c + (<usize>i << 3));
  const xp = load<f64>(c + (<usize>(i + 1) << 3));
  const a = xp + xm - 2 * x0;
  const b = (xp - xm) / 2;
  if (Math.abs(b) >= Math.abs(a)) return 0;
  return -b / a;
}

/**
 * Observation probabilities of the voiced states, obs[t * nBins + bin] (f64), and voicedProb[t]
 * (f64), from the frame-major CMNDF matrix (nFrames x lags, f64). thresholds: nThr + 1 f64
 * (linspace(0, 1, nThr + 1)); betaProbs: nThr f64.
 */
export function pyinObservations(
  cmndf: usize, nFrames: i32, lags: i32, minPeriod: i32, sr: f64, fmin: f64, nBins: i32, binsPerSemitone: i32,
  thresholds: usize, betaProbs: usize, nThr: i32, lambda: f64, noTroughProb: f64, work: usize, obs: usize, voicedProb: usize,
): void {
  const troughs = work;
  const probs = troughs + (<usize>roundUp4(lags) << 2);
  const row = probs + (<usize>roundUp4(lags) << 3);
  const expTab = row + (<usize>roundUp4(nBins + 1) << 3); // exp(-lambda * k), k = 0 .. lags
  const heights = expTab + (<usize>roundUp4(lags + 1) << 3);
  const binScale = 12.0 * <f64>binsPerSemitone;
  const front = 1.0 - Math.exp(-lambda);
  for (let k = 0; k <= lags; k++) store<f64>(expTab + (<usize>k << 3), Math.exp(-lambda * <f64>k));
  for (let t = 0; t < nFrames; t++) {
    const c = cmndf + (<usize>(t * lags) << 3);
    const o = obs + (<usize>(t * nBins) << 3);
    memory.fill(o, 0, <usize>nBins << 3);
    store<f64>(voicedProb + (<usize>t << 3), 0);

    let nT = 0;
    for (let i = 0; i < lags; i++) {
      const v = load<f64>(c + (<usize>i << 3));
      let trough: bool;
      if (i == 0) trough = v < load<f64>(c + 8);
      else if (i == lags - 1) trough = v < load<f64>(c + (<usize>(i - 1) << 3));
      else trough = v < load<f64>(c + (<usize>(i - 1) << 3)) && v <= load<f64>(c + (<usize>(i + 1) << 3));
      if (trough) {
        store<i32>(troughs + (<usize>nT << 2), i);
        store<f64>(heights + (<usize>nT << 3), v);
        store<f64>(probs + (<usize>nT << 3), 0);
        nT++;
      }
    }
    if (nT == 0) continue;

    // for each threshold, the troughs below it ranked by lag get boltzmann.pmf(rank, lambda, count) * beta
    for (let j = 0; j < nThr; j++) {
      const thr = load<f64>(thresholds + (<usize>(j + 1) << 3));
      let below = 0;
      for (let k = 0; k < nT; k++) if (load<f64>(heights + (<usize>k << 3)) < thr) below++;
      if (below == 0) continue;
      const fact = front / (1.0 - load<f64>(expTab + (<usize>below << 3)));
      const beta = load<f64>(betaProbs + (<usize>j << 3));
      let rank = 0;
      for (let k = 0; k < nT; k++) {
        if (!(load<f64>(heights + (<usize>k << 3)) < thr)) continue;
        const p = probs + (<usize>k << 3);
        store<f64>(p, load<f64>(p) + fact * load<f64>(expTab + (<usize>rank << 3)) * beta);
        rank++;
      }
    }

    // the global minimum (first of equals) takes the mass of the thresholds it is not below
    let g = 0;
    let gv = load<f64>(heights);
    for (let k = 1; k < nT; k++) {
      const v = load<f64>(heights + (<usize>k << 3));
      if (v < gv) {
        gv = v;
        g = k;
      }
    }
    let mass: f64 = 0;
    for (let j = 0; j < nThr; j++) if (!(gv < load<f64>(thresholds + (<usize>(j + 1) << 3)))) mass += load<f64>(betaProbs + (<usize>j << 3));
    store<f64>(probs + (<usize>g << 3), load<f64>(probs + (<usize>g << 3)) + noTroughProb * mass);

    memory.fill(row, 0, <usize>(nBins + 1) << 3);
    for (let k = 0; k < nT; k++) {
      const p = load<f64>(probs + (<usize>k << 3));
      if (p == 0) continue;
      const i = load<i32>(troughs + (<usize>k << 2));
      const f0 = sr / (<f64>(minPeriod + i) + parabolicShift(c, lags, i));
      let bin = nearest<f64>(binScale * Math.log2(f0 / fmin));
      if (bin < 0) bin = 0;
      if (bin > <f64>nBins) bin = <f64>nBins;
      store<f64>(row + (<usize>(<i32>bin) << 3), p);
    }
    let sum: f64 = 0;
    for (let b = 0; b < nBins; b++) sum += load<f64>(row + (<usize>b << 3));
    store<f64>(voicedProb + (<usize>t << 3), min(max(sum, 0.0), 1.0));
    memory.copy(o, row, <usize>nBins << 3);
  }
}

/** Scratch bytes of pyinViterbi for nBins pitch bins (2 nBins states). */
export function pyinViterbiWorkBytes(nBins: i32): i32 {
  const s = roundUp4(2 * nBins + 1);
  // prev, cur, prefix value, suffix value, out-of-band value, band maxima (2, f64);
  // prefix, suffix, out-of-band index, deque (i32)
  return 7 * (s << 3) + 4 * (s << 2);
}

/** max_i (p[i] + c[i]) over i < cnt (f64), two lanes at a time; -Infinity when cnt = 0. */
@inline
function maxSum(p: usize, c: usize, cnt: i32): f64 {
  let m = f64x2.splat(-Infinity);
  let i = 0;
  for (; i + 2 <= cnt; i += 2) {
    const o = <usize>i << 3;
    m = f64x2.max(m, f64x2.add(v128.load(p + o), v128.load(c + o)));
  }
  let r = max(f64x2.extract_lane(m, 0), f64x2.extract_lane(m, 1));
  for (; i < cnt; i++) r = max(r, load<f64>(p + (<usize>i << 3)) + load<f64>(c + (<usize>i << 3)));
  return r;
}

/** First i < cnt with p[i] + c[i] == target (the same sums as maxSum), or -1. */
@inline
function firstSum(p: usize, c: usize, cnt: i32, target: f64): i32 {
  for (let i = 0; i < cnt; i++) if (load<f64>(p + (<usize>i << 3)) + load<f64>(c + (<usize>i << 3)) == target) return i;
  return -1;
}

/** out[jj] = max of v[max(0, jj - half) .. min(n - 1, jj + half)] for jj < n (sliding window, deque of indices). */
function bandMaxima(v: usize, n: i32, half: i32, deque: usize, out: usize): void {
  let head = 0, tail = 0, next = 0;
  for (let jj = 0; jj < n; jj++) {
    const b = min(n - 1, jj + half);
    const a = jj - half;
    while (next <= b) {
      const x = load<f64>(v + (<usize>next << 3));
      while (tail > head && load<f64>(v + (<usize>load<i32>(deque + (<usize>(tail - 1) << 2)) << 3)) <= x) tail--;
      store<i32>(deque + (<usize>tail << 2), next);
      tail++;
      next++;
    }
    while (load<i32>(deque + (<usize>head << 2)) < a) head++;
    store<f64>(out + (<usize>jj << 3), load<f64>(v + (<usize>load<i32>(deque + (<usize>head << 2)) << 3)));
  }
}

/**
 * Viterbi path over 2 nBins states (0 .. nBins-1 voiced, nBins .. 2 nBins-1 unvoiced) into
 * states[t] (i32). obs: voiced observation probabilities (nFrames x nBins f64), voicedProb: f64
 * per frame (unvoiced observation = (1 - voicedProb) / nBins). stayCol / switchCol: nBins x width
 * f64 by TARGET bin, entry [j * width + q] = log(p * T[k][j] + tiny) for the source k = j - half + q
 * and p = 1 - switchProb / switchProb (entries with k outside the matrix are never read).
 * colMax: 2 nBins f64, the largest entry of each stay column, then of each switch column (a bound
 * that lets a target skip a block of sources that cannot reach its maximum).
 * logTiny = log(tiny); logInitUnvoiced = log(1 / nBins + tiny) (voiced states start at logTiny).
 * ptr: nFrames x 2 nBins i32.
 */
export function pyinViterbi(
  obs: usize, voicedProb: usize, nFrames: i32, nBins: i32, width: i32, stayCol: usize, switchCol: usize, colMax: usize,
  logTiny: f64, logInitUnvoiced: f64, work: usize, ptr: usize, states: usize,
): void {
  const n = nBins;
  const S = 2 * n;
  const half = width >> 1;
  const sz = roundUp4(S + 1);
  let prev = work;
  let cur = prev + (<usize>sz << 3);
  const prefV = cur + (<usize>sz << 3);
  const sufV = prefV + (<usize>sz << 3);
  const oobV = sufV + (<usize>sz << 3);
  const prefI = oobV + (<usize>sz << 3);
  const sufI = prefI + (<usize>sz << 2);
  const oobI = sufI + (<usize>sz << 2);
  const deque = oobI + (<usize>sz << 2);
  const winV = deque + (<usize>sz << 2); // max of prev over the voiced band [a, b] of each target bin
  const winU = winV + (<usize>sz << 3); // the same over the unvoiced band [n + a, n + b]

  for (let j = 0; j < S; j++) {
    const lo = j < n
      ? Math.log(load<f64>(obs + (<usize>j << 3)) + TINY64) + logTiny
      : Math.log((1.0 - load<f64>(voicedProb)) / <f64>n + TINY64) + logInitUnvoiced;
    store<f64>(prev + (<usize>j << 3), lo);
  }

  for (let t = 1; t < nFrames; t++) {
    // best previous value over [0, q) (prefix) and [q, S) (suffix), first index on ties
    store<f64>(prefV, -Infinity);
    store<i32>(prefI, -1);
    for (let k = 0; k < S; k++) {
      const v = load<f64>(prev + (<usize>k << 3));
      const pv = load<f64>(prefV + (<usize>k << 3));
      const take = v > pv;
      store<f64>(prefV + (<usize>(k + 1) << 3), take ? v : pv);
      store<i32>(prefI + (<usize>(k + 1) << 2), take ? k : load<i32>(prefI + (<usize>k << 2)));
    }
    store<f64>(sufV + (<usize>S << 3), -Infinity);
    store<i32>(sufI + (<usize>S << 2), -1);
    for (let k = S - 1; k >= 0; k--) {
      const v = load<f64>(prev + (<usize>k << 3));
      const sv = load<f64>(sufV + (<usize>(k + 1) << 3));
      const take = v >= sv;
      store<f64>(sufV + (<usize>k << 3), take ? v : sv);
      store<i32>(sufI + (<usize>k << 2), take ? k : load<i32>(sufI + (<usize>(k + 1) << 2)));
    }
    // out-of-band sources per target bin jj: [0, a) U [b + 1, n + a - 1] U [n + b + 1, S)
    let qHead = 0, qTail = 0, nextPush = 0;
    for (let jj = 0; jj < n; jj++) {
      const a = max(0, jj - half);
      const b = min(n - 1, jj + half);
      let bv = load<f64>(prefV + (<usize>a << 3));
      let bi = load<i32>(prefI + (<usize>a << 2));
      const lo = b + 1;
      const hi = n + a - 1;
      while (nextPush <= hi) {
        const v = load<f64>(prev + (<usize>nextPush << 3));
        while (qTail > qHead && load<f64>(prev + (<usize>load<i32>(deque + (<usize>(qTail - 1) << 2)) << 3)) < v) qTail--;
        store<i32>(deque + (<usize>qTail << 2), nextPush);
        qTail++;
        nextPush++;
      }
      while (qTail > qHead && load<i32>(deque + (<usize>qHead << 2)) < lo) qHead++;
      if (lo <= hi && qTail > qHead) {
        const k = load<i32>(deque + (<usize>qHead << 2));
        const v = load<f64>(prev + (<usize>k << 3));
        if (bi < 0 || v > bv) {
          bv = v;
          bi = k;
        }
      }
      const sv = load<f64>(sufV + (<usize>(n + b + 1) << 3));
      const si = load<i32>(sufI + (<usize>(n + b + 1) << 2));
      if (si >= 0 && (bi < 0 || sv > bv)) {
        bv = sv;
        bi = si;
      }
      store<f64>(oobV + (<usize>jj << 3), bv);
      store<i32>(oobI + (<usize>jj << 2), bi);
    }

    bandMaxima(prev, n, half, deque, winV);
    bandMaxima(prev + (<usize>n << 3), n, half, deque, winU);

    const vp = load<f64>(voicedProb + (<usize>t << 3));
    const logUnvoiced = Math.log((1.0 - vp) / <f64>n + TINY64);
    for (let j = 0; j < S; j++) {
      const voicedTarget = j < n;
      const jj = voicedTarget ? j : j - n;
      const a = max(0, jj - half);
      const b = min(n - 1, jj + half);
      const cnt = b - a + 1;
      const colOff = <usize>(jj * width + a - jj + half) << 3;
      const cV = (voicedTarget ? stayCol : switchCol) + colOff; // sources a..b (voiced)
      const cU = (voicedTarget ? switchCol : stayCol) + colOff; // sources n+a..n+b (unvoiced)
      const pV = prev + (<usize>a << 3);
      const pU = prev + (<usize>(n + a) << 3);
      const oi = load<i32>(oobI + (<usize>jj << 2));
      const mO = oi >= 0 ? load<f64>(oobV + (<usize>jj << 3)) + logTiny : -Infinity;
      // bounds (float addition is monotone, so no sum in a block exceeds its bound): a block whose
      // bound is below the best found so far cannot reach, or tie, the maximum and is skipped
      const ubV = load<f64>(winV + (<usize>jj << 3)) + load<f64>(colMax + (<usize>((voicedTarget ? 0 : n) + jj) << 3));
      const ubU = load<f64>(winU + (<usize>jj << 3)) + load<f64>(colMax + (<usize>((voicedTarget ? n : 0) + jj) << 3));
      let best = mO;
      let mV: f64 = -Infinity, mU: f64 = -Infinity;
      let doneV = false, doneU = false;
      if (ubV >= ubU) {
        if (ubV >= best) { mV = maxSum(pV, cV, cnt); doneV = true; best = max(best, mV); }
        if (ubU >= best) { mU = maxSum(pU, cU, cnt); doneU = true; best = max(best, mU); }
      } else {
        if (ubU >= best) { mU = maxSum(pU, cU, cnt); doneU = true; best = max(best, mU); }
        if (ubV >= best) { mV = maxSum(pV, cV, cnt); doneV = true; best = max(best, mV); }
      }
      // numpy's argmax: the smallest source index reaching the maximum
      let bestIdx = S;
      if (oi >= 0 && mO == best) bestIdx = oi;
      if (doneV && mV == best) bestIdx = min(bestIdx, a + firstSum(pV, cV, cnt, best));
      if (doneU && mU == best && n + a < bestIdx) bestIdx = min(bestIdx, n + a + firstSum(pU, cU, cnt, best));
      store<i32>(ptr + (<usize>(t * S + j) << 2), bestIdx);
      const lo = voicedTarget ? Math.log(load<f64>(obs + (<usize>(t * n + j) << 3)) + TINY64) : logUnvoiced;
      store<f64>(cur + (<usize>j << 3), lo + best);
    }
    const tmp = prev;
    prev = cur;
    cur = tmp;
  }

  let last = 0;
  let lv = load<f64>(prev);
  for (let j = 1; j < S; j++) {
    const v = load<f64>(prev + (<usize>j << 3));
    if (v > lv) {
      lv = v;
      last = j;
    }
  }
  store<i32>(states + (<usize>(nFrames - 1) << 2), last);
  for (let t = nFrames - 2; t >= 0; t--) {
    const next = load<i32>(states + (<usize>(t + 1) << 2));
    store<i32>(states + (<usize>t << 2), load<i32>(ptr + (<usize>((t + 1) * S + next) << 2)));
  }
}
