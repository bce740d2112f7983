// The noise augmentation's inner loop (src/augment/noise.ts), bit for bit what the JS generator
// gives (src/util/random.ts, Random.addScaledGaussian): xoshiro128** (Blackman & Vigna 2018) for
// the uniforms, the Marsaglia polar method for the Gaussians, every step in the same float64
// operations. The one library call, the natural log, is fdlibm's e_log.c algorithm, which is what
// V8 evaluates Math.log with (src/base/ieee754.cc), so the logs agree to the bit as well
// (test/gaussian-noise.test.ts checks both against the JS path). No allocation.

// fdlibm e_log.c: ln 2 split so that k · LN2_HI is exact, and the minimax coefficients of
// (log(1 + f) − 2s − s·R(s²)) in s = f / (2 + f).
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

/**
 * Natural log of two positive, normal, finite lanes (the polar method's s lies in (2^-62, 1)),
 * by the fdlibm method: x = 2^k · (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2), then log(1 + f) from
 * s = f / (2 + f) with a degree-14 polynomial, in fdlibm's order of operations. Branch-free: the
 * three fdlibm formulas (|f| < 2^-20, and the two main-range variants) are all evaluated and the
 * right one selected per lane. fdlibm's k = 0
 * shortcuts are left out: with dk = 0 the general expressions give the same bits (0 · c = +0,
 * and +0 − x = −x, x − 0 = x, −(a − b) = b − a exactly in IEEE arithmetic).
 */
@inline
function logPositive2(x: v128): v128 {
  const hxFull = i64x2.shr_s(x, 32);
  const lo = v128.and(x, i64x2.splat(0xffffffff));
  const hx = v128.and(hxFull, i64x2.splat(0x000fffff));
  const i = v128.and(i64x2.add(hx, i64x2.splat(0x95f64)), i64x2.splat(0x100000));
  const k = i64x2.add(i64x2.sub(i64x2.shr_s(hxFull, 20), i64x2.splat(1023)), i64x2.shr_s(i, 20));
  const xn = v128.or(i64x2.shl(v128.or(hx, v128.xor(i, i64x2.splat(0x3ff00000))), 32), lo);
  const f = f64x2.sub(xn, f64x2.splat(1.0));
  const dk = f64x2.convert_low_i32x4_s(i32x4.shuffle(k, k, 0, 2, 0, 2));
  const hi = f64x2.mul(dk, f64x2.splat(LN2_HI));
  const dlo = f64x2.mul(dk, f64x2.splat(LN2_LO));
  // |f| < 2^-20
  const rSmall = f64x2.mul(f64x2.mul(f, f), f64x2.sub(f64x2.splat(0.5), f64x2.mul(f64x2.splat(0.33333333333333333), f)));
  const small = f64x2.sub(hi, f64x2.sub(f64x2.sub(rSmall, dlo), f));
  // main range
  const s = f64x2.div(f, f64x2.add(f64x2.splat(2.0), f));
  const z = f64x2.mul(s, s);
  const w = f64x2.mul(z, z);
  // t1 = w (LG2 + w (LG4 + w LG6)), t2 = z (LG1 + w (LG3 + w (LG5 + w LG7))), as fdlibm nests them.
  let t1 = f64x2.add(f64x2.splat(LG4), f64x2.mul(w, f64x2.splat(LG6)));
  t1 = f64x2.mul(w, f64x2.add(f64x2.splat(LG2), f64x2.mul(w, t1)));
  let t2 = f64x2.add(f64x2.splat(LG5), f64x2.mul(w, f64x2.splat(LG7)));
  t2 = f64x2.add(f64x2.splat(LG3), f64x2.mul(w, t2));
  t2 = f64x2.mul(z, f64x2.add(f64x2.splat(LG1), f64x2.mul(w, t2)));
  const r = f64x2.add(t2, t1);
  const hfsq = f64x2.mul(f64x2.mul(f64x2.splat(0.5), f), f);
  const mainA = f64x2.sub(hi, f64x2.sub(f64x2.sub(hfsq, f64x2.add(f64x2.mul(s, f64x2.add(hfsq, r)), dlo)), f));
  const mainB = f64x2.sub(hi, f64x2.sub(f64x2.sub(f64x2.mul(s, f64x2.sub(f, r)), dlo), f));
  const useA = i64x2.gt_s(v128.or(i64x2.sub(hx, i64x2.splat(0x6147a)), i64x2.sub(i64x2.splat(0x6b851), hx)), i64x2.splat(0));
  const isSmall = i64x2.lt_s(v128.and(i64x2.add(hx, i64x2.splat(2)), i64x2.splat(0x000fffff)), i64x2.splat(3));
  return v128.bitselect(small, v128.bitselect(mainA, mainB, useA), isSmall);
}

/** Lane `lane` of logPositive2 of (x, y) (exported for the bit-exactness test only). */
export function noiseLog(x: f64, y: f64, lane: i32): f64 {
  const r = logPositive2(f64x2.replace_lane(f64x2.splat(x), 1, y));
  return lane == 0 ? f64x2.extract_lane(r, 0) : f64x2.extract_lane(r, 1);
}

/** xoshiro128** output r as a uniform in [-1, 1): 2 · (r / 2^32) − 1, as Random computes it. */
@inline
function signedUniform(r: u32): f64 {
  return 2.0 * (<f64>r / 4294967296.0) - 1.0;
}

