/**
 * `ser-wasm/dsp`: the librosa-compatible DSP alone (no TensorFlow.js, no worker pool, no figures):
 * the WASM backend (build/ser.wasm, SIMD) and the float64 JavaScript reference, both implementing
 * {@link DspBackend} (STFT, mel spectrogram, MFCC, ZCR, RMS, delta, YIN/pYIN, trim), plus the
 * WASM resampler and speech-activity detection.
 *
 * Browser-safe: nothing here imports a Node built-in. In Node, {@link loadWasmCore} and
 * `createWasmDsp()` read build/ser.wasm from disk (node:fs is loaded on demand); in a browser,
 * load the module with {@link loadWasmCoreFrom} (the "ser-wasm/wasm" export, served) and use
 * {@link createWasmDspFromCore}.
 *
 *   import { createWasmDsp } from 'ser-wasm/dsp';
 *   const dsp = await createWasmDsp();
 *   const mfcc = dsp.mfcc(y, { sr: 22050, nMfcc: 20 }); // librosa.feature.mfcc, coefficient × frame
 *
 * @module ser-wasm/dsp
 */
import type { WasmCore } from '../wasm/core.js';

export { WasmCore, instantiateWasm, instantiateWasmFromUrl, type SerWasmExports } from '../wasm/core.js';
export { WasmDsp, createWasmDsp, MAX_FFT, type YinTrack, type FrameFeaturesPlan } from '../wasm/dsp.js';
export type { WasmStftPlanes } from '../wasm/stft-planes.js';
export { loadWasmCoreFrom, createWasmDspFromCore, wasmResampler, type WasmSource } from '../browser/wasm.js';
export { resample, resampleRatio } from '../wasm/resample.js';
export { WasmVad, detectSpeech, type VadFeatures } from '../wasm/vad.js';
export { resolveVadOptions, type VadOptions, type ResolvedVad } from '../dsp/vad-options.js';
export { createReferenceDsp, ReferenceDsp } from '../reference/index.js';
export { DspError } from '../dsp/errors.js';
export { DEFAULTS, frameCount } from '../dsp/types.js';
export type {
  ComplexMatrix, DeltaOptions, DspBackend, FrameOptions, Matrix, MelOptions, MelSpectrogramOptions, MfccOptions, PadMode,
  PowerToDbOptions, PyinOptions, PyinResult, Real, StftOptions, TrimOptions, TrimRange, YinOptions,
} from '../dsp/types.js';

// A variable specifier: bundlers leave the Node-only loader out of browser bundles.
const NODE_CORE_LOADER = '../wasm/load-node.js';

/**
 * Node: this thread's shared instance of build/ser.wasm, read from the installed package
 * (node:fs is loaded on first call). In a browser use {@link loadWasmCoreFrom}.
 */
export async function loadWasmCore(): Promise<WasmCore> {
  const loader = (await import(/* @vite-ignore */ NODE_CORE_LOADER)) as typeof import('../wasm/load-node.js');
  return loader.loadWasmCore();
}
