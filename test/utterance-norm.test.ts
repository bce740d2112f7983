import { describe, expect, it } from 'vitest';
import { utteranceNormalize, UtteranceNormError } from '../src/features/utterance-norm.js';
import { naturalFrameCount, paperVectorLayout } from '../src/features/frame-major.js';
import { assemblePaperVector } from '../src/features/paper-vector.js';

// Layout of 4 frames × (ZCR, RMS, 2 MFCCs) = 16 values; this clip has 3 real frames, so its
// blocks start at 0, 3 and 6 and the last 4 values are padding:
// [z0 z1 z2 | r0 r1 r2 | m0[0] m1[0] m0[1] m1[1] m0[2] m1[2] | 0 0 0 0].
const ZCR = [0.1, 0.2, 0.3];
const RMS = [0.5, 0.6, 0.7];
const MFCC0 = [1, 2, 6]; // mean 3 → [-2, -1, 3]; population std √(14/3)
const MFCC1 = [4, 4, 4]; // constant → 0 after CMN, no division under CMVN
const row = Float32Array.from([...ZCR, ...RMS, MFCC0[0]!, MFCC1[0]!, MFCC0[1]!, MFCC1[1]!, MFCC0[2]!, MFCC1[2]!, 0, 0, 0, 0]);

describe('utterance (per-clip) MFCC normalisation', () => {
  it('finds the real frames: trailing all-zero frames are padding, zeros inside the clip are not', () => {
    const layout = paperVectorLayout(16, 2);
    expect(naturalFrameCount(row, layout)).toBe(3);
    expect(naturalFrameCount(new Float32Array(16), layout)).toBe(0);
    // Frame 1 all zero but frame 2 not: frame 1 is inside the clip.
    const gap = Float32Array.from(row);
    for (const j of [1, 4, 8, 9]) gap[j] = 0;
    expect(naturalFrameCount(gap, layout)).toBe(3);
    expect(naturalFrameCount(Float32Array.from({ length: 16 }, (_, j) => j + 1), layout)).toBe(4); // no padding: full length
    // A paper vector zero-padded from 5 natural frames to 8.
    const f = {
      zcr: Float64Array.from([0.1, 0.1, 0.2, 0.1, 0.3]),
      rms: Float64Array.from([0.2, 0.3, 0.2, 0.1, 0.1]),
      mfcc: { data: Float64Array.from({ length: 20 * 5 }, (_, i) => -300 + i), rows: 20, cols: 5 },
    };
    expect(naturalFrameCount(assemblePaperVector(f, 8 * 22), paperVectorLayout(8 * 22, 20))).toBe(5);
  });

  it('CMN subtracts each coefficient\'s mean over the real frames and leaves ZCR, RMS and padding alone', () => {
    const out = utteranceNormalize(row, 1, 16, 2, 'mean');
    const expected = [...ZCR, ...RMS, -2, 0, -1, 0, 3, 0, 0, 0, 0, 0];
    expected.forEach((v, j) => expect(out[j]).toBeCloseTo(v, 6));
    expect(row[6]).toBe(1); // input not modified
  });

  it('CMVN also divides by the population standard deviation; a constant coefficient is only centred', () => {
    const out = utteranceNormalize(row, 1, 16, 2, 'meanvar');
    const std = Math.sqrt(14 / 3);
    const expected = [...ZCR, ...RMS, -2 / std, 0, -1 / std, 0, 3 / std, 0, 0, 0, 0, 0];
    expected.forEach((v, j) => expect(out[j]).toBeCloseTo(v, 6));
    // Zero mean and unit variance of MFCC_0 over the real frames.
    const m0 = [out[6]!, out[8]!, out[10]!];
    expect(m0.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 6);
    expect(m0.reduce((a, b) => a + b * b, 0) / 3).toBeCloseTo(1, 6);
  });

  it('works row by row (rows do not influence each other), keeps all-zero rows zero, and \'off\' copies', () => {
    const shifted = row.map((v, j) => (j >= 6 && j < 12 ? v + 10 : v)); // same clip, MFCCs offset by +10
    const X = new Float32Array(48);
    X.set(row, 0);
    X.set(new Float32Array(16), 16);
    X.set(shifted, 32);
    const out = utteranceNormalize(X, 3, 16, 2, 'mean');
    // CMN removes a constant cepstral offset: both clips normalise to the same values.
    expect(Array.from(out.subarray(32, 48))).toEqual(Array.from(out.subarray(0, 16)));
    expect(Array.from(out.subarray(16, 32))).toEqual(new Array(16).fill(0));
    const off = utteranceNormalize(X, 3, 16, 2, 'off');
    expect(off).not.toBe(X);
    expect(Array.from(off)).toEqual(Array.from(X));
  });

  it('rejects unknown modes and tables that are not paper vectors with a named error', () => {
    expect(() => utteranceNormalize(row, 1, 16, 2, 'median' as never)).toThrow(UtteranceNormError);
    expect(() => utteranceNormalize(row, 1, 16, 2, 'median' as never)).toThrow(/one of off, mean, meanvar, got 'median'/);
    expect(() => utteranceNormalize(row, 1, 16, 3, 'mean')).toThrow(/16 values is not frames × 5/);
    expect(() => utteranceNormalize(row, 2, 16, 2, 'mean')).toThrow(/expected 2 rows × 16/);
    expect(() => utteranceNormalize([1, 2] as never, 1, 2, 2, 'mean')).toThrow(/Float32Array/);
  });
});
