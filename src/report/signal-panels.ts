/**
 * Waveform and mel-spectrogram panels (Vega-Lite unit specs) shared by the example and
 * augmentation figures. Conventions follow librosa.display:
 *  - waveform: a min/max envelope per pixel column, as waveshow draws long signals;
 *  - spectrogram: melspectrogram(n_fft 2048, hop 512, 128 mels, fmin 0, fmax 8 kHz) in
 *    dB with ref = max (power_to_db(S, ref=np.max), top_db 80), frame j spanning
 *    [j, j+1) · hop / sr as in specshow, and a mel-scaled frequency axis labelled in Hz
 *    (Slaney mel scale, librosa.hz_to_mel). The matrix is drawn as one embedded PNG (one
 *    pixel column per frame, nearest-neighbour): one SVG rect per cell made each figure's
 *    SVG 2-8 MB.
 */
import type { DspBackend } from '../dsp/types.js';
import { hzToMel } from '../reference/mel.js';
import { encodePngRgba, pngDataUrl } from './png-encode.js';
import { matrixToRgba, schemeColorMap } from './spectrogram-raster.js';

/** The spectrogram settings of the figures (librosa defaults, fmax 8 kHz as in the brief). */
export const SPECTROGRAM_SETTINGS = Object.freeze({ nFft: 2048, hopLength: 512, nMels: 128, fmin: 0, fmax: 8000, topDb: 80 });

/**
 * Columns at most in a spectrogram raster: more than the widest panel's device pixels
 * (380 px × PNG_SCALE 2), so only clips longer than this many frames (~10.9 s at 48 kHz)
 * are averaged down.
 */
export const MAX_SPECTROGRAM_COLUMNS = 1024;
/** Envelope columns of a waveform panel. */
export const WAVEFORM_COLUMNS = 480;

export interface EnvelopePoint {
  t: number;
  lo: number;
  hi: number;
}

