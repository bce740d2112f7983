import { describe, expect, it } from 'vitest';
import { StandardScaler } from '../src/ml/scaler.js';
import { argmaxRows, oneHot } from '../src/ml/one-hot.js';
import { MlError } from '../src/ml/dataset.js';

describe('StandardScaler', () => {
  it('matches the sklearn docs example (population std)', () => {
    // sklearn.preprocessing.StandardScaler docstring: [[0,0],[0,0],[1,1],[1,1]] → mean 0.5, scale 0.5; [[2,2]] → [[3,3]].
    const s = new StandardScaler().fit(Float32Array.from([0, 0, 0, 0, 1, 1, 1, 1]), 4, 2);
    expect(Array.from(s.mean)).toEqual([0.5, 0.5]);
    expect(Array.from(s.scale)).toEqual([0.5, 0.5]);
    expect(Array.from(s.transform(Float32Array.from([2, 2]), 1, 2))).toEqual([3, 3]);
  });

  it('uses only the training rows, and gives constant columns scale 1', () => {
    // rows: [1, 2, 5], [3, 2, 7], [5, 2, 6]; fit on rows 0 and 2 only.
    const X = Float32Array.from([1, 2, 5, 3, 2, 7, 5, 2, 6]);
    const s = new StandardScaler().fit(X, 3, 3, [0, 2]);
    // col0: {1,5} → mean 3, var 4 → std 2; col1 constant → scale 1; col2: {5,6} → mean 5.5, std 0.5
    expect(Array.from(s.mean)).toEqual([3, 2, 5.5]);
    expect(Array.from(s.scale)).toEqual([2, 1, 0.5]);
    expect(s.nSamplesSeen).toBe(2);
    const Z = s.transform(X, 3, 3);
    expect(Array.from(Z)).toEqual([-1, 0, -1, 0, 0, 3, 1, 0, 1]);
    const back = s.inverseTransform(Z, 3, 3);
    expect(Array.from(back)).toEqual(Array.from(X));
  });

  it('population variance over all rows (hand-computed)', () => {
    const X = Float32Array.from([1, 3, 5]);
    const s = new StandardScaler().fit(X, 3, 1);
    expect(s.mean[0]).toBe(3);
    expect(s.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
  });

  it('round-trips through JSON', () => {
    const X = Float32Array.from([1, 10, 2, 20, 4, 40]);
    const s = new StandardScaler().fit(X, 3, 2);
    const copy = StandardScaler.fromJSON(JSON.parse(JSON.stringify(s.toJSON())));
    expect(Array.from(copy.transform(X, 3, 2))).toEqual(Array.from(s.transform(X, 3, 2)));
  });

  it('rejects misuse with MlError', () => {
    expect(() => new StandardScaler().transform(new Float32Array(2), 1, 2)).toThrow(/not fitted/);
    expect(() => new StandardScaler().fit(new Float32Array(5), 2, 3)).toThrow(MlError);
    expect(() => new StandardScaler().fit(Float32Array.from([1, NaN]), 2, 1)).toThrow(/non-finite/);
    const s = new StandardScaler().fit(Float32Array.from([1, 2]), 2, 1);
    expect(() => s.transform(new Float32Array(4), 2, 2)).toThrow(/fitted on 1 features, got 2/);
    expect(() => StandardScaler.fromJSON({ kind: 'StandardScaler', mean: [0], scale: [0], nSamplesSeen: 1 })).toThrow(MlError);
  });
});

describe('oneHot / argmaxRows', () => {
  it('encodes and decodes class indices', () => {
    const y = Int32Array.from([2, 0, 1]);
    const Y = oneHot(y, 3);
    expect(Array.from(Y)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0]);
    expect(Array.from(argmaxRows(Y, 3, 3))).toEqual([2, 0, 1]);
  });

  it('argmax takes the first maximum on ties, like numpy', () => {
    expect(Array.from(argmaxRows([0.4, 0.4, 0.2], 1, 3))).toEqual([0]);
  });

  it('rejects out-of-range labels', () => {
    expect(() => oneHot(Int32Array.from([3]), 3)).toThrow(/not a class index/);
  });
});
