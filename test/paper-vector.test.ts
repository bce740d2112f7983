import { describe, expect, it } from 'vitest';
import type { DspBackend, Matrix, Real } from '../src/dsp/types.js';
import { DspError } from '../src/dsp/errors.js';
import { createReferenceDsp } from '../src/reference/index.js';
import { createWasmDsp } from '../src/wasm/dsp.js';
import {
  PAPER_RECIPE, assemblePaperVector, makeRecipe, paperVector, paperVectorForRecipe, recipeVectorLength,
} from '../src/features/paper-vector.js';
import { HAVE_LIBROSA, fixtureArray, fixtureSignals } from './helpers/fixtures.js';

/**
 * The vector is ZCR, RMS and MFCC values; its worst error is the MFCC one (fixture README:
 * float32 vs float64 moves MFCC by ~1e-4 absolute), plus float32 storage of values up to ~900.
 */
const VECTOR_ABS_TOL = 5e-4;

const reference = createReferenceDsp();

/** The WASM backend, or null with the reason when build/ser.wasm is missing or does not load. */
async function tryWasmBackend(): Promise<{ dsp: DspBackend | null; reason: string }> {
  try {
    return { dsp: await createWasmDsp(), reason: '' };
  } catch (err) {
    return { dsp: null, reason: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}
const wasm = await tryWasmBackend();
if (!wasm.dsp) console.warn(`[skip] WASM backend unavailable, its paper-vector half is skipped: ${wasm.reason}`);

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** A backend whose per-frame outputs are given verbatim, to check layout and sanitising. */
function fixedBackend(zcr: number[], rms: number[], mfcc: Matrix): DspBackend {
  const fail = (): never => {
    throw new Error('not used by paperVector');
  };
  return {
    name: 'fixed',
    stft: fail,
    spectrogram: fail,
    melFilterbank: fail,
    melSpectrogram: fail,
    powerToDb: fail,
    mfcc: () => mfcc,
    zeroCrossingRate: () => Float64Array.from(zcr),
    rms: () => Float64Array.from(rms),
    delta: fail,
    yin: fail,
    yinAperiodicity: fail,
    pyin: fail,
    trim: fail,
  };
}

describe('recipe', () => {
  it('the paper recipe: 2.5 s from 0.6 s at 22.05 kHz, 108 frames x 22 = 2376', () => {
    expect(PAPER_RECIPE).toMatchObject({ sr: 22050, offset: 0.6, duration: 2.5, nFft: 2048, hopLength: 512, nMfcc: 20, nMels: 128 });
    expect(PAPER_RECIPE.vectorLength).toBe(2376);
    expect(recipeVectorLength(PAPER_RECIPE)).toBe(2376);
    expect(Object.isFrozen(PAPER_RECIPE)).toBe(true);
  });

  it('derives the length from the other fields and validates them', () => {
    expect(makeRecipe({ nMfcc: 40 }).vectorLength).toBe(108 * 42);
    expect(makeRecipe({ sr: 16000, duration: 3 }).vectorLength).toBe((1 + Math.floor(48000 / 512)) * 22);
    expect(makeRecipe({ vectorLength: 1000 }).vectorLength).toBe(1000);
    expect(() => makeRecipe({ nMfcc: 200 })).toThrow(DspError);
    expect(() => makeRecipe({ nFft: 1000 })).toThrow(/nFft must be a power of two/);
    expect(() => makeRecipe({ duration: 0 })).toThrow(/duration/);
  });
});

describe('layout, padding, truncation, non-finite values', () => {
  // 2 frames, 3 MFCCs: mfcc [3, 2] row-major = [c0f0, c0f1, c1f0, c1f1, c2f0, c2f1].
  const mfcc = { data: Float64Array.from([10, 11, 20, 21, 30, 31]), rows: 3, cols: 2 };
  const dsp = fixedBackend([0.1, 0.2], [0.5, 0.6], mfcc);

  it('ZCR of every frame, then RMS of every frame, then mfcc.T flattened', () => {
    const v = paperVector(dsp, new Float32Array(8), { nMfcc: 3, targetLength: null });
    expect(Array.from(v)).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.5, 0.6, 10, 20, 30, 11, 21, 31])));
  });

  it('pads with zeros at the end and truncates', () => {
    const padded = paperVector(dsp, new Float32Array(8), { nMfcc: 3, targetLength: 14 });
    expect(padded.length).toBe(14);
    expect(Array.from(padded.subarray(10))).toEqual([0, 0, 0, 0]);
    const cut = paperVector(dsp, new Float32Array(8), { nMfcc: 3, targetLength: 5 });
    expect(Array.from(cut)).toEqual(Array.from(Float32Array.from([0.1, 0.2, 0.5, 0.6, 10])));
    expect(() => paperVector(dsp, new Float32Array(8), { targetLength: 0 })).toThrow(/targetLength/);
    // Every cut point (inside ZCR, RMS, an MFCC frame) and padding: the natural vector's prefix, then zeros.
    const natural = Array.from(paperVector(dsp, new Float32Array(8), { nMfcc: 3, targetLength: null }));
    for (let n = 1; n <= 14; n++) {
      const v = paperVector(dsp, new Float32Array(8), { nMfcc: 3, targetLength: n });
      expect(Array.from(v), `targetLength ${n}`).toEqual(Array.from({ length: n }, (_, i) => natural[i] ?? 0));
    }
  });

  it('NaN, +-Infinity and values beyond float32 range become 0', () => {
    const bad = { data: Float64Array.from([NaN, 1, Infinity, 2, -Infinity, 1e300]), rows: 3, cols: 2 };
    const v = paperVector(fixedBackend([NaN, 0.2], [0.5, Infinity], bad), new Float32Array(8), { nMfcc: 3, targetLength: null });
    expect(Array.from(v)).toEqual(Array.from(Float32Array.from([0, 0.2, 0.5, 0, 0, 0, 0, 1, 2, 0])));
  });

  it('rejects a signal containing NaN with a DspError', () => {
    const y = new Float32Array(4096);
    y[7] = NaN;
    expect(() => paperVector(reference, y)).toThrow(DspError);
  });

  it('refuses mismatched frame counts', () => {
    expect(() => assemblePaperVector({ zcr: [1, 2] as unknown as Real, rms: new Float64Array(3), mfcc }, null)).toThrow(/frame counts differ/);
  });

  it('uses a backend\'s fused frameFeatures when it has one', () => {
    let calls = 0;
    const fused = Object.assign(fixedBackend([9, 9], [9, 9], mfcc), {
      frameFeatures: (_y: Real, opts: { nMfcc: number }) => {
        calls++;
        expect(opts.nMfcc).toBe(3);
        return { zcr: Float64Array.from([0.1, 0.2]), rms: Float64Array.from([0.5, 0.6]), mfcc };
      },
    });
    const v = paperVector(fused, new Float32Array(8), { nMfcc: 3, targetLength: null });
    expect(calls).toBe(1);
    expect(v[0]).toBeCloseTo(0.1, 6);
  });
});

