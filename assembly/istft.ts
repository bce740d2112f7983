// Inverse STFT, librosa.istft semantics (librosa 0.10.2), periodic Hann window, win_length = nFft.
// Float64 reference and the full description: src/reference/istft.ts.
//
//   1. every frame t < nFrames: irfft (rfftInverse, which ignores the imaginary parts of the DC and
//      Nyquist bins as numpy does), times the window, overlap-added at t * hop into `ola`;
//   2. the window-sum-square envelope (librosa.filters.window_sumsquare) is overlap-added into `env`;
//   3. istftNormalize copies ola[offset .. offset + length) / env to the output where env > tiny,
//      zero past the end of the frames (librosa.util.fix_length).
//
// Buffers (f32, pointers from JS): spectra frame-major, frame t's bins at
// specRe/specIm + 4 * t * frameStride (contiguous bins, as rfftInverse wants them);
// ola and env [istftOverlapAddFloats(nFft, hop, nFrames) = nFft + hop * (nFrames - 1)];
// work [istftWorkFloats(nFft)].

import { rfftInverse } from "./fft";

/** Smallest positive normal f32 (librosa.util.tiny for librosa's float32 output). */
const TINY_F32: f32 = 1.1754943508222875e-38;

/** f32 slots of scratch istftOverlapAdd needs: one time-domain frame plus the FFT's work area. */
export function istftWorkFloats(nFft: i32): i32 {
  return 2 * nFft;
}

/** f32 slots of `ola` and of `env`: the span nFrames frames of nFft, hop apart, cover. */
export function istftOverlapAddFloats(nFft: i32, hop: i32, nFrames: i32): i32 {
  return nFft + hop * (nFrames - 1);
}

/** Steps 1 and 2 above; `ola` and `env` are cleared first. */
export function istftOverlapAdd(
  nFft: i32, hop: i32, nFrames: i32, table: usize, window: usize,
  specRe: usize, specIm: usize, frameStride: i32,
  ola: usize, env: usize, work: usize,
): void {
  const total = istftOverlapAddFloats(nFft, hop, nFrames);
  memory.fill(ola, 0, <usize>total << 2);
  memory.fill(env, 0, <usize>total << 2);
  istftAccumulate(nFft, hop, nFrames, table, window, specRe, specIm, frameStride, ola, env, work);
}

/**
 * Steps 1 and 2 for nFrames frames, added to what `ola` and `env` already hold (frame t at
 * t * hop from the pointers given). A caller that produces its spectra a few frames at a time
 * (the phase vocoder in src/wasm/augment.ts) passes each block with the pointers advanced by
 * its first frame times hop: the same additions in the same order as one call over all frames.
 */
export function istftAccumulate(
  nFft: i32, hop: i32, nFrames: i32, table: usize, window: usize,
  specRe: usize, specIm: usize, frameStride: i32,
  ola: usize, env: usize, work: usize,
): void {
  const frame = work;
  const fftWork = work + (<usize>nFft << 2);
  const bytes = <usize>nFft << 2; // nFft is a power of two >= 4: whole f32x4 vectors
  for (let t = 0; t < nFrames; t++) {
    const spec = <usize>t * <usize>frameStride << 2;
    rfftInverse(nFft, table, specRe + spec, specIm + spec, frame, fftWork);
    const o = <usize>t * <usize>hop << 2;
    const yo = ola + o, eo = env + o;
    for (let j: usize = 0; j < bytes; j += 16) {
      const w = v128.load(window + j);
      v128.store(yo + j, f32x4.add(v128.load(yo + j), f32x4.mul(w, v128.load(frame + j))));
      v128.store(eo + j, f32x4.add(v128.load(eo + j), f32x4.mul(w, w)));
    }
  }
}

/**
 * Step 3: out[j] = ola[offset + j] / env[offset + j] (left as is where env <= tiny),
 * for j < length; positions past the overlap-added signal are zeros.
 */
export function istftNormalize(ola: usize, env: usize, total: i32, offset: i32, out: usize, length: i32): void {
  let avail = total - offset;
  if (avail > length) avail = length;
  if (avail < 0) avail = 0;
  const src = ola + (<usize>offset << 2);
  const den = env + (<usize>offset << 2);
  for (let j = 0; j < avail; j++) {
    const o = <usize>j << 2;
    const e = load<f32>(den + o);
    const v = load<f32>(src + o);
    store<f32>(out + o, e > TINY_F32 ? v / e : v);
  }
  if (avail < length) memory.fill(out + (<usize>avail << 2), 0, <usize>(length - avail) << 2);
}
