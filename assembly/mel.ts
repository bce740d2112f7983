// Mel filterbank (librosa.filters.mel) and the mel projection of power spectra.
//
// The filterbank is computed here once per configuration (f64 maths, stored as f32 like
// librosa's default dtype) and cached by JS (core.persistent key `mel:<sr>:<nFft>:...`).
// Layout: weights [nMels, nBins] row-major f32, followed by the band of each filter as
// i32 pairs (first nonzero bin, one past the last) so the projection only touches the
// few bins where a triangle is nonzero.

import { spectrumPower, stftFramePower, stftWorkFloats } from "./stft";

// Slaney mel scale (Auditory Toolbox, librosa.hz_to_mel with htk=False): linear below
// 1 kHz at 200/3 Hz per mel, logarithmic above with step ln(6.4)/27.
const F_SP: f64 = 200.0 / 3.0;
const MIN_LOG_HZ: f64 = 1000.0;
const MIN_LOG_MEL: f64 = MIN_LOG_HZ / F_SP;
const LOG_STEP: f64 = Math.log(6.4) / 27.0;

function hzToMel(f: f64, htk: bool): f64 {
  if (htk) return 2595.0 * Math.log10(1.0 + f / 700.0);
  return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOG_STEP : f / F_SP;
}

function melToHz(m: f64, htk: bool): f64 {
  if (htk) return 700.0 * (Math.pow(10.0, m / 2595.0) - 1.0);
  return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOG_STEP * (m - MIN_LOG_MEL)) : F_SP * m;
}

/** numpy.linspace(start, stop, num)[i]: start + i * step, with the last point exactly stop. */
@inline
function linspaceAt(start: f64, stop: f64, num: i32, i: i32): f64 {
  if (i == num - 1) return stop;
  return <f64>i * ((stop - start) / <f64>(num - 1)) + start;
}

/** Corner frequency i (0 .. nMels+1) of the triangles: librosa.mel_frequencies(nMels + 2, fmin, fmax). */
@inline
function melEdge(i: i32, nMels: i32, melLo: f64, melHi: f64, htk: bool): f64 {
  return melToHz(linspaceAt(melLo, melHi, nMels + 2, i), htk);
}

/** Bytes of the cached filterbank: weights then band ranges. */
export function melFilterbankBytes(nFft: i32, nMels: i32): i32 {
  return ((nMels * ((nFft >> 1) + 1) * 4 + 15) & ~15) + nMels * 8;
}

/** Pointer to the i32 band pairs that follow the weights. */
export function melRangesPtr(fb: usize, nFft: i32, nMels: i32): usize {
  return fb + (<usize>((nMels * ((nFft >> 1) + 1) * 4 + 15) & ~15));
}

/**
 * librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax, htk, norm): triangle i rises from
 * edge i to edge i+1 and falls to edge i+2, evaluated at fft_frequencies =
 * linspace(0, sr/2, 1 + n_fft/2); with Slaney norm each row is scaled by
 * 2 / (edge[i+2] - edge[i]). Rounding follows librosa: the triangle is stored as f32,
 * then multiplied by the norm in f64 and stored as f32 again.
 */
export function melInitFilterbank(sr: f64, nFft: i32, nMels: i32, fmin: f64, fmax: f64, htk: bool, slaneyNorm: bool, fb: usize): void {
  const bins = (nFft >> 1) + 1;
  const melLo = hzToMel(fmin, htk), melHi = hzToMel(fmax, htk);
  const ranges = melRangesPtr(fb, nFft, nMels);
  for (let i = 0; i < nMels; i++) {
    const lower = melEdge(i, nMels, melLo, melHi, htk);
    const centre = melEdge(i + 1, nMels, melLo, melHi, htk);
    const upper = melEdge(i + 2, nMels, melLo, melHi, htk);
    const enorm = 2.0 / (upper - lower);
    const row = fb + (<usize>(i * bins) << 2);
    let first = bins, last = -1;
    for (let k = 0; k < bins; k++) {
      const f = linspaceAt(0, sr / 2.0, bins, k);
      const rising = (f - lower) / (centre - lower); // -ramps[i] / fdiff[i]
      const falling = (upper - f) / (upper - centre); // ramps[i+2] / fdiff[i+1]
      let w = <f32>Math.max(0.0, Math.min(rising, falling));
      if (slaneyNorm) w = <f32>(<f64>w * enorm);
      store<f32>(row + (<usize>k << 2), w);
      if (w != 0) {
        if (k < first) first = k;
        last = k;
      }
    }
    store<i32>(ranges + (<usize>i << 3), last < 0 ? 0 : first);
    store<i32>(ranges + (<usize>i << 3), last < 0 ? 0 : last + 1, 4);
  }
}