/** Pairs drawn per pass; the work buffer holds (u, v) and s of each as f64, 24 bytes a pair. */
const CHUNK_PAIRS = 256;

/** Bytes of the work buffer addScaledGaussianNoise needs. */
export function noiseWorkBytes(): i32 {
  return CHUNK_PAIRS * 24 + 16;
}

/**
 * out[i] = y[i] + sigma · N(0, 1) for i in [0, n), float32 in and out, the draws as
 * Random.addScaledGaussian makes them. sigma = relativeAmplitude · max |y| (the noise
 * augmentation's scale). state: 4 u32 (s0..s3), then the spare Gaussian as f64 at +16 and a
 * flag (1 = a spare is pending) as i32 at +24; read at entry and written back, spare included.
 *
 * Work in chunks of pairs, three passes each: the uniform draws with their rejection loop (the
 * only branchy part, cheap), then m = sqrt(−2 log(s) / s) for two pairs per vector with no branch
 * to mispredict, then the outputs. Every value is computed by the same float64 operations as the
 * JS loop, only in a different order of independent work.
 */
export function addScaledGaussianNoise(
  yPtr: usize, outPtr: usize, n: i32, relativeAmplitude: f64, statePtr: usize, workPtr: usize,
): void {
  // max |y| (exact in float32 lanes: abs and max do not round)
  let peakV = f32x4.splat(0);
  let p = 0;
  for (; p + 4 <= n; p += 4) peakV = f32x4.max(peakV, f32x4.abs(v128.load(yPtr + (<usize>p << 2))));
  let peak = <f64>max(max(f32x4.extract_lane(peakV, 0), f32x4.extract_lane(peakV, 1)), max(f32x4.extract_lane(peakV, 2), f32x4.extract_lane(peakV, 3)));
  for (; p < n; p++) {
    const v = <f64>load<f32>(yPtr + (<usize>p << 2));
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  const sigma = relativeAmplitude * peak;
  const vSigma = f64x2.splat(sigma);
  // The generator's state in locals (registers), not globals, through the draw loop.
  let s0 = load<u32>(statePtr);
  let s1 = load<u32>(statePtr, 4);
  let s2 = load<u32>(statePtr, 8);
  let s3 = load<u32>(statePtr, 12);
  let i = 0;
  if (n > 0 && load<i32>(statePtr, 24) != 0) {
    store<f32>(outPtr, <f32>(<f64>load<f32>(yPtr) + sigma * load<f64>(statePtr, 16)));
    store<i32>(statePtr, 0, 24);
    i = 1;
  }
  const uv = workPtr; // (u, v) of pair j at uv + 16 j
  const ms = workPtr + CHUNK_PAIRS * 16; // s of pair j at ms + 8 j, then m in its place
  while (i < n) {
    const count = min((n - i + 1) >> 1, CHUNK_PAIRS);
    for (let j = 0; j < count; j++) {
      let u: f64, v: f64, s: f64;
      do {
        // Two xoshiro128** steps (written out twice: a helper could not update these locals).
        let r = rotl<u32>(s1 * 5, 7) * 9;
        let t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl<u32>(s3, 11);
        u = signedUniform(r);
        r = rotl<u32>(s1 * 5, 7) * 9;
        t = s1 << 9;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = rotl<u32>(s3, 11);
        v = signedUniform(r);
        s = u * u + v * v;
      } while (s >= 1 || s == 0);
      store<f64>(uv + (<usize>j << 4), u);
      store<f64>(uv + (<usize>j << 4), v, 8);
      store<f64>(ms + (<usize>j << 3), s);
    }
    if (count & 1) store<f64>(ms + (<usize>count << 3), 0.5); // a harmless partner for the last lane
    for (let j = 0; j < count; j += 2) {
      const at = ms + (<usize>j << 3);
      const s = v128.load(at);
      v128.store(at, f64x2.sqrt(f64x2.div(f64x2.mul(f64x2.splat(-2.0), logPositive2(s)), s)));
    }
    for (let j = 0; j < count; j++) {
      const m = load<f64>(ms + (<usize>j << 3));
      const at = <usize>i << 2;
      if (i + 1 < n) {
        // y[i], y[i + 1] + sigma · ((u, v) · m), as two float64 lanes
        const noise = f64x2.mul(vSigma, f64x2.mul(v128.load(uv + (<usize>j << 4)), f64x2.splat(m)));
        const y = f64x2.promote_low_f32x4(v128.load64_zero(yPtr + at));
        v128.store64_lane(outPtr + at, f32x4.demote_f64x2_zero(f64x2.add(y, noise)), 0);
        i += 2;
      } else {
        store<f32>(outPtr + at, <f32>(<f64>load<f32>(yPtr + at) + sigma * (load<f64>(uv + (<usize>j << 4)) * m)));
        store<f64>(statePtr, load<f64>(uv + (<usize>j << 4), 8) * m, 16);
        store<i32>(statePtr, 1, 24);
        i++;
      }
    }
  }
  store<u32>(statePtr, s0);
  store<u32>(statePtr, s1, 4);
  store<u32>(statePtr, s2, 8);
  store<u32>(statePtr, s3, 12);
}
