/**
 * `ser-wasm/augment`: the paper's seeded augmentations (Gaussian noise, circular shift, time
 * stretch and pitch shift with librosa's phase vocoder), with the float64 reference backend and
 * the WASM one ({@link createWasmAugmentBackend}). Same seed, same samples. Browser-safe.
 *
 * @module ser-wasm/augment
 */
export * from '../augment/index.js';
export { createWasmAugmentBackend, timeStretch, pitchShift, phaseVocoder, istft } from '../wasm/augment.js';
export type { IstftOptions } from '../dsp/istft-geometry.js';
export type { PhaseVocoderOptions, PhaseVocoderPrecision } from '../dsp/phase-vocoder-plan.js';
