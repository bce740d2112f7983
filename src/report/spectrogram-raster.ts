/**
 * Colour-maps a dB matrix into an RGBA raster with the exact colours Vega gives the same
 * values: a continuous colour scale with a two-value domain and a named scheme becomes a
 * sequential scale whose colour is scheme(name)((v - d0) / (d1 - d0)), clamped to [0, 1]
 * (vega-encode's scale configuration). Using vega's own interpolator keeps the raster
 * and the chart's colour legend in agreement.
 */
import * as vega from 'vega';
import { ReportError } from './errors.js';

export interface SchemeScale {
  scheme: string;
  domain: readonly [number, number];
}

/** value → [r, g, b] bytes, as the Vega scale `scale` would colour it. */
export function schemeColorMap(scale: SchemeScale): (value: number) => [number, number, number] {
  const interpolate = vega.scheme(scale.scheme) as unknown;
  if (typeof interpolate !== 'function') throw new ReportError(`'${scale.scheme}' is not a continuous Vega colour scheme`);
  const [d0, d1] = scale.domain;
  if (!(Number.isFinite(d0) && Number.isFinite(d1) && d1 !== d0)) throw new ReportError(`colour domain must be two distinct finite numbers, got [${d0}, ${d1}]`);
  return (value) => {
    const t = Math.min(1, Math.max(0, (value - d0) / (d1 - d0)));
    return parseCssRgb(String((interpolate as (t: number) => unknown)(Number.isNaN(t) ? 0 : t)));
  };
}

/**
 * RGBA pixels (top row first) of a [rows, cols] row-major matrix whose row 0 is drawn at
 * the BOTTOM (as librosa's frequency rows are). `rowRepeat[r]` is how many pixel rows row r
 * takes, so bands of unequal height keep their exact extent with nearest-neighbour scaling.
 */
export function matrixToRgba(
  data: ArrayLike<number>,
  rows: number,
  cols: number,
  colorOf: (value: number) => [number, number, number],
  rowRepeat: readonly number[],
): { rgba: Uint8Array; width: number; height: number } {
  if (data.length !== rows * cols) throw new ReportError(`matrix data must hold ${rows} × ${cols} values, got ${data.length}`);
  if (rowRepeat.length !== rows) throw new ReportError(`rowRepeat must give one count per row (${rows}), got ${rowRepeat.length}`);
  const height = rowRepeat.reduce((n, k) => n + k, 0);
  const width = cols;
  const rgba = new Uint8Array(width * height * 4);
  let y = height;
  for (let r = 0; r < rows; r++) {
    // The first pixel row of this band counted from the top.
    y -= rowRepeat[r]!;
    const first = y * width * 4;
    for (let c = 0; c < cols; c++) {
      const [red, green, blue] = colorOf(data[r * cols + c]!);
      const at = first + c * 4;
      rgba[at] = red;
      rgba[at + 1] = green;
      rgba[at + 2] = blue;
      rgba[at + 3] = 255;
    }
    for (let k = 1; k < rowRepeat[r]!; k++) rgba.copyWithin(first + k * width * 4, first, first + width * 4);
  }
  return { rgba, width, height };
}

/** 'rgb(r, g, b)' or '#rrggbb' (the forms d3-interpolate returns) → bytes. */
function parseCssRgb(css: string): [number, number, number] {
  const rgb = /^rgb\(\s*(\d+),\s*(\d+),\s*(\d+)\s*\)$/.exec(css);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return [n >> 16, (n >> 8) & 0xff, n & 0xff];
  }
  throw new ReportError(`unexpected colour '${css}' from a Vega colour scheme`);
}
