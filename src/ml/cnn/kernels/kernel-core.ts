/**
 * The build/ser.wasm instance the memory-bound training kernels use
 * (MaxPoolGrad, Sum), set once by initBackend (ml/cnn/backend.ts) when the
 * module loads; null means those kernels run their JS versions.
 *
 * Why ser.wasm and not the kernel threads' shared memory: these kernels move
 * ~20–60 MB per call and compute little, and V8 copies between an ordinary
 * ArrayBuffer (tfjs' heap) and another at ~18 GB/s but into a
 * SharedArrayBuffer at ~6 GB/s (measured, 2-core AMD EPYC), so a second
 * thread cannot win back the slower copies.
 */
import type { WasmCore } from '../../../wasm/core.js';

let core: WasmCore | null = null;

/** Sets (or clears) the module; returns whether it has every kernel these wrappers call. */
export function useKernelCore(candidate: WasmCore | null): boolean {
  const complete = candidate && ['maxPoolGrad1d', 'sumRowsF32'].every((name) => typeof candidate.exports[name] === 'function');
  core = complete ? candidate : null;
  return core !== null;
}

export function kernelCore(): WasmCore | null {
  return core;
}
