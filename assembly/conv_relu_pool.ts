// Conv1D (one input channel, 'valid', stride 1) → bias → ReLU → MaxPooling1D
// (non-overlapping windows of `pool`, 'valid') as one pass, forward and
// backward, for the paper CNN's first two layers while it trains
// (src/ml/cnn/kernels/conv-relu-pool.ts wraps these for tfjs).
//
// Why fuse: unfused, tfjs runs ten memory-bound kernels over the
// [batch × 2374 × 64] activation (conv, bias add, ReLU, pool, pool gradient,
// step, cast, multiply, bias sum, filter gradient): about half of a training
// step. The layer's arithmetic is tiny (3 taps × 1 channel), so it is cheaper
// to recompute the pre-activations in the backward pass from x (2,376 floats
// per row) than to store them: the fused pass reads x and the pooled
// gradient and never materialises the 2374 × 64 activation.
//
// Shapes (row-major, float32):
//   x      [batch × width]                  (the layer input [batch, width, 1])
//   w      [taps × channels]                (tfjs' Conv1D kernel [taps, 1, channels])
//   bias   [channels]
//   y, dy  [batch × outWidth × channels]    outWidth = floor((width − taps + 1) / pool)
//
// Forward, per output (b, p, c), window positions t = p·pool + j, j < pool:
//   pre(t) = ((x[t]·w[0,c] + x[t+1]·w[1,c]) + …) + bias[c]     (taps in order, no FMA)
//   y[b, p, c] = max_j relu(pre(t))
// Backward: the pooled gradient goes to the FIRST position of the window
// holding the maximum (a strict '>' scan: tfjs' MaxPoolGrad rule), and through
// the ReLU only where that pre-activation is > 0 (tfjs' Relu gradient, step(x)):
//   dPre(b, t*, c) = dy[b, p, c] if relu(pre(t*)) > 0, else 0
//   dW[k, c] = Σ_b Σ_p dPre(b, t*, c) · x[b, t* + k]      dBias[c] = Σ_b Σ_p dPre(b, t*, c)
// Summation: float32 within an image, float64 across images (as
// conv_filter_grad.ts), so long batches keep their precision.
// Nothing is allocated here; channels are processed four lanes at a time with
// a scalar tail.

// @ts-ignore: decorator
@inline
function preActivation4(xAt: usize, w: usize, bias: usize, c: i32, taps: i32, channels: i32): v128 {
  const off = <usize>c << 2;
  const rowBytes = <usize>channels << 2;
  let acc = f32x4.mul(f32x4.splat(load<f32>(xAt)), v128.load(w + off));
  for (let k = 1; k < taps; k++) {
    acc = f32x4.add(acc, f32x4.mul(f32x4.splat(load<f32>(xAt + (<usize>k << 2))), v128.load(w + <usize>k * rowBytes + off)));
  }
  return f32x4.add(acc, v128.load(bias + off));
}

// @ts-ignore: decorator
@inline
function preActivation1(xAt: usize, w: usize, bias: usize, c: i32, taps: i32, channels: i32): f32 {
  const off = <usize>c << 2;
  const rowBytes = <usize>channels << 2;
  let acc = load<f32>(xAt) * load<f32>(w + off);
  for (let k = 1; k < taps; k++) acc += load<f32>(xAt + (<usize>k << 2)) * load<f32>(w + <usize>k * rowBytes + off);
  return acc + load<f32>(bias + off);
}

/** Copies image row x [width] to xs [width] as splatted lanes (one v128 per sample). */
// @ts-ignore: decorator
@inline
function splatRow(x: usize, xs: usize, width: i32): void {
  for (let t = 0; t < width; t++) v128.store(xs + (<usize>t << 4), f32x4.splat(load<f32>(x + (<usize>t << 2))));
}

/**
 * The paper's shape (3 taps, pool 2, channels a multiple of 4) with the
 * weights of four channels in registers while a whole image streams past;
 * the same operations in the same order as the general loop below, so the
 * results are identical.
 */
function forwardTaps3Pool2(xs: usize, w: usize, bias: usize, yImage: usize, channels: i32, outWidth: i32): void {
  const rowBytes = <usize>channels << 2;
  const zero = f32x4.splat(0);
  for (let c = 0; c < channels; c += 4) {
    const off = <usize>c << 2;
    const w0 = v128.load(w + off), w1 = v128.load(w + rowBytes + off), w2 = v128.load(w + 2 * rowBytes + off);
    const bb = v128.load(bias + off);
    let yAt = yImage + off;
    let xAt = xs;
    for (let p = 0; p < outWidth; p++) {
      const x0 = v128.load(xAt), x1 = v128.load(xAt, 16), x2 = v128.load(xAt, 32), x3 = v128.load(xAt, 48);
      const pre0 = f32x4.add(f32x4.add(f32x4.add(f32x4.mul(x0, w0), f32x4.mul(x1, w1)), f32x4.mul(x2, w2)), bb);
      const pre1 = f32x4.add(f32x4.add(f32x4.add(f32x4.mul(x1, w0), f32x4.mul(x2, w1)), f32x4.mul(x3, w2)), bb);
      v128.store(yAt, f32x4.max(f32x4.max(pre0, zero), f32x4.max(pre1, zero)));
      yAt += rowBytes;
      xAt += 32;
    }
  }
}

