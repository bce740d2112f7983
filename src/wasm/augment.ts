/**
 * WASM time stretch and pitch shift (librosa.effects.time_stretch / pitch_shift, librosa 0.10.2),
 * plus the phase vocoder and inverse STFT on their own. Kernels: assembly/phase_vocoder.ts,
 * assembly/istft.ts, with the STFT and real FFT of assembly/stft.ts and assembly/fft.ts.
 * Validation and geometry are shared with the float64 reference (src/dsp/phase-vocoder-plan.ts,
 * src/dsp/istft-geometry.ts), so both paths reject the same input with the same DspError.
 *
 * Memory: the FFT twiddle table and the Hann window are cached tables (core.persistent, keys
 * `rfft:<n>` and `hann:<n>`, the same tables the feature kernels use); everything else lives in
 * one scratch frame per call: the signal, the STFT (turned into magnitude/phase in place), the
 * stretched STFT (frame-major, so every frame's bins are contiguous for the inverse FFT), the
 * overlap-add and envelope buffers and the output.
 */
import type { AugmentBackend, StretchJob } from '../augment/index.js';
import { addScaledNoise, assertNoiseAmplitude } from '../augment/noise.js';
import type { Random } from '../util/random.js';

export type { StretchJob } from '../augment/index.js';
import type { ComplexMatrix, Real } from '../dsp/types.js';
import { frameCount } from '../dsp/types.js';
import { assertSignalShape } from '../dsp/validate.js';
import { assertCopiedFinite } from './finite.js';
import { assertComplexMatrix, istftGeometry, type IstftOptions } from '../dsp/istft-geometry.js';
import {
  TIME_STRETCH_HOP, TIME_STRETCH_N_FFT, assertStretch, phaseVocoderGeometry, planPitchShift, type PhaseVocoderOptions,
} from '../dsp/phase-vocoder-plan.js';
import type { WasmCore } from './core.js';
import type { WasmStftPlanes } from './stft-planes.js';
import { hannTable, requireKernels, rfftTable, type AugmentKernels } from './kernels.js';
import { prepareRatio, resampleRatioInScratch } from './resample.js';

/** assembly/stft.ts PAD_CONSTANT: zero padding, librosa >= 0.10's default. */
const PAD_CONSTANT = 0;

const AUGMENT_KERNELS: Array<keyof AugmentKernels & string> = [
  'rfftTableFloats', 'rfftInitTable', 'hannInit', 'stftWorkFloats', 'stftComplex', 'pvToPolar', 'phaseVocoder',
  'istftWorkFloats', 'istftOverlapAddFloats', 'istftOverlapAdd', 'istftAccumulate', 'istftNormalize', 'addScaledGaussianNoise', 'noiseWorkBytes',
];

function kernels(core: WasmCore): AugmentKernels {
  return requireKernels<AugmentKernels>(core, AUGMENT_KERNELS, 'augmentation');
}

/** Bins of one frame padded to whole f32x4 vectors (frame-major planes; every frame 16-byte aligned). */
function alignedBins(bins: number): number {
  return (bins + 3) & ~3;
}

/**
 * Copies a [bins, frames] matrix into WASM memory frame-major (frame t's bins at float index
 * t * stride), padding lanes zeroed: the layout the vocoder and the inverse FFT work on.
 */
function writeFrameMajor(core: WasmCore, D: ComplexMatrix, rePtr: number, imPtr: number, stride: number, frames: number): void {
  const f32 = core.f32;
  f32.fill(0, rePtr >> 2, (rePtr >> 2) + stride * frames);
  f32.fill(0, imPtr >> 2, (imPtr >> 2) + stride * frames);
  for (let t = 0; t < frames; t++) {
    const r = (rePtr >> 2) + t * stride;
    const i = (imPtr >> 2) + t * stride;
    for (let b = 0; b < D.rows; b++) {
      f32[r + b] = D.re[b * D.cols + t]!;
      f32[i + b] = D.im[b * D.cols + t]!;
    }
  }
}

/** Reads a frame-major [frames, stride] pair of planes back as a [bins, frames] matrix. */
function readBinMajor(core: WasmCore, rePtr: number, imPtr: number, stride: number, bins: number, frames: number): ComplexMatrix<Float32Array> {
  const f32 = core.f32;
  const re = new Float32Array(bins * frames);
  const im = new Float32Array(bins * frames);
  for (let t = 0; t < frames; t++) {
    const r = (rePtr >> 2) + t * stride;
    const i = (imPtr >> 2) + t * stride;
    for (let b = 0; b < bins; b++) {
      re[b * frames + t] = f32[r + b]!;
      im[b * frames + t] = f32[i + b]!;
    }
  }
  return { re, im, rows: bins, cols: frames };
}

