/**
 * Waveform and mel-spectrogram panels (Vega-Lite unit specs) shared by the example and
 * augmentation figures. Conventions follow librosa.display:
 *  - waveform: a min/max envelope per pixel column, as waveshow draws long signals;
 *  - spectrogram: melspectrogram(n_fft 2048, hop 512, 128 mels, fmin 0, fmax 8 kHz) in
 *    dB with ref = max (power_to_db(S, ref=np.max), top_db 80), frame j spanning
 *    [j, j+1) · hop / sr as in specshow, and a mel-scaled frequency axis labelled in Hz
 *    (Slaney mel scale, librosa.hz_to_mel).
 */
import type { DspBackend } from '../dsp/types.js';
import { hzToMel } from '../reference/mel.js';

/** The spectrogram settings of the figures (librosa defaults, fmax 8 kHz as in the brief). */
export const SPECTROGRAM_SETTINGS = Object.freeze({ nFft: 2048, hopLength: 512, nMels: 128, fmin: 0, fmax: 8000, topDb: 80 });

/** Time columns at most, so an SVG holds at most nMels × this many cells. */
export const MAX_SPECTROGRAM_COLUMNS = 240;
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

export interface SpectrogramCell {
  t0: number;
  t1: number;
  m0: number;
  m1: number;
  db: number;
}

export interface MelDisplay {
  cells: SpectrogramCell[];
  /** Mel-scale extent of the frequency axis: hz_to_mel(fmin) .. hz_to_mel(fmax). */
  melLow: number;
  melHigh: number;
  fmax: number;
  frames: number;
  columns: number;
  seconds: number;
}

/**
 * Mel power spectrogram in dB relative to its maximum, as heat-map cells. Frames are
 * averaged (in dB) into at most `maxColumns` columns to keep the SVG light.
 */
export function melDisplay(dsp: DspBackend, y: Float32Array, sr: number, maxColumns = MAX_SPECTROGRAM_COLUMNS): MelDisplay {
  const s = SPECTROGRAM_SETTINGS;
  // A file below 16 kHz has no content above sr/2; librosa would leave those filters empty.
  const fmax = Math.min(s.fmax, sr / 2);
  const S = dsp.melSpectrogram(y, { sr, nFft: s.nFft, hopLength: s.hopLength, nMels: s.nMels, fmin: s.fmin, fmax });
  let peak = 0;
  for (let i = 0; i < S.data.length; i++) if (S.data[i]! > peak) peak = S.data[i]!;
  // ref = np.max; a silent clip (peak 0) keeps ref at amin so everything reads 0 dB instead of failing.
  const db = dsp.powerToDb(S, { ref: Math.max(peak, 1e-10), topDb: s.topDb });

  const frames = db.cols;
  const perColumn = Math.ceil(frames / maxColumns);
  const columns = Math.ceil(frames / perColumn);
  // Band i is centred on mel_frequencies(nMels + 2)[i + 1]; bands are one mel step wide.
  const melLo = hzToMel(s.fmin);
  const melHi = hzToMel(fmax);
  const step = (melHi - melLo) / (s.nMels + 1);
  const frameSeconds = s.hopLength / sr;
  const cells: SpectrogramCell[] = [];
  for (let c = 0; c < columns; c++) {
    const f0 = c * perColumn;
    const f1 = Math.min(frames, f0 + perColumn);
    const t0 = round(f0 * frameSeconds, 4);
    const t1 = round(f1 * frameSeconds, 4);
    for (let r = 0; r < db.rows; r++) {
      let sum = 0;
      for (let f = f0; f < f1; f++) sum += db.data[r * frames + f]!;
      // Edges midway between band centres; the outer bands reach fmin / fmax as in specshow.
      const m0 = r === 0 ? melLo : melLo + (r + 0.5) * step;
      const m1 = r === db.rows - 1 ? melHi : melLo + (r + 1.5) * step;
      cells.push({ t0, t1, m0: round(m0, 4), m1: round(m1, 4), db: round(sum / (f1 - f0), 2) });
    }
  }
  return {
    cells,
    melLow: melLo,
    melHigh: melHi,
    fmax,
    frames,
    columns,
    seconds: frames * frameSeconds,
  };
}

/** Hz values labelled on the frequency axis. */
const FREQUENCY_TICKS_HZ = [0, 250, 500, 1000, 2000, 4000, 8000];

// Inverse of the Slaney mel scale (librosa.mel_to_hz) as a Vega expression, for axis labels.
const MEL_TO_HZ_EXPR =
  `datum.value < ${hzToMel(1000)} ? ${200 / 3} * datum.value : 1000 * exp(${Math.log(6.4) / 27} * (datum.value - ${hzToMel(1000)}))`;

/** librosa.display's colour map for dB data (magma), over the top_db range below the maximum. */
const DB_SCALE = { scheme: 'magma', domain: [-SPECTROGRAM_SETTINGS.topDb, 0], clamp: true };

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

/** Mel spectrogram heat map (dB re max, magma, colour legend). */
export function spectrogramPanel(mel: MelDisplay, size: PanelSize, opts: PanelOptions & { showLegend?: boolean } = {}): Record<string, unknown> {
  const ticks = FREQUENCY_TICKS_HZ.map((hz) => hzToMel(hz)).filter((m) => m >= mel.melLow - 1e-9 && m <= mel.melHigh + 1e-9);
  const showLegend = opts.showLegend ?? true;
  return {
    ...titleOf(opts.title),
    width: size.width,
    height: size.height,
    data: { values: mel.cells },
    // A copy of the field for the stroke, so Vega-Lite keeps the colour legend a gradient.
    transform: [{ calculate: 'datum.db', as: 'dbStroke' }],
    // Thousands of cells: no per-cell ARIA labels (they would triple the SVG size). A thin
    // stroke in the cell's own colour closes the hairline seams rasterisers leave between
    // abutting anti-aliased rects.
    mark: { type: 'rect', aria: false, strokeWidth: 0.5 },
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
      color: {
        field: 'db',
        type: 'quantitative',
        scale: DB_SCALE,
        legend: showLegend ? { title: 'Power (dB re max)', gradientLength: Math.max(60, size.height - 20), tickCount: 5 } : null,
      },
      stroke: { field: 'dbStroke', type: 'quantitative', scale: DB_SCALE, legend: null },
    },
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
