/**
 * What the inverse STFT's two implementations share (src/reference/istft.ts in float64,
 * assembly/istft.ts through src/wasm/augment.ts): the options with librosa.istft's defaults,
 * the request's geometry (frames used, output length, centring offset) and the input check.
 */
import { DspError } from './errors.js';
import type { ComplexMatrix } from './types.js';
import { assertPositiveInt, assertPowerOfTwo } from './validate.js';

export interface IstftOptions {
  /** FFT size; default 2 * (rows - 1), as librosa infers it. */
  nFft?: number;
  /** Hop between frames; default nFft / 4. */
  hopLength?: number;
  /** The STFT was computed with center=True (n_fft/2 padding on both sides); default true. */
  center?: boolean;
  /** Exact output length (librosa's `length`); default: everything the frames cover. */
  length?: number;
}

/** Smallest positive normal float32: librosa.util.tiny for the float32 output librosa produces. */
export const FLOAT32_TINY = 1.1754943508222875e-38;

export interface IstftGeometry {
  nFft: number;
  hopLength: number;
  center: boolean;
  /** Frames actually used (librosa skips frames that cannot reach the requested length). */
  nFrames: number;
  /** Output length in samples. */
  length: number;
  /** Output sample i comes from overlap-add position i + offset (n_fft/2 when centred). */
  offset: number;
}

/** Validates an ISTFT request and works out its geometry (shared by the WASM binding). */
export function istftGeometry(rows: number, cols: number, opts: IstftOptions = {}): IstftGeometry {
  if (!Number.isInteger(rows) || rows < 2) throw new DspError(`istft: the STFT needs at least 2 frequency bins, got ${rows}`);
  if (!Number.isInteger(cols) || cols < 1) throw new DspError(`istft: the STFT has no frames`);
  const nFft = opts.nFft ?? 2 * (rows - 1);
  assertPowerOfTwo(nFft, 'istft: nFft', 4);
  if (rows !== (nFft >> 1) + 1) throw new DspError(`istft: an STFT with nFft ${nFft} has ${(nFft >> 1) + 1} bins, got ${rows}`);
  const hopLength = opts.hopLength ?? Math.floor(nFft / 4);
  assertPositiveInt(hopLength, 'istft: hopLength');
  if (hopLength > nFft) throw new DspError(`istft: hopLength (${hopLength}) must not exceed nFft (${nFft})`);
  const center = opts.center ?? true;
  const offset = center ? nFft >> 1 : 0;
  let nFrames = cols;
  let length: number;
  if (opts.length !== undefined) {
    assertPositiveInt(opts.length, 'istft: length');
    length = opts.length;
    nFrames = Math.min(cols, Math.ceil((length + 2 * offset) / hopLength));
  } else {
    length = nFft + hopLength * (cols - 1) - 2 * offset;
    if (length <= 0) throw new DspError(`istft: ${cols} frame(s) of ${nFft} with center=true give no samples`);
  }
  return { nFft, hopLength, center, nFrames, length, offset };
}

/** Shape and finiteness check for a complex [bins, frames] matrix (shared with the WASM binding). */
export function assertComplexMatrix(D: ComplexMatrix, what: string): void {
  const n = D.rows * D.cols;
  if (D.re.length !== n || D.im.length !== n) {
    throw new DspError(`${what}: re/im hold ${D.re.length}/${D.im.length} values, expected rows*cols = ${n}`);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(D.re[i]!) || !Number.isFinite(D.im[i]!)) {
      throw new DspError(`${what}: non-finite value at bin ${Math.floor(i / D.cols)}, frame ${i % D.cols}`);
    }
  }
}
