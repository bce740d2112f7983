/**
 * Canvas helpers shared by the page's static plots (renderers.ts) and the timeline / live views
 * (timeline-view.ts): a DPR-aware canvas, "nice" time ticks and the spectrogram colours and raster.
 */
import { DISPLAY_TOP_DB, dbColourMap } from '../src/display/index.js';

export const INK = '#667085';
export const AXIS_FONT = '11px system-ui, sans-serif';

/** A plot's inner rectangle in CSS pixels. */
export interface PlotArea {
  x0: number;
  y0: number;
  pw: number;
  ph: number;
}

/** The same horizontal extent for both plots, so their time axes line up (room for the colour bar on the right). */
export function plotArea(w: number, h: number): PlotArea {
  return { x0: 56, y0: 6, pw: w - 56 - 70, ph: h - 40 };
}

/** Sizes the canvas backing store to its CSS size × devicePixelRatio; returns a cleared context in CSS pixels. */
export function prepare(canvas: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const h = Number(canvas.getAttribute('height'));
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  canvas.style.height = `${h}px`;
  const g = canvas.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = AXIS_FONT;
  return { g, w, h };
}

/** A "nice" tick step (1, 2 or 5 × 10^k) giving at most `maxTicks` ticks over `span`. */
export function niceStep(span: number, maxTicks: number): number {
  const raw = span / Math.max(1, maxTicks);
  const pow = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
}

/** Time ticks in seconds under the plot, from t0 to t1, with an "s" unit at the right end. */
export function timeAxis(g: CanvasRenderingContext2D, p: PlotArea, t0: number, t1: number): void {
  const step = niceStep(t1 - t0, Math.max(2, Math.floor(p.pw / 70)));
  g.fillStyle = INK;
  g.strokeStyle = '#c8cdd5';
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (let s = Math.ceil(t0 / step) * step; s <= t1 + 1e-9; s += step) {
    const x = p.x0 + ((s - t0) / (t1 - t0)) * p.pw;
    g.beginPath();
    g.moveTo(x, p.y0 + p.ph);
    g.lineTo(x, p.y0 + p.ph + 4);
    g.stroke();
    g.fillText(`${Number(s.toFixed(2))}`, x, p.y0 + p.ph + 6);
  }
  g.textAlign = 'right';
  g.fillText('s', p.x0 + p.pw, p.y0 + p.ph + 18);
}

/** The spectrogram colours (src/display/colour-map.ts: magma, as the report and librosa.display) over [−80, 0] dB re max. */
export const DB_COLOURS = dbColourMap(DISPLAY_TOP_DB);

/** An offscreen canvas holding an RGBA raster (from matrixToRgba), to be scaled onto a plot. */
export function rasterCanvas(rgba: Uint8Array<ArrayBuffer>, width: number, height: number): HTMLCanvasElement {
  const bitmap = Object.assign(document.createElement('canvas'), { width, height });
  bitmap.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height), 0, 0);
  return bitmap;
}
