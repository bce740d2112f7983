import { describe, expect, it } from 'vitest';
import { poolFolds } from '../src/pipeline/evaluate-protocol.js';
import type { ModelResult, ProtocolResult } from '../src/pipeline/results.js';

function fold(confusion: number[][], speakers: string[], trainAccuracy: number): ProtocolResult {
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((s, row, i) => s + row[i]!, 0);
  const m: ModelResult = {
    model: 'knn', trainAccuracy, testAccuracy: correct / total, balancedAccuracy: 0, perClass: [],
    macro: { precision: 0, recall: 0, f1: 0, support: total }, weighted: { precision: 0, recall: 0, f1: 0, support: total },
    confusion, fitSeconds: 1, predictSeconds: 2,
  };
  return { protocol: 'speaker', description: 'speaker', trainRows: 10, testRows: total, trainSpeakers: [], testSpeakers: speakers, models: { knn: m } };
}

describe('poolFolds', () => {
  it('sums confusion matrices and computes metrics over the pooled predictions', () => {
    const pooled = poolFolds([fold([[3, 1], [0, 4]], ['A', 'B'], 1), fold([[1, 1], [2, 0]], ['C', 'D'], 0.5)], ['x', 'y']);
    const knn = pooled.models.knn!;
    expect(knn.confusion).toEqual([[4, 2], [2, 4]]);
    expect(knn.testAccuracy).toBeCloseTo(8 / 12, 12);
    // Class x: precision 4 / (4 + 2), recall 4 / 6.
    expect(knn.perClass[0]).toEqual({ label: 'x', precision: 4 / 6, recall: 4 / 6, f1: 4 / 6, support: 6 });
    expect(knn.trainAccuracy).toBeCloseTo(0.75, 12);
    expect(knn.fitSeconds).toBe(2);
    expect(pooled.testRows).toBe(12);
    expect(pooled.testSpeakers).toEqual(['A', 'B', 'C', 'D']);
    expect(pooled.folds!.map((f) => f.accuracy.knn)).toEqual([7 / 8, 1 / 4]);
  });
});
