// Per-frame time-domain features: librosa.feature.zero_crossing_rate and
// librosa.feature.rms (from y). Frame t covers padded positions [t*hop, t*hop + frameLength);
// padded position p is y[p - padLeft] (padLeft = frameLength/2 when centred, else 0).
//
// Frames overlap (75% with the defaults), so both kernels first reduce y once into blocks
// of g = gcd(frameLength, hop) padded positions, which tile every frame exactly; a frame
// is then the sum of frameLength/g block values. `blocks` is per-call scratch of
// rmsWorkBytes / zcrWorkBytes bytes: ((nFrames - 1) * hop + frameLength) / g values (f64 for
// RMS, i32 for ZCR).

/** librosa.zero_crossings threshold 1e-10, compared in float32 as numpy does for f32 input. */
const ZERO_THRESHOLD: f32 = 1e-10;

function gcd(a: i32, b: i32): i32 {
  while (b != 0) {
    const r = a % b;
    a = b;
    b = r;
  }
  return a;
}

/** Blocks of gcd(frameLength, hop) padded positions that tile nFrames frames. */
function blockCount(frameLength: i32, hop: i32, nFrames: i32): i32 {
  return ((nFrames - 1) * hop + frameLength) / gcd(frameLength, hop);
}

/** Bytes of the `blocks` scratch rmsFrames needs (one f64 per block). */
export function rmsWorkBytes(frameLength: i32, hop: i32, nFrames: i32): i32 {
  return blockCount(frameLength, hop, nFrames) << 3;
}

/** Bytes of the `blocks` scratch zcrFrames needs (one i32 per block). */
export function zcrWorkBytes(frameLength: i32, hop: i32, nFrames: i32): i32 {
  return blockCount(frameLength, hop, nFrames) << 2;
}

/** Sum of y[i]^2 for i in [lo, hi), accumulated in f64 (two f64x2 lanes pairs). */
@inline
function sumSquares(y: usize, lo: i32, hi: i32): f64 {
  let a = f64x2.splat(0), b = f64x2.splat(0);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const v = v128.load(y + (<usize>i << 2));
    const l = f64x2.promote_low_f32x4(v);
    const h = f64x2.promote_low_f32x4(f32x4.shuffle(v, v, 2, 3, 0, 1));
    a = f64x2.add(a, f64x2.mul(l, l));
    b = f64x2.add(b, f64x2.mul(h, h));
  }
  const s2 = f64x2.add(a, b);
  let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  for (; i < hi; i++) {
    const x = <f64>load<f32>(y + (<usize>i << 2));
    s += x * x;
  }
  return s;
}

/**
 * RMS with zero (constant) padding: rms[t] = sqrt(sum(x^2) / frameLength) over frame t
 * (librosa: sqrt(mean(|x|^2))). Sums in f64, result rounded to f32.
 */
export function rmsFrames(y: usize, n: i32, frameLength: i32, hop: i32, nFrames: i32, padLeft: i32, blocks: usize, out: usize): void {
  const g = gcd(frameLength, hop);
  const nBlocks = blockCount(frameLength, hop, nFrames);
  for (let b = 0; b < nBlocks; b++) {
    const lo = max(b * g - padLeft, 0);
    const hi = min(b * g + g - padLeft, n);
    store<f64>(blocks + (<usize>b << 3), lo < hi ? sumSquares(y, lo, hi) : 0.0);
  }
  const perFrame = frameLength / g;
  for (let t = 0; t < nFrames; t++) {
    const first = blocks + (<usize>((t * hop) / g) << 3);
    let s: f64 = 0;
    for (let j = 0; j < perFrame; j++) s += load<f64>(first + (<usize>j << 3));
    store<f32>(out + (<usize>t << 2), <f32>Math.sqrt(s / <f64>frameLength));
  }
}

/** Crossings at positions i in [lo, hi) of y (1 <= lo): signbit(y[i]) != signbit(y[i-1]) after thresholding. */
@inline
function countCrossings(y: usize, lo: i32, hi: i32): i32 {
  const neg = f32x4.splat(-ZERO_THRESHOLD);
  let acc = i32x4.splat(0);
  let i = lo;
  for (; i + 4 <= hi; i += 4) {
    const p = y + (<usize>i << 2);
    const cur = f32x4.lt(v128.load(p), neg);
    const prev = f32x4.lt(v128.load(p - 4), neg);
    acc = i32x4.sub(acc, v128.xor(cur, prev)); // lanes are 0 or -1
  }
  let c = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < hi; i++) {
    const p = y + (<usize>i << 2);
    c += i32(load<f32>(p) < -ZERO_THRESHOLD) ^ i32(load<f32>(p - 4) < -ZERO_THRESHOLD);
  }
  return c;
}

/**
 * Zero-crossing rate with edge padding (librosa centres ZCR frames with np.pad mode 'edge'):
 * |x| <= 1e-10 counts as 0 and 0 as positive, so a sample is "negative" iff x < -1e-10;
 * position p of the padded signal is a crossing when its sign differs from position p-1,
 * except the first position of each frame; zcr = count / frameLength. Edge padding repeats
 * y[0] and y[n-1], so crossings can only occur at padded positions p = i + padLeft, 1 <= i < n.
 */
export function zcrFrames(y: usize, n: i32, frameLength: i32, hop: i32, nFrames: i32, padLeft: i32, blocks: usize, out: usize): void {
  const g = gcd(frameLength, hop);
  const nBlocks = blockCount(frameLength, hop, nFrames);
  for (let b = 0; b < nBlocks; b++) {
    const lo = max(b * g - padLeft, 1);
    const hi = min(b * g + g - padLeft, n);
    store<i32>(blocks + (<usize>b << 2), lo < hi ? countCrossings(y, lo, hi) : 0);
  }
  const perFrame = frameLength / g;
  for (let t = 0; t < nFrames; t++) {
    const first = blocks + (<usize>((t * hop) / g) << 2);
    let c = 0;
    for (let j = 0; j < perFrame; j++) c += load<i32>(first + (<usize>j << 2));
    // the frame's own first position is not a crossing of this frame
    const i0 = t * hop - padLeft;
    if (i0 >= 1 && i0 < n) c -= i32(load<f32>(y + (<usize>i0 << 2)) < -ZERO_THRESHOLD) ^ i32(load<f32>(y + (<usize>(i0 - 1) << 2)) < -ZERO_THRESHOLD);
    store<f32>(out + (<usize>t << 2), <f32>(<f64>c / <f64>frameLength));
  }
}
