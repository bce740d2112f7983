/**
 * Phase-vocoder time scaling of an STFT (librosa.phase_vocoder, librosa 0.10.2), float64
 * reference for the WASM kernel in assembly/phase_vocoder.ts.
 *
 * Algorithm (Flanagan & Golden 1966; librosa's formulation): output frame t reads the input
 * at fractional position s_t = t * rate (s_t < nFrames), with two zero columns appended.
 * For bin k, with c0 = D[k, floor(s)], c1 = D[k, floor(s) + 1], alpha = s - floor(s):
 *   out[k, t]  = ((1 - alpha)|c0| + alpha|c1|) * exp(i * acc_k)
 *   dphase     = angle(c1) - angle(c0) - phi_k,    phi_k = pi * hop * k / (bins - 1)
 *   dphase    -= 2 pi * round(dphase / 2 pi)       (round half to even, as np.round)
 *   acc_k     += phi_k + dphase,                   acc_k starts at angle(D[k, 0]).
 *
 * Precision: librosa runs this on complex64 input, so its phase accumulator is a float32
 * array; at phases of ~1e5 rad (high bins after ~100 frames) one float32 step is ~0.008 rad,
 * which is visible when comparing outputs. `precision: 'float32'` (the default) rounds exactly
 * where librosa's complex64 path rounds (accumulator, angle difference, output), so results
 * can be compared with librosa's closely; 'float64' is the unrounded algorithm.
 *
 * Options, geometry, lengths and the pitch-shift plan are shared with the WASM binding:
 * src/dsp/phase-vocoder-plan.ts.
 */
import {
  TIME_STRETCH_HOP, TIME_STRETCH_N_FFT, assertStretch, phaseVocoderGeometry, planPitchShift, type PhaseVocoderOptions,
  type PhaseVocoderPrecision,
} from '../dsp/phase-vocoder-plan.js';
import { roundHalfEven } from '../dsp/round-half-even.js';
import type { ComplexMatrix, Real } from '../dsp/types.js';
import { assertSignal } from '../dsp/validate.js';
import { assertComplexMatrix, istftReference } from './istft.js';
import { resampleRatioReference } from './resample.js';
import { stft } from './stft.js';

const TWO_PI = 2 * Math.PI;

/** librosa.phase_vocoder(D, rate=rate) on a [bins, frames] row-major matrix. */
export function phaseVocoderReference(D: ComplexMatrix, rate: number, opts: PhaseVocoderOptions = {}): ComplexMatrix<Float64Array> {
  assertComplexMatrix(D, 'phase vocoder');
  const { hopLength, outFrames } = phaseVocoderGeometry(D.rows, D.cols, rate, opts);
  const f32 = (opts.precision ?? 'float32') === 'float32';
  const round = f32 ? Math.fround : (x: number) => x;
  const bins = D.rows;
  const cols = D.cols;
  const outRe = new Float64Array(bins * outFrames);
  const outIm = new Float64Array(bins * outFrames);
  const mag = new Float64Array(cols + 2);
  const phase = new Float64Array(cols + 2);

  // Each bin's recurrence is independent of the others, so run it bin by bin.
  for (let k = 0; k < bins; k++) {
    const row = k * cols;
    for (let j = 0; j < cols; j++) {
      const re = D.re[row + j]!;
      const im = D.im[row + j]!;
      mag[j] = round(Math.hypot(re, im));
      phase[j] = round(Math.atan2(im, re));
    }
    // librosa pads two zero columns: magnitude 0, angle(0) = 0.
    mag[cols] = mag[cols + 1] = 0;
    phase[cols] = phase[cols + 1] = 0;
    const phi = (Math.PI * hopLength * k) / (bins - 1);
    let acc = phase[0]!;
    for (let t = 0; t < outFrames; t++) {
      const step = t * rate;
      const i = Math.floor(step);
      const alpha = step - i;
      const m = (1 - alpha) * mag[i]! + alpha * mag[i + 1]!;
      const o = k * outFrames + t;
      outRe[o] = round(round(Math.cos(acc)) * m);
      outIm[o] = round(round(Math.sin(acc)) * m);
      // In librosa the angle difference of two float32 angles is itself a float32.
      let dphase = round(phase[i + 1]! - phase[i]!) - phi;
      dphase -= TWO_PI * roundHalfEven(dphase / TWO_PI);
      acc = round(acc + (phi + dphase));
    }
  }
  return { re: outRe, im: outIm, rows: bins, cols: outFrames };
}

/**
 * librosa.effects.time_stretch(y, rate=rate): stft (n_fft 2048, hop 512, centred, zero
 * padding) -> phase vocoder (hop 512) -> istft with length round(len(y) / rate).
 * rate > 1 speeds up (shorter), rate < 1 slows down.
 */
export function timeStretchReference(y: Real, rate: number, opts: { precision?: PhaseVocoderPrecision } = {}): Float64Array {
  assertSignal(y);
  const length = assertStretch(y.length, rate);
  const D = stft(y, { nFft: TIME_STRETCH_N_FFT, hopLength: TIME_STRETCH_HOP });
  const stretched = phaseVocoderReference(D, rate, { hopLength: TIME_STRETCH_HOP, precision: opts.precision });
  return istftReference(stretched, { length });
}

/** librosa.util.fix_length for 1-D: truncate or zero-pad at the end. */
export function fixLength<T extends Float32Array | Float64Array>(y: T, size: number): T {
  if (y.length === size) return y;
  const out = new (y.constructor as { new (n: number): T })(size);
  out.set(y.length > size ? y.subarray(0, size) : y);
  return out;
}

/**
 * librosa.effects.pitch_shift(y, sr=sr, n_steps=nSteps, bins_per_octave): time-stretch by
 * rate = 2^(-nSteps / binsPerOctave), resample from sr / rate to sr (the soxr-HQ-class
 * resampler of src/reference/resample.ts), fix the length to len(y).
 */
export function pitchShiftReference(
  y: Real, sr: number, nSteps: number, opts: { binsPerOctave?: number; precision?: PhaseVocoderPrecision } = {},
): Float64Array {
  assertSignal(y);
  const plan = planPitchShift(y.length, sr, nSteps, opts.binsPerOctave ?? 12);
  const stretched = timeStretchReference(y, plan.rate, { precision: opts.precision });
  const resampled = resampleRatioReference(stretched, plan.ratio, plan.resampledLength);
  return fixLength(resampled, y.length);
}
