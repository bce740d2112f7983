/**
 * Waveform envelopes: the minimum and maximum of the samples behind each display column, as
 * librosa.display.waveshow draws long signals, so every peak shows at any zoom. Browser-safe.
 */

/** Samples [from, to) of column `c` of `columns` over `n` samples: equal slices, at least one sample each. */
export function columnBounds(c: number, columns: number, n: number): { from: number; to: number } {
  const from = Math.floor((c * n) / columns);
  return { from, to: Math.min(n, Math.max(from + 1, Math.floor(((c + 1) * n) / columns))) };
}

/** Min and max of y over `columns` equal slices (at most one column per sample); lo[c] ≤ hi[c]. */
export function envelopeColumns(y: ArrayLike<number>, columns: number): { lo: Float32Array; hi: Float32Array } {
  const n = y.length;
  const cols = Math.max(0, Math.min(Math.floor(columns), n));
  const lo = new Float32Array(cols);
  const hi = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    const { from, to } = columnBounds(c, cols, n);
    let min = Infinity;
    let max = -Infinity;
    for (let i = from; i < to; i++) {
      const v = y[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    lo[c] = min;
    hi[c] = max;
  }
  return { lo, hi };
}

export interface EnvelopePoint {
  /** Centre of the column in seconds. */
  t: number;
  lo: number;
  hi: number;
}

/** Envelope columns as points (time in seconds, values rounded to 5 decimals for compact JSON). */
export function waveformEnvelope(y: ArrayLike<number>, sr: number, columns: number): EnvelopePoint[] {
  const n = y.length;
  const cols = Math.max(1, Math.min(columns, n));
  const { lo, hi } = envelopeColumns(y, cols);
  return Array.from(lo, (l, c) => {
    const { from, to } = columnBounds(c, cols, n);
    return { t: round((from + to) / 2 / sr, 5), lo: round(l, 5), hi: round(hi[c]!, 5) };
  });
}

/** Symmetric amplitude limit: the peak rounded up to a 1-1.2-1.5-2-2.5-3-4-5-6-8 step. */
export function amplitudeLimit(points: readonly EnvelopePoint[]): number {
  let peak = 0;
  for (const p of points) peak = Math.max(peak, Math.abs(p.lo), Math.abs(p.hi));
  if (!(peak > 0)) return 1;
  const decade = 10 ** Math.floor(Math.log10(peak));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * decade >= peak * (1 - 1e-12)) return m * decade;
  return 10 * decade;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
