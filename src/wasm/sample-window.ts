/**
 * The samples a streaming resampler still needs: a run of samples with a global index, grown at
 * the end as chunks arrive and dropped from the front once no later output reads them, so memory
 * stays bounded by what the next outputs need (src/wasm/stream-resample.ts and
 * stream-resample-fft.ts keep their input, and the two-stage stream its first-stage output, here).
 */
import type { WasmCore } from './core.js';

export class SampleWindow {
  private data: Float32Array;
  /** Global index of data[0]. */
  private start = 0;

  /** Starts with `leading` zeros at global indices 0 … leading − 1. */
  constructor(leading = 0) {
    this.data = new Float32Array(leading);
  }

  /** Global index of the first sample held. */
  get first(): number {
    return this.start;
  }

  /** One past the global index of the last sample held. */
  get end(): number {
    return this.start + this.data.length;
  }

  append(x: Float32Array): void {
    const joined = new Float32Array(this.data.length + x.length);
    joined.set(this.data);
    joined.set(x, this.data.length);
    this.data = joined;
  }

  /** Forgets the samples before global index `index`. */
  dropBefore(index: number): void {
    const drop = Math.min(this.data.length, Math.max(0, index - this.start));
    if (drop === 0) return;
    this.data = this.data.slice(drop);
    this.start += drop;
  }

  /**
   * Copies global indices [from, to) into WASM memory at ptr as float32. Past the last sample held
   * it writes zeros when `zerosPastEnd` (a stream's end), and throws otherwise.
   */
  copyTo(core: WasmCore, ptr: number, from: number, to: number, zerosPastEnd: boolean): void {
    const offset = from - this.start;
    if (offset < 0) throw new Error(`resampler: internal error, sample ${from} was already dropped`);
    const have = Math.max(0, Math.min(to, this.end) - from);
    if (have < to - from && !zerosPastEnd) throw new Error('resampler: internal error, a block needs input not yet received');
    const base = ptr >> 2;
    core.f32.set(this.data.subarray(offset, offset + have), base);
    core.f32.fill(0, base + have, base + (to - from));
  }
}
