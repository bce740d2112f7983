// Phase-vocoder time scaling of an STFT (librosa.phase_vocoder, librosa 0.10.2).
// Float64 reference and the algorithm's description: src/reference/phase-vocoder.ts.
// No allocation: every buffer is a pointer handed in by src/wasm/augment.ts.
//
// Precision follows librosa's complex64 path, so results match it to the last float32 step of
// its phase accumulator: magnitude and angle are float32, the angle difference is a float32
// subtraction, the accumulator is a float32 updated in float64, and the phasor is float32.
// Intermediate math is float64 (f64x2 lanes), rounded to float32 exactly where librosa rounds,
// except two float32 functions of about one ulp, as numpy's own float32 ones: the angle (atan2)
// and the phasor's sin and cos (after a float64 reduction). An angle an ulp off moves the
// accumulator by at most one of its own float32 steps, the error librosa's float32 STFT already
// shows against ours; sin and cos never feed back into the accumulator.
//
// Layout: frame-major, frame t's bins at ptr + 4 * t * stride (stride a multiple of 4, lanes
// past `bins` zero), so four adjacent bins — whose recurrences are independent — share one
// f32x4 and every load/store is a whole vector.

import { highF64, packF32 } from "./simd_f64";

const TWO_PI: f64 = 6.283185307179586;
const INV_TWO_PI: f64 = 0.15915494309189535;
const TWO_OVER_PI: f64 = 0.6366197723675814;
// pi/2 split for the Cody-Waite reduction (fdlibm __rem_pio2: pio2_1 has 33 significant bits,
// so k * PIO2_HI is exact for |k| < 2^20, i.e. phases up to ~1.6e6 rad; beyond, the reduction
// error (~1e-9 rad) is still far below a float32 step of such a phase, 0.125 rad).
const PIO2_HI: f64 = 1.5707963267341256;
const PIO2_LO: f64 = 6.077100506506192e-11;

// float32 splits (hi + lo) of pi/4, pi/2 and pi: adding hi last keeps the sum within an ulp.
const PI_4_HI: f32 = 0.7853981852531433;
const PI_4_LO: f32 = -2.1855694143368964e-8;
const PI_2_HI: f32 = 1.5707963705062866;
const PI_2_LO: f32 = -4.371138828673793e-8;
const PI_HI: f32 = 3.1415927410125732;
const PI_LO: f32 = -8.742277657347586e-8;
const TAN_PI_8_F32: f32 = 0.4142135679721832;

/**
 * atan2 of four float32 lanes in float32, IEEE conventions for signed zeros (atan2(+-0, -0) =
 * +-pi), finite input; within about two float32 ulps of the exact angle (librosa's np.angle on
 * complex64 is itself a float32 atan2, so this is as close to it as one float32 rounding). Same
 * reduction as Cephes' atanf (S. Moshier): a = min/max of |x|, |y| in [0, 1]; above tan(pi/8),
 * atan(a) = pi/4 + atan((a - 1) / (a + 1)), so the argument t stays within tan(pi/8) — one
 * division either way. atan(t) = t + t^3 P(t^2), P of degree 4 fitted (weighted minimax, float64)
 * to relative error 7e-10 on [0, tan(pi/8)], so float32 evaluation (6e-8) dominates; then the
 * octant fix-up (swap, x < 0, sign of y) with the constants split hi + lo.
 */
@inline
function atan2F32x4(y: v128, x: v128): v128 {
  const ax = f32x4.abs(x);
  const ay = f32x4.abs(y);
  const mx = f32x4.max(ax, ay);
  const mn = f32x4.min(ax, ay);
  const zero = f32x4.splat(0);
  const big = f32x4.gt(mn, f32x4.mul(mx, f32x4.splat(TAN_PI_8_F32)));
  const num = v128.bitselect(f32x4.sub(mn, mx), mn, big);
  const den = v128.bitselect(f32x4.add(mn, mx), mx, big);
  // mx = 0 (both zero): den = 0, t = 0 / 0 replaced by 0.
  const t = v128.bitselect(zero, f32x4.div(num, den), f32x4.eq(mx, zero));
  const z = f32x4.mul(t, t);
  let p = f32x4.splat(-0.0608389712870121);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(0.10596171021461487));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-0.14243870973587036));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(0.19998490810394287));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-0.33333316445350647));
  let r = f32x4.add(t, f32x4.mul(f32x4.mul(p, z), t));
  r = v128.bitselect(f32x4.add(f32x4.add(r, f32x4.splat(PI_4_LO)), f32x4.splat(PI_4_HI)), r, big);
  r = v128.bitselect(f32x4.add(f32x4.sub(f32x4.splat(PI_2_LO), r), f32x4.splat(PI_2_HI)), r, f32x4.gt(ay, ax));
  // x < 0, including -0: sign bit set.
  const xNeg = i32x4.lt_s(x, i32x4.splat(0));
  r = v128.bitselect(f32x4.add(f32x4.sub(f32x4.splat(PI_LO), r), f32x4.splat(PI_HI)), r, xNeg);
  // Sign of y (copysign): r >= 0 here.
  return v128.or(r, v128.and(y, i32x4.splat(0x80000000)));
}

