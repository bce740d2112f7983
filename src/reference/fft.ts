/**
 * In-place iterative radix-2 complex FFT (Cooley-Tukey, decimation in time), float64.
 * Forward transform with no scaling, numpy.fft convention: X[k] = sum x[n] e^{-2 pi i k n / N}.
 * Deliberately plain: this is the yardstick the WASM kernels are tested against.
 */
export function fftInPlace(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError(`fft: re and im lengths differ (${n} vs ${im.length})`);
  if (n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`fft: length must be a power of two, got ${n}`);

  // Bit-reversal permutation.
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]!; re[i] = re[j]!; re[j] = t;
      t = im[i]!; im[i] = im[j]!; im[j] = t;
    }
  }

  // Butterflies; each twiddle comes straight from cos/sin (no recurrence, so no error build-up).
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = (-2 * Math.PI) / size;
    for (let k = 0; k < half; k++) {
      const wr = Math.cos(step * k);
      const wi = Math.sin(step * k);
      for (let start = k; start < n; start += size) {
        const a = start;
        const b = start + half;
        const tr = re[b]! * wr - im[b]! * wi;
        const ti = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** Real-input FFT: the first n/2 + 1 bins (numpy.fft.rfft). `frame` is not modified. */
export function rfft(frame: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = frame.length;
  const re = Float64Array.from(frame);
  const im = new Float64Array(n);
  fftInPlace(re, im);
  const bins = (n >> 1) + 1;
  return { re: re.slice(0, bins), im: im.slice(0, bins) };
}
