// The lean per-file path gives the same numbers as the one-version-at-a-time path it replaced.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  AUGMENT_VERSIONS, NOTEBOOK_AUGMENT_PARAMS, PAPER_AUGMENT_PARAMS, augmentClip, augmentClipVersions, augmentationSeed,
  referenceAugmentBackend, type AugmentBackend,
} from '../src/augment/index.js';
import { assertSignal } from '../src/dsp/validate.js';
import { Random } from '../src/util/random.js';
import { createWasmAugmentBackend, pitchShift, stretchJobs, timeStretch } from '../src/wasm/augment.js';
import type { WasmCore } from '../src/wasm/core.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { resampleRatio } from '../src/wasm/resample.js';

const SR = 22050;
let core: WasmCore;
let wasm: AugmentBackend;
beforeAll(async () => {
  core = await loadWasmCore();
  wasm = createWasmAugmentBackend(core);
});

function clip(n: number, seed: number): Float32Array {
  const rng = new Random(seed);
  let phase = 0;
  return Float32Array.from({ length: n }, (_, i) => {
    phase += (2 * Math.PI * (150 + 40 * Math.sin(i / 3000))) / SR;
    return 0.4 * Math.sin(phase) * Math.min(1, i / 2000) + 0.01 * rng.gaussian();
  });
}

const bits = (a: ArrayLike<number>) => Array.from(a, (v) => Object.is(v, -0) ? '-0' : String(v));

describe('stretchJobs (one STFT shared by several stretches and pitch shifts)', () => {
  it('gives each job exactly what timeStretch / pitchShift give alone, in any order, odd lengths included', () => {
    for (const n of [55125, 20001, 4097]) {
      const y = clip(n, n);
      const jobs = [
        { kind: 'pitch' as const, sr: SR, nSteps: 1.37 },
        { kind: 'stretch' as const, rate: 0.83 },
        { kind: 'pitch' as const, sr: SR, nSteps: -1.9 },
        { kind: 'stretch' as const, rate: 1.17 },
        { kind: 'pitch' as const, sr: SR, nSteps: 0 },
      ];
      const together = stretchJobs(core, y, jobs);
      jobs.forEach((job, i) => {
        const alone = job.kind === 'stretch' ? timeStretch(core, y, job.rate) : pitchShift(core, y, SR, job.nSteps);
        expect(together[i]!.length, `${job.kind} on ${n} samples`).toBe(alone.length);
        expect(bits(together[i]!)).toEqual(bits(alone));
      });
      expect(together[0]!.length).toBe(n);
    }
  });

  it('a pitch shift resamples the stretched signal in WASM memory exactly as resampleRatio does on a copy', () => {
    const y = clip(30000, 4);
    for (const nSteps of [1.5, -1.5]) {
      const rate = 2 ** (-nSteps / 12);
      const stretched = timeStretch(core, y, rate);
      const ratio = SR / (SR / rate);
      const viaCopy = resampleRatio(core, stretched, ratio, Math.ceil(stretched.length * ratio));
      const expected = new Float32Array(y.length);
      expected.set(viaCopy.subarray(0, y.length));
      expect(bits(pitchShift(core, y, SR, nSteps))).toEqual(bits(expected));
    }
  });

  it('validates every job before any work, and allocates nothing after warm-up', () => {
    const y = clip(8000, 2);
    expect(() => stretchJobs(core, y, [{ kind: 'stretch', rate: 0.9 }, { kind: 'stretch', rate: 0 }])).toThrow(/rate must be a finite number > 0/);
    expect(() => stretchJobs(core, new Float32Array([1, NaN]), [{ kind: 'stretch', rate: 1 }])).toThrow(/non-finite value \(NaN\) at sample 1/);
    expect(stretchJobs(core, y, [])).toEqual([]);
    const rng = new Random(3);
    const round = () => stretchJobs(core, y, [{ kind: 'stretch', rate: rng.range(0.8, 1.2) }, { kind: 'pitch', sr: SR, nSteps: rng.range(-2, 2) }, { kind: 'pitch', sr: SR, nSteps: -rng.range(0, 2) }, { kind: 'pitch', sr: SR, nSteps: rng.range(0, 2) }]);
    round();
    const before = core.memoryBytes;
    for (let i = 0; i < 20; i++) round();
    expect(core.memoryBytes).toBe(before);
  });
});

describe('augmentClipVersions', () => {
  it('gives every version the signal and record augmentClip gives it, for both backends and presets', () => {
    const y = clip(22050, 9);
    for (const backend of [() => wasm, () => referenceAugmentBackend]) {
      for (const params of [PAPER_AUGMENT_PARAMS, NOTEBOOK_AUGMENT_PARAMS]) {
        const b = backend();
        if (b.name === 'js-reference' && params === NOTEBOOK_AUGMENT_PARAMS) continue; // the float64 reference is slow
        const versions = [...AUGMENT_VERSIONS];
        const seeds = versions.map((v) => augmentationSeed(42, 'Actor_01/a.wav', v));
        const batch = augmentClipVersions(versions, y, SR, seeds, params, b);
        versions.forEach((v, i) => {
          const one = augmentClip(v, y, SR, seeds[i]!, params, b);
          expect(batch[i]!.applied, `${b.name} ${v}`).toEqual(one.applied);
          expect(bits(batch[i]!.y), `${b.name} ${v}`).toEqual(bits(one.y));
        });
        expect(batch[0]!.y).toBe(y); // original: the clip itself, no copy
      }
    }
  }, 60_000);

  it('a subset and another order give the same per-version results; mismatched seeds are an error', () => {
    const y = clip(12000, 5);
    const all = augmentClipVersions(['pitch', 'original', 'stretch'], y, SR, [1, 2, 3], PAPER_AUGMENT_PARAMS, wasm);
    const pitchOnly = augmentClipVersions(['pitch'], y, SR, [1], PAPER_AUGMENT_PARAMS, wasm);
    expect(bits(all[0]!.y)).toEqual(bits(pitchOnly[0]!.y));
    expect(() => augmentClipVersions(['noise', 'shift'], y, SR, [1], PAPER_AUGMENT_PARAMS, wasm)).toThrow(/2 versions but 1 seeds/);
  });
});

describe('Random.addScaledGaussian', () => {
  it('draws what a loop over gaussian() draws, spare included, and leaves the generator in the same state', () => {
    for (const [n, primed] of [[1, false], [2, true], [7, true], [1000, false], [1001, true]] as const) {
      const y = Float32Array.from({ length: n }, (_, i) => Math.cos(i));
      const a = new Random(n);
      const b = new Random(n);
      if (primed) {
        a.gaussian();
        b.gaussian();
      }
      const loop = new Float32Array(n);
      for (let i = 0; i < n; i++) loop[i] = y[i]! + 0.02 * a.gaussian();
      const fast = new Float32Array(n);
      b.addScaledGaussian(y, 0.02, fast);
      expect(Array.from(fast)).toEqual(Array.from(loop));
      expect([b.gaussian(), b.nextUint32(), b.uniform()]).toEqual([a.gaussian(), a.nextUint32(), a.uniform()]);
    }
  });
});

describe('assertSignal', () => {
  it('finds the first NaN or Infinity wherever it is, and accepts signed zeros', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 1, 2, 3, 4, 5, 1000, 1002]) {
        const y = new Float32Array(1003).fill(0.5);
        y[at] = bad;
        expect(() => assertSignal(y)).toThrow(`signal contains a non-finite value (${bad}) at sample ${at}`);
      }
    }
    expect(() => assertSignal(Float64Array.from([-0, 0, -1e308, 1e308]))).not.toThrow();
  });
});
