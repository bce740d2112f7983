// librosa.yin (de Cheveigné & Kawahara 2002) per frame, the way librosa 0.10 computes it:
//
//   acf(tau)    = irfft(rfft(x) * rfft(x[W:0:-1]))[W + tau] = sum_{k=1}^{W} x[k] x[k+tau]
//   energy(tau) = cumsum(x^2)[W + tau] - cumsum(x^2)[tau]   (float32 cumsum, as numpy on f32 frames)
//   acf, energy: |v| < 1e-6 -> 0
//   d(tau)      = (energy(0) + energy(tau)) - 2 acf(tau)     (f32 sum, then f64)
//   cmndf(tau)  = d(tau) / (sum_{j=1}^{tau} d(j) / tau + tiny64),  tau = minPeriod .. maxPeriod
//   pick: the first local minimum of cmndf below the threshold, else the global minimum;
//   period = minPeriod + index + parabolic shift (0 at the ends or when the vertex is more than
//   one bin away); f0 = sr / period.
//
// x is one frame of frameLength samples; W = winLength. The correlation is computed with the
// project's float32 real FFT at size M = the power of two >= frameLength (no wrap-around for
// lags <= frameLength - W - 1, so any M >= frameLength gives librosa's values); librosa's
// numpy FFT is float64, which is the main source of difference (see the parity tests).
// The cumulative sum of x^2 is replayed in float32 in numpy's order, so energy matches
// librosa bit for bit.
//
// Also written per frame: the aperiodicity, cmndf at the picked lag, except 1 when d is zero
// at every lag up to the picked one (digital silence, or a level under librosa's 1e-6 floors:
// there cmndf is 0 / tiny = 0, which would read as "perfectly periodic").
//
// Memory: `y` is the (already padded) signal, frame t starts at y + t * hop; `work` holds
// yinWorkBytes(M, frameLength, maxPeriod) bytes of scratch; nothing is allocated here.

import { rfftForward, rfftInverse } from "./fft";

const FLOOR32: f32 = 1e-6;
const FLOOR64: f64 = 1e-6;
const TINY64: f64 = 2.2250738585072014e-308;

@inline
function roundUp4(n: i32): i32 {
  return (n + 3) & ~3;
}

/** Scratch bytes yinFrames needs for FFT size m, frame length n and maxPeriod. */
export function yinWorkBytes(m: i32, n: i32, maxPeriod: i32): i32 {
  const bins = roundUp4((m >> 1) + 1);
  const f32s = 4 * m + 4 * bins + roundUp4(n);
  return (f32s << 2) + (roundUp4(maxPeriod + 1) << 3);
}

/** Pointwise complex product a *= b over `bins` bins (split re/im arrays, f32x4). */
function complexMulInPlace(aRe: usize, aIm: usize, bRe: usize, bIm: usize, bins: i32): void {
  let k = 0;
  for (; k + 4 <= bins; k += 4) {
    const o = <usize>k << 2;
    const ar = v128.load(aRe + o), ai = v128.load(aIm + o);
    const br = v128.load(bRe + o), bi = v128.load(bIm + o);
    v128.store(aRe + o, f32x4.sub(f32x4.mul(ar, br), f32x4.mul(ai, bi)));
    v128.store(aIm + o, f32x4.add(f32x4.mul(ar, bi), f32x4.mul(ai, br)));
  }
  for (; k < bins; k++) {
    const o = <usize>k << 2;
    const ar = load<f32>(aRe + o), ai = load<f32>(aIm + o);
    const br = load<f32>(bRe + o), bi = load<f32>(bIm + o);
    store<f32>(aRe + o, ar * br - ai * bi);
    store<f32>(aIm + o, ar * bi + ai * br);
  }
}

/** fb[m] = x[w - m] for m in [0, w), four at a time with a lane reversal. */
function reverseWindow(x: usize, w: i32, fb: usize): void {
  let m = 0;
  for (; m + 4 <= w; m += 4) {
    const v = v128.load(x + (<usize>(w - m - 3) << 2));
    v128.store(fb + (<usize>m << 2), f32x4.shuffle(v, v, 3, 2, 1, 0));
  }
  for (; m < w; m++) store<f32>(fb + (<usize>m << 2), load<f32>(x + (<usize>(w - m) << 2)));
}

/** Index of YIN's pick in cmndf[0 .. len) (f64): first thresholded trough, else the global minimum. */
function pick(c: usize, len: i32, threshold: f64): i32 {
  for (let i = 0; i < len; i++) {
    const v = load<f64>(c + (<usize>i << 3));
    if (v >= threshold) continue;
    let trough: bool;
    if (i == 0) trough = v < load<f64>(c + 8);
    else if (i == len - 1) trough = v < load<f64>(c + (<usize>(i - 1) << 3));
    else trough = v < load<f64>(c + (<usize>(i - 1) << 3)) && v <= load<f64>(c + (<usize>(i + 1) << 3));
    if (trough) return i;
  }
  let best = 0;
  let bestV = load<f64>(c);
  for (let i = 1; i < len; i++) {
    const v = load<f64>(c + (<usize>i << 3));
    if (v < bestV) {
      bestV = v;
      best = i;
    }
  }
  return best;
}

/** librosa's parabolic interpolation shift at index i of cmndf (f64). */
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
 * CMNDF of one frame at x (lags minPeriod .. maxPeriod, f64 at `cm`); `work` as laid out by
 * yinWorkBytes, with its zero tails already in place. Returns the first lag >= 1 with d != 0
 * (maxPeriod + 1 if none).
 */
