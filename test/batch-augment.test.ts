/** SpecAugment masks and mixup for sequence batches (src/ml/cnn/batch-augment.ts). */
import { describe, expect, it } from 'vitest';
import { sampleBeta, sampleGamma, sequenceBatchAugment } from '../src/ml/cnn/batch-augment.js';
import { Random } from '../src/util/random.js';

describe('sampleGamma / sampleBeta', () => {
  it('have the right means (shape k: k; Beta(a, a): 1/2) and stay in range', () => {
    const rng = new Random(1);
    for (const k of [0.4, 1, 3]) {
      let sum = 0;
      for (let i = 0; i < 20000; i++) sum += sampleGamma(k, rng);
      expect(sum / 20000).toBeCloseTo(k, 1);
    }
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const b = sampleBeta(0.4, 0.4, rng);
      expect(b).toBeGreaterThanOrEqual(0);
      expect(b).toBeLessThanOrEqual(1);
      sum += b;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
  });
});

describe('sequenceBatchAugment', () => {
  const frames = 20;
  const channels = 6;
  const dim = frames * channels;
  const ones = (rows: number) => new Float32Array(rows * dim).fill(1);

  it('masks whole bands of mel channels and whole spans of frames, nothing else, reproducibly', () => {
    const aug = sequenceBatchAugment({ frames, channels, maskableChannels: 4, specAugment: { masks: 2, maxChannels: 2, maxFrames: 3 }, mixup: 0 });
    const run = (seed: number) => {
      const x = ones(8);
      aug(x, new Float32Array(8 * 3), 8, new Random(seed));
      return x;
    };
    const x = run(4);
    expect(Array.from(x)).toEqual(Array.from(run(4)));
    let masked = 0;
    for (let r = 0; r < 8; r++) {
      for (let t = 0; t < frames; t++) {
        const frame = x.subarray(r * dim + t * channels, r * dim + (t + 1) * channels);
        const zeroFrame = frame.every((v) => v === 0);
        // Channels 4 and 5 are outside the maskable block: zero only when the whole frame is masked.
        if (!zeroFrame) expect(frame[4]! * frame[5]!).toBe(1);
        masked += frame.filter((v) => v === 0).length;
      }
    }
    expect(masked).toBeGreaterThan(0);
    expect(masked).toBeLessThan(8 * dim * 0.6);
  });

  it('mixup blends pairs of examples and their targets with the same weight, keeping each example dominant', () => {
    const aug = sequenceBatchAugment({ frames, channels, maskableChannels: 4, specAugment: null, mixup: 0.4 });
    const rows = 6;
    const x = new Float32Array(rows * dim);
    const y = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      x.fill(r, r * dim, (r + 1) * dim); // example r is the constant r
      y[r * 3 + (r % 3)] = 1;
    }
    aug(x, y, rows, new Random(9));
    for (let r = 0; r < rows; r++) {
      const targets = Array.from(y.subarray(r * 3, r * 3 + 3));
      expect(targets.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(targets[r % 3]).toBeGreaterThanOrEqual(0.5 - 1e-6);
      // x = λ·r + (1 − λ)·j is constant over the row.
      const row = x.subarray(r * dim, (r + 1) * dim);
      expect(row.every((v) => Math.abs(v - row[0]!) < 1e-5)).toBe(true);
    }
  });
});
