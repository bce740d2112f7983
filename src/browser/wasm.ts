/**
 * Loading build/ser.wasm in a browser or Web Worker (no file system): from a URL, a fetch
 * Response or the bytes, then the DSP backend and the resampler bound to that instance.
 */
import type { Resampler } from '../audio/load.js';
import { instantiateWasm, instantiateWasmFromUrl, type WasmCore } from '../wasm/core.js';
import { WasmDsp } from '../wasm/dsp.js';
import { resample } from '../wasm/resample.js';

/** Where the module comes from: its URL (e.g. the package's "ser-wasm/wasm" export resolved by a bundler), a Response, or its bytes. */
export type WasmSource = string | URL | Response | BufferSource;

/** Instantiates build/ser.wasm from `source`. Every call makes a new instance (use one per worker). */
export async function loadWasmCoreFrom(source: WasmSource): Promise<WasmCore> {
  if (typeof source === 'string' || source instanceof URL) return instantiateWasmFromUrl(source);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (!source.ok) throw new Error(`ser-wasm: could not fetch ${source.url}: HTTP ${source.status}`);
    return instantiateWasm(await source.arrayBuffer());
  }
  return instantiateWasm(source as BufferSource);
}

/** The WASM DSP backend on an instance the caller loaded (createWasmDsp's Node default reads from disk). */
export function createWasmDspFromCore(core: WasmCore): WasmDsp {
  return new WasmDsp(core);
}

/** The WASM resampler on `core`, in the shape loadAudioBytes takes as its `resampler` option. */
export function wasmResampler(core: WasmCore): Resampler {
  return (y, srIn, srOut) => resample(core, y, srIn, srOut);
}
