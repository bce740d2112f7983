/**
 * Canvas helpers shared by the page's static plots (main.ts) and the timeline / live views
 * (timeline-view.ts): a DPR-aware canvas, "nice" time ticks and the spectrogram colour ramp.
 */

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

// Viridis-like ramp (dark violet → blue → green → yellow), interpolated linearly.
const RAMP: Array<[number, number, number]> = [
  [68, 1, 84], [65, 68, 135], [42, 120, 142], [34, 168, 132], [122, 209, 81], [253, 231, 37],
];

/** The ramp's colour at t in [0, 1] (clamped), as [r, g, b] in 0–255. */
export function rampColour(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [RAMP[i]!, RAMP[i + 1]!];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}
