/**
 * Per-utterance cepstral normalisation of the paper vector's MFCC block:
 * CMN (subtract each coefficient's mean over the clip's frames) and optionally
 * CMVN (also divide by its standard deviation). Removing the per-clip cepstral
 * mean takes out stationary channel and speaker colouring (the classic
 * argument of Atal 1974 / Furui 1981 for cepstral mean subtraction), which is
 * what a speaker-independent split has to generalise across.
 *
 * Only the clip's real frames count, read with the clip's own block offsets:
 * a clip shorter than the recipe is zero-padded at the end of the vector and
 * its blocks start earlier (frame-major.ts: naturalFrameCount). The padding
 * stays 0. ZCR and RMS are left untouched. A pure function of each row, so it
 * can run on the whole table before any split without leaking between rows.
 */
import { naturalFrameCount, paperVectorLayout } from './frame-major.js';

export type UtteranceNormMode = 'off' | 'mean' | 'meanvar';

export const UTTERANCE_NORM_MODES: readonly UtteranceNormMode[] = ['off', 'mean', 'meanvar'];

/** Raised for an unknown mode or a row that does not have the paper-vector layout. */
export class UtteranceNormError extends Error {
  override readonly name = 'UtteranceNormError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * Standard deviations below this are treated as a constant coefficient: CMVN
 * then only subtracts the mean (dividing would blow float32 noise up to ±1).
 */
const MIN_STD = 1e-6;

/**
 * Returns a copy of the row-major paper-vector table X [rows × dim] with each
 * row's MFCCs normalised over its real frames ('off' returns an unchanged copy).
 */
export function utteranceNormalize(X: Float32Array, rows: number, dim: number, nMfcc: number, mode: UtteranceNormMode): Float32Array {
  if (!UTTERANCE_NORM_MODES.includes(mode)) {
    throw new UtteranceNormError(`utterance normalisation must be one of ${UTTERANCE_NORM_MODES.join(', ')}, got '${String(mode)}'`);
  }
  if (!(X instanceof Float32Array)) throw new UtteranceNormError('X must be a Float32Array (rows × dim, row-major)');
  if (!Number.isInteger(rows) || rows < 0 || X.length !== rows * dim) {
    throw new UtteranceNormError(`X has ${X.length} values, expected ${rows} rows × ${dim}`);
  }
  const layout = (() => {
    try {
      return paperVectorLayout(dim, nMfcc);
    } catch (e) {
      throw new UtteranceNormError((e as Error).message);
    }
  })();
  const out = Float32Array.from(X);
  if (mode === 'off') return out;
  for (let i = 0; i < rows; i++) {
    const row = out.subarray(i * dim, (i + 1) * dim);
    const frames = naturalFrameCount(row, layout);
    if (frames === 0) continue;
    const mfccStart = 2 * frames; // MFCC_k[t] at mfccStart + t·nMfcc + k
    for (let k = 0; k < nMfcc; k++) {
      // float64 accumulation, two-pass (mean first, then squared deviations).
      let sum = 0;
      for (let t = 0; t < frames; t++) sum += row[mfccStart + t * nMfcc + k]!;
      const mean = sum / frames;
      let scale = 1;
      if (mode === 'meanvar') {
        let sq = 0;
        for (let t = 0; t < frames; t++) {
          const d = row[mfccStart + t * nMfcc + k]! - mean;
          sq += d * d;
        }
        const std = Math.sqrt(sq / frames);
        if (std >= MIN_STD) scale = 1 / std;
      }
      for (let t = 0; t < frames; t++) {
        const j = mfccStart + t * nMfcc + k;
        row[j] = (row[j]! - mean) * scale;
      }
    }
  }
  return out;
}
