import { describe, expect, it } from 'vitest';
import { accuracy, balancedAccuracy, classificationMetrics, confusionMatrix } from '../src/ml/metrics.js';
import { classificationReport, formatClassificationReport, formatConfusionMatrix, formatFixed } from '../src/ml/classification-report.js';
import { MlError } from '../src/ml/dataset.js';

describe('metrics', () => {
  it('confusion matrix is [true][pred] (sklearn.metrics.confusion_matrix docs example)', () => {
    expect(confusionMatrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2], 3)).toEqual([
      [2, 0, 0],
      [0, 0, 1],
      [1, 0, 2],
    ]);
  });

  it('balanced accuracy (sklearn docs example: 0.625)', () => {
    expect(balancedAccuracy([0, 1, 0, 0, 1, 0], [0, 1, 0, 0, 0, 1], 2)).toBeCloseTo(0.625, 15);
  });

  it('per-class, macro and weighted scores (hand-computed, classification_report docs example)', () => {
    const m = classificationMetrics([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3);
    expect(m.accuracy).toBe(0.6);
    expect(accuracy([0, 1, 2, 2, 2], [0, 0, 2, 2, 1])).toBe(0.6);
    expect(m.support).toEqual([1, 1, 3]);
    // class 0: TP 1, FP 1 → P 1/2, R 1; class 1: TP 0 → 0, 0, F1 0 (zero-division → 0); class 2: P 1, R 2/3, F1 0.8
    expect(m.precision).toEqual([0.5, 0, 1]);
    expect(m.recall[0]).toBe(1);
    expect(m.recall[1]).toBe(0);
    expect(m.recall[2]).toBeCloseTo(2 / 3, 15);
    expect(m.f1[0]).toBeCloseTo(2 / 3, 15);
    expect(m.f1[1]).toBe(0);
    expect(m.f1[2]).toBeCloseTo(0.8, 15);
    expect(m.macro.precision).toBeCloseTo(0.5, 15);
    expect(m.macro.recall).toBeCloseTo((1 + 0 + 2 / 3) / 3, 15);
    expect(m.macro.f1).toBeCloseTo((2 / 3 + 0 + 0.8) / 3, 15);
    expect(m.weighted.precision).toBeCloseTo((0.5 + 0 + 3) / 5, 15);
    expect(m.weighted.recall).toBeCloseTo(0.6, 15);
    expect(m.weighted.f1).toBeCloseTo((2 / 3 + 0 + 2.4) / 5, 15);
    expect(m.balancedAccuracy).toBeCloseTo((1 + 0 + 2 / 3) / 3, 15);
  });

  it('a class absent from both y_true and y_pred scores 0 and is left out of balanced accuracy', () => {
    const m = classificationMetrics([0, 1], [0, 1], 3);
    expect(m.precision).toEqual([1, 1, 0]);
    expect(m.support).toEqual([1, 1, 0]);
    expect(m.macro.f1).toBeCloseTo(2 / 3, 15);
    expect(m.weighted.f1).toBe(1);
    expect(m.balancedAccuracy).toBe(1);
  });

  it('rejects bad labels', () => {
    expect(() => classificationMetrics([0, 1], [0], 2)).toThrow(/2 labels but yPred has 1/);
    expect(() => classificationMetrics([0, 5], [0, 1], 2)).toThrow(MlError);
    expect(() => classificationMetrics([], [], 2)).toThrow(/at least one sample/);
  });
});

describe('report', () => {
  it('prints exactly like sklearn.metrics.classification_report (its docs example)', () => {
    const m = classificationMetrics([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], 3);
    const expected = [
      '              precision    recall  f1-score   support',
      '',
      '     class 0       0.50      1.00      0.67         1',
      '     class 1       0.00      0.00      0.00         1',
      '     class 2       1.00      0.67      0.80         3',
      '',
      '    accuracy                           0.60         5',
      '   macro avg       0.50      0.56      0.49         5',
      'weighted avg       0.70      0.60      0.61         5',
      '',
    ].join('\n');
    expect(formatClassificationReport(m, ['class 0', 'class 1', 'class 2'])).toBe(expected);
    expect(classificationReport([0, 1, 2, 2, 2], [0, 0, 2, 2, 1], ['class 0', 'class 1', 'class 2'])).toBe(expected);
  });

  it('widens the name column for long class names and honours digits', () => {
    const text = formatClassificationReport(classificationMetrics([0, 1], [0, 1], 2), ['a-very-long-name', 'b'], 3);
    const lines = text.split('\n');
    expect(lines[2]).toBe('a-very-long-name      1.000     1.000     1.000         1');
    expect(lines[0]!.length).toBe(lines[2]!.length);
  });

  it('rounds like Python format: exact halves to even, otherwise by the exact binary value', () => {
    expect(formatFixed(0.125, 2)).toBe('0.12'); // JS toFixed gives 0.13
    expect(formatFixed(0.375, 2)).toBe('0.38');
    expect(formatFixed(0.625, 2)).toBe('0.62');
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(0.135, 2)).toBe('0.14'); // 0.135 is stored slightly above the half
    expect(formatFixed(0.145, 2)).toBe('0.14'); // … and 0.145 slightly below
    expect(formatFixed(2 / 3, 2)).toBe('0.67');
  });

  it('formats the confusion matrix with true classes as rows', () => {
    const text = formatConfusionMatrix([[2, 0], [1, 12]], ['neutral', 'sad']);
    expect(text).toBe(['true \\ pred neutral     sad', '    neutral       2       0', '        sad       1      12', ''].join('\n'));
  });
});