/**
 * In place over n values (n a multiple of 4): re -> |z| (float32, rounded once from float64, as
 * hypotf), im -> angle(z) (float32 atan2, atan2F32x4). Run once over the input
 * STFT: each input column is read by about 1/rate output frames.
 */
export function pvToPolar(rePtr: usize, imPtr: usize, n: i32): void {
  const bytes = <usize>n << 2;
  for (let o: usize = 0; o < bytes; o += 16) {
    const re = v128.load(rePtr + o);
    const im = v128.load(imPtr + o);
    const rl = f64x2.promote_low_f32x4(re);
    const il = f64x2.promote_low_f32x4(im);
    const rh = highF64(re);
    const ih = highF64(im);
    // f32 x f32 products are exact in f64: one rounding to float32 at the end, as hypotf.
    const ml = f64x2.sqrt(f64x2.add(f64x2.mul(rl, rl), f64x2.mul(il, il)));
    const mh = f64x2.sqrt(f64x2.add(f64x2.mul(rh, rh), f64x2.mul(ih, ih)));
    v128.store(rePtr + o, packF32(ml, mh));
    v128.store(imPtr + o, atan2F32x4(im, re));
  }
}

// Set by sinCos4 (two results without allocation).
let sinOut: v128 = f32x4.splat(0);
let cosOut: v128 = f32x4.splat(0);

// Minimax polynomials for sin and cos on [-pi/4, pi/4] in float32 (Cephes sinf.c / cosf.c,
// S. Moshier): about one float32 ulp, far below what the float32 accumulator itself carries.
const S1: f32 = -1.6666654611e-1;
const S2: f32 = 8.3321608736e-3;
const S3: f32 = -1.9515295891e-4;
const C1: f32 = 4.166664568298827e-2;
const C2: f32 = -1.388731625493765e-3;
const C3: f32 = 2.443315711809948e-5;

/**
 * sin and cos of four float32 phases (as float32 phasors, librosa's complex64 path). The
 * reduction by pi/2 runs in float64 (Cody-Waite, exact for the accumulators' magnitudes, see
 * PIO2_HI); the reduced argument and the polynomials are float32, four lanes at a time; the
 * quadrant (k mod 4, two's complement) picks and signs the results.
 */
@inline
function sinCos4(acc: v128): void {
  const lo = f64x2.promote_low_f32x4(acc);
  const hi = highF64(acc);
  const kLo = f64x2.nearest(f64x2.mul(lo, f64x2.splat(TWO_OVER_PI)));
  const kHi = f64x2.nearest(f64x2.mul(hi, f64x2.splat(TWO_OVER_PI)));
  const rLo = f64x2.sub(f64x2.sub(lo, f64x2.mul(kLo, f64x2.splat(PIO2_HI))), f64x2.mul(kLo, f64x2.splat(PIO2_LO)));
  const rHi = f64x2.sub(f64x2.sub(hi, f64x2.mul(kHi, f64x2.splat(PIO2_HI))), f64x2.mul(kHi, f64x2.splat(PIO2_LO)));
  const r = packF32(rLo, rHi);
  const q = i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(kLo), i32x4.trunc_sat_f64x2_s_zero(kHi), 0, 1, 4, 5);
  const z = f32x4.mul(r, r);
  let ps = f32x4.add(f32x4.mul(f32x4.splat(S3), z), f32x4.splat(S2));
  ps = f32x4.add(f32x4.mul(ps, z), f32x4.splat(S1));
  const s = f32x4.add(r, f32x4.mul(f32x4.mul(ps, z), r));
  let pc = f32x4.add(f32x4.mul(f32x4.splat(C3), z), f32x4.splat(C2));
  pc = f32x4.add(f32x4.mul(pc, z), f32x4.splat(C1));
  const c = f32x4.add(f32x4.sub(f32x4.splat(1), f32x4.mul(f32x4.splat(0.5), z)), f32x4.mul(f32x4.mul(pc, z), z));
  // x = k pi/2 + r: odd k swaps sin and cos; sin is negative for k mod 4 in {2, 3}, cos for {1, 2}.
  const odd = i32x4.ne(v128.and(q, i32x4.splat(1)), i32x4.splat(0));
  const signBit = i32x4.splat(0x80000000);
  const sinSign = v128.and(i32x4.shl(q, 30), signBit); // bit 1 of k
  const cosSign = v128.and(i32x4.shl(i32x4.add(q, i32x4.splat(1)), 30), signBit); // bit 1 of k + 1
  sinOut = v128.xor(v128.bitselect(c, s, odd), sinSign);
  cosOut = v128.xor(v128.bitselect(s, c, odd), cosSign);
}