/** The gradient counterpart of forwardTaps3Pool2: accumulators in registers for four channels over one image. */
function gradTaps3Pool2(xs: usize, w: usize, bias: usize, dyImage: usize, acc: usize, channels: i32, outWidth: i32): void {
  const rowBytes = <usize>channels << 2;
  const zero = f32x4.splat(0);
  for (let c = 0; c < channels; c += 4) {
    const off = <usize>c << 2;
    const w0 = v128.load(w + off), w1 = v128.load(w + rowBytes + off), w2 = v128.load(w + 2 * rowBytes + off);
    const bb = v128.load(bias + off);
    let g0 = zero, g1 = zero, g2 = zero, gb = zero;
    let dyAt = dyImage + off;
    let xAt = xs;
    for (let p = 0; p < outWidth; p++) {
      const x0 = v128.load(xAt), x1 = v128.load(xAt, 16), x2 = v128.load(xAt, 32), x3 = v128.load(xAt, 48);
      const a0 = f32x4.max(f32x4.add(f32x4.add(f32x4.add(f32x4.mul(x0, w0), f32x4.mul(x1, w1)), f32x4.mul(x2, w2)), bb), zero);
      const a1 = f32x4.max(f32x4.add(f32x4.add(f32x4.add(f32x4.mul(x1, w0), f32x4.mul(x2, w1)), f32x4.mul(x3, w2)), bb), zero);
      const second = f32x4.gt(a1, a0);
      const best = v128.bitselect(a1, a0, second);
      const g = v128.and(v128.load(dyAt), f32x4.gt(best, zero));
      gb = f32x4.add(gb, g);
      g0 = f32x4.add(g0, f32x4.mul(g, v128.bitselect(x1, x0, second)));
      g1 = f32x4.add(g1, f32x4.mul(g, v128.bitselect(x2, x1, second)));
      g2 = f32x4.add(g2, f32x4.mul(g, v128.bitselect(x3, x2, second)));
      dyAt += rowBytes;
      xAt += 32;
    }
    v128.store(acc + off, g0);
    v128.store(acc + rowBytes + off, g1);
    v128.store(acc + 2 * rowBytes + off, g2);
    v128.store(acc + 3 * rowBytes + off, gb);
  }
}

/** Whether the register-blocked paths above apply. */
// @ts-ignore: decorator
@inline
function isTaps3Pool2(taps: i32, channels: i32, pool: i32): bool {
  return taps == 3 && pool == 2 && (channels & 3) == 0;
}

/** Bytes of `work` scratch the kernels below need (splatted image rows). */
export function convReluPoolWorkBytes(width: i32): i32 {
  return width << 4;
}

/** Writes y [batch × outWidth × channels]; work holds convReluPoolWorkBytes(width) bytes. */
export function convReluPool1d(
  x: usize, w: usize, bias: usize, y: usize, work: usize,
  batch: i32, width: i32, taps: i32, channels: i32, pool: i32, outWidth: i32,
): void {
  if (isTaps3Pool2(taps, channels, pool)) {
    for (let b = 0; b < batch; b++) {
      splatRow(x + (<usize>b * <usize>width << 2), work, width);
      forwardTaps3Pool2(work, w, bias, y + ((<usize>b * <usize>outWidth * <usize>channels) << 2), channels, outWidth);
    }
    return;
  }
  const c4 = channels & ~3;
  const zero = f32x4.splat(0);
  for (let b = 0; b < batch; b++) {
    const xImage = x + (<usize>b * <usize>width << 2);
    for (let p = 0; p < outWidth; p++) {
      const xWindow = xImage + (<usize>(p * pool) << 2);
      const yRow = y + ((<usize>b * <usize>outWidth + <usize>p) * <usize>channels << 2);
      let c = 0;
      for (; c < c4; c += 4) {
        let best = f32x4.max(preActivation4(xWindow, w, bias, c, taps, channels), zero);
        for (let j = 1; j < pool; j++) {
          best = f32x4.max(best, f32x4.max(preActivation4(xWindow + (<usize>j << 2), w, bias, c, taps, channels), zero));
        }
        v128.store(yRow + (<usize>c << 2), best);
      }
      for (; c < channels; c++) {
        let best = max<f32>(preActivation1(xWindow, w, bias, c, taps, channels), 0);
        for (let j = 1; j < pool; j++) best = max<f32>(best, max<f32>(preActivation1(xWindow + (<usize>j << 2), w, bias, c, taps, channels), 0));
        store<f32>(yRow + (<usize>c << 2), best);
      }
    }
  }
}

/**
 * Accumulates the gradients of one image into acc (f32, taps rows of dW then
 * one row of dBias, each `channels` wide; zeroed by the caller).
 */