/** mel[i] = sum_k fb[i, k] * spec[k] over filter i's band; result i to out[i * melStride]. */
export function melProject(spec: usize, fb: usize, nFft: i32, nMels: i32, out: usize, melStride: i32): void {
  const bins = (nFft >> 1) + 1;
  const ranges = melRangesPtr(fb, nFft, nMels);
  for (let i = 0; i < nMels; i++) {
    const row = fb + (<usize>(i * bins) << 2);
    const lo = <usize>load<i32>(ranges + (<usize>i << 3)) << 2;
    const hi = <usize>load<i32>(ranges + (<usize>i << 3), 4) << 2;
    let acc = f32x4.splat(0);
    let k = lo;
    for (; k + 16 <= hi; k += 16) {
      acc = f32x4.add(acc, f32x4.mul(v128.load(row + k), v128.load(spec + k)));
    }
    let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    for (; k < hi; k += 4) s += load<f32>(row + k) * load<f32>(spec + k);
    store<f32>(out + (<usize>(i * melStride) << 2), s);
  }
}

/**
 * melProject for four spectra at once (spectrum f at spec + f * specStride bytes, its mel band i
 * to out + 4 * (f * frameStride + i * melStride)): each spectrum's sum runs in exactly
 * melProject's order, but the four chains of dependent adds interleave and each filter row is
 * read once for the four. Same results as four melProject calls.
 */
function melProject4(spec: usize, specStride: usize, fb: usize, nFft: i32, nMels: i32, out: usize, melStride: i32, frameStride: i32): void {
  const bins = (nFft >> 1) + 1;
  const ranges = melRangesPtr(fb, nFft, nMels);
  const s0 = spec;
  const s1 = s0 + specStride;
  const s2 = s1 + specStride;
  const s3 = s2 + specStride;
  const step = <usize>frameStride << 2;
  for (let i = 0; i < nMels; i++) {
    const row = fb + (<usize>(i * bins) << 2);
    const lo = <usize>load<i32>(ranges + (<usize>i << 3)) << 2;
    const hi = <usize>load<i32>(ranges + (<usize>i << 3), 4) << 2;
    let a0 = f32x4.splat(0);
    let a1 = a0;
    let a2 = a0;
    let a3 = a0;
    let k = lo;
    for (; k + 16 <= hi; k += 16) {
      const w = v128.load(row + k);
      a0 = f32x4.add(a0, f32x4.mul(w, v128.load(s0 + k)));
      a1 = f32x4.add(a1, f32x4.mul(w, v128.load(s1 + k)));
      a2 = f32x4.add(a2, f32x4.mul(w, v128.load(s2 + k)));
      a3 = f32x4.add(a3, f32x4.mul(w, v128.load(s3 + k)));
    }
    const o = out + (<usize>(i * melStride) << 2);
    store<f32>(o, bandTail(a0, row, s0, k, hi));
    store<f32>(o + step, bandTail(a1, row, s1, k, hi));
    store<f32>(o + 2 * step, bandTail(a2, row, s2, k, hi));
    store<f32>(o + 3 * step, bandTail(a3, row, s3, k, hi));
  }
}

