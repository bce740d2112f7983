/**
 * Fast CSV encoding of feature tables: values are written as ASCII straight into byte buffers,
 * with the exact text the previous writer produced (csv-stringify with
 * `String(Number(v.toPrecision(9)))` per value), so files are byte-identical to it.
 *
 * Why that text: a float32 value rounded to 9 significant digits reads back as the same float32
 * (9 digits always suffice for float32), and `String(Number(…))` drops trailing zeros and
 * chooses between fixed and exponential notation as JavaScript does (exponential below 1e-6 and
 * from 1e21). Since a decimal of at most 9 significant digits is the shortest string of the
 * double nearest to it (doubles separate every pair of 15-digit decimals), that text is simply
 * the 9-digit rounding with trailing zeros removed, laid out by Number::toString's rules.
 *
 * The 9-digit rounding is computed in float64: v · 10^k (k = 8 − floor(log10 |v|), found from the
 * binary exponent and corrected by one when needed; 10^k exact for
 * |k| ≤ 22) lands in [1e8, 1e9) with one rounding error of at most 1.2e-7 units, so the rounding
 * to an integer is exact unless the fraction is within that of one half. Within 1e-5 of a half
 * (a possible tie) the rounding is still exact when the scale 10^k is small enough for s to be
 * exact (EXACT_SCALE_MAX); otherwise, and for |v| outside [1e-14, 1e31), the value goes through
 * the old expression instead, so every output is the old one.
 */

import type { WasmCore } from '../wasm/core.js';

/** Old text of one value (and the fallback of {@link writeFloat32}). */
export function formatFloat32Legacy(v: number): string {
  if (v === 0) return '0';
  return String(Number(v.toPrecision(9)));
}

const POW10 = Float64Array.from({ length: 23 }, (_, i) => 10 ** i);
/** Fraction distance from one half below which the float64 rounding might not be exact. */
const TIE_GUARD = 1e-5;
/**
 * Largest k for which a · 10^k is exact in float64 for every float32 a: a's 24-bit significand
 * times 5^k (28 bits for k = 12) fits in 53 bits, so the 9-digit rounding of s = a · 10^k
 * (k >= 0) is decided exactly, ties included. Feature values of magnitude 1e-4 … 1e8 have such k
 * (ZCR values k/2048 are exact binary fractions: ~1.6 % of a RAVDESS table's values are exact
 * 9-digit ties, which would otherwise all go through toPrecision).
 */
export const EXACT_SCALE_MAX = 12;

const ZERO = 48;
const MINUS = 45;
const DOT = 46;
const LOWER_E = 101;
const PLUS = 43;

/** Largest number of bytes {@link writeFloat32} writes for one value ("-1.23456789e-45", "-0.000000123456789"). */
export const MAX_FLOAT32_CHARS = 24;

const POW10_INT = Int32Array.from({ length: 10 }, (_, i) => 10 ** i);
/** "00" … "99" as ASCII pairs. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => ZERO + (i & 1 ? (i >> 1) % 10 : Math.floor((i >> 1) / 10)));

/** Writes exactly `count` decimal digits of `n` (0 ≤ n < 10^count, leading zeros kept) at `pos`; returns the end. */
function writeDigits(buf: Uint8Array, pos: number, n: number, count: number): number {
  const end = pos + count;
  let p = end;
  while (count >= 2) {
    const q = (n / 100) | 0;
    const r = (n - q * 100) << 1;
    buf[--p] = DIGIT_PAIRS[r + 1]!;
    buf[--p] = DIGIT_PAIRS[r]!;
    n = q;
    count -= 2;
  }
  if (count === 1) buf[--p] = ZERO + n;
  return end;
}

