// Analysis windows. Computed in f64 and rounded once to f32; JS caches the result
// (core.persistent key `hann:<n>`), so this runs once per window length.

/**
 * Periodic Hann window of length n, as scipy.signal.get_window('hann', n, fftbins=True)
 * (what librosa.stft uses): w[i] = 0.5 - 0.5 cos(2 pi i / n), i = 0 .. n-1.
 */
export function hannInit(n: i32, out: usize): void {
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2.0 * Math.PI * <f64>i) / <f64>n);
    store<f32>(out + (<usize>i << 2), <f32>w);
  }
}