function cmndfFrame(
  x: usize, frameLength: i32, w: i32, minPeriod: i32, maxPeriod: i32, m: i32, table: usize, work: usize, cm: usize,
): i32 {
  const bins = (m >> 1) + 1;
  const binsUp = roundUp4(bins);
  const fa = work;
  const fb = fa + (<usize>m << 2);
  const aRe = fb + (<usize>m << 2);
  const aIm = aRe + (<usize>binsUp << 2);
  const bRe = aIm + (<usize>binsUp << 2);
  const bIm = bRe + (<usize>binsUp << 2);
  const acf = bIm + (<usize>binsUp << 2);
  const iw = acf + (<usize>m << 2);
  const cs = iw + (<usize>m << 2);
  const csEnd = w + maxPeriod + 1; // cumsum entries needed: [0, w + maxPeriod]

  memory.copy(fa, x, <usize>frameLength << 2);
  reverseWindow(x, w, fb);
  rfftForward(m, table, fa, aRe, aIm);
  rfftForward(m, table, fb, bRe, bIm);
  complexMulInPlace(aRe, aIm, bRe, bIm, bins);
  rfftInverse(m, table, aRe, aIm, acf, iw);

  // float32 running sum of x^2, numpy's cumsum order
  let run: f32 = 0;
  for (let k = 0; k < csEnd; k++) {
    const v = load<f32>(x + (<usize>k << 2));
    run += v * v;
    store<f32>(cs + (<usize>k << 2), run);
  }
  let e0: f32 = load<f32>(cs + (<usize>w << 2)) - load<f32>(cs);
  if (abs<f32>(e0) < FLOOR32) e0 = 0;

  // difference function and its cumulative mean normalisation (f64)
  let cum: f64 = 0;
  let firstActive = maxPeriod + 1;
  for (let tau = 1; tau <= maxPeriod; tau++) {
    let e: f32 = load<f32>(cs + (<usize>(w + tau) << 2)) - load<f32>(cs + (<usize>tau << 2));
    if (abs<f32>(e) < FLOOR32) e = 0;
    let a = <f64>load<f32>(acf + (<usize>(w + tau) << 2));
    if (Math.abs(a) < FLOOR64) a = 0;
    const dv = <f64>(e0 + e) - 2 * a;
    cum += dv;
    if (dv != 0 && firstActive > maxPeriod) firstActive = tau;
    if (tau >= minPeriod) store<f64>(cm + (<usize>(tau - minPeriod) << 3), dv / (cum / <f64>tau + TINY64));
  }
  return firstActive;
}

/** Zeroes the tails of the two FFT inputs in `work` (fa beyond frameLength, fb beyond w); the frame loads never touch them. */
function zeroTails(work: usize, m: i32, frameLength: i32, w: i32): void {
  const fa = work;
  const fb = fa + (<usize>m << 2);
  if (m > frameLength) memory.fill(fa + (<usize>frameLength << 2), 0, <usize>(m - frameLength) << 2);
  memory.fill(fb + (<usize>w << 2), 0, <usize>(m - w) << 2);
}

/** Bytes of `work` before the f64 cmndf slot (yinFrames keeps one frame's cmndf there). */
function cmndfSlot(m: i32, frameLength: i32): usize {
  const binsUp = roundUp4((m >> 1) + 1);
  return <usize>(4 * m + 4 * binsUp + roundUp4(frameLength)) << 2;
}

/**
 * F0 (Hz) and aperiodicity for nFrames frames (f32 outputs). m: FFT size (power of two >=
 * frameLength), table: its rfft table. Requires 1 <= minPeriod < maxPeriod <= frameLength - winLength - 1
 * (JS validates, as librosa's __check_yin_params does).
 */
export function yinFrames(
  y: usize, nFrames: i32, hop: i32, frameLength: i32, winLength: i32, minPeriod: i32, maxPeriod: i32,
  sr: f64, threshold: f64, m: i32, table: usize, work: usize, outF0: usize, outAperiodicity: usize,
): void {
  const lags = maxPeriod - minPeriod + 1;
  const cm = work + cmndfSlot(m, frameLength);
  zeroTails(work, m, frameLength, winLength);
  for (let t = 0; t < nFrames; t++) {
    const x = y + (<usize>(t * hop) << 2);
    const firstActive = cmndfFrame(x, frameLength, winLength, minPeriod, maxPeriod, m, table, work, cm);
    const i = pick(cm, lags, threshold);
    const period = <f64>(minPeriod + i) + parabolicShift(cm, lags, i);
    store<f32>(outF0 + (<usize>t << 2), <f32>(sr / period));
    // d = 0 up to the picked lag: silence (or under the 1e-6 floors), not a perfect period
    const quiet = firstActive > minPeriod + i;
    store<f32>(outAperiodicity + (<usize>t << 2), quiet ? 1 : <f32>load<f64>(cm + (<usize>i << 3)));
  }
}

/**
 * The CMNDF of every frame, f64, frame-major: out[t * lags + (tau - minPeriod)] (lags =
 * maxPeriod - minPeriod + 1), for pyin (assembly/pyin.ts). Same framing and work as yinFrames.
 */
export function cmndfFrames(
  y: usize, nFrames: i32, hop: i32, frameLength: i32, winLength: i32, minPeriod: i32, maxPeriod: i32,
  m: i32, table: usize, work: usize, out: usize,
): void {
  const lags = maxPeriod - minPeriod + 1;
  zeroTails(work, m, frameLength, winLength);
  for (let t = 0; t < nFrames; t++) {
    const x = y + (<usize>(t * hop) << 2);
    cmndfFrame(x, frameLength, winLength, minPeriod, maxPeriod, m, table, work, out + (<usize>(t * lags) << 3));
  }
}
