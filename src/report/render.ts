/**
 * Vega-Lite spec → SVG (vega's headless SVG renderer, no canvas or browser) → PNG
 * (resvg). Every figure is placed on a canvas of the exact size it states: the chart
 * Vega lays out is centred on that canvas and scaled down (never up) if it would not
 * fit, so file sizes are predictable whatever the labels measure.
 */
import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { ReportError } from './errors.js';

/** Stated size of a figure in CSS pixels (the SVG's width/height). */
export interface FigureSize {
  width: number;
  height: number;
}

/** PNGs are rendered at twice the stated size so they stay sharp on high-DPI screens. */
export const PNG_SCALE = 2;

/** Fonts: DejaVu Sans ships with most Linux systems; the rest are fallbacks for other machines. */
export const FONT_FAMILY = 'DejaVu Sans, Helvetica, Arial, sans-serif';

/** Shared look: fonts, title sizes, no chart border. */
export const THEME = {
  font: FONT_FAMILY,
  background: 'white',
  view: { stroke: '#d0d0d0' },
  title: { fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#ececec' },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal' },
  header: { labelFontSize: 12, titleFontSize: 13 },
  concat: { spacing: 28 },
} as const;

export interface RenderedFigure {
  svg: string;
  png: Uint8Array;
  /** Stated size (the SVG's width/height). */
  width: number;
  height: number;
  /** The chart's own size before fitting, and the factor it was scaled by (<= 1). */
  chartWidth: number;
  chartHeight: number;
  scale: number;
}

/** Renders a Vega-Lite spec to an SVG of exactly `size` and a PNG of PNG_SCALE × that size. */
export async function renderFigure(spec: TopLevelSpec, size: FigureSize): Promise<RenderedFigure> {
  assertSize(size);
  const themed = { ...spec, config: { ...THEME, ...(spec as { config?: object }).config } } as TopLevelSpec;
  let chartSvg: string;
  try {
    const { spec: vgSpec } = compile(themed, { logger: silentLogger() });
    const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Warn, logger: silentLogger() });
    try {
      chartSvg = await view.toSVG();
    } finally {
      view.finalize();
    }
  } catch (err) {
    throw new ReportError(`could not render the chart '${titleOf(spec)}': ${(err as Error).message}`, { cause: err });
  }
  const { svg, chartWidth, chartHeight, scale } = fitSvg(pixelatedImages(compactSvg(chartSvg)), size);
  const png = svgToPng(svg, size.width * PNG_SCALE);
  return { svg, png, width: size.width, height: size.height, chartWidth, chartHeight, scale };
}

/** Writes `<dir>/<name>.svg` and `<dir>/<name>.png`; returns their paths. */
export async function writeFigureFiles(dir: string, name: string, fig: RenderedFigure): Promise<{ svg: string; png: string }> {
  await mkdir(dir, { recursive: true });
  const paths = { svg: join(dir, `${name}.svg`), png: join(dir, `${name}.png`) };
  await writeFileAtomic(paths.svg, fig.svg);
  await writeFileAtomic(paths.png, fig.png);
  return paths;
}

/** Rasterises an SVG string with resvg at the given pixel width (height follows the aspect ratio). */
export function svgToPng(svg: string, pixelWidth: number): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'width', value: pixelWidth },
    background: 'white',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}

/**
 * Wraps Vega's SVG in an outer <svg> of the stated size: Vega's root keeps its viewBox
 * and becomes a nested viewport, scaled by min(1, W/w, H/h) and centred.
 */
function fitSvg(chartSvg: string, size: FigureSize): { svg: string; chartWidth: number; chartHeight: number; scale: number } {
  const open = /^<svg\b[^>]*>/.exec(chartSvg);
  if (!open) throw new ReportError('vega produced no <svg> root');
  const w = Number(/\bwidth="([\d.]+)"/.exec(open[0])?.[1]);
  const h = Number(/\bheight="([\d.]+)"/.exec(open[0])?.[1]);
  if (!(w > 0 && h > 0)) throw new ReportError(`vega produced an SVG without a usable size: ${open[0]}`);
  const scale = Math.min(1, size.width / w, size.height / h);
  const iw = round2(w * scale);
  const ih = round2(h * scale);
  const x = round2((size.width - iw) / 2);
  const y = round2((size.height - ih) / 2);
  const nestedOpen = `<svg x="${x}" y="${y}" width="${iw}" height="${ih}" viewBox="0 0 ${w} ${h}" preserveAspectRatio="xMidYMid meet">`;
  const inner = nestedOpen + chartSvg.slice(open[0].length);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" ` +
    `width="${size.width}" height="${size.height}" viewBox="0 0 ${size.width} ${size.height}">` +
    `<rect width="100%" height="100%" fill="white"/>${inner}</svg>`;
  return { svg, chartWidth: w, chartHeight: h, scale };
}

/** Lighter SVG: path coordinates rounded to 0.01 px (vega writes up to 15 digits). */
function compactSvg(svg: string): string {
  return svg.replace(/ d="([^"]*)"/g, (_, d: string) => ` d="${d.replace(/-?\d+\.\d{3,}/g, (n) => String(Math.round(Number(n) * 100) / 100))}"`);
}

/**
 * The report's raster images are data (one pixel per spectrogram frame and half mel band):
 * draw them nearest-neighbour, never smoothed. resvg knows only the SVG 1.1 value
 * optimizeSpeed; Chromium knows only the CSS value pixelated and drops the declaration it
 * cannot parse. Each renderer applies the last declaration it understands, so this order
 * gives unsmoothed pixels in both.
 */
export const PIXELATED_STYLE = 'image-rendering:pixelated;image-rendering:optimizeSpeed';

function pixelatedImages(svg: string): string {
  return svg.replace(/<image /g, `<image style="${PIXELATED_STYLE}" `);
}

function assertSize(size: FigureSize): void {
  for (const [k, v] of Object.entries(size)) {
    if (!Number.isInteger(v) || v <= 0 || v > 10000) throw new ReportError(`figure ${k} must be an integer from 1 to 10000 px, got ${v}`);
  }
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function titleOf(spec: TopLevelSpec): string {
  const t = (spec as { title?: unknown }).title;
  if (typeof t === 'string') return t;
  if (t && typeof t === 'object' && 'text' in t) return String((t as { text: unknown }).text);
  return 'untitled';
}

/** Vega/Vega-Lite warnings (e.g. about unused scale properties) are not errors for a report; drop them. */
function silentLogger() {
  let level = 0;
  const logger = {
    level(l?: number) {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      throw new ReportError(args.map(String).join(' '));
    },
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  };
  return logger as never;
}
