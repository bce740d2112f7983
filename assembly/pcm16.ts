// 16-bit PCM to float32, as the WAV reader scales it (src/audio/wav-decode.ts, soundfile's
// int16 / 32768): little-endian samples (WAV's byte order, and WASM's) times 2^-15. Exact: an
// int16 is exact in float32 and 2^-15 is a power of two, so the product rounds to itself and the
// result is bit for bit the JS decoder's. Lets a mono 16-bit file go from its bytes straight into
// the resampler's input buffer (src/wasm/resample.ts resamplePcm16) without a float copy in JS.
// No allocation.

const SCALE: f32 = 1.0 / 32768.0;

/** dst[i] = src[i] · 2^-15 for i in [0, n): `src` n int16 (any 2-byte alignment), `dst` n float32. */
export function pcm16ToFloat32(src: usize, n: i32, dst: usize): void {
  const scale = f32x4.splat(SCALE);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const v = v128.load(src + (<usize>i << 1));
    const out = dst + (<usize>i << 2);
    v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(v)), scale));
    v128.store(out, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(v)), scale), 16);
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), <f32>load<i16>(src + (<usize>i << 1)) * SCALE);
}
