/**
 * Periodic Hann window of length n: scipy.signal.get_window('hann', n, fftbins=True),
 * which is what librosa.stft uses. w[i] = 0.5 - 0.5 cos(2 pi i / n).
 */
export function hannPeriodic(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
