/**
 * Typed views of build/ser.wasm's exports (pointers are byte offsets into linear
 * memory, owned by JS: see core.ts), and the tables several bindings share.
 * One declaration per kernel, so a signature change in assembly/ has one place
 * to follow in TypeScript.
 */
import type { WasmCore } from './core.js';

/** FFT, window and STFT kernels (assembly/fft.ts, window.ts, stft.ts). */
export interface SpectralKernels {
  rfftTableFloats(n: number): number;
  rfftInitTable(n: number, table: number): void;
  hannInit(n: number, out: number): void;
  stftWorkFloats(nFft: number): number;
  stftComplex(
    y: number, n: number, nFft: number, hop: number, nFrames: number, padLeft: number, mode: number,
    window: number, table: number, work: number, outRe: number, outIm: number, binStride: number, frameStride: number,
  ): void;
  rfftForward(n: number, table: number, input: number, outRe: number, outIm: number): void;
  rfftInverse(n: number, table: number, inRe: number, inIm: number, output: number, work: number): void;
  stftPower(
    y: number, n: number, nFft: number, hop: number, nFrames: number, padLeft: number, mode: number,
    window: number, table: number, work: number, power: number, out: number, binStride: number, frameStride: number,
  ): void;
}

/** Feature kernels (assembly/mel.ts, power_to_db.ts, dct.ts, frame_features.ts, finite_check.ts). */
export interface DspKernels extends SpectralKernels {
  melFilterbankBytes(nFft: number, nMels: number): number;
  melInitFilterbank(sr: number, nFft: number, nMels: number, fmin: number, fmax: number, htk: number, slaney: number, fb: number): void;
  melSpectrogramFrames(
    y: number, n: number, nFft: number, hop: number, nFrames: number, padLeft: number, mode: number,
    window: number, table: number, work: number, power: number,
    fb: number, nMels: number, out: number, melStride: number, frameStride: number,
  ): void;
  melWorkFloats(nFft: number): number;
  melFromComplexWorkFloats(nFft: number): number;
  melFromComplexFrames(
    re: number, im: number, planeStride: number, nFrames: number, nFft: number, power: number,
    fb: number, nMels: number, work: number, out: number, melStride: number, frameStride: number,
  ): void;
  powerToDbInPlace(ptr: number, len: number, refDb: number, amin: number, topDb: number): void;
  dctTableBytes(nIn: number, nOut: number): number;
  dctInitBasis(nIn: number, nOut: number, lifter: number, basis: number): void;
  dctFrames(src: number, nFrames: number, nIn: number, basis: number, nOut: number, out: number, coefStride: number, frameStride: number): void;
  rmsWorkBytes(frameLength: number, hop: number, nFrames: number): number;
  rmsFrames(y: number, n: number, frameLength: number, hop: number, nFrames: number, padLeft: number, blocks: number, out: number): void;
  zcrWorkBytes(frameLength: number, hop: number, nFrames: number): number;
  zcrFrames(y: number, n: number, frameLength: number, hop: number, nFrames: number, padLeft: number, blocks: number, out: number): void;
  firstNonFinite(ptr: number, n: number): number;
}

/** Contour kernels for emotion features (assembly/delta.ts, yin.ts, pyin.ts, trim.ts). */
export interface ContourKernels extends SpectralKernels {
  deltaInitWeights(width: number, order: number, weights: number): void;
  deltaRows(data: number, rows: number, cols: number, width: number, weights: number, out: number): void;
  yinWorkBytes(fftSize: number, frameLength: number, maxPeriod: number): number;
  yinFrames(
    y: number, nFrames: number, hop: number, frameLength: number, winLength: number, minPeriod: number, maxPeriod: number,
    sr: number, threshold: number, fftSize: number, table: number, work: number, outF0: number, outAperiodicity: number,
  ): void;
  trimFrames(rms: number, nFrames: number, topDb: number, out: number): void;
  cmndfFrames(
    y: number, nFrames: number, hop: number, frameLength: number, winLength: number, minPeriod: number, maxPeriod: number,
    fftSize: number, table: number, work: number, out: number,
  ): void;
  pyinObservationWorkBytes(lags: number, nBins: number): number;
  pyinObservations(
    cmndf: number, nFrames: number, lags: number, minPeriod: number, sr: number, fmin: number, nBins: number,
    binsPerSemitone: number, thresholds: number, betaProbs: number, nThresholds: number, lambda: number,
    noTroughProb: number, work: number, obs: number, voicedProb: number,
  ): void;
  pyinViterbiWorkBytes(nBins: number): number;
  pyinViterbi(
    obs: number, voicedProb: number, nFrames: number, nBins: number, width: number, stayCol: number, switchCol: number,
    colMax: number, logTiny: number, logInitUnvoiced: number, work: number, ptr: number, states: number,
  ): void;
}

export const CONTOUR_KERNELS: Array<keyof ContourKernels & string> = [
  'rfftTableFloats', 'rfftInitTable', 'rfftForward', 'rfftInverse', 'deltaInitWeights', 'deltaRows', 'yinWorkBytes',
  'yinFrames', 'trimFrames', 'cmndfFrames', 'pyinObservationWorkBytes', 'pyinObservations', 'pyinViterbiWorkBytes',
  'pyinViterbi',
];

/** Augmentation kernels (assembly/phase_vocoder.ts, istft.ts). */
export interface AugmentKernels extends SpectralKernels {
  pvToPolar(re: number, im: number, n: number): void;
  phaseVocoder(
    mag: number, phase: number, stride: number, bins: number, cols: number, rate: number, hop: number,
    acc: number, outRe: number, outIm: number, firstFrame: number, outFrames: number,
  ): void;
  istftWorkFloats(nFft: number): number;
  istftOverlapAddFloats(nFft: number, hop: number, nFrames: number): number;
  istftOverlapAdd(
    nFft: number, hop: number, nFrames: number, table: number, window: number,
    specRe: number, specIm: number, frameStride: number, ola: number, env: number, work: number,
  ): void;
  istftAccumulate(
    nFft: number, hop: number, nFrames: number, table: number, window: number,
    specRe: number, specIm: number, frameStride: number, ola: number, env: number, work: number,
  ): void;
  istftNormalize(ola: number, env: number, total: number, offset: number, out: number, length: number): void;
  addScaledGaussianNoise(yPtr: number, outPtr: number, n: number, relativeAmplitude: number, statePtr: number, workPtr: number): void;
  noiseWorkBytes(): number;
}

/** The exports as `T`, or a clear error naming what a stale build/ser.wasm lacks. */
export function requireKernels<T>(core: WasmCore, names: ReadonlyArray<keyof T & string>, what: string): T {
  const exports = core.exports as unknown as Record<string, unknown>;
  const missing = names.filter((n) => typeof exports[n] !== 'function');
  if (missing.length > 0) {
    throw new Error(`ser-wasm: build/ser.wasm lacks ${what} kernels (${missing.join(', ')}); rebuild with \`npm run build:wasm\``);
  }
  return exports as unknown as T;
}

/** rfft twiddle table for size n (layout in assembly/fft.ts), built once per instance and size. */
export function rfftTable(core: WasmCore, k: SpectralKernels, n: number): number {
  return core.persistent(`rfft:${n}`, k.rfftTableFloats(n) * 4, (ptr) => k.rfftInitTable(n, ptr));
}

/** Periodic Hann window of length n, built once per instance and size. */
export function hannTable(core: WasmCore, k: SpectralKernels, n: number): number {
  return core.persistent(`hann:${n}`, n * 4, (ptr) => k.hannInit(n, ptr));
}
