/**
 * Power in dB relative to the loudest bin, librosa.power_to_db(S, ref=np.max, top_db=80):
 * what every spectrogram display shows (0 dB at the maximum, nothing below −top_db).
 * Browser-safe.
 */
import type { DspBackend, Matrix } from '../dsp/types.js';

/** The dynamic range every spectrogram display shows below its maximum (librosa's default top_db). */
export const DISPLAY_TOP_DB = 80;

/** The largest value of S (0 for an all-zero or empty matrix). */
export function peakOf(S: Matrix): number {
  let peak = 0;
  for (let i = 0; i < S.data.length; i++) if (S.data[i]! > peak) peak = S.data[i]!;
  return peak;
}

/**
 * power_to_db(S, ref=max(S), top_db). A silent clip (max 0) is referred to 1 instead, so it
 * reads as the floor of the colour scale (dark) rather than as 0 dB everywhere.
 */
export function powerToDbReMax(dsp: Pick<DspBackend, 'powerToDb'>, S: Matrix, topDb: number = DISPLAY_TOP_DB): Matrix {
  const peak = peakOf(S);
  return dsp.powerToDb(S, { ref: peak > 0 ? peak : 1, topDb });
}
