/**
 * The colour map of every dB spectrogram we draw — the report's example and augmentation
 * figures, the demo page's spectrogram and its live view — so one recording looks the same
 * everywhere. It is magma because librosa.display.specshow picks magma for data of one sign
 * (power in dB relative to the maximum is ≤ 0 everywhere): our pictures read like librosa's.
 * The report's confusion matrices (a share of a row, 0..1) keep Vega's 'blues'
 * (report/confusion.ts): another quantity, so deliberately another map.
 *
 * MAGMA_STOPS is matplotlib's magma (van der Walt & Smith) sampled at t = i / 16, read from
 * vega.scheme('magma') (test/display.test.ts checks the values against it); linear RGB
 * interpolation between these 17 stops stays within 3 / 255 of the full 256-entry table.
 * Colours between stops are computed exactly as a d3/Vega linear scale with these stops as its
 * range and {@link ColourMap.domain} as its domain computes them (d3-interpolate's rgb: a + t · (b − a)
 * per channel, rounded), so the report's raster and its Vega colour legend agree pixel for pixel.
 * Browser-safe: no Node or Vega imports.
 */

export type Rgb = readonly [number, number, number];

export const MAGMA_STOPS: readonly Rgb[] = Object.freeze([
  [0, 0, 4], [10, 8, 34], [29, 16, 70], [53, 16, 106], [81, 19, 124], [106, 28, 128], [130, 37, 130], [156, 47, 128],
  [182, 55, 122], [207, 65, 112], [230, 81, 100], [245, 105, 92], [251, 135, 98], [254, 165, 113], [254, 195, 135],
  [253, 224, 162], [252, 253, 191],
] as const);

export interface ColourMap {
  /** value → [r, g, b] bytes; values outside the domain take the end colours (clamped). */
  (value: number): [number, number, number];
  /** One value per stop, evenly spaced from low to high: the Vega scale's domain. */
  readonly domain: readonly number[];
  /** The stops as CSS colours: the Vega scale's range. */
  readonly range: readonly string[];
}

/** Piecewise-linear colour map over `stops`, from `low` (first stop) to `high` (last stop). */
export function colourMap(stops: readonly Rgb[], low: number, high: number): ColourMap {
  if (stops.length < 2) throw new RangeError(`a colour map needs at least two stops, got ${stops.length}`);
  if (!(Number.isFinite(low) && Number.isFinite(high) && high > low)) {
    throw new RangeError(`colour map domain must be two finite numbers, low < high, got [${low}, ${high}]`);
  }
  const segments = stops.length - 1;
  const domain = stops.map((_, i) => (i === segments ? high : low + ((high - low) * i) / segments));
  const map = (value: number): [number, number, number] => {
    const x = Number.isNaN(value) ? low : Math.min(high, Math.max(low, value));
    // d3.bisectRight(domain, x, 1, segments) - 1: the segment whose left end is the last one <= x.
    let i = 0;
    while (i < segments - 1 && domain[i + 1]! <= x) i++;
    const d0 = domain[i]!;
    const t = (x - d0) / (domain[i + 1]! - d0);
    const a = stops[i]!;
    const b = stops[i + 1]!;
    return [channel(a[0], b[0], t), channel(a[1], b[1], t), channel(a[2], b[2], t)];
  };
  return Object.assign(map, { domain, range: stops.map(([r, g, b]) => `rgb(${r}, ${g}, ${b})`) });
}

function channel(a: number, b: number, t: number): number {
  return Math.max(0, Math.min(255, Math.round(a + t * (b - a))));
}

/** Spectrogram power in dB relative to the maximum, [−topDb, 0], on magma (silence dark, the loudest bin pale yellow). */
export function dbColourMap(topDb: number): ColourMap {
  return colourMap(MAGMA_STOPS, -topDb, 0);
}