const BACKENDS: Array<{ label: string; dsp: DspBackend | null }> = [
  { label: 'js-reference', dsp: reference },
  { label: 'wasm', dsp: wasm.dsp },
];

describe.skipIf(!HAVE_LIBROSA)('paper vector vs librosa features.npy / features_padded.npy', () => {
  for (const { label, dsp } of BACKENDS) {
    describe.skipIf(!dsp)(label, () => {
      for (const signal of fixtureSignals()) {
        it(signal, () => {
          const y = fixtureArray(signal, 'y').data as Float32Array;
          const natural = fixtureArray(signal, 'features').data as Float64Array;
          const padded = fixtureArray(signal, 'features_padded').data as Float64Array;

          const ours = paperVector(dsp!, y, { targetLength: null });
          expect(ours.length).toBe(natural.length);
          expect(maxAbsDiff(ours, natural)).toBeLessThanOrEqual(VECTOR_ABS_TOL);

          const fixed = paperVector(dsp!, y);
          expect(fixed.length).toBe(PAPER_RECIPE.vectorLength);
          expect(padded.length).toBe(PAPER_RECIPE.vectorLength);
          expect(maxAbsDiff(fixed, padded)).toBeLessThanOrEqual(VECTOR_ABS_TOL);
          // Everything past the clip's own frames is exact zero padding.
          for (let i = Math.min(natural.length, fixed.length); i < fixed.length; i++) expect(fixed[i]).toBe(0);

          expect(Array.from(paperVectorForRecipe(dsp!, y, PAPER_RECIPE))).toEqual(Array.from(fixed));
        });
      }
    });
  }

  it('short_1s_22050 is a short clip: 18 frames x 22 values, then zeros', () => {
    const y = fixtureArray('short_1s_22050', 'y').data as Float32Array;
    const v = paperVector(reference, y);
    expect(y.length).toBe(8820);
    const used = 18 * 22;
    expect(fixtureArray('short_1s_22050', 'features').shape).toEqual([used]);
    expect(v.subarray(used).every((x) => x === 0)).toBe(true);
    expect(v.subarray(0, used).some((x) => x !== 0)).toBe(true);
  });
});
