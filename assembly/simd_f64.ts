// Moving four float32 lanes to and from two f64x2 halves: the kernels that
// compute in float64 on float32 data (phase_vocoder.ts, batch_norm_train.ts)
// share these. Inlined at every use; nothing here is exported from the module.

/** Lanes 0 and 1 of an f32x4, widened to f64x2. */
// @ts-ignore: decorator
@inline
export function lowF64(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}

/** Lanes 2 and 3 of an f32x4, widened to f64x2. */
// @ts-ignore: decorator
@inline
export function highF64(x: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 0, 1));
}

/** Two f64x2 halves rounded to float32 and packed into one f32x4 (lo in lanes 0–1). */
// @ts-ignore: decorator
@inline
export function packF32(lo: v128, hi: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}
