// Column sums of a row-major [rows × cols] float32 matrix, accumulated in
// float64 and rounded once: the bias gradient of a convolution (dy summed
// over batch × positions) for the tfjs wasm backend (src/ml/cnn/kernels/sum.ts).
// tfjs' stock Sum can only reduce innermost axes, so it would transpose all
// of dy first; reading rows in order needs no transpose.
//
// acc: cols float64 of scratch (8-byte aligned); out: cols float32.

export function sumRowsF32(src: usize, rows: i32, cols: i32, acc: usize, out: usize): void {
  memory.fill(acc, 0, <usize>cols << 3);
  const cols4 = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = src + ((<usize>r * <usize>cols) << 2);
    let c = 0;
    for (; c < cols4; c += 4) {
      const v = v128.load(row + (<usize>c << 2));
      const a = acc + (<usize>c << 3);
      v128.store(a, f64x2.add(v128.load(a), f64x2.promote_low_f32x4(v)));
      v128.store(a, f64x2.add(v128.load(a, 16), f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1))), 16);
    }
    for (; c < cols; c++) {
      const a = acc + (<usize>c << 3);
      store<f64>(a, load<f64>(a) + <f64>load<f32>(row + (<usize>c << 2)));
    }
  }
  for (let c = 0; c < cols; c++) store<f32>(out + (<usize>c << 2), <f32>load<f64>(acc + (<usize>c << 3)));
}
