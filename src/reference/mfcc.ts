import type { Matrix, MfccOptions, Real } from '../dsp/types.js';
import { DEFAULTS } from '../dsp/types.js';
import { assertMfccCount, assertNonNegative } from '../dsp/validate.js';
import { dctIIOrtho, lifterInPlace } from './dct.js';
import { melSpectrogram } from './mel.js';
import { powerToDb } from './power-to-db.js';

/**
 * librosa.feature.mfcc from a time signal: DCT-II (ortho) down the mel axis of
 * power_to_db(melspectrogram(y)), first n_mfcc rows, optional sinusoidal lifter.
 */
export function mfcc(y: Real, opts: MfccOptions = {}): Matrix<Float64Array> {
  const nMfcc = opts.nMfcc ?? DEFAULTS.nMfcc;
  const nMels = opts.nMels ?? DEFAULTS.nMels;
  assertMfccCount(nMfcc, nMels);
  const lifter = opts.lifter ?? 0;
  assertNonNegative(lifter, 'lifter');

  const db = powerToDb(melSpectrogram(y, opts), opts);
  const M = dctIIOrtho(db, nMfcc);
  if (lifter > 0) lifterInPlace(M, lifter);
  return M;
}
