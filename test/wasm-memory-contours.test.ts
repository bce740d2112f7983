import { describe, expect, it } from 'vitest';
import { Random } from '../src/util/random.js';
import { createWasmDsp } from '../src/wasm/dsp.js';

/**
 * delta, yin (+ aperiodicity), pyin and trim work in a scratch frame released after each call
 * and cache only their per-configuration tables (delta weights, the rfft table, pyin's priors
 * and transition band), so after one
 * warm-up call linear memory must not grow, however many calls follow (as for the other
 * kernels in wasm-memory.test.ts).
 */
describe('WASM memory stays flat after warm-up: delta, yin, pyin, trim', () => {
  it('10,000 calls each of delta, yinTrack, pyin (0.25 s) and trim on a 2.5 s clip do not grow memory', async () => {
    const dsp = await createWasmDsp();
    const rng = new Random(20251128);
    const sr = 22050;
    const y = Float32Array.from({ length: Math.round(2.5 * sr) }, (_, i) =>
      0.3 * Math.sin((2 * Math.PI * 150 * i) / sr) + rng.range(-0.05, 0.05));
    const mfcc = dsp.mfcc(y);
    const short = y.subarray(0, Math.round(0.25 * sr));
    const calls = {
      delta: () => dsp.delta(mfcc),
      deltaDelta: () => dsp.delta(mfcc, { order: 2 }),
      yinTrack: () => dsp.yinTrack(y, { fmin: 60, fmax: 500, sr }),
      // a 0.25 s clip keeps 10,000 decodings (~2 ms each) affordable; scratch use scales with length alone
      pyin: () => dsp.pyin(short, { fmin: 60, fmax: 500, sr }),
      trim: () => dsp.trim(y),
    };
    // warm-up, twice: the first round caches the tables (pyin's sit above the scratch base, which
    // moves the base up once), the second reaches every call's scratch high-water mark
    for (let round = 0; round < 2; round++) for (const call of Object.values(calls)) call();
    const warm = dsp.core.memoryBytes;
    for (const [name, call] of Object.entries(calls)) {
      for (let i = 0; i < 10_000; i++) call();
      expect(dsp.core.memoryBytes, `after 10,000 ${name} calls`).toBe(warm);
    }
    // results are copies: still valid after the scratch bytes were reused
    const first = dsp.yin(y, { fmin: 60, fmax: 500, sr });
    dsp.delta(mfcc);
    expect(Array.from(first)).toEqual(Array.from(dsp.yin(y, { fmin: 60, fmax: 500, sr })));
  }, 300_000);
});
