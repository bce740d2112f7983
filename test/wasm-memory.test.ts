import { describe, expect, it } from 'vitest';
import { Random } from '../src/util/random.js';
import { createWasmDsp } from '../src/wasm/dsp.js';

/**
 * Every kernel works in a scratch frame that is released after the call, and cached
 * tables are allocated once per configuration, so after one warm-up call per function
 * linear memory must never grow again, however many calls follow.
 */
describe('WASM memory stays flat after warm-up', () => {
  it('10,000 calls each of mfcc, zeroCrossingRate, rms and stft on a 2.5 s clip do not grow memory', async () => {
    const dsp = await createWasmDsp();
    const rng = new Random(20240611);
    const y = new Float32Array(Math.round(2.5 * 22050)).map(() => rng.range(-0.5, 0.5));
    const calls = {
      mfcc: () => dsp.mfcc(y),
      zeroCrossingRate: () => dsp.zeroCrossingRate(y),
      rms: () => dsp.rms(y),
      stft: () => dsp.stft(y),
    };
    for (const call of Object.values(calls)) call(); // warm-up: tables and scratch high-water mark
    const warm = dsp.core.memoryBytes;
    for (const [name, call] of Object.entries(calls)) {
      for (let i = 0; i < 10_000; i++) call();
      expect(dsp.core.memoryBytes, `after 10,000 ${name} calls`).toBe(warm);
    }
    // results are copies: still valid after all those calls reused the same scratch bytes
    const first = dsp.mfcc(y);
    dsp.stft(y);
    expect(Array.from(first.data)).toEqual(Array.from(dsp.mfcc(y).data));
  }, 240_000);
});
