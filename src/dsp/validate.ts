import { DspError } from './errors.js';
import type { Real } from './types.js';

// Shared by both backends so that the WASM path and the JS reference reject
// exactly the same inputs with exactly the same messages.

export function assertSignal(y: Real, what = 'signal'): void {
  assertSignalShape(y, what);
  if (allFinite(y)) return;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) {
      throw new DspError(`${what} contains a non-finite value (${v}) at sample ${i}`);
    }
  }
}

/**
 * The checks of {@link assertSignal} that do not read the samples (type, non-empty): for callers
 * that check the values after copying them into WASM memory (src/wasm/finite.ts).
 */
export function assertSignalShape(y: Real, what = 'signal'): void {
  if (!(y instanceof Float32Array || y instanceof Float64Array)) {
    throw new DspError(`${what} must be a Float32Array or Float64Array`);
  }
  if (y.length === 0) throw new DspError(`${what} is empty (0 samples)`);
}

/**
 * True when every value is finite: v · 0 is 0 for finite v and NaN for NaN or ±Infinity, so the
 * sum stays 0 exactly when all are finite (four partial sums, no per-value branch: about twice
 * as fast as a Number.isFinite loop on long signals).
 */
export function allFinite(y: Float32Array | Float64Array): boolean {
  const n = y.length;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    a += y[i]! * 0;
    b += y[i + 1]! * 0;
    c += y[i + 2]! * 0;
    d += y[i + 3]! * 0;
  }
  for (; i < n; i++) a += y[i]! * 0;
  return a + b + c + d === 0;
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

export function assertPadMode(mode: string): void {
  if (mode !== 'constant' && mode !== 'reflect') {
    throw new DspError(`padMode must be 'constant' or 'reflect', got '${mode}'`);
  }
}

/** Without centring, librosa refuses a signal shorter than one frame (util.frame). */
export function assertFrameable(n: number, frameLength: number, center: boolean): void {
  if (!center && n < frameLength) {
    throw new DspError(`signal is too short (${n} samples) for frameLength ${frameLength} with center=false`);
  }
}

export function assertMfccCount(nMfcc: number, nMels: number): void {
  assertPositiveInt(nMfcc, 'nMfcc');
  if (nMfcc > nMels) throw new DspError(`nMfcc (${nMfcc}) must not exceed nMels (${nMels})`);
}

/** Mel band edges: 0 <= fmin < fmax, both finite (fmax above Nyquist is allowed, as in librosa). */
export function assertMelRange(fmin: number, fmax: number): void {
  assertFinite(fmin, 'fmin');
  assertFinite(fmax, 'fmax');
  if (fmin < 0 || fmin >= fmax) throw new DspError(`need 0 <= fmin < fmax, got fmin=${fmin}, fmax=${fmax}`);
}

export function assertPositive(x: number, name: string): void {
  if (!Number.isFinite(x) || x <= 0) throw new DspError(`${name} must be a positive finite number, got ${x}`);
}

/** A Matrix whose data length matches rows * cols and is not empty. */
export function assertMatrix(m: { data: Real; rows: number; cols: number }, what = 'matrix'): void {
  if (!(m.data instanceof Float32Array || m.data instanceof Float64Array)) {
    throw new DspError(`${what} data must be a Float32Array or Float64Array`);
  }
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.cols) || m.rows <= 0 || m.cols <= 0) {
    throw new DspError(`${what} must have positive integer rows and cols, got ${m.rows} x ${m.cols}`);
  }
  if (m.data.length !== m.rows * m.cols) {
    throw new DspError(`${what} has ${m.data.length} values, expected rows * cols = ${m.rows * m.cols}`);
  }
}

export function assertNonNegative(x: number, name: string): void {
  if (!Number.isFinite(x) || x < 0) throw new DspError(`${name} must be a non-negative finite number, got ${x}`);
}
