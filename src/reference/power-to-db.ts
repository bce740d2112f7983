import type { Matrix, PowerToDbOptions } from '../dsp/types.js';
import { resolveDbOptions } from '../dsp/options.js';
import { assertMatrix } from '../dsp/validate.js';

/**
 * librosa.power_to_db: 10 log10(max(amin, S)) - 10 log10(max(amin, |ref|)), then everything
 * below (max over the WHOLE input - top_db) is raised to that floor. topDb null disables it.
 */
export function powerToDb(S: Matrix, opts: PowerToDbOptions = {}): Matrix<Float64Array> {
  assertMatrix(S, 'power spectrogram');
  const { amin, ref, topDb } = resolveDbOptions(opts);

  const refDb = 10 * Math.log10(Math.max(amin, ref));
  const data = new Float64Array(S.data.length);
  let peak = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const db = 10 * Math.log10(Math.max(amin, S.data[i]!)) - refDb;
    data[i] = db;
    if (db > peak) peak = db;
  }
  if (topDb !== null) {
    const floor = peak - topDb;
    for (let i = 0; i < data.length; i++) if (data[i]! < floor) data[i] = floor;
  }
  return { data, rows: S.rows, cols: S.cols };
}
