/**
 * Waveform and mel-spectrogram panels (Vega-Lite unit specs) shared by the example and
 * augmentation figures, drawn from stored display data (src/display: a min/max envelope per
 * column as librosa.display.waveshow draws long signals; the mel spectrogram in dB re max).
 * The frequency axis is mel-scaled and labelled in Hz (Slaney mel scale, librosa.hz_to_mel).
 * The matrix is drawn as one embedded PNG (one pixel column per frame, nearest-neighbour):
 * one SVG rect per cell made each figure's SVG 2-8 MB.
 */
import { dbColourMap } from '../display/colour-map.js';
import { amplitudeLimit, type EnvelopePoint } from '../display/envelope.js';
import { SPECTROGRAM_SETTINGS, type MelDisplay } from '../display/mel-display.js';
import { hzToMel } from '../reference/mel.js';
import { encodePngRgba, pngDataUrl } from './png-encode.js';
import { matrixToRgba } from '../display/raster.js';

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
  const { rgba, width, height } = matrixToRgba(mel.db, mel.nMels, mel.columns, DB_COLOURS, bandRowRepeat(mel.nMels));
  return { url: pngDataUrl(encodePngRgba(rgba, width, height)), width, height };
}

/** Hz values labelled on the frequency axis. */
const FREQUENCY_TICKS_HZ = [0, 250, 500, 1000, 2000, 4000, 8000];

// Inverse of the Slaney mel scale (librosa.mel_to_hz) as a Vega expression, for axis labels.
const MEL_TO_HZ_EXPR =
  `datum.value < ${hzToMel(1000)} ? ${200 / 3} * datum.value : 1000 * exp(${Math.log(6.4) / 27} * (datum.value - ${hzToMel(1000)}))`;

/**
 * The spectrogram colour map (src/display/colour-map.ts: magma, as librosa.display) over the
 * top_db range below the maximum; the legend's Vega scale has the same stops as domain and
 * range with RGB interpolation, so it computes the same colours as the raster.
 */
const DB_COLOURS = dbColourMap(SPECTROGRAM_SETTINGS.topDb);
const DB_SCALE = { domain: [...DB_COLOURS.domain], range: [...DB_COLOURS.range], interpolate: 'rgb', clamp: true };

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

function titleOf(text: string | undefined): Record<string, unknown> {
  return text ? { title: { text, fontSize: 12, anchor: 'start' } } : {};
}
