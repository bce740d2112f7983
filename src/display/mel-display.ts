/**
 * The mel spectrogram a figure shows, computed once where the audio is (the pipeline, at
 * the end of a run) and stored with the results, so drawing needs neither the audio nor a
 * DSP backend. Conventions follow librosa.display: melspectrogram(n_fft 2048, hop 512,
 * 128 mels, fmin 0, fmax 8 kHz) in dB re max (top_db 80), frame j spanning [j, j+1) · hop / sr
 * as in specshow, on the Slaney mel scale. Browser-safe.
 */
import type { DspBackend } from '../dsp/types.js';
import { hzToMel } from '../reference/mel.js';
import { DISPLAY_TOP_DB, powerToDbReMax } from './db.js';

/** The spectrogram settings of the figures (librosa defaults, fmax 8 kHz as in the brief). */
export const SPECTROGRAM_SETTINGS = Object.freeze({ nFft: 2048, hopLength: 512, nMels: 128, fmin: 0, fmax: 8000, topDb: DISPLAY_TOP_DB });

/**
 * Columns at most in a spectrogram: more than the widest report panel's device pixels
 * (380 px × PNG_SCALE 2), so only clips longer than this many frames (~10.9 s at 48 kHz)
 * are averaged down.
 */
export const MAX_SPECTROGRAM_COLUMNS = 1024;

export interface MelDisplay {
  /** Power in dB re the clip's maximum, row-major [nMels, columns] like librosa's [bins, frames]; row 0 is the lowest band. */
  db: Float32Array;
  nMels: number;
  columns: number;
  /** STFT frames averaged into one column (1 unless the clip has more than maxColumns frames). */
  framesPerColumn: number;
  frames: number;
  /** Mel-scale extent of the frequency axis: hz_to_mel(fmin) .. hz_to_mel(fmax). */
  melLow: number;
  melHigh: number;
  fmax: number;
  /** Duration the frames span, frames · hop / sr (specshow's time extent). */
  seconds: number;
  /** Duration of one column, framesPerColumn · hop / sr. */
  columnSeconds: number;
}

/**
 * Mel power spectrogram in dB relative to its maximum, one column per frame. Only a clip
 * longer than `maxColumns` frames has frames averaged (in dB) into columns.
 */
export function melDisplay(
  dsp: Pick<DspBackend, 'melSpectrogram' | 'powerToDb'>,
  y: Float32Array,
  sr: number,
  maxColumns = MAX_SPECTROGRAM_COLUMNS,
): MelDisplay {
  const s = SPECTROGRAM_SETTINGS;
  // A file below 16 kHz has no content above sr/2; librosa would leave those filters empty.
  const fmax = Math.min(s.fmax, sr / 2);
  const S = dsp.melSpectrogram(y, { sr, nFft: s.nFft, hopLength: s.hopLength, nMels: s.nMels, fmin: s.fmin, fmax });
  const dbFrames = powerToDbReMax(dsp, S, s.topDb);

  const frames = dbFrames.cols;
  const rows = dbFrames.rows;
  const perColumn = Math.ceil(frames / maxColumns);
  const columns = Math.ceil(frames / perColumn);
  const db = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const f0 = c * perColumn;
      const f1 = Math.min(frames, f0 + perColumn);
      let sum = 0;
      for (let f = f0; f < f1; f++) sum += dbFrames.data[r * frames + f]!;
      db[r * columns + c] = sum / (f1 - f0);
    }
  }
  const frameSeconds = s.hopLength / sr;
  return {
    db,
    nMels: rows,
    columns,
    framesPerColumn: perColumn,
    frames,
    melLow: hzToMel(s.fmin),
    melHigh: hzToMel(fmax),
    fmax,
    seconds: frames * frameSeconds,
    columnSeconds: perColumn * frameSeconds,
  };
}
