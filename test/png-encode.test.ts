import * as zlib from 'node:zlib';
import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { ReportError } from '../src/report/errors.js';
import { crc32, encodePngRgba, pngDataUrl } from '../src/report/png-encode.js';
import { Random } from '../src/util/random.js';

interface Chunk {
  type: string;
  data: Uint8Array;
  crc: number;
}

/** Splits a PNG file into its chunks (after checking the signature). */
function chunks(png: Uint8Array): Chunk[] {
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const out: Chunk[] = [];
  let at = 8;
  while (at < png.length) {
    const length = view.getUint32(at);
    out.push({
      type: String.fromCharCode(...png.subarray(at + 4, at + 8)),
      data: png.subarray(at + 8, at + 8 + length),
      crc: view.getUint32(at + 8 + length),
    });
    at += 12 + length;
  }
  expect(at).toBe(png.length);
  return out;
}

/** Independent decoder for 8-bit RGBA, non-interlaced: inflate IDAT and undo all five PNG filters. */
function decodeRgba(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const cs = chunks(png);
  const ihdr = new DataView(cs[0]!.data.buffer, cs[0]!.data.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  const raw = zlib.inflateSync(Buffer.concat(cs.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = width * 4;
  expect(raw.length).toBe((stride + 1) * height);
  const rgba = new Uint8Array(stride * height);
  for (let r = 0; r < height; r++) {
    const filter = raw[r * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[r * (stride + 1) + 1 + i]!;
      const a = i >= 4 ? rgba[r * stride + i - 4]! : 0;
      const b = r > 0 ? rgba[(r - 1) * stride + i]! : 0;
      const c = r > 0 && i >= 4 ? rgba[(r - 1) * stride + i - 4]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`bad filter type ${filter} in row ${r}`);
      rgba[r * stride + i] = (x + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

function randomRgba(width: number, height: number, seed: number, opaque: boolean): Uint8Array {
  const rng = new Random(seed);
  const px = new Uint8Array(width * height * 4);
  for (let i = 0; i < px.length; i++) px[i] = opaque && i % 4 === 3 ? 255 : rng.int(0, 255);
  return px;
}

describe('encodePngRgba', () => {
  it('crc32 gives the standard check value and agrees with zlib', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    const bytes = randomRgba(33, 7, 5, false);
    const zcrc = (zlib as unknown as { crc32?: (b: Uint8Array) => number }).crc32;
    if (zcrc) expect(crc32(bytes)).toBe(zcrc(bytes));
  });

  it('writes IHDR (8-bit RGBA, no interlace), one IDAT and IEND, each with a valid CRC', () => {
    const png = encodePngRgba(randomRgba(7, 3, 1, false), 7, 3);
    const cs = chunks(png);
    expect(cs.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    for (const c of cs) expect(c.crc, c.type).toBe(crc32(Buffer.concat([Buffer.from(c.type, 'latin1'), c.data])));
    expect(Array.from(cs[0]!.data)).toEqual([0, 0, 0, 7, 0, 0, 0, 3, 8, 6, 0, 0, 0]);
    expect(cs[2]!.data.length).toBe(0);
  });

  it.each([
    [1, 1],
    [7, 5],
    [64, 3],
    [3, 100],
  ])('round-trips %i × %i pixels through inflate and unfiltering', (w, h) => {
    const px = randomRgba(w, h, 100 * w + h, false);
    const out = decodeRgba(encodePngRgba(px, w, h));
    expect([out.width, out.height]).toEqual([w, h]);
    expect(Buffer.from(out.rgba).equals(Buffer.from(px))).toBe(true);
  });

  it('accepts a Uint8ClampedArray (canvas ImageData layout)', () => {
    const px = randomRgba(4, 4, 9, false);
    const out = decodeRgba(encodePngRgba(new Uint8ClampedArray(px), 4, 4));
    expect(Buffer.from(out.rgba).equals(Buffer.from(px))).toBe(true);
  });

  it('is read back pixel for pixel by resvg from a data: URL inside an SVG <image>', () => {
    const [w, h] = [19, 11];
    const px = randomRgba(w, h, 77, true);
    const url = pngDataUrl(encodePngRgba(px, w, h));
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const svg =
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${w}" height="${h}">` +
      `<image xlink:href="${url}" width="${w}" height="${h}" image-rendering="optimizeSpeed"/></svg>`;
    const rendered = new Resvg(svg, { font: { loadSystemFonts: false } }).render();
    expect([rendered.width, rendered.height]).toEqual([w, h]);
    expect(Buffer.from(rendered.pixels).equals(Buffer.from(px))).toBe(true);
  });

  it('rejects bad sizes and pixel buffers with a ReportError naming the problem', () => {
    expect(() => encodePngRgba(new Uint8Array(12), 2, 2)).toThrow(ReportError);
    expect(() => encodePngRgba(new Uint8Array(12), 2, 2)).toThrow(/width × height × 4 = 16 bytes for 2 × 2 RGBA, got 12/);
    expect(() => encodePngRgba(new Uint8Array(0), 0, 1)).toThrow(/PNG width must be an integer from 1 to 2147483647, got 0/);
    expect(() => encodePngRgba(new Uint8Array(8), 2, 1.5)).toThrow(/PNG height must be an integer .* got 1\.5/);
    expect(() => encodePngRgba(new Uint8Array(4), NaN, 1)).toThrow(/PNG width .* got NaN/);
  });
});
