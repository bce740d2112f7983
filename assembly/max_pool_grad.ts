// Gradient of a 1-D max pooling for the tfjs wasm backend
// (src/ml/cnn/kernels/max-pool-grad.ts): images [batch × inWidth × channels]
// (tfjs-layers' MaxPooling1D is an NHWC pool over [batch, steps, 1, channels];
// the caller maps whichever axis is pooled to "width"):
//
//   dx[b, w, c] = Σ over windows o whose first maximum is at w: dy[b, o, c]
//
// "First maximum" is tfjs-backend-cpu's rule (maxPoolPositions scans the
// window in order with a strict '>'), found here as the first input equal to
// the stored forward output y. A NaN maximum equals nothing: width-2 windows
// then send the gradient to their second input and wider windows drop it,
// exactly as the JS version (maxPoolGradNhwc) does. Windows of
// width 2 (the paper's pool) choose between their two inputs with a lane mask
// instead of a branch: which one wins is data, not something a predictor can
// learn. Memory-bound: one pass over x, y, dy and dx.

export function maxPoolGrad1d(
  dy: usize, x: usize, y: usize, dx: usize,
  batch: i32, inWidth: i32, outWidth: i32, channels: i32,
  poolWidth: i32, stride: i32, padLeft: i32,
): void {
  const rowBytes = <usize>channels << 2;
  // Whole, non-overlapping, unpadded width-2 windows (the paper's pool) write
  // each dx row once, so only rows no window covers need zeros first.
  const disjoint = poolWidth == 2 && stride >= 2 && padLeft == 0 && (outWidth - 1) * stride + 2 <= inWidth;
  if (disjoint) {
    const covered = min(inWidth, (outWidth - 1) * stride + poolWidth);
    for (let b = 0; b < batch; b++) {
      const image = dx + <usize>b * <usize>inWidth * rowBytes;
      for (let o = 0; o < outWidth; o++) {
        const gapStart = o * stride + poolWidth;
        const gapEnd = min(inWidth, (o + 1) * stride);
        if (gapEnd > gapStart) memory.fill(image + <usize>gapStart * rowBytes, 0, <usize>(gapEnd - gapStart) * rowBytes);
      }
      if (covered < inWidth) memory.fill(image + <usize>covered * rowBytes, 0, <usize>(inWidth - covered) * rowBytes);
    }
  } else {
    memory.fill(dx, 0, <usize>batch * <usize>inWidth * rowBytes);
  }
  const c4 = channels & ~3;
  for (let b = 0; b < batch; b++) {
    const xImage = x + <usize>b * <usize>inWidth * rowBytes;
    const dxImage = dx + <usize>b * <usize>inWidth * rowBytes;
    for (let o = 0; o < outWidth; o++) {
      const at = (<usize>b * <usize>outWidth + <usize>o) * rowBytes;
      const yRow = y + at, dyRow = dy + at;
      const first = max(0, o * stride - padLeft);
      const last = min(inWidth, o * stride - padLeft + poolWidth); // exclusive
      if (last <= first) continue;
      if (last - first == 2) {
        const x0 = xImage + <usize>first * rowBytes, x1 = x0 + rowBytes;
        const d0 = dxImage + <usize>first * rowBytes, d1 = d0 + rowBytes;
        let c = 0;
        if (disjoint) {
          for (; c < c4; c += 4) {
            const off = <usize>c << 2;
            const g = v128.load(dyRow + off);
            const takeFirst = f32x4.eq(v128.load(x0 + off), v128.load(yRow + off));
            v128.store(d0 + off, v128.and(g, takeFirst));
            v128.store(d1 + off, v128.andnot(g, takeFirst));
          }
          for (; c < channels; c++) {
            const off = <usize>c << 2;
            const first = load<f32>(x0 + off) == load<f32>(yRow + off);
            const g = load<f32>(dyRow + off);
            store<f32>(d0 + off, first ? g : 0);
            store<f32>(d1 + off, first ? 0 : g);
          }
          continue;
        }
        for (; c < c4; c += 4) {
          const off = <usize>c << 2;
          const g = v128.load(dyRow + off);
          const takeFirst = f32x4.eq(v128.load(x0 + off), v128.load(yRow + off));
          v128.store(d0 + off, f32x4.add(v128.load(d0 + off), v128.and(g, takeFirst)));
          v128.store(d1 + off, f32x4.add(v128.load(d1 + off), v128.andnot(g, takeFirst)));
        }
        for (; c < channels; c++) {
          const off = <usize>c << 2;
          const target = load<f32>(x0 + off) == load<f32>(yRow + off) ? d0 + off : d1 + off;
          store<f32>(target, load<f32>(target) + load<f32>(dyRow + off));
        }
        continue;
      }
      for (let c = 0; c < channels; c++) {
        const off = <usize>c << 2;
        const target = load<f32>(yRow + off);
        for (let w = first; w < last; w++) {
          if (load<f32>(xImage + <usize>w * rowBytes + off) == target) {
            const d = dxImage + <usize>w * rowBytes + off;
            store<f32>(d, load<f32>(d) + load<f32>(dyRow + off));
            break;
          }
        }
      }
    }
  }
}