/**
 * librosa.phase_vocoder(D, rate=rate) in WASM, librosa's complex64 precision (see
 * assembly/phase_vocoder.ts). D is [bins, frames]; the result is [bins, ceil(frames / rate)].
 */
export function phaseVocoder(core: WasmCore, D: ComplexMatrix, rate: number, opts: Omit<PhaseVocoderOptions, 'precision'> = {}): ComplexMatrix<Float32Array> {
  assertComplexMatrix(D, 'phase vocoder');
  const { hopLength, outFrames } = phaseVocoderGeometry(D.rows, D.cols, rate, opts);
  const k = kernels(core);
  const bins = D.rows;
  const stride = alignedBins(bins);
  return core.scratch((alloc) => {
    const mag = alloc(stride * D.cols * 4);
    const phase = alloc(stride * D.cols * 4);
    const acc = alloc(stride * 4);
    const outRe = alloc(stride * outFrames * 4);
    const outIm = alloc(stride * outFrames * 4);
    writeFrameMajor(core, D, mag, phase, stride, D.cols);
    k.pvToPolar(mag, phase, stride * D.cols);
    k.phaseVocoder(mag, phase, stride, bins, D.cols, rate, hopLength, acc, outRe, outIm, 0, outFrames);
    return readBinMajor(core, outRe, outIm, stride, bins, outFrames);
  });
}

/**
 * Overlap-add inverse of a frame-major stretched STFT already in WASM memory, then the
 * envelope division and length fix; returns a pointer to `length` f32 in the current frame.
 */
function inverseInScratch(
  core: WasmCore, k: AugmentKernels, alloc: (bytes: number) => number, table: number, window: number,
  specRe: number, specIm: number, stride: number, g: { nFft: number; hopLength: number; nFrames: number; length: number; offset: number },
): number {
  const total = k.istftOverlapAddFloats(g.nFft, g.hopLength, g.nFrames);
  const ola = alloc(total * 4);
  const env = alloc(total * 4);
  const work = alloc(k.istftWorkFloats(g.nFft) * 4);
  const out = alloc(g.length * 4);
  k.istftOverlapAdd(g.nFft, g.hopLength, g.nFrames, table, window, specRe, specIm, stride, ola, env, work);
  k.istftNormalize(ola, env, total, g.offset, out, g.length);
  return out;
}

/** Output frames the phase vocoder makes per block before the inverse STFT consumes them. */
const VOCODER_BLOCK_FRAMES = 8;

/**
 * Phase vocoder then inverse STFT, a block of frames at a time: each block's spectra (2 × 8
 * frames × stride floats, ~66 KB at n_fft 2048) are inverted while still in cache instead of
 * writing and re-reading every frame's spectrum (~1 MB for a 2.5 s clip). The same arithmetic
 * in the same order as vocoding every frame first (assembly/phase_vocoder.ts, istft.ts).
 */
function vocodeAndInvert(
  core: WasmCore, k: AugmentKernels, alloc: (bytes: number) => number, table: number, window: number,
  mag: number, phase: number, stride: number, bins: number, cols: number, rate: number,
  g: { nFft: number; hopLength: number; nFrames: number; length: number; offset: number },
): number {
  const acc = alloc(stride * 4);
  const re = alloc(stride * VOCODER_BLOCK_FRAMES * 4);
  const im = alloc(stride * VOCODER_BLOCK_FRAMES * 4);
  const total = k.istftOverlapAddFloats(g.nFft, g.hopLength, g.nFrames);
  const ola = alloc(total * 4);
  const env = alloc(total * 4);
  const work = alloc(k.istftWorkFloats(g.nFft) * 4);
  const out = alloc(g.length * 4);
  core.f32.fill(0, ola >> 2, (ola >> 2) + total);
  core.f32.fill(0, env >> 2, (env >> 2) + total);
  for (let first = 0; first < g.nFrames; first += VOCODER_BLOCK_FRAMES) {
    const count = Math.min(VOCODER_BLOCK_FRAMES, g.nFrames - first);
    k.phaseVocoder(mag, phase, stride, bins, cols, rate, g.hopLength, acc, re, im, first, count);
    const at = first * g.hopLength * 4;
    k.istftAccumulate(g.nFft, g.hopLength, count, table, window, re, im, stride, ola + at, env + at, work);
  }
  k.istftNormalize(ola, env, total, g.offset, out, g.length);
  return out;
}

