// Short-time Fourier transform, librosa.stft semantics (librosa 0.10): frame t covers
// samples [t*hop - padLeft, t*hop - padLeft + nFft) of y, where padLeft = nFft/2 when
// centred (0 otherwise) and samples outside y come from the padding mode; each frame is
// multiplied by the window and transformed with rfftForward (no scaling).
//
// Buffers (all f32, pointers from JS): y [n]; window [nFft]; table from rfftInitTable;
// work [stftWorkFloats(nFft)]; outputs are written with explicit strides so the same
// kernel produces librosa's [bins, frames] layout or a frame-major one.

import { rfftForward } from "./fft";

/** Zero padding (numpy 'constant'; librosa >= 0.10 default). */
export const PAD_CONSTANT: i32 = 0;
/** Mirror without repeating the edge sample (numpy 'reflect'), repeated periodically for short signals. */
export const PAD_REFLECT: i32 = 1;
/** Repeat the end samples (numpy 'edge'). */
export const PAD_EDGE: i32 = 2;

/** f32 slots of per-call scratch the STFT kernels need: one frame plus re/im of n/2 + 1 bins. */
export function stftWorkFloats(nFft: i32): i32 {
  return nFft + 2 * (((nFft >> 1) + 4) & ~3);
}

/**
 * Index into y for an out-of-range position i, numpy.pad semantics. For 'reflect' numpy
 * keeps reflecting when the pad is longer than the signal, which is a periodic extension
 * with period 2(n - 1); a 1-sample signal reflects to itself.
 */
@inline
function padIndex(i: i32, n: i32, mode: i32): i32 {
  if (mode == PAD_EDGE) return i < 0 ? 0 : n - 1;
  if (n == 1) return 0;
  const period = 2 * (n - 1);
  let r = i % period;
  if (r < 0) r += period;
  return r >= n ? period - r : r;
}

/** frame[j] = window[j] * y_padded[start + j], start = index into y (may be negative). */
export function loadWindowedFrame(y: usize, n: i32, start: i32, nFft: i32, mode: i32, window: usize, frame: usize): void {
  if (nFft >= 4 && start >= 0 && start + nFft <= n) {
    const src = y + (<usize>start << 2);
    const bytes = <usize>nFft << 2;
    for (let j: usize = 0; j < bytes; j += 16) {
      v128.store(frame + j, f32x4.mul(v128.load(src + j), v128.load(window + j)));
    }
    return;
  }
  for (let j = 0; j < nFft; j++) {
    const i = start + j;
    let v: f32 = 0;
    if (i >= 0 && i < n) v = load<f32>(y + (<usize>i << 2));
    else if (mode != PAD_CONSTANT) v = load<f32>(y + (<usize>padIndex(i, n, mode) << 2));
    store<f32>(frame + (<usize>j << 2), v * load<f32>(window + (<usize>j << 2)));
  }
}

/** Windowed rfft of frame t into the work buffer's re/im halves; returns nothing, see stftWorkRe/Im. */
@inline
function transformFrame(y: usize, n: i32, t: i32, nFft: i32, hop: i32, padLeft: i32, mode: i32, window: usize, table: usize, work: usize): void {
  const frame = work;
  loadWindowedFrame(y, n, t * hop - padLeft, nFft, mode, window, frame);
  rfftForward(nFft, table, frame, workRe(work, nFft), workIm(work, nFft));
}

@inline
function workRe(work: usize, nFft: i32): usize {
  return work + (<usize>nFft << 2);
}

@inline
function workIm(work: usize, nFft: i32): usize {
  return work + (<usize>(nFft + (((nFft >> 1) + 4) & ~3)) << 2);
}

/**
 * Complex STFT: bin k of frame t goes to outRe/outIm[k * binStride + t * frameStride].
 * librosa layout [bins, frames]: binStride = nFrames, frameStride = 1.
 */
export function stftComplex(
  y: usize, n: i32, nFft: i32, hop: i32, nFrames: i32, padLeft: i32, mode: i32,
  window: usize, table: usize, work: usize,
  outRe: usize, outIm: usize, binStride: i32, frameStride: i32,
): void {
  const bins = (nFft >> 1) + 1;
  const re = workRe(work, nFft), im = workIm(work, nFft);
  const bs = <usize>binStride << 2;
  for (let t = 0; t < nFrames; t++) {
    transformFrame(y, n, t, nFft, hop, padLeft, mode, window, table, work);
    let o = <usize>(t * frameStride) << 2;
    for (let k = 0; k < bins; k++) {
      store<f32>(outRe + o, load<f32>(re + (<usize>k << 2)));
      store<f32>(outIm + o, load<f32>(im + (<usize>k << 2)));
      o += bs;
    }
  }
}

/**
 * |X|^power over `bins` bins into `out` (power 2 avoids the square root). `out` may be `re`
 * (in place); writing elsewhere saves callers that collect spectra a copy of each.
 */
export function spectrumPower(re: usize, im: usize, bins: i32, power: f32, out: usize): void {
  const bytes = <usize>bins << 2;
  const vec = bytes & ~15;
  if (power == 2) {
    for (let k: usize = 0; k < vec; k += 16) {
      const r = v128.load(re + k), i = v128.load(im + k);
      v128.store(out + k, f32x4.add(f32x4.mul(r, r), f32x4.mul(i, i)));
    }
  } else if (power == 1) {
    for (let k: usize = 0; k < vec; k += 16) {
      const r = v128.load(re + k), i = v128.load(im + k);
      v128.store(out + k, f32x4.sqrt(f32x4.add(f32x4.mul(r, r), f32x4.mul(i, i))));
    }
  } else {
    for (let k: usize = 0; k < vec; k += 4) {
      const r = load<f32>(re + k), i = load<f32>(im + k);
      store<f32>(out + k, Mathf.pow(Mathf.sqrt(r * r + i * i), power));
    }
  }
  for (let k = vec; k < bytes; k += 4) {
    const r = load<f32>(re + k), i = load<f32>(im + k);
    const p = r * r + i * i;
    store<f32>(out + k, power == 2 ? p : power == 1 ? Mathf.sqrt(p) : Mathf.pow(Mathf.sqrt(p), power));
  }
}

/** |STFT|^power, bin k of frame t to out[k * binStride + t * frameStride]. */
export function stftPower(
  y: usize, n: i32, nFft: i32, hop: i32, nFrames: i32, padLeft: i32, mode: i32,
  window: usize, table: usize, work: usize, power: f32,
  out: usize, binStride: i32, frameStride: i32,
): void {
  const bins = (nFft >> 1) + 1;
  const re = workRe(work, nFft), im = workIm(work, nFft);
  const bs = <usize>binStride << 2;
  for (let t = 0; t < nFrames; t++) {
    transformFrame(y, n, t, nFft, hop, padLeft, mode, window, table, work);
    spectrumPower(re, im, bins, power, re);
    let o = <usize>(t * frameStride) << 2;
    for (let k = 0; k < bins; k++) {
      store<f32>(out + o, load<f32>(re + (<usize>k << 2)));
      o += bs;
    }
  }
}

/** Shared by the mel kernel: windowed rfft of frame t, then |X|^power (bins floats) written to `out`. */
export function stftFramePower(
  y: usize, n: i32, t: i32, nFft: i32, hop: i32, padLeft: i32, mode: i32,
  window: usize, table: usize, work: usize, power: f32, out: usize,
): void {
  transformFrame(y, n, t, nFft, hop, padLeft, mode, window, table, work);
  spectrumPower(workRe(work, nFft), workIm(work, nFft), (nFft >> 1) + 1, power, out);
}
