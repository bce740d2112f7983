import { describe, expect, it } from 'vitest';
import * as vega from 'vega';
import { argmax, colourMap, dbColourMap, envelopeColumns, MAGMA_STOPS, powerToDbReMax } from '../src/display/index.js';
import { createReferenceDsp } from '../src/reference/index.js';

const parseCss = (css: string): number[] => {
  const hex = /^#([0-9a-f]{6})$/i.exec(css);
  if (hex) return [0, 8, 16].map((shift) => (parseInt(hex[1]!, 16) >> (16 - shift)) & 0xff);
  return css.match(/\d+/g)!.map(Number);
};

describe('the shared display module', () => {
  it('MAGMA_STOPS are vega.scheme("magma") at t = i / 16', () => {
    const magma = vega.scheme('magma') as (t: number) => string;
    expect(MAGMA_STOPS).toHaveLength(17);
    MAGMA_STOPS.forEach((stop, i) => expect([...stop], `stop ${i}`).toEqual(parseCss(magma(i / 16))));
  });

  it('the dB colour map stays within 3 / 255 of the full magma table and clamps outside [−top_db, 0]', () => {
    const magma = vega.scheme('magma') as (t: number) => string;
    const map = dbColourMap(80);
    let worst = 0;
    for (let k = 0; k <= 800; k++) {
      const got = map(-80 + k / 10);
      const want = parseCss(magma(k / 800));
      worst = Math.max(worst, ...got.map((v, j) => Math.abs(v - want[j]!)));
    }
    expect(worst).toBeLessThanOrEqual(3);
    expect(map(-200)).toEqual([0, 0, 4]);
    expect(map(5)).toEqual([252, 253, 191]);
    expect(map(Number.NaN)).toEqual([0, 0, 4]);
    expect(map.domain).toHaveLength(17);
    expect(map.domain[0]).toBe(-80);
    expect(map.domain[16]).toBe(0);
    expect(map.range[8]).toBe('rgb(182, 55, 122)');
    expect(() => colourMap(MAGMA_STOPS, 0, 0)).toThrow(/low < high/);
    expect(() => colourMap([[0, 0, 0]], 0, 1)).toThrow(/at least two stops/);
  });

  it('envelope columns: min and max of equal slices, never more columns than samples', () => {
    const y = new Float32Array([0, 0.5, -0.25, 0.1, -0.9, 0.3, 0, 0.2]);
    const { lo, hi } = envelopeColumns(y, 2);
    expect([...lo]).toEqual([-0.25, Math.fround(-0.9)]);
    expect([...hi]).toEqual([0.5, Math.fround(0.3)]);
    expect(envelopeColumns(y, 100).lo).toHaveLength(8);
    expect(envelopeColumns(new Float32Array(0), 10).lo).toHaveLength(0);
  });

  it('dB re peak: 0 dB at the loudest bin, nothing below −top_db; a silent matrix reads as the floor', () => {
    const dsp = createReferenceDsp();
    const S = { data: new Float64Array([1e-3, 1, 1e-12, 0.5]), rows: 2, cols: 2 };
    const db = powerToDbReMax(dsp, S, 80);
    expect(Math.max(...db.data)).toBeCloseTo(0, 12);
    expect(Math.min(...db.data)).toBeCloseTo(-80, 9);
    const silent = powerToDbReMax(dsp, { data: new Float64Array(4), rows: 2, cols: 2 }, 80);
    expect([...silent.data]).toEqual([-100, -100, -100, -100]);
  });

  it('argmax: the first of equal maxima, as numpy', () => {
    expect(argmax([0.1, 0.7, 0.7, 0.2])).toBe(1);
    expect(argmax(new Float32Array([3]))).toBe(0);
  });
});
