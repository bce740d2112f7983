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
 * Natural log of a positive, normal, finite x (the polar method's s lies in (2^-62, 1)), by the
 * fdlibm method: x = 2^k · (1 + f) with sqrt(2)/2 < 1 + f < sqrt(2), then log(1 + f) from
 * s = f / (2 + f) with a degree-14 polynomial, evaluated in fdlibm's order of operations.
 */
@inline
function logPositive(x: f64): f64 {
  const bits = reinterpret<u64>(x);
  let hx = <i32>(bits >> 32);
  const lo = <u32>bits;
  let k = (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  // Normalise x (or x/2) into [sqrt(2)/2, sqrt(2)).
  const xn = reinterpret<f64>((<u64>(hx | (i ^ 0x3ff00000)) << 32) | <u64>lo);
  k += i >> 20;
  const f = xn - 1.0;
  const dk = <f64>k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f == 0) return k == 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k == 0 ? f - r : dk * LN2_HI - ((r - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k == 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
  }
  return k == 0 ? f - s * (f - r) : dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
}

/** Natural log (exported for the bit-exactness test only). */
export function noiseLog(x: f64): f64 {
  return logPositive(x);
}

// xoshiro128** state, loaded from and stored back to the caller's 16-byte state block.
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

/** One xoshiro128** output as a uniform in [-1, 1): 2 · (r / 2^32) − 1, as Random computes it. */
@inline
function nextSigned(): f64 {
  const r = rotl<u32>(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl<u32>(s3, 11);
  return 2.0 * (<f64>r / 4294967296.0) - 1.0;
}

/**
 * out[i] = y[i] + sigma · N(0, 1) for i in [0, n), float32 in and out, the draws as
 * Random.addScaledGaussian makes them. sigma = relativeAmplitude · max |y| (the noise
 * augmentation's scale). state: 4 u32 (s0..s3), then the spare Gaussian as f64 at +16 and a
 * flag (1 = a spare is pending) as i32 at +24; read at entry and written back, spare included.
 */
export function addScaledGaussianNoise(yPtr: usize, outPtr: usize, n: i32, relativeAmplitude: f64, statePtr: usize): void {
  let peak: f64 = 0;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(yPtr + (<usize>i << 2));
    const a = v < 0 ? -v : v;
    if (a > peak) peak = a;
  }
  const sigma = relativeAmplitude * peak;
  s0 = load<u32>(statePtr);
  s1 = load<u32>(statePtr, 4);
  s2 = load<u32>(statePtr, 8);
  s3 = load<u32>(statePtr, 12);
  let i = 0;
  if (n > 0 && load<i32>(statePtr, 24) != 0) {
    store<f32>(outPtr, <f32>(<f64>load<f32>(yPtr) + sigma * load<f64>(statePtr, 16)));
    store<i32>(statePtr, 0, 24);
    i = 1;
  }
  while (i < n) {
    let u: f64, v: f64, s: f64;
    do {
      u = nextSigned();
      v = nextSigned();
      s = u * u + v * v;
    } while (s >= 1 || s == 0);
    const m = Math.sqrt((-2.0 * logPositive(s)) / s);
    const at = <usize>i << 2;
    store<f32>(outPtr + at, <f32>(<f64>load<f32>(yPtr + at) + sigma * (u * m)));
    i++;
    if (i < n) {
      store<f32>(outPtr + at, <f32>(<f64>load<f32>(yPtr + at, 4) + sigma * (v * m)), 4);
      i++;
    } else {
      store<f64>(statePtr, v * m, 16);
      store<i32>(statePtr, 1, 24);
    }
  }
  store<u32>(statePtr, s0);
  store<u32>(statePtr, s1, 4);
  store<u32>(statePtr, s2, 8);
  store<u32>(statePtr, s3, 12);
}
