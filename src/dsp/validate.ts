import { DspError } from './errors.js';
import type { Real } from './types.js';

// Shared by both backends so that the WASM path and the JS reference reject
// exactly the same inputs with exactly the same messages.

export function assertSignal(y: Real, what = 'signal'): void {
  if (!(y instanceof Float32Array || y instanceof Float64Array)) {
    throw new DspError(`${what} must be a Float32Array or Float64Array`);
  }
  if (y.length === 0) throw new DspError(`${what} is empty (0 samples)`);
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) {
      throw new DspError(`${what} contains a non-finite value (${v}) at sample ${i}`);
    }
  }
}

export function assertPowerOfTwo(n: number, name: string, min = 2, max = 1 << 16): void {
  if (!Number.isInteger(n) || n < min || n > max || (n & (n - 1)) !== 0) {
    throw new DspError(`${name} must be a power of two between ${min} and ${max}, got ${n}`);
  }
}

export function assertPositiveInt(n: number, name: string): void {
  if (!Number.isInteger(n) || n <= 0) throw new DspError(`${name} must be a positive integer, got ${n}`);
}

export function assertFinite(x: number, name: string): void {
  if (!Number.isFinite(x)) throw new DspError(`${name} must be a finite number, got ${x}`);
}