/** librosa.istft(D, ...) in WASM (periodic Hann, win_length = nFft); D is [bins, frames]. */
export function istft(core: WasmCore, D: ComplexMatrix, opts: IstftOptions = {}): Float32Array {
  assertComplexMatrix(D, 'istft');
  const g = istftGeometry(D.rows, D.cols, opts);
  const k = kernels(core);
  const table = rfftTable(core, k, g.nFft);
  const window = hannTable(core, k, g.nFft);
  const bins = D.rows;
  const stride = alignedBins(bins);
  return core.scratch((alloc) => {
    const re = alloc(stride * g.nFrames * 4);
    const im = alloc(stride * g.nFrames * 4);
    // Frame-major: the inverse FFT wants each frame's bins contiguous.
    writeFrameMajor(core, D, re, im, stride, g.nFrames);
    const out = inverseInScratch(core, k, alloc, table, window, re, im, stride, g);
    return core.readF32(out, g.length);
  });
}

/**
 * Time stretches and pitch shifts of one signal with one analysis: the STFT of y (2048, hop
 * 512, centred, zero padding) and its polar form are computed once, then each job runs the phase
 * vocoder at its rate and the inverse STFT; a pitch job then resamples the stretched signal
 * without it leaving WASM memory. Every output is bit-identical to {@link timeStretch} /
 * {@link pitchShift} called alone (the same kernels on the same numbers); the saving is the
 * shared STFT and polar step, one validation of y, and two copies per pitch shift. Jobs are
 * validated before any work. `onAnalysis`, when given, receives the analysis STFT of y (and y)
 * in WASM memory before the jobs run, valid during the call (see stft-planes.ts).
 */
export function stretchJobs(core: WasmCore, y: Real, jobs: readonly StretchJob[], onAnalysis?: (stft: WasmStftPlanes) => void): Float32Array[] {
  assertSignalShape(y); // the samples are checked in WASM right after the copy below
  const nFft = TIME_STRETCH_N_FFT;
  const hop = TIME_STRETCH_HOP;
  const bins = (nFft >> 1) + 1;
  const cols = frameCount(y.length, nFft, hop, true);
  const plans = jobs.map((job) => {
    if (job.kind === 'stretch') {
      const length = assertStretch(y.length, job.rate);
      return { rate: job.rate, length, pitch: null };
    }
    const pitch = planPitchShift(y.length, job.sr, job.nSteps, job.binsPerOctave ?? 12);
    return { rate: pitch.rate, length: pitch.stretchedLength, pitch };
  });
  if (plans.length === 0) return [];
  const k = kernels(core);
  const table = rfftTable(core, k, nFft);
  const window = hannTable(core, k, nFft);
  // Cached tables must exist before the scratch frame opens.
  const ratioPlans = plans.map((p) => (p.pitch && p.pitch.ratio !== 1 ? prepareRatio(core, p.pitch.ratio) : null));
  return core.scratch((alloc) => {
    const stride = alignedBins(bins);
    const mag = alloc(stride * cols * 4);
    const phase = alloc(stride * cols * 4);
    core.scratch((inner) => {
      const yPtr = inner(y.length * 4);
      core.writeF32(yPtr, y);
      assertCopiedFinite(core, yPtr, y);
      const stftWork = inner(k.stftWorkFloats(nFft) * 4);
      // Frame-major STFT; the padding lanes past `bins` must be zeros (they run through the vocoder too).
      core.f32.fill(0, mag >> 2, (mag >> 2) + stride * cols);
      core.f32.fill(0, phase >> 2, (phase >> 2) + stride * cols);
      k.stftComplex(yPtr, y.length, nFft, hop, cols, nFft >> 1, PAD_CONSTANT, window, table, stftWork, mag, phase, 1, stride);
      onAnalysis?.({ core, y: yPtr, n: y.length, re: mag, im: phase, stride, frames: cols, nFft, hop, padLeft: nFft >> 1, padMode: 'constant' });
    });
    k.pvToPolar(mag, phase, stride * cols);
    return plans.map((p, j) =>
      core.scratch((inner) => {
        const { outFrames } = phaseVocoderGeometry(bins, cols, p.rate, { nFft, hopLength: hop });
        // Only the frames that reach the output are inverted (librosa.istft with `length`), and the
        // vocoder's recurrence runs forward in time, so it only needs to produce those.
        const g = istftGeometry(bins, outFrames, { nFft, hopLength: hop, length: p.length });
        const out = vocodeAndInvert(core, k, inner, table, window, mag, phase, stride, bins, cols, p.rate, g);
        if (!p.pitch) return core.readF32(out, p.length);
        // librosa resamples from orig_sr = sr / rate to sr; its ratio is sr / orig_sr in float64, and
        // its output length ceil(n · ratio) is resampledLength (src/wasm/resample.ts; a new ratio
        // per clip builds no new cached table).
        const { ratio, resampledLength } = p.pitch;
        const n = Math.min(resampledLength, y.length); // fix_length(len(y)): extra samples are dropped
        const shifted = new Float32Array(y.length);
        if (ratio === 1) {
          shifted.set(core.f32.subarray(out >> 2, (out >> 2) + Math.min(n, p.length)));
        } else {
          const res = inner(resampledLength * 4);
          resampleRatioInScratch(core, ratioPlans[j]!, inner, out, p.length, ratio, resampledLength, res);
          shifted.set(core.f32.subarray(res >> 2, (res >> 2) + n));
        }
        return shifted;
      }),
    );
  });
}

