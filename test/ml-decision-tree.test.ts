import { describe, expect, it } from 'vitest';
import { DecisionTreeClassifier } from '../src/ml/decision-tree.js';
import { MlError } from '../src/ml/dataset.js';
import { Random } from '../src/util/random.js';

/** Gaussian blobs: class c centred at c·spread on every axis. */
function blobs(n: number, dim: number, nClasses: number, spread: number, seed: number) {
  const rng = new Random(seed);
  const X = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % nClasses;
    for (let j = 0; j < dim; j++) X[i * dim + j] = y[i]! * spread + rng.gaussian();
  }
  return { X, y };
}

describe('DecisionTreeClassifier', () => {
  it('builds the hand-computed tree on a 1-D example', () => {
    // x = 1..6, y = 0 0 1 0 1 1. Gini proxy Σn_c²/n per side at each cut:
    // 1.5 → 3.6, 2.5 → 4.5, 3.5 → 3.33, 4.5 → 4.5, 5.5 → 3.6; the tie goes to the lower cut (2.5).
    // Right node {3,4,5,6} = 1 0 1 1: 3.5 → 2.67, 4.5 → 3, 5.5 → 2.67 → cut 4.5; then {3,4} splits at 3.5.
    const X = Float32Array.from([1, 2, 3, 4, 5, 6]);
    const y = Int32Array.from([0, 0, 1, 0, 1, 1]);
    const t = new DecisionTreeClassifier().fit(X, 6, 1, y, 2).toJSON();
    expect(t.feature).toEqual([0, -1, 0, 0, -1, -1, -1]);
    expect(t.threshold.filter((_, i) => t.feature[i]! >= 0)).toEqual([2.5, 4.5, 3.5]);
    expect(t.left).toEqual([1, -1, 3, 4, -1, -1, -1]);
    expect(t.right).toEqual([2, -1, 6, 5, -1, -1, -1]);
    expect(t.counts).toEqual([3, 3, 2, 0, 1, 3, 1, 1, 0, 1, 1, 0, 0, 2]);
  });

  it('picks the feature with the best Gini split (hand-computed)', () => {
    // Feature 0 separates perfectly at 0.5; feature 1 only partially.
    const X = Float32Array.from([0, 5, 0, 1, 1, 6, 1, 2]);
    const y = Int32Array.from([0, 0, 1, 1]);
    const tree = new DecisionTreeClassifier().fit(X, 4, 2, y, 2);
    const t = tree.toJSON();
    expect(t.feature[0]).toBe(0);
    expect(t.threshold[0]).toBe(0.5);
    expect(tree.nodeCount).toBe(3);
    expect(Array.from(tree.predict(X, 4, 2))).toEqual([0, 0, 1, 1]);
  });

  it('breaks ties between equally good features with the seeded permutation', () => {
    // Both features separate the classes perfectly: which one is used depends only on the seed.
    const X = Float32Array.from([0, 10, 1, 11, 2, 12, 3, 13]);
    const y = Int32Array.from([0, 0, 1, 1]);
    const chosen = (seed: number) => new DecisionTreeClassifier({ seed }).fit(X, 4, 2, y, 2).toJSON().feature[0];
    expect(chosen(5)).toBe(chosen(5));
    expect(new Set(Array.from({ length: 16 }, (_, s) => chosen(s)))).toEqual(new Set([0, 1]));
  });

  it('reaches 100% training accuracy (unlimited depth) on noisy blobs', () => {
    const { X, y } = blobs(600, 12, 7, 0.4, 1);
    const tree = new DecisionTreeClassifier({ seed: 0 }).fit(X, 600, 12, y, 7);
    const pred = tree.predict(X, 600, 12);
    expect(Array.from(pred)).toEqual(Array.from(y));
    const proba = tree.predictProba(X, 600, 12);
    for (let i = 0; i < 600; i++) expect(proba[i * 7 + y[i]!]).toBe(1);
  });

  it('generalises on well-separated blobs', () => {
    const train = blobs(300, 5, 3, 6, 2);
    const test = blobs(90, 5, 3, 6, 3);
    const pred = new DecisionTreeClassifier().fit(train.X, 300, 5, train.y, 3).predict(test.X, 90, 5);
    const correct = pred.reduce((a, p, i) => a + (p === test.y[i] ? 1 : 0), 0);
    expect(correct / 90).toBeGreaterThan(0.95);
  });

  it('is deterministic for a seed and round-trips through JSON', () => {
    const { X, y } = blobs(200, 6, 4, 0.5, 4);
    const a = new DecisionTreeClassifier({ seed: 9 }).fit(X, 200, 6, y, 4);
    const b = new DecisionTreeClassifier({ seed: 9 }).fit(X, 200, 6, y, 4);
    expect(b.toJSON()).toEqual(a.toJSON());
    const restored = DecisionTreeClassifier.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    const probe = blobs(50, 6, 4, 0.5, 5).X;
    expect(Array.from(restored.predictProba(probe, 50, 6))).toEqual(Array.from(a.predictProba(probe, 50, 6)));
  });

  it('stops at maxDepth and on identical rows with different labels', () => {
    const { X, y } = blobs(100, 3, 2, 0.3, 6);
    expect(new DecisionTreeClassifier({ maxDepth: 2 }).fit(X, 100, 3, y, 2).depth).toBeLessThanOrEqual(2);
    const same = new DecisionTreeClassifier().fit(Float32Array.from([1, 1, 1]), 3, 1, Int32Array.from([0, 1, 1]), 2);
    expect(same.nodeCount).toBe(1);
    expect(Array.from(same.predictProba(Float32Array.from([1]), 1, 1))).toEqual([1 / 3, 2 / 3].map(Math.fround));
  });

  it('rejects bad input with MlError', () => {
    const tree = new DecisionTreeClassifier();
    expect(() => tree.predict(new Float32Array(2), 1, 2)).toThrow(/not fitted/);
    expect(() => tree.fit(new Float32Array(4), 2, 2, Int32Array.from([0, 2]), 2)).toThrow(/not a class index/);
    expect(() => tree.fit(Float32Array.from([1, Infinity]), 2, 1, Int32Array.from([0, 1]), 2)).toThrow(MlError);
    tree.fit(Float32Array.from([0, 1]), 2, 1, Int32Array.from([0, 1]), 2);
    expect(() => tree.predict(new Float32Array(4), 2, 2)).toThrow(/fitted on 1 features/);
    expect(() => new DecisionTreeClassifier({ minSamplesSplit: 1 })).toThrow(MlError);
  });
});
