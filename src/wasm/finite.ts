/**
 * Finite checks of a signal already copied into WASM memory as float32 (assembly/finite_check.ts,
 * SIMD): what assertSignal (src/dsp/validate.ts) rejects, with its messages, without its JS pass
 * over the samples; plus float64 values beyond the float32 range, which the copy made infinite.
 * Callers check the shape first (assertSignalShape) and call this right after the copy, before
 * any work on the samples.
 */
import { DspError } from '../dsp/errors.js';
import type { Real } from '../dsp/types.js';
import { assertSignal } from '../dsp/validate.js';
import type { WasmCore } from './core.js';

type FirstNonFinite = (ptr: number, n: number) => number;

/** Throws when the float32 copy of `y` at `ptr` holds NaN or ±Infinity. */
export function assertCopiedFinite(core: WasmCore, ptr: number, y: Real, what = 'signal'): void {
  const bad = (core.exports.firstNonFinite as FirstNonFinite)(ptr, y.length);
  if (bad < 0) return;
  assertSignal(y, what); // NaN or Infinity in y itself: the shared message
  throw new DspError(`${what} value ${y[bad]} at sample ${bad} is outside the float32 range`);
}
