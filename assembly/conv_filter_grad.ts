// Filter gradient of a 1-D convolution (tfjs Conv2DBackpropFilter with a
// 1-row input and filter, dilation 1) as a small GEMM:
//
//   dW[t, o] = Σ_b Σ_p  X̃[b, p·stride·C + t] · dY[b, p, o]
//
// where X̃[b] is image b zero-padded on both sides and flattened over
// (width, inChannels), so the filter window at output position p is the
// contiguous run X̃[b, p·stride·C ..+ taps] with taps = filterWidth · C
// (tap t = k·C + c reads channel c at offset k). The JS side
// (src/ml/cnn/kernels/conv2d-backprop-filter.ts) builds X̃ and checks shapes.
//
// Tiling: a 4-tap × 8-output register block (eight f32x4 accumulators) walks
// the positions of one image; every step loads four window values (splatted)
// and two dY vectors and does eight multiply-adds. Tap remainders use 1-tap
// blocks, output remainders 4-wide blocks (outChannels must be a multiple of
// 4, checked in JS). Summation: float32 within an image (≤ outWidth terms per
// weight), float64 across images, the scheme of the paper-shaped kernel in
// conv1d_grad.ts, so long batches do not lose precision.
//
// Memory: xPtr [batch × rowFloats], dyPtr [batch × outWidth × outC],
// accPtr taps × outC f32 scratch, totalPtr taps × outC f64 (the result).
// Nothing is allocated here.

// @ts-ignore: decorator
@inline
function tile4x8(
  xAt: usize, dyAt: usize, accAt: usize, outC: i32, positions: i32, xStepBytes: usize, dyStepBytes: usize,
): void {
  const rowBytes = <usize>outC << 2;
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
  let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
  let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  let x = xAt;
  let g = dyAt;
  for (let p = 0; p < positions; p++) {
    const g0 = v128.load(g);
    const g1 = v128.load(g, 16);
    const s0 = f32x4.splat(load<f32>(x));
    const s1 = f32x4.splat(load<f32>(x, 4));
    const s2 = f32x4.splat(load<f32>(x, 8));
    const s3 = f32x4.splat(load<f32>(x, 12));
    a00 = f32x4.add(a00, f32x4.mul(s0, g0)); a01 = f32x4.add(a01, f32x4.mul(s0, g1));
    a10 = f32x4.add(a10, f32x4.mul(s1, g0)); a11 = f32x4.add(a11, f32x4.mul(s1, g1));
    a20 = f32x4.add(a20, f32x4.mul(s2, g0)); a21 = f32x4.add(a21, f32x4.mul(s2, g1));
    a30 = f32x4.add(a30, f32x4.mul(s3, g0)); a31 = f32x4.add(a31, f32x4.mul(s3, g1));
    x += xStepBytes;
    g += dyStepBytes;
  }
  v128.store(accAt, a00); v128.store(accAt, a01, 16);
  v128.store(accAt + rowBytes, a10); v128.store(accAt + rowBytes, a11, 16);
  v128.store(accAt + 2 * rowBytes, a20); v128.store(accAt + 2 * rowBytes, a21, 16);
  v128.store(accAt + 3 * rowBytes, a30); v128.store(accAt + 3 * rowBytes, a31, 16);
}

// @ts-ignore: decorator
@inline
function tile1x4(xAt: usize, dyAt: usize, accAt: usize, positions: i32, xStepBytes: usize, dyStepBytes: usize): void {
  let a = f32x4.splat(0);
  let x = xAt;
  let g = dyAt;
  for (let p = 0; p < positions; p++) {
    a = f32x4.add(a, f32x4.mul(f32x4.splat(load<f32>(x)), v128.load(g)));
    x += xStepBytes;
    g += dyStepBytes;
  }
  v128.store(accAt, a);
}

export function convFilterGrad1d(
  xPtr: usize,
  dyPtr: usize,
  accPtr: usize,
  totalPtr: usize,
  batch: i32,
  rowFloats: i32,
  outWidth: i32,
  strideFloats: i32,
  taps: i32,
  outC: i32,
): void {
  const n = taps * outC;
  for (let i = 0; i < n; i++) store<f64>(totalPtr + (<usize>i << 3), 0.0);
  const xStep = <usize>strideFloats << 2;
  const dyStep = <usize>outC << 2;
  const taps4 = taps & ~3;
  const outC8 = outC & ~7;
  for (let b = 0; b < batch; b++) {
    const xImage = xPtr + ((<usize>b * <usize>rowFloats) << 2);
    const dyImage = dyPtr + ((<usize>b * <usize>outWidth * <usize>outC) << 2);
    let t = 0;
    for (; t < taps4; t += 4) {
      let o = 0;
      for (; o < outC8; o += 8) {
        tile4x8(xImage + (<usize>t << 2), dyImage + (<usize>o << 2), accPtr + ((<usize>(t * outC + o)) << 2), outC, outWidth, xStep, dyStep);
      }
      for (; o < outC; o += 4) {
        for (let r = 0; r < 4; r++) {
          tile1x4(xImage + (<usize>(t + r) << 2), dyImage + (<usize>o << 2), accPtr + ((<usize>((t + r) * outC + o)) << 2), outWidth, xStep, dyStep);
        }
      }
    }
    for (; t < taps; t++) {
      for (let o = 0; o < outC; o += 4) {
        tile1x4(xImage + (<usize>t << 2), dyImage + (<usize>o << 2), accPtr + ((<usize>(t * outC + o)) << 2), outWidth, xStep, dyStep);
      }
    }
    for (let i = 0; i < n; i++) {
      const at = totalPtr + (<usize>i << 3);
      store<f64>(at, load<f64>(at) + <f64>load<f32>(accPtr + (<usize>i << 2)));
    }
  }
}