/**
 * The accumulator's next value for two bins, in float64: acc + phi + wrap(dphase - phi), wrap to
 * [-pi, pi] with f64x2.nearest rounding half to even like np.round. The caller stores it as
 * float32 (packF32), the one rounding librosa's float32 accumulator makes.
 */
@inline
function nextAcc(acc: v128, dphase32: v128, phi: v128): v128 {
  let d = f64x2.sub(dphase32, phi);
  d = f64x2.sub(d, f64x2.mul(f64x2.splat(TWO_PI), f64x2.nearest(f64x2.mul(d, f64x2.splat(INV_TWO_PI)))));
  return f64x2.add(acc, f64x2.add(phi, d));
}

/**
 * Phase vocoder on a polar STFT (pvToPolar output, frame-major with `stride` floats per frame,
 * `cols` frames). Output frame t reads input position t * rate; columns past the end count as
 * zeros (librosa pads two zero columns). This call makes frames firstFrame .. firstFrame +
 * outFrames - 1, written frame-major with the same stride from outRe/outIm on; `acc` (`stride`
 * floats) holds the phase accumulators from one call to the next, so consecutive blocks of
 * frames give what one call from frame 0 gives (which set acc to input frame 0's phases).
 */
export function phaseVocoder(
  magPtr: usize, phasePtr: usize, stride: i32, bins: i32, cols: i32, rate: f64, hop: i32,
  accPtr: usize, outRePtr: usize, outImPtr: usize, firstFrame: i32, outFrames: i32,
): void {
  const frameBytes = <usize>stride << 2;
  const vecBytes = (<usize>bins + 3 & ~3) << 2;
  // acc_k starts at the phase of input frame 0.
  if (firstFrame == 0) memory.copy(accPtr, phasePtr, frameBytes);
  // Expected phase advance of bin k over one hop: 2 pi * hop * k / nFft = pi * hop * k / (bins - 1).
  const phiScale = f64x2.splat((Math.PI * <f64>hop) / <f64>(bins - 1));
  const zero = f32x4.splat(0);
  for (let t = firstFrame; t < firstFrame + outFrames; t++) {
    const step = <f64>t * rate;
    const i = <i32>step; // step >= 0: truncation is floor
    const alpha = step - <f64>i;
    const wa = f64x2.splat(alpha);
    const w0 = f64x2.splat(1.0 - alpha);
    const has0 = i < cols;
    const has1 = i + 1 < cols;
    const col0 = <usize>i * frameBytes;
    const col1 = col0 + frameBytes;
    const outRow = <usize>(t - firstFrame) * frameBytes;
    // Bin numbers k .. k + 3 of this vector as float64 lanes, stepped by 4 (exact integers), so
    // phi = phiScale * k is the same product as from a fresh conversion, without it.
    let kLo = f64x2(0.0, 1.0);
    let kHi = f64x2(2.0, 3.0);
    for (let o: usize = 0; o < vecBytes; o += 16) {
      const m0 = has0 ? v128.load(magPtr + col0 + o) : zero;
      const p0 = has0 ? v128.load(phasePtr + col0 + o) : zero;
      const m1 = has1 ? v128.load(magPtr + col1 + o) : zero;
      const p1 = has1 ? v128.load(phasePtr + col1 + o) : zero;
      // In librosa the angle difference of two float32 angles is itself a float32.
      const dp = f32x4.sub(p1, p0);
      const acc = v128.load(accPtr + o);
      const phiLo = f64x2.mul(phiScale, kLo);
      const phiHi = f64x2.mul(phiScale, kHi);
      kLo = f64x2.add(kLo, f64x2.splat(4.0));
      kHi = f64x2.add(kHi, f64x2.splat(4.0));
      const magLo = f64x2.add(f64x2.mul(w0, f64x2.promote_low_f32x4(m0)), f64x2.mul(wa, f64x2.promote_low_f32x4(m1)));
      const magHi = f64x2.add(f64x2.mul(w0, highF64(m0)), f64x2.mul(wa, highF64(m1)));
      // librosa: the float32 phasor times the float64 magnitude, stored as complex64.
      sinCos4(acc);
      v128.store(outRePtr + outRow + o, packF32(f64x2.mul(f64x2.promote_low_f32x4(cosOut), magLo), f64x2.mul(highF64(cosOut), magHi)));
      v128.store(outImPtr + outRow + o, packF32(f64x2.mul(f64x2.promote_low_f32x4(sinOut), magLo), f64x2.mul(highF64(sinOut), magHi)));
      const accLo = nextAcc(f64x2.promote_low_f32x4(acc), f64x2.promote_low_f32x4(dp), phiLo);
      const accHi = nextAcc(highF64(acc), highF64(dp), phiHi);
      v128.store(accPtr + o, packF32(accLo, accHi));
    }
  }
}