/** Min/max of y over `columns` equal slices; t is the slice centre in seconds. */
export function waveformEnvelope(y: Float32Array, sr: number, columns = WAVEFORM_COLUMNS): EnvelopePoint[] {
  const n = y.length;
  const cols = Math.max(1, Math.min(columns, n));
  const out: EnvelopePoint[] = [];
  for (let c = 0; c < cols; c++) {
    const a = Math.floor((c * n) / cols);
    const b = Math.max(a + 1, Math.floor(((c + 1) * n) / cols));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = a; i < b; i++) {
      const v = y[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    out.push({ t: round((a + b) / 2 / sr, 5), lo: round(lo, 5), hi: round(hi, 5) });
  }
  return out;
}

export interface MelDisplay {
  /**
   * Power in dB re the clip's maximum, row-major [nMels, columns] like librosa's
   * [bins, frames]; row 0 is the lowest band.
   */
  db: Float64Array;
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
export function melDisplay(dsp: DspBackend, y: Float32Array, sr: number, maxColumns = MAX_SPECTROGRAM_COLUMNS): MelDisplay {
  const s = SPECTROGRAM_SETTINGS;
  // A file below 16 kHz has no content above sr/2; librosa would leave those filters empty.
  const fmax = Math.min(s.fmax, sr / 2);
  const S = dsp.melSpectrogram(y, { sr, nFft: s.nFft, hopLength: s.hopLength, nMels: s.nMels, fmin: s.fmin, fmax });
  let peak = 0;
  for (let i = 0; i < S.data.length; i++) if (S.data[i]! > peak) peak = S.data[i]!;
  // ref = np.max; a silent clip (peak 0) keeps ref at amin so everything reads 0 dB instead of failing.
  const dbFrames = dsp.powerToDb(S, { ref: Math.max(peak, 1e-10), topDb: s.topDb });

  const frames = dbFrames.cols;
  const rows = dbFrames.rows;
  const perColumn = Math.ceil(frames / maxColumns);
  const columns = Math.ceil(frames / perColumn);
  const db = new Float64Array(rows * columns);
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

/**
 * Pixel rows per mel band in the raster. Band i is centred on mel_frequencies(nMels + 2)[i + 1],
 * bands are one mel step wide with edges midway between centres, and the outer bands reach
 * fmin / fmax as in specshow, so the axis spans nMels + 1 steps: two rows of half a step per
 * band, three for the outer two, place every band exactly under nearest-neighbour scaling.
 */
export function bandRowRepeat(nMels: number): number[] {
  if (nMels === 1) return [2];
  return Array.from({ length: nMels }, (_, i) => (i === 0 || i === nMels - 1 ? 3 : 2));
}

/** The spectrogram as an RGBA PNG data URL coloured exactly as DB_SCALE colours the legend. */
export function spectrogramImageUrl(mel: MelDisplay): { url: string; width: number; height: number } {
  const { rgba, width, height } = matrixToRgba(mel.db, mel.nMels, mel.columns, schemeColorMap(DB_SCALE), bandRowRepeat(mel.nMels));
  return { url: pngDataUrl(encodePngRgba(rgba, width, height)), width, height };
}

/** Hz values labelled on the frequency axis. */
const FREQUENCY_TICKS_HZ = [0, 250, 500, 1000, 2000, 4000, 8000];

// Inverse of the Slaney mel scale (librosa.mel_to_hz) as a Vega expression, for axis labels.
const MEL_TO_HZ_EXPR =
  `datum.value < ${hzToMel(1000)} ? ${200 / 3} * datum.value : 1000 * exp(${Math.log(6.4) / 27} * (datum.value - ${hzToMel(1000)}))`;

/** librosa.display's colour map for dB data (magma), over the top_db range below the maximum. */
const DB_SCALE = { scheme: 'magma', domain: [-SPECTROGRAM_SETTINGS.topDb, 0] as const, clamp: true };

export interface PanelSize {
  width: number;
  height: number;
}

export interface PanelOptions {
  title?: string;
  /** Right end of the time axis in seconds (stacked panels pass the same value so they line up). */
  seconds?: number;
}

/** Waveform envelope panel (area between min and max) in the given colour. */
export function waveformPanel(
  points: EnvelopePoint[],
  color: string,
  size: PanelSize,
  opts: PanelOptions & { amplitudeLimit?: number } = {},
): Record<string, unknown> {
  const lim = opts.amplitudeLimit ?? amplitudeLimit(points);
  const tMax = opts.seconds ?? (points.length ? points[points.length - 1]!.t : 0);
  return {
    ...titleOf(opts.title),
    width: size.width,
    height: size.height,
    data: { values: points },
    mark: { type: 'area', color, opacity: 0.9, line: { color, strokeWidth: 0.6 }, aria: false },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'Time (s)', scale: { domain: [0, tMax], nice: false } },
      // Short title: vega sizes rotated titles by an estimate, and a long one would pad the panel.
      y: { field: 'lo', type: 'quantitative', title: 'Amplitude', scale: { domain: [-lim, lim], nice: false }, axis: { tickCount: 5 } },
      y2: { field: 'hi' },
    },
  };
}

/**
 * Mel spectrogram heat map (dB re max, magma, colour legend): the matrix as ONE nearest-
 * neighbour raster (an image mark over the plot area) instead of one rect per cell, plus an
 * empty layer that only carries the colour scale, so Vega draws the same gradient legend.
 */
export function spectrogramPanel(mel: MelDisplay, size: PanelSize, opts: PanelOptions & { showLegend?: boolean } = {}): Record<string, unknown> {
  const ticks = FREQUENCY_TICKS_HZ.map((hz) => hzToMel(hz)).filter((m) => m >= mel.melLow - 1e-9 && m <= mel.melHigh + 1e-9);
  const showLegend = opts.showLegend ?? true;
  const image = spectrogramImageUrl(mel);
  // Every column is drawn columnSeconds wide; an averaged clip's last column holds fewer
  // frames and is cut at the axis end by the clip, where its frames end.
  const extent = { t0: 0, t1: mel.columns * mel.columnSeconds, m0: mel.melLow, m1: mel.melHigh, url: image.url };
  return {
    ...titleOf(opts.title),
    width: size.width,
    height: size.height,
    layer: [
      {
        data: { values: [extent] },
        mark: { type: 'image', aspect: false, clip: true, aria: false },
        encoding: {
          x: { field: 't0', type: 'quantitative', title: 'Time (s)', scale: { domain: [0, opts.seconds ?? mel.seconds], nice: false } },
          x2: { field: 't1' },
          y: {
            field: 'm0',
            type: 'quantitative',
            title: 'Frequency (Hz)',
            scale: { domain: [mel.melLow, mel.melHigh], nice: false, zero: false },
            axis: { values: ticks, labelExpr: `format(round(${MEL_TO_HZ_EXPR}), 'd')`, grid: false },
          },
          y2: { field: 'm1' },
          url: { field: 'url', type: 'nominal' },
        },
      },
      {
        data: { values: [] },
        mark: { type: 'rect', aria: false },
        encoding: {
          color: {
            field: 'db',
            type: 'quantitative',
            scale: DB_SCALE,
            legend: showLegend ? { title: 'Power (dB re max)', gradientLength: Math.max(60, size.height - 20), tickCount: 5 } : null,
          },
        },
      },
    ],
  };
}

/** Symmetric amplitude limit: the peak rounded up to a 1-1.2-1.5-2-2.5-3-4-5-6-8 step. */
export function amplitudeLimit(points: EnvelopePoint[]): number {
  let peak = 0;
  for (const p of points) peak = Math.max(peak, Math.abs(p.lo), Math.abs(p.hi));
  if (!(peak > 0)) return 1;
  const decade = 10 ** Math.floor(Math.log10(peak));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * decade >= peak * (1 - 1e-12)) return m * decade;
  return 10 * decade;
}

function titleOf(text: string | undefined): Record<string, unknown> {
  return text ? { title: { text, fontSize: 12, anchor: 'start' } } : {};
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
