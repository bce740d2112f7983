import * as zlib from 'node:zlib';

/** Minimal PNG decoder for tests: 8-bit RGB or RGBA, non-interlaced (what Chromium screenshots are); returns RGBA. */
export function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => png[i] === b)) throw new Error('not a PNG');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let at = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Uint8Array[] = [];
  while (at < png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      const depth = data[8];
      colorType = data[9]!;
      if (depth !== 8 || (colorType !== 2 && colorType !== 6) || data[12] !== 0) throw new Error(`unsupported PNG: depth ${depth}, colour type ${colorType}, interlace ${data[12]}`);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    at += 12 + length;
  }
  const bpp = colorType === 6 ? 4 : 3;
  const stride = width * bpp;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const px = new Uint8Array(stride * height);
  for (let r = 0; r < height; r++) {
    const filter = raw[r * (stride + 1)]!;
    for (let i = 0; i < stride; i++) {
      const x = raw[r * (stride + 1) + 1 + i]!;
      const a = i >= bpp ? px[r * stride + i - bpp]! : 0;
      const b = r > 0 ? px[(r - 1) * stride + i]! : 0;
      const c = r > 0 && i >= bpp ? px[(r - 1) * stride + i - bpp]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predictor === undefined) throw new Error(`bad filter type ${filter} in row ${r}`);
      px[r * stride + i] = (x + predictor) & 0xff;
    }
  }
  if (bpp === 4) return { width, height, rgba: px };
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < px.length; i += 3, j += 4) {
    rgba[j] = px[i]!;
    rgba[j + 1] = px[i + 1]!;
    rgba[j + 2] = px[i + 2]!;
    rgba[j + 3] = 255;
  }
  return { width, height, rgba };
}

/** Pixels of `png` within `tolerance` (per channel) of each colour, by colour. */
export function countColours(png: Uint8Array, colours: readonly string[], tolerance = 6): Map<string, number> {
  const { rgba } = decodePng(png);
  const rgb = colours.map((c) => [1, 3, 5].map((k) => parseInt(c.slice(k, k + 2), 16)));
  const out = new Map(colours.map((c) => [c, 0]));
  for (let i = 0; i < rgba.length; i += 4) {
    rgb.forEach((c, k) => {
      if (Math.abs(rgba[i]! - c[0]!) <= tolerance && Math.abs(rgba[i + 1]! - c[1]!) <= tolerance && Math.abs(rgba[i + 2]! - c[2]!) <= tolerance) {
        out.set(colours[k]!, out.get(colours[k]!)! + 1);
      }
    });
  }
  return out;
}