/**
 * librosa.effects.time_stretch(y, rate=rate): stft (2048, hop 512, centred, zero padding) ->
 * phase vocoder -> istft(length = round(len / rate)), all in one scratch frame.
 */
export function timeStretch(core: WasmCore, y: Real, rate: number): Float32Array {
  return stretchJobs(core, y, [{ kind: 'stretch', rate }])[0]!;
}

/**
 * librosa.effects.pitch_shift(y, sr=sr, n_steps=nSteps, bins_per_octave): time stretch by
 * 2^(-nSteps / binsPerOctave), resample from sr / rate to sr (soxr-HQ-class resampler at the
 * exact real ratio), fix the length to len(y).
 */
export function pitchShift(core: WasmCore, y: Real, sr: number, nSteps: number, binsPerOctave = 12): Float32Array {
  return stretchJobs(core, y, [{ kind: 'pitch', sr, nSteps, binsPerOctave }])[0]!;
}

/** The WASM implementation of the recipe's {@link AugmentBackend}. */
export function createWasmAugmentBackend(core: WasmCore): AugmentBackend {
  return {
    name: 'wasm',
    timeStretch: (y, rate) => timeStretch(core, y, rate),
    pitchShift: (y, sr, nSteps, binsPerOctave = 12) => pitchShift(core, y, sr, nSteps, binsPerOctave),
    stretchJobs: (y, jobs, onAnalysis) => stretchJobs(core, y, jobs, onAnalysis as ((stft: WasmStftPlanes) => void) | undefined),
    addScaledNoise: (y, relativeAmplitude, rng) => addScaledNoiseWasm(core, y, relativeAmplitude, rng),
  };
}

/** Bytes of the generator state block of assembly/gaussian_noise.ts: 4 u32 words, the spare f64, its flag. */
const NOISE_STATE_BYTES = 32;

/**
 * src/augment/noise.ts addScaledNoise in WASM: the same samples bit for bit and `rng` advanced
 * exactly as the JS loop advances it (assembly/gaussian_noise.ts). float64 input goes to the JS
 * loop (the kernel reads float32).
 */
export function addScaledNoiseWasm(core: WasmCore, y: Real, relativeAmplitude: number, rng: Random): Float32Array {
  if (!(y instanceof Float32Array)) return addScaledNoise(y, relativeAmplitude, rng);
  assertSignalShape(y); // the samples are checked in WASM right after the copy below, then the amplitude (JS's order)
  const k = kernels(core);
  return core.scratch((alloc) => {
    const state = alloc(NOISE_STATE_BYTES);
    const yPtr = alloc(y.length * 4);
    const out = alloc(y.length * 4);
    const work = alloc(k.noiseWorkBytes());
    const { words, spare } = rng.getState();
    const view = new DataView(core.exports.memory.buffer);
    words.forEach((w, i) => view.setUint32(state + 4 * i, w, true));
    view.setFloat64(state + 16, spare ?? 0, true);
    view.setInt32(state + 24, spare === null ? 0 : 1, true);
    core.writeF32(yPtr, y);
    assertCopiedFinite(core, yPtr, y);
    assertNoiseAmplitude(relativeAmplitude);
    k.addScaledGaussianNoise(yPtr, out, y.length, relativeAmplitude, state, work);
    const after = new DataView(core.exports.memory.buffer);
    rng.setState({
      words: [0, 1, 2, 3].map((i) => after.getUint32(state + 4 * i, true)) as [number, number, number, number],
      spare: after.getInt32(state + 24, true) === 0 ? null : after.getFloat64(state + 16, true),
    });
    return core.readF32(out, y.length);
  });
}