// @ts-ignore: decorator
@inline
function imageGrad(
  xImage: usize, w: usize, bias: usize, dyImage: usize, acc: usize,
  taps: i32, channels: i32, pool: i32, outWidth: i32,
): void {
  const c4 = channels & ~3;
  const rowBytes = <usize>channels << 2;
  const biasRow = acc + <usize>taps * rowBytes;
  const zero = f32x4.splat(0);
  for (let p = 0; p < outWidth; p++) {
    const xWindow = xImage + (<usize>(p * pool) << 2);
    const dyRow = dyImage + <usize>p * rowBytes;
    let c = 0;
    for (; c < c4; c += 4) {
      const off = <usize>c << 2;
      // First maximum of the window's ReLU outputs, as a per-lane offset j*.
      let best = f32x4.max(preActivation4(xWindow, w, bias, c, taps, channels), zero);
      let win = i32x4.splat(0);
      for (let j = 1; j < pool; j++) {
        const a = f32x4.max(preActivation4(xWindow + (<usize>j << 2), w, bias, c, taps, channels), zero);
        const better = f32x4.gt(a, best);
        best = v128.bitselect(a, best, better);
        win = v128.bitselect(i32x4.splat(j), win, better);
      }
      const g = v128.and(v128.load(dyRow + off), f32x4.gt(best, zero));
      v128.store(biasRow + off, f32x4.add(v128.load(biasRow + off), g));
      for (let k = 0; k < taps; k++) {
        // x[t* + k] per lane: the window's candidates selected by j*.
        let xs = f32x4.splat(load<f32>(xWindow + (<usize>k << 2)));
        for (let j = 1; j < pool; j++) {
          xs = v128.bitselect(f32x4.splat(load<f32>(xWindow + (<usize>(j + k) << 2))), xs, i32x4.eq(win, i32x4.splat(j)));
        }
        const at = acc + <usize>k * rowBytes + off;
        v128.store(at, f32x4.add(v128.load(at), f32x4.mul(g, xs)));
      }
    }
    for (; c < channels; c++) {
      const off = <usize>c << 2;
      let best = max<f32>(preActivation1(xWindow, w, bias, c, taps, channels), 0);
      let win = 0;
      for (let j = 1; j < pool; j++) {
        const a = max<f32>(preActivation1(xWindow + (<usize>j << 2), w, bias, c, taps, channels), 0);
        if (a > best) {
          best = a;
          win = j;
        }
      }
      const g: f32 = best > 0 ? load<f32>(dyRow + off) : 0;
      store<f32>(biasRow + off, load<f32>(biasRow + off) + g);
      for (let k = 0; k < taps; k++) {
        const at = acc + <usize>k * rowBytes + off;
        store<f32>(at, load<f32>(at) + g * load<f32>(xWindow + (<usize>(win + k) << 2)));
      }
    }
  }
}

/**
 * Writes acc [(taps + 1) × channels] float32 for image b alone: rows
 * 0..taps−1 are its dW, row `taps` its dBias (summed over its windows in
 * order). work holds convReluPoolWorkBytes(width) bytes. The threaded
 * wrapper (assembly/train/conv_relu_pool.ts) calls this per image and the
 * images are summed afterwards in order, as convReluPoolGrad1d does, so both
 * give the same bits.
 */
export function convReluPoolImageGrad(
  xImage: usize, w: usize, bias: usize, dyImage: usize, acc: usize, work: usize,
  width: i32, taps: i32, channels: i32, pool: i32, outWidth: i32,
): void {
  if (isTaps3Pool2(taps, channels, pool)) {
    splatRow(xImage, work, width);
    gradTaps3Pool2(work, w, bias, dyImage, acc, channels, outWidth);
  } else {
    memory.fill(acc, 0, <usize>((taps + 1) * channels) << 2);
    imageGrad(xImage, w, bias, dyImage, acc, taps, channels, pool, outWidth);
  }
}

/**
 * Writes total [(taps + 1) × channels] float64: rows 0..taps−1 are dW, row
 * `taps` is dBias. acc is (taps + 1) × channels float32 scratch, work
 * convReluPoolWorkBytes(width) bytes.
 */
export function convReluPoolGrad1d(
  x: usize, w: usize, bias: usize, dy: usize, acc: usize, total: usize, work: usize,
  batch: i32, width: i32, taps: i32, channels: i32, pool: i32, outWidth: i32,
): void {
  const n = (taps + 1) * channels;
  memory.fill(total, 0, <usize>n << 3);
  for (let b = 0; b < batch; b++) {
    convReluPoolImageGrad(
      x + (<usize>b * <usize>width << 2), w, bias, dy + ((<usize>b * <usize>outWidth * <usize>channels) << 2), acc, work,
      width, taps, channels, pool, outWidth,
    );
    for (let i = 0; i < n; i++) {
      const at = total + (<usize>i << 3);
      store<f64>(at, load<f64>(at) + <f64>load<f32>(acc + (<usize>i << 2)));
    }
  }
}
