// CSV text of float32 feature values, byte for byte what src/extract/csv-format.ts writeFloat32
// writes (whose comment explains the method: the 9-significant-digit rounding computed in
// float64, trailing zeros dropped, laid out by Number::toString's rules). Every float64 step is
// the same IEEE operation as there, so the text is the same; the values that JS sends through
// its legacy expression (a possible rounding tie at an inexact scale, or a magnitude outside
// [1e-14, 1e31)) are handed back to JS instead (see csvFormatValues). No allocation.

const ZERO: u8 = 48;
const MINUS: u8 = 45;
const PLUS: u8 = 43;
const DOT: u8 = 46;
const LOWER_E: u8 = 101;
const COMMA: u8 = 44;
const LOG10_2: f64 = 0.30102999566398120;
const TIE_GUARD: f64 = 1e-5;
/** See EXACT_SCALE_MAX in src/extract/csv-format.ts. */
const EXACT_SCALE_MAX: i32 = 12;

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

/** "00" … "99": the two ASCII digits of i at byte 2i. */
const DIGIT_PAIRS = memory.data<u8>([
  48, 48, 48, 49, 48, 50, 48, 51, 48, 52, 48, 53, 48, 54, 48, 55, 48, 56, 48, 57,
  49, 48, 49, 49, 49, 50, 49, 51, 49, 52, 49, 53, 49, 54, 49, 55, 49, 56, 49, 57,
  50, 48, 50, 49, 50, 50, 50, 51, 50, 52, 50, 53, 50, 54, 50, 55, 50, 56, 50, 57,
  51, 48, 51, 49, 51, 50, 51, 51, 51, 52, 51, 53, 51, 54, 51, 55, 51, 56, 51, 57,
  52, 48, 52, 49, 52, 50, 52, 51, 52, 52, 52, 53, 52, 54, 52, 55, 52, 56, 52, 57,
  53, 48, 53, 49, 53, 50, 53, 51, 53, 52, 53, 53, 53, 54, 53, 55, 53, 56, 53, 57,
  54, 48, 54, 49, 54, 50, 54, 51, 54, 52, 54, 53, 54, 54, 54, 55, 54, 56, 54, 57,
  55, 48, 55, 49, 55, 50, 55, 51, 55, 52, 55, 53, 55, 54, 55, 55, 55, 56, 55, 57,
  56, 48, 56, 49, 56, 50, 56, 51, 56, 52, 56, 53, 56, 54, 56, 55, 56, 56, 56, 57,
  57, 48, 57, 49, 57, 50, 57, 51, 57, 52, 57, 53, 57, 54, 57, 55, 57, 56, 57, 57,
]);

/** 16 bytes of scratch: the significant digits of the value being written, from byte 0. */
const DIGITS = memory.data(16, 16);
/** 16 ASCII zeros, stored whole where a run of zeros is needed (the writer has 16 bytes of slack). */
const ZEROS = memory.data<u8>([48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48, 48]);

/**
 * The m decimal digits of n (10^(m-1) <= n < 10^m, m <= 9) to DIGITS[0 .. m), two at a time from
 * DIGIT_PAIRS (four divisions by 100 at most, instead of one by 10 per digit).
 */
@inline
function digitsOf(n: i32, m: i32): void {
  let p = DIGITS + <usize>m;
  while (p - DIGITS >= 2) {
    const q = n / 100;
    p -= 2;
    store<u16>(p, load<u16>(DIGIT_PAIRS + (<usize>(n - q * 100) << 1)));
    n = q;
  }
  if (p > DIGITS) store<u8>(DIGITS, <u8>(ZERO + n));
}

/** DIGITS[from .. from + count) to pos (count <= 9; writes 16 bytes, of which the first count matter); returns pos + count. */
@inline
function copyDigits(pos: usize, from: i32, count: i32): usize {
  v128.store(pos, v128.load(DIGITS + <usize>from));
  return pos + <usize>count;
}

/** count ASCII zeros at pos (count <= 20, the most a fixed-form value needs); returns pos + count. */
@inline
function zeros(pos: usize, count: i32): usize {
  const z = v128.load(ZEROS);
  v128.store(pos, z);
  if (count > 16) v128.store(pos + 16, z);
  return pos + <usize>count;
}

/** The exponent x (|x| < 1000) of the exponential form, "+x" or "-x", at pos; returns the end. */
@inline
function writeExponent(pos: usize, x: i32): usize {
  store<u8>(pos++, x < 0 ? MINUS : PLUS);
  const ax = x < 0 ? -x : x;
  if (ax >= 100) {
    const h = ax / 100;
    store<u8>(pos++, <u8>(ZERO + h));
    store<u16>(pos, load<u16>(DIGIT_PAIRS + (<usize>(ax - h * 100) << 1)));
    return pos + 2;
  }
  if (ax >= 10) {
    store<u16>(pos, load<u16>(DIGIT_PAIRS + (<usize>ax << 1)));
    return pos + 2;
  }
  store<u8>(pos, <u8>(ZERO + ax));
  return pos + 1;
}

/**
 * Writes the text of v at pos and returns the end, or 0 when JS must format this value itself.
 * Writes up to 16 bytes past the end it returns (whole-vector stores of digits and zeros).
 * Inlined into its one caller's loop: a call per value was ~1.4 of its ~25 ns.
 */
@inline
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
  if (Math.abs(frac - 0.5) < TIE_GUARD) {
    // s is exact for 0 <= k <= EXACT_SCALE_MAX (csv-format.ts): the tie is decided here, away
    // from zero as toPrecision does; otherwise JS decides.
    if (8 - e < 0 || 8 - e > EXACT_SCALE_MAX) return 0;
    if (frac >= 0.5) n++;
  } else if (frac > 0.5) n++;
  if (n == 1000000000) {
    n = 100000000;
    e++;
  }
  let m = 9;
  while (n % 10 == 0) {
    n /= 10;
    m--;
  }
  digitsOf(n, m);
  const ne = e + 1;
  if (0 < ne && ne <= 21) {
    if (m <= ne) return zeros(copyDigits(pos, 0, m), ne - m);
    pos = copyDigits(pos, 0, ne);
    store<u8>(pos++, DOT);
    return copyDigits(pos, ne, m - ne);
  }
  if (-6 < ne && ne <= 0) {
    store<u8>(pos++, ZERO);
    store<u8>(pos++, DOT);
    return copyDigits(zeros(pos, -ne), 0, m);
  }
  store<u8>(pos++, load<u8>(DIGITS));
  if (m > 1) {
    store<u8>(pos++, DOT);
    pos = copyDigits(pos, 1, m - 1);
  }
  store<u8>(pos++, LOWER_E);
  return writeExponent(pos, ne - 1);
}

/**
 * Writes "," + text for each of `count` float32 values at src, from out on; returns the bytes
 * written. Stops before a value JS must format (writeValue's 0): its index goes to
 * `stopPtr` (count when all were written), and the bytes up to it are returned.
 * out needs count · 25 + 16 bytes (writeValue's whole-vector stores run up to 16 bytes ahead).
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
