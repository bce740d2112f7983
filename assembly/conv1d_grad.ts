// Filter gradient of the paper's Conv1D (kernel 3, one input channel, stride 1,
// 'valid' padding) for the TensorFlow.js wasm backend's Conv2DBackpropFilter
// (src/ml/cnn/kernels/conv2d-backprop-filter.ts copies x and dy in here):
//   dW[t, o] = Σ_b Σ_p x[b, p + t] · dy[b, p, o],   t = 0, 1, 2.
// Same summation scheme as the JS path: float32 partial sums per image (in
// `accPtr`, 3 × outChannels floats), added into float64 totals (`totalPtr`,
// 3 × outChannels doubles) after each image. outChannels must be a multiple
// of 4 (checked in JS). No allocation: all buffers come from JS.

export function conv1dFilterGradK3(
  xPtr: usize,
  dyPtr: usize,
  accPtr: usize,
  totalPtr: usize,
  batch: i32,
  inWidth: i32,
  outWidth: i32,
  outChannels: i32,
): void {
  const rowBytes = <usize>outChannels << 2;
  const acc1 = accPtr + rowBytes;
  const acc2 = acc1 + rowBytes;
  for (let t = 0; t < 3 * outChannels; t++) store<f64>(totalPtr + (<usize>t << 3), 0.0);

  for (let b = 0; b < batch; b++) {
    memory.fill(accPtr, 0, rowBytes * 3);
    const xImage = xPtr + ((<usize>b * <usize>inWidth) << 2);
    let dyRow = dyPtr + <usize>b * <usize>outWidth * rowBytes;
    for (let p = 0; p < outWidth; p++) {
      const xAt = xImage + (<usize>p << 2);
      const x0 = f32x4.splat(load<f32>(xAt));
      const x1 = f32x4.splat(load<f32>(xAt, 4));
      const x2 = f32x4.splat(load<f32>(xAt, 8));
      for (let o: usize = 0; o < rowBytes; o += 16) {
        const g = v128.load(dyRow + o);
        v128.store(accPtr + o, f32x4.add(v128.load(accPtr + o), f32x4.mul(g, x0)));
        v128.store(acc1 + o, f32x4.add(v128.load(acc1 + o), f32x4.mul(g, x1)));
        v128.store(acc2 + o, f32x4.add(v128.load(acc2 + o), f32x4.mul(g, x2)));
      }
      dyRow += rowBytes;
    }
    for (let t = 0; t < 3 * outChannels; t++) {
      const at = totalPtr + (<usize>t << 3);
      store<f64>(at, load<f64>(at) + <f64>load<f32>(accPtr + (<usize>t << 2)));
    }
  }
}
