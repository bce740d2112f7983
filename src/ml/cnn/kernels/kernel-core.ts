/**
 * The build/ser.wasm instance the single-threaded training kernels use
 * (Conv1D GEMMs and filter gradients, MaxPoolGrad, Sum), set once by initBackend (ml/cnn/backend.ts) when the
 * module loads; null means those kernels run their JS versions.
 *
 * Why ser.wasm and not the kernel threads' shared memory for MaxPoolGrad and Sum: they move
 * ~20–60 MB per call and compute little, and V8 copies between an ordinary
 * ArrayBuffer (tfjs' heap) and another at ~18 GB/s but into a
 * SharedArrayBuffer at ~6 GB/s (measured, 2-core AMD EPYC), so a second
 * thread cannot win back the slower copies.
 */
import type { WasmCore } from '../../../wasm/core.js';

let core: WasmCore | null = null;

/** Exports of build/ser.wasm the kernel wrappers call. */
const REQUIRED = ['gemmF32', 'scatterAddRows', 'conv1dFilterGradK3', 'convFilterGrad1d', 'maxPoolGrad1d', 'sumRowsF32', 'convReluPool1d', 'convReluPoolGrad1d', 'convReluPoolWorkBytes', 'batchNormTrainForward', 'batchNormTrainBackward', 'batchNormTrainWorkBytes'];

/**
 * Sets (or clears) the module; returns whether it has every kernel these
 * wrappers call (a module built from older sources is not used at all, so
 * every kernel then runs its JS or stock version).
 */
export function useKernelCore(candidate: WasmCore | null): boolean {
  const complete = candidate && REQUIRED.every((name) => typeof candidate.exports[name] === 'function');
  core = complete ? candidate : null;
  return core !== null;
}

export function kernelCore(): WasmCore | null {
  return core;
}

/** The module, or an error naming the kernel that needs it (for kernels with no JS fallback). */
export function requireKernelCore(kernel: string): WasmCore {
  if (!core) throw new Error(`${kernel}: build/ser.wasm with the training kernels is not loaded (npm run build:wasm)`);
  return core;
}
