// CSV text of float32 feature values, byte for byte what src/extract/csv-format.ts writeFloat32
// writes (whose comment explains the method: the 9-significant-digit rounding computed in
// float64, trailing zeros dropped, laid out by Number::toString's rules). Every float64 step is
// the same IEEE operation as there, so the text is the same; the values that JS sends through
// its legacy expression (a possible rounding tie, or a magnitude outside [1e-14, 1e31)) are
// handed back to JS instead (see csvFormatValues). No allocation.

const ZERO: u8 = 48;
const MINUS: u8 = 45;
const PLUS: u8 = 43;
const DOT: u8 = 46;
const LOWER_E: u8 = 101;
const COMMA: u8 = 44;
const LOG10_2: f64 = 0.30102999566398120;
const TIE_GUARD: f64 = 1e-5;

/** 10^k for k in [0, 22]: every one is exactly a float64. */
const POW10 = memory.data<f64>([
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]);

@inline
function pow10(k: i32): f64 {
  return load<f64>(POW10 + (<usize>k << 3));
}

/** a · 10^k in float64 (one rounding), NaN when 10^|k| is not exact. */
@inline
function scaled(a: f64, k: i32): f64 {
  if (k >= 0) return k <= 22 ? a * pow10(k) : NaN;
  return -k <= 22 ? a / pow10(-k) : NaN;
}

/** Writes exactly `count` decimal digits of n (leading zeros kept) at pos; returns the end. */
@inline
function writeDigits(pos: usize, n: i32, count: i32): usize {
  const end = pos + <usize>count;
  let p = end;
  for (let i = 0; i < count; i++) {
    const q = n / 10;
    store<u8>(--p, <u8>(ZERO + (n - q * 10)));
    n = q;
  }
  return end;
}

/**
 * Writes the text of v at pos and returns the end, or 0 when JS must format this value itself.
 */
function writeValue(pos: usize, v: f32): usize {
  if (v == 0) {
    store<u8>(pos, ZERO);
    return pos + 1;
  }
  let a = <f64>v;
  if (a < 0) {
    store<u8>(pos++, MINUS);
    a = -a;
  }
  const e2 = <i32>((reinterpret<u32>(<f32>a) >>> 23) & 255) - 127;
  let e = <i32>Math.floor((<f64>e2 + 0.5) * LOG10_2);
  let s = scaled(a, 8 - e);
  if (s < 1e8) s = scaled(a, 8 - --e);
  else if (s >= 1e9) s = scaled(a, 8 - ++e);
  if (!(s >= 1e8 && s < 1e9)) return 0;
  let n = <i32>s; // s < 1e9 < 2^31: truncation is floor
  const frac = s - <f64>n;
  if (Math.abs(frac - 0.5) < TIE_GUARD) return 0;
  if (frac > 0.5) n++;
  if (n == 1000000000) {
    n = 100000000;
    e++;
  }
  let m = 9;
  while (n % 10 == 0) {
    n /= 10;
    m--;
  }
  const ne = e + 1;
  if (0 < ne && ne <= 21) {
    if (m <= ne) {
      pos = writeDigits(pos, n, m);
      for (let i = m; i < ne; i++) store<u8>(pos++, ZERO);
    } else {
      const scale = <i32>pow10(m - ne);
      const whole = n / scale;
      pos = writeDigits(pos, whole, ne);
      store<u8>(pos++, DOT);
      pos = writeDigits(pos, n - whole * scale, m - ne);
    }
  } else if (-6 < ne && ne <= 0) {
    store<u8>(pos++, ZERO);
    store<u8>(pos++, DOT);
    for (let i = 0; i < -ne; i++) store<u8>(pos++, ZERO);
    pos = writeDigits(pos, n, m);
  } else {
    const scale = <i32>pow10(m - 1);
    const first = n / scale;
    store<u8>(pos++, <u8>(ZERO + first));
    if (m > 1) {
      store<u8>(pos++, DOT);
      pos = writeDigits(pos, n - first * scale, m - 1);
    }
    store<u8>(pos++, LOWER_E);
    const x = ne - 1;
    store<u8>(pos++, x < 0 ? MINUS : PLUS);
    const ax = x < 0 ? -x : x;
    pos = writeDigits(pos, ax, ax >= 100 ? 3 : ax >= 10 ? 2 : 1);
  }
  return pos;
}

/**
 * Writes "," + text for each of `count` float32 values at src, from out on; returns the bytes
 * written. Stops before a value JS must format (writeValue's 0): its index goes to
 * `stopPtr` (count when all were written), and the bytes up to it are returned.
 * out needs count · 25 bytes.
 */
export function csvFormatValues(src: usize, count: i32, out: usize, stopPtr: usize): i32 {
  let pos = out;
  for (let i = 0; i < count; i++) {
    store<u8>(pos, COMMA);
    const end = writeValue(pos + 1, load<f32>(src + (<usize>i << 2)));
    if (end == 0) {
      store<i32>(stopPtr, i);
      return <i32>(pos - out);
    }
    pos = end;
  }
  store<i32>(stopPtr, count);
  return <i32>(pos - out);
}
