/**
 * A complex STFT in WASM memory together with the signal it was computed from: what the phase
 * vocoder's analysis (stretchJobs in augment.ts) holds while its scratch frame is open, handed to
 * a callback so that the same signal's own features can reuse the transform instead of
 * recomputing it (WasmDsp.frameFeaturesFromStft). Every pointer is valid only during that
 * callback.
 *
 * Layout: frame-major planes, frame t's `bins` = nFft / 2 + 1 values at re + 4 · t · stride
 * (and im likewise); librosa.stft's framing: periodic Hann window of nFft samples, `hop` apart,
 * the signal padded with `padLeft` zeros on the left ('constant' padding, centred frames).
 */
import type { WasmCore } from './core.js';

export interface WasmStftPlanes {
  readonly core: WasmCore;
  /** The float32 signal (already checked finite) and its length in samples. */
  readonly y: number;
  readonly n: number;
  readonly re: number;
  readonly im: number;
  /** f32 slots from one frame to the next (a multiple of 4, at least bins). */
  readonly stride: number;
  readonly frames: number;
  readonly nFft: number;
  readonly hop: number;
  readonly padLeft: number;
  readonly padMode: 'constant';
}