/** melProject's finish: lanes summed 0 + 1 + 2 + 3 in order, then the band's last bins one by one. */
@inline
function bandTail(acc: v128, row: usize, spec: usize, k: usize, hi: usize): f32 {
  let s: f32 = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  for (; k < hi; k += 4) s += load<f32>(row + k) * load<f32>(spec + k);
  return s;
}

/** Bytes between the four power spectra melSpectrogramFrames and melFromComplexFrames keep in their work area. */
@inline
function quadStride(nFft: i32): usize {
  return <usize>((((nFft >> 1) + 1) + 3) & ~3) << 2;
}

/** f32 slots of melSpectrogramFrames' work area: the STFT's (stftWorkFloats) and four power spectra. */
export function melWorkFloats(nFft: i32): i32 {
  return stftWorkFloats(nFft) + 4 * ((((nFft >> 1) + 1) + 3) & ~3);
}

/**
 * Mel spectrogram librosa.feature.melspectrogram(y, power=power): STFT frame by frame
 * (see stft.ts for the framing arguments), |X|^power, projection on the filterbank, four frames
 * per projection (melProject4). Mel band i of frame t goes to out[i * melStride + t * frameStride].
 * `work` holds melWorkFloats(nFft) floats.
 */
export function melSpectrogramFrames(
  y: usize, n: i32, nFft: i32, hop: i32, nFrames: i32, padLeft: i32, mode: i32,
  window: usize, table: usize, work: usize, power: f32,
  fb: usize, nMels: i32, out: usize, melStride: i32, frameStride: i32,
): void {
  const quad = work + (<usize>stftWorkFloats(nFft) << 2);
  const qs = quadStride(nFft);
  let t = 0;
  for (; t + 4 <= nFrames; t += 4) {
    for (let f = 0; f < 4; f++) stftFramePower(y, n, t + f, nFft, hop, padLeft, mode, window, table, work, power, quad + <usize>f * qs);
    melProject4(quad, qs, fb, nFft, nMels, out + (<usize>(t * frameStride) << 2), melStride, frameStride);
  }
  for (; t < nFrames; t++) {
    stftFramePower(y, n, t, nFft, hop, padLeft, mode, window, table, work, power, quad);
    melProject(quad, fb, nFft, nMels, out + (<usize>(t * frameStride) << 2), melStride);
  }
}

/** f32 slots of the work area melFromComplexFrames needs: the power spectra of four frames. */
export function melFromComplexWorkFloats(nFft: i32): i32 {
  return 4 * ((((nFft >> 1) + 1) + 3) & ~3);
}

/**
 * melSpectrogramFrames for a signal whose complex STFT is already in memory (frame-major planes,
 * frame t's bins at re/im + 4 * t * planeStride, as the phase vocoder's analysis holds them):
 * |X|^power and the projection, four frames at a time. Given the STFT stftComplex makes of y, the
 * numbers are melSpectrogramFrames' for y bit for bit (the same spectrumPower and projection on
 * the same re/im values), without its windowing and forward FFTs.
 */
export function melFromComplexFrames(
  re: usize, im: usize, planeStride: i32, nFrames: i32, nFft: i32, power: f32,
  fb: usize, nMels: i32, work: usize, out: usize, melStride: i32, frameStride: i32,
): void {
  const bins = (nFft >> 1) + 1;
  const qs = quadStride(nFft);
  const planeBytes = <usize>planeStride << 2;
  let t = 0;
  for (; t + 4 <= nFrames; t += 4) {
    for (let f = 0; f < 4; f++) {
      const src = <usize>(t + f) * planeBytes;
      spectrumPower(re + src, im + src, bins, power, work + <usize>f * qs);
    }
    melProject4(work, qs, fb, nFft, nMels, out + (<usize>(t * frameStride) << 2), melStride, frameStride);
  }
  for (; t < nFrames; t++) {
    const src = <usize>t * planeBytes;
    spectrumPower(re + src, im + src, bins, power, work);
    melProject(work, fb, nFft, nMels, out + (<usize>(t * frameStride) << 2), melStride);
  }
}