function writeAscii(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

const f32Scratch = new Float32Array(1);
const u32Scratch = new Uint32Array(f32Scratch.buffer);
const LOG10_2 = 0.30102999566398120;

/**
 * Writes the text of `v` (a float32 value, finite) at `buf[pos]` and returns the position after
 * it: the same characters as {@link formatFloat32Legacy}. `buf` needs {@link MAX_FLOAT32_CHARS}
 * free bytes.
 */
export function writeFloat32(buf: Uint8Array, pos: number, v: number): number {
  if (v === 0) {
    buf[pos] = ZERO;
    return pos + 1;
  }
  const start = pos;
  let a = v;
  if (a < 0) {
    buf[pos++] = MINUS;
    a = -a;
  }
  // floor(log10 a) from the binary exponent, off by at most one (fixed below).
  f32Scratch[0] = a;
  const e2 = ((u32Scratch[0]! >>> 23) & 255) - 127;
  let e = Math.floor((e2 + 0.5) * LOG10_2);
  let s = scaled(a, 8 - e);
  if (s < 1e8) s = scaled(a, 8 - --e);
  else if (s >= 1e9) s = scaled(a, 8 - ++e);
  if (!(s >= 1e8 && s < 1e9)) return writeAscii(buf, start, formatFloat32Legacy(v));
  let n = s | 0; // s < 1e9 < 2^31: truncation is floor
  const frac = s - n;
  if (Math.abs(frac - 0.5) < TIE_GUARD) {
    // Near a tie: decidable here only when s is exact (see EXACT_SCALE_MAX); toPrecision rounds
    // an exact tie away from zero ("pick the larger n").
    if (8 - e < 0 || 8 - e > EXACT_SCALE_MAX) return writeAscii(buf, start, formatFloat32Legacy(v));
    if (frac >= 0.5) n++;
  } else if (frac > 0.5) n++;
  if (n === 1e9) {
    n = 1e8;
    e++;
  }
  // n = d1 … d9; drop trailing zeros: m digits left.
  let m = 9;
  let q = (n / 10) | 0;
  while (n === q * 10) {
    n = q;
    m--;
    q = (n / 10) | 0;
  }
  // Number::toString of 0.d1…dm × 10^ne:
  const ne = e + 1;
  if (0 < ne && ne <= 21) {
    if (m <= ne) {
      pos = writeDigits(buf, pos, n, m);
      for (let i = m; i < ne; i++) buf[pos++] = ZERO;
    } else {
      const scale = POW10_INT[m - ne]!;
      const whole = (n / scale) | 0;
      pos = writeDigits(buf, pos, whole, ne);
      buf[pos++] = DOT;
      pos = writeDigits(buf, pos, n - whole * scale, m - ne);
    }
  } else if (-6 < ne && ne <= 0) {
    buf[pos++] = ZERO;
    buf[pos++] = DOT;
    for (let i = 0; i < -ne; i++) buf[pos++] = ZERO;
    pos = writeDigits(buf, pos, n, m);
  } else {
    const scale = POW10_INT[m - 1]!;
    const first = (n / scale) | 0;
    buf[pos++] = ZERO + first;
    if (m > 1) {
      buf[pos++] = DOT;
      pos = writeDigits(buf, pos, n - first * scale, m - 1);
    }
    buf[pos++] = LOWER_E;
    const x = ne - 1;
    buf[pos++] = x < 0 ? MINUS : PLUS;
    pos = writeAscii(buf, pos, String(Math.abs(x)));
  }
  return pos;
}

/** a · 10^k in float64 (one rounding), NaN when 10^|k| is not exact. */
function scaled(a: number, k: number): number {
  if (k >= 0) return k <= 22 ? a * POW10[k]! : NaN;
  return -k <= 22 ? a / POW10[-k]! : NaN;
}

/** A CSV field as csv-stringify writes it by default: quoted (quotes doubled) when it holds `,`, `"`, `\n` or `\r`. */
export function csvField(value: string): string {
  if (!/[",\n\r]/.test(value)) return value;
  return `"${value.replace(/"/g, '""')}"`;
}

interface CsvKernels {
  csvFormatValues(src: number, count: number, out: number, stopPtr: number): number;
}

/**
 * Writes "," + the text of each value at `buf[pos]` and returns the end: the bytes
 * {@link writeFloat32} gives, formatted by the WASM kernel (assembly/csv_float.ts, same float64
 * steps, ~4× faster); the values the kernel hands back (possible rounding ties, magnitudes
 * outside [1e-14, 1e31)) go through writeFloat32 here. `buf` needs values.length ·
 * (MAX_FLOAT32_CHARS + 1) free bytes.
 */
export function writeFloat32Row(core: WasmCore, buf: Uint8Array, pos: number, values: Float32Array): number {
  const k = core.exports as unknown as CsvKernels;
  return core.scratch((alloc) => {
    const src = alloc(values.length * 4);
    // 16 bytes of slack: the WASM writer stores whole vectors up to 16 bytes past its text.
    const out = alloc(values.length * (MAX_FLOAT32_CHARS + 1) + 16);
    const stop = alloc(4);
    core.writeF32(src, values);
    let from = 0;
    while (from < values.length) {
      const bytes = k.csvFormatValues(src + 4 * from, values.length - from, out, stop);
      const memory = core.exports.memory.buffer;
      buf.set(new Uint8Array(memory, out, bytes), pos);
      pos += bytes;
      const done = from + new Int32Array(memory, stop, 1)[0]!;
      if (done < values.length) {
        buf[pos++] = 44; // ','
        pos = writeFloat32(buf, pos, values[done]!);
        from = done + 1;
      } else {
        from = done;
      }
    }
    return pos;
  });
}
