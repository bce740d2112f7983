// Long FIR filters by fast convolution: overlap-save through the real FFT (Oppenheim & Schafer,
// "Discrete-Time Signal Processing", 3rd ed., §8.7.3), optionally on the signal upsampled by 2
// with zeros in between. The first stage of the two-stage resampler (src/wasm/resample-fft.ts):
// a filter of a few hundred taps costs two FFTs per block instead of a few hundred multiply-adds
// per output. No allocation: JS hands in every buffer.

import { rfftForward, rfftInverse } from './fft';

/**
 * out[i] = sum over j in [-half, half] of h[j] * xu[i + half - j], for i in [0, outLen), where
 * xu is x upsampled by `up` (1 or 2) by zero-stuffing: xu[up * q] = x[q], zeros between.
 *
 * Blocks of v = n - 2 * half outputs: block b transforms xu[b*v .. b*v + n) (for up = 2 that is
 * x[b*v/2 .. b*v/2 + n/2): half as many samples, whose spectrum, repeated, is the zero-stuffed
 * one), multiplies by the filter's spectrum and keeps the n - 2 * half outputs that the
 * circular wrap does not reach. The caller sizes x for ceil(outLen / v) blocks and `out` for a
 * whole number of blocks (the last one is written in full).
 *
 *  n: FFT size (power of two, 2 * half < n); tableN / tableHalf: rfft tables for n and n / 2
 *     (the latter only read when up = 2)
 *  specRe, specIm: rfft of hc (hc[j mod n] = h[j]), n/2 + 1 bins padded with zeros to a
 *     multiple of 4
 *  work: 3 * n + 8 floats of scratch
 */
export function fftFilter(
  n: i32, up: i32, half: i32, tableN: usize, tableHalf: usize, specRe: usize, specIm: usize,
  x: usize, out: usize, outLen: i32, work: usize,
): void {
  const bins = (n >> 1) + 1;
  const binsPadded = (bins + 3) & ~3;
  const re = work;
  const im = re + (<usize>binsPadded << 2);
  const result = im + (<usize>binsPadded << 2);
  const inverseWork = result + (<usize>n << 2);
  const v = n - 2 * half;
  const quarter = n >> 2;
  for (let start = 0; start < outLen; start += v) {
    if (up == 1) {
      rfftForward(n, tableN, x + (<usize>start << 2), re, im);
    } else {
      // start is even (v is), so the block begins on an input sample. Bins past n/4 of the
      // zero-stuffed block are those of the half-size transform mirrored: X[k] = conj X[n/2 - k].
      rfftForward(n >> 1, tableHalf, x + (<usize>(start >> 1) << 2), re, im);
      for (let k = quarter + 1; k < bins; k++) {
        const from = <usize>((n >> 1) - k) << 2;
        store<f32>(re + (<usize>k << 2), load<f32>(re + from));
        store<f32>(im + (<usize>k << 2), -load<f32>(im + from));
      }
    }
    for (let k = bins; k < binsPadded; k++) {
      store<f32>(re + (<usize>k << 2), 0);
      store<f32>(im + (<usize>k << 2), 0);
    }
    const end = <usize>binsPadded << 2;
    for (let o: usize = 0; o < end; o += 16) {
      const a = v128.load(re + o);
      const b = v128.load(im + o);
      const c = v128.load(specRe + o);
      const d = v128.load(specIm + o);
      v128.store(re + o, f32x4.sub(f32x4.mul(a, c), f32x4.mul(b, d)));
      v128.store(im + o, f32x4.add(f32x4.mul(a, d), f32x4.mul(b, c)));
    }
    rfftInverse(n, tableN, re, im, result, inverseWork);
    memory.copy(out + (<usize>start << 2), result + (<usize>half << 2), <usize>v << 2);
  }
}
