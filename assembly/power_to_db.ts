// librosa.power_to_db in f32 (librosa keeps float32 input in float32):
//   db = 10 log10(max(amin, S)) - refDb,   refDb = 10 log10(max(amin, |ref|)) (JS computes it)
// then, when topDb >= 0, db = max(db, max(db over the WHOLE buffer) - topDb).
//
// log10 is vectorised with the Cephes log10f scheme (S. Moshier): split x = f * 2^e with
// f in [sqrt(1/2), sqrt(2)), a degree-8 minimax polynomial for ln(1 + (f - 1)), and
// log10(e), log10(2) split into a short exact head plus a tail so the final sum keeps
// about 1 ulp. Subnormal inputs (only possible with amin < 1.2e-38) take Mathf.log10.

const SQRT_HALF: f32 = 0.70710678118654752440;
const P0: f32 = 7.0376836292e-2;
const P1: f32 = -1.1514610310e-1;
const P2: f32 = 1.1676998740e-1;
const P3: f32 = -1.2420140846e-1;
const P4: f32 = 1.4249322787e-1;
const P5: f32 = -1.6668057665e-1;
const P6: f32 = 2.0000714765e-1;
const P7: f32 = -2.4999993993e-1;
const P8: f32 = 3.3333331174e-1;
// log10(e) = L10E_HI + L10E_LO, log10(2) = L102_HI + L102_LO (heads exact in few bits)
const L10E_HI: f32 = 4.3359375e-1;
const L10E_LO: f32 = 7.00731903251827651129e-4;
const L102_HI: f32 = 3.0078125e-1;
const L102_LO: f32 = 2.48745663981195213739e-4;
const FLT_MIN: f32 = 1.17549435e-38;

/** log10 of 4 positive, finite, normal f32 values. */
@inline
function log10x4(x: v128): v128 {
  const bits = x;
  // exponent for a mantissa in [0.5, 1): frexp
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(126)));
  let f = v128.or(v128.and(bits, i32x4.splat(0x807fffff)), i32x4.splat(0x3f000000));
  // f < sqrt(1/2): use 2f - 1 and e - 1, else f - 1 (keeps |f - 1| < 0.415)
  const small = f32x4.lt(f, f32x4.splat(SQRT_HALF));
  e = f32x4.sub(e, v128.and(small, f32x4.splat(1)));
  f = f32x4.sub(f32x4.add(f, v128.and(small, f)), f32x4.splat(1));
  const z = f32x4.mul(f, f);
  let p = f32x4.splat(P0);
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P1));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P2));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P3));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P4));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P5));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P6));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P7));
  p = f32x4.add(f32x4.mul(p, f), f32x4.splat(P8));
  // y = ln(1 + f) - f
  const y = f32x4.sub(f32x4.mul(f, f32x4.mul(z, p)), f32x4.mul(f32x4.splat(0.5), z));
  // small terms first, exact heads last
  let r = f32x4.mul(y, f32x4.splat(L10E_LO));
  r = f32x4.add(r, f32x4.mul(f, f32x4.splat(L10E_LO)));
  r = f32x4.add(r, f32x4.mul(e, f32x4.splat(L102_LO)));
  r = f32x4.add(r, f32x4.mul(y, f32x4.splat(L10E_HI)));
  r = f32x4.add(r, f32x4.mul(f, f32x4.splat(L10E_HI)));
  return f32x4.add(r, f32x4.mul(e, f32x4.splat(L102_HI)));
}

/** In place over `len` values at `ptr`; topDb < 0 disables the floor (JS validates topDb >= 0 or null). */
export function powerToDbInPlace(ptr: usize, len: i32, refDb: f32, amin: f32, topDb: f32): void {
  const end = ptr + (<usize>len << 2);
  const vecEnd = ptr + (<usize>(len & ~3) << 2);
  const vAmin = f32x4.splat(amin), vRef = f32x4.splat(refDb), ten = f32x4.splat(10);
  const tiny = f32x4.splat(FLT_MIN);
  let vPeak = f32x4.splat(-Infinity);
  let p = ptr;
  for (; p < vecEnd; p += 16) {
    const x = f32x4.max(vAmin, v128.load(p));
    let db: v128;
    if (v128.any_true(f32x4.lt(x, tiny))) {
      db = f32x4(
        <f32>10 * Mathf.log10(f32x4.extract_lane(x, 0)), <f32>10 * Mathf.log10(f32x4.extract_lane(x, 1)),
        <f32>10 * Mathf.log10(f32x4.extract_lane(x, 2)), <f32>10 * Mathf.log10(f32x4.extract_lane(x, 3)),
      );
    } else {
      db = f32x4.mul(ten, log10x4(x));
    }
    db = f32x4.sub(db, vRef);
    v128.store(p, db);
    vPeak = f32x4.max(vPeak, db);
  }
  let peak: f32 = Mathf.max(Mathf.max(f32x4.extract_lane(vPeak, 0), f32x4.extract_lane(vPeak, 1)), Mathf.max(f32x4.extract_lane(vPeak, 2), f32x4.extract_lane(vPeak, 3)));
  for (; p < end; p += 4) {
    const db = <f32>10 * Mathf.log10(Mathf.max(amin, load<f32>(p))) - refDb;
    store<f32>(p, db);
    peak = Mathf.max(peak, db);
  }
  if (topDb < 0) return;
  const floor = peak - topDb;
  const vf = f32x4.splat(floor);
  for (p = ptr; p < vecEnd; p += 16) v128.store(p, f32x4.max(v128.load(p), vf));
  for (; p < end; p += 4) store<f32>(p, Mathf.max(load<f32>(p), floor));
}
