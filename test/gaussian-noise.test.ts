// The WASM noise loop (assembly/gaussian_noise.ts) against the JS generator it replaces
// (src/util/random.ts, src/augment/noise.ts): the same samples bit for bit, the generator left in
// the same state (spare Gaussian included), and its natural log equal to Math.log to the bit.
import { beforeAll, describe, expect, it } from 'vitest';
import { addScaledNoise } from '../src/augment/noise.js';
import { Random } from '../src/util/random.js';
import { addScaledNoiseWasm } from '../src/wasm/augment.js';
import type { WasmCore } from '../src/wasm/core.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { gaussian } from './helpers/arrays.js';

let core: WasmCore;
beforeAll(async () => {
  core = await loadWasmCore();
});

describe('noise augmentation in WASM', () => {
  it('its log is Math.log to the bit on the polar method\'s domain (1e6 draws in (0, 1) plus edge values)', () => {
    const vectorLog = core.exports.noiseLog as (x: number, y: number, lane: number) => number;
    const other = [0.5, 2 ** -40, 1 - 2 ** -21]; // the other lane's value must not matter
    let turn = 0;
    const log = (x: number): number => {
      const y = other[turn++ % other.length]!;
      const a = vectorLog(x, y, 0);
      return Object.is(a, vectorLog(y, x, 1)) ? a : NaN;
    };
    const rng = new Random(5);
    const edges = [2 ** -62, 2 ** -31, 0.5, Math.SQRT1_2, Math.SQRT1_2 * (1 + 2 ** -52), 1 - 2 ** -53, 1 - 2 ** -20, 0.75, 1e-300, 1 - 2 ** -30];
    let mismatches = 0;
    const check = (x: number): void => {
      if (!Object.is(log(x), Math.log(x))) mismatches++;
    };
    edges.forEach(check);
    for (let i = 0; i < 1_000_000; i++) {
      const u = 2 * rng.uniform() - 1;
      const v = 2 * rng.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) check(s);
    }
    for (let i = 0; i < 100_000; i++) check(rng.uniform() * 2 ** -rng.int(0, 60) + 2 ** -1000);
    expect(mismatches).toBe(0);
  });

  it('gives addScaledNoise\'s samples bit for bit and leaves the generator in the same state (odd and even lengths, pending spare)', () => {
    for (const [n, seed] of [[1, 1], [2, 2], [999, 3], [55125, 4], [4096, 5]] as const) {
      const y = gaussian(n, seed, 0.3);
      for (const amplitude of [0.005, 0.035, 0]) {
        const a = new Random(seed * 7 + 1);
        const b = new Random(seed * 7 + 1);
        if (seed % 2 === 1) { a.gaussian(); b.gaussian(); } // start with a spare pending
        const js = addScaledNoise(y, amplitude, a);
        const wasm = addScaledNoiseWasm(core, y, amplitude, b);
        expect(wasm).toEqual(js);
        expect(b.getState()).toEqual(a.getState());
        expect(b.gaussian()).toBe(a.gaussian());
        expect(b.nextUint32()).toBe(a.nextUint32());
      }
    }
  });

  it('rejects what addScaledNoise rejects, with the same messages', () => {
    const rng = new Random(1);
    expect(() => addScaledNoiseWasm(core, Float32Array.of(0.1, NaN), 0.005, rng)).toThrow(/non-finite|NaN/i);
    expect(() => addScaledNoiseWasm(core, Float32Array.of(0.1), -1, rng)).toThrow(/amplitude must be a finite number >= 0/);
    expect(() => addScaledNoiseWasm(core, new Float32Array(0), 0.005, rng)).toThrow();
  });

  it('allocates nothing new across calls', () => {
    const y = gaussian(30000, 9, 0.3);
    const rng = new Random(3);
    addScaledNoiseWasm(core, y, 0.005, rng);
    const bytes = core.memoryBytes;
    for (let i = 0; i < 50; i++) addScaledNoiseWasm(core, y, 0.005, rng);
    expect(core.memoryBytes).toBe(bytes);
  });
});
