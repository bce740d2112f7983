import { describe, expect, it } from 'vitest';
import type { Dataset } from '../src/ml/dataset.js';
import { MlError } from '../src/ml/dataset.js';
import { Random } from '../src/util/random.js';
import {
  approximateMode,
  auditSplit,
  clipSplit,
  paperSplit,
  ravdessGender,
  speakerFolds,
  speakerSplit,
  validationSplit,
  type Split,
} from '../src/ml/split.js';

const CLASSES = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'];
const VERSIONS = ['original', 'noise', 'shift'];

/** 8 actors × 7 classes × `perClass` recordings (uneven on purpose) × 3 versions. */
function corpus(perClass = (c: number) => 2 + (c % 3)): Dataset {
  const y: number[] = [];
  const speaker: string[] = [];
  const recordingId: string[] = [];
  const version: string[] = [];
  for (let a = 1; a <= 8; a++) {
    const actor = `Actor_${String(a).padStart(2, '0')}`;
    for (let c = 0; c < CLASSES.length; c++) {
      for (let r = 0; r < perClass(c); r++) {
        for (const v of VERSIONS) {
          y.push(c);
          speaker.push(actor);
          recordingId.push(`${actor}-${c}-${r}`);
          version.push(v);
        }
      }
    }
  }
  const rows = y.length;
  const X = new Float32Array(rows * 2).map((_, i) => i);
  return { X, rows, dim: 2, y: Int32Array.from(y), classes: CLASSES, speaker, recordingId, version };
}

const ds = corpus();

function classCounts(labels: Iterable<number>): number[] {
  const out = new Array(CLASSES.length).fill(0);
  for (const c of labels) out[c]++;
  return out;
}

function expectDisjointCover(split: Split, expectedRows: Iterable<number>) {
  const all = [...split.train, ...split.test];
  expect(new Set(all).size).toBe(all.length);
  expect(new Set(all)).toEqual(new Set(expectedRows));
}

describe('approximateMode (sklearn _approximate_mode)', () => {
  it('floors shares and gives leftovers to the largest remainders, summing exactly', () => {
    // shares of 5 over [3, 3, 4]: 1.5, 1.5, 2 → [1, 1, 2] + one extra to a class with remainder .5
    const out = approximateMode([3, 3, 4], 5, new Random(1));
    expect(out.reduce((a, b) => a + b)).toBe(5);
    expect(out[2]).toBe(2);
    expect([out[0], out[1]].sort()).toEqual([1, 2]);
    // the tie is broken by the seed: over many seeds both classes get the extra row
    const winners = new Set(Array.from({ length: 20 }, (_, s) => approximateMode([3, 3, 4], 5, new Random(s))[0]));
    expect(winners).toEqual(new Set([1, 2]));
  });
});

describe('paper protocol', () => {
  const split = paperSplit(ds, { seed: 7 });

  it('covers every row once, 80/20, stratified within one row per class', () => {
    expectDisjointCover(split, ds.y.keys());
    const nTest = Math.ceil(0.2 * ds.rows);
    expect(split.test.length).toBe(nTest);
    const total = classCounts(ds.y);
    const test = classCounts(Array.from(split.test, (r) => ds.y[r]!));
    total.forEach((n, c) => expect(Math.abs(test[c]! - (n * nTest) / ds.rows)).toBeLessThanOrEqual(1));
  });

  it('leaks: copies of the same recording sit on both sides (that is what the paper protocol measures)', () => {
    const audit = auditSplit(ds, split);
    expect(audit.sharedRows).toBe(0);
    expect(audit.sharedRecordings.length).toBeGreaterThan(0);
    expect(audit.augmentedTest).toBe(split.augmentedTest.length);
    expect(split.augmentedTest.length).toBeGreaterThan(0);
  });

  it('is deterministic for a seed and changes with the seed', () => {
    const again = paperSplit(ds, { seed: 7 });
    expect(Array.from(again.train)).toEqual(Array.from(split.train));
    expect(Array.from(again.test)).toEqual(Array.from(split.test));
    expect(Array.from(paperSplit(ds, { seed: 8 }).test)).not.toEqual(Array.from(split.test));
  });
});

describe('clip protocol', () => {
  const split = clipSplit(ds, { seed: 3 });

  it('never puts a recording on both sides; tests only originals', () => {
    const audit = auditSplit(ds, split);
    expect(audit.sharedRecordings).toEqual([]);
    expect(audit.augmentedTest).toBe(0);
    expect(split.augmentedTest.length).toBe(0);
    for (const r of split.test) expect(ds.version[r]).toBe('original');
  });

  it('trains on every version of the train recordings and stratifies recordings within one per class', () => {
    const trainRecordings = new Set(Array.from(split.train, (r) => ds.recordingId[r]!));
    const expectedTrain = [...ds.y.keys()].filter((r) => trainRecordings.has(ds.recordingId[r]!));
    expect(new Set(split.train)).toEqual(new Set(expectedTrain));
    expect(split.augmentedTrain.length).toBe((expectedTrain.length * 2) / 3);

    const nRecordings = ds.rows / 3;
    const nTestRecordings = Math.ceil(0.2 * nRecordings);
    expect(split.test.length).toBe(nTestRecordings);
    expect(trainRecordings.size + split.test.length).toBe(nRecordings);
    const perClass = classCounts(Array.from(split.test, (r) => ds.y[r]!));
    const recordingsPerClass = classCounts(ds.y).map((n) => n / 3);
    recordingsPerClass.forEach((n, c) => expect(Math.abs(perClass[c]! - (n * nTestRecordings) / nRecordings)).toBeLessThanOrEqual(1));
  });

  it('rejects a recording whose rows disagree on the label', () => {
    const bad = { ...ds, y: ds.y.slice() };
    bad.y[1] = (bad.y[0]! + 1) % CLASSES.length;
    expect(() => clipSplit(bad, { seed: 1 })).toThrow(/different labels/);
  });
});

describe('speaker protocol', () => {
  it('holds out one male and one female actor; no speaker on both sides; tests originals only', () => {
    for (const seed of [0, 1, 2, 3]) {
      const split = speakerSplit(ds, { seed });
      expect(split.heldOutSpeakers).toHaveLength(2);
      expect(new Set(split.heldOutSpeakers!.map(ravdessGender))).toEqual(new Set(['male', 'female']));
      const audit = auditSplit(ds, split);
      expect(audit.sharedSpeakers).toEqual([]);
      expect(audit.augmentedTest).toBe(0);
      const held = new Set(split.heldOutSpeakers);
      const expectedTrain = [...ds.y.keys()].filter((r) => !held.has(ds.speaker[r]!));
      expect(new Set(split.train)).toEqual(new Set(expectedTrain));
      expect(split.test.length).toBe((ds.rows / 8 / 3) * 2); // originals of 2 of the 8 actors
    }
  });

  it('accepts an explicit held-out set and rejects unknown speakers', () => {
    const split = speakerSplit(ds, { seed: 0, heldOut: ['Actor_03', 'Actor_08'] });
    expect(split.heldOutSpeakers).toEqual(['Actor_03', 'Actor_08']);
    expect(() => speakerSplit(ds, { seed: 0, heldOut: ['Actor_99'] })).toThrow(/not in the dataset/);
    expect(() => speakerSplit(ds, { seed: 0, heldOutCount: 8 })).toThrow(MlError);
  });

  it('leave-2-speakers-out folds cover every actor once, one man and one woman per fold', () => {
    const folds = speakerFolds(ds, { seed: 5 });
    expect(folds).toHaveLength(4);
    const held = folds.flatMap((f) => f.heldOutSpeakers!);
    expect(held.sort()).toEqual([...new Set(ds.speaker)].sort());
    for (const f of folds) {
      expect(new Set(f.heldOutSpeakers!.map(ravdessGender))).toEqual(new Set(['male', 'female']));
      expect(auditSplit(ds, f).sharedSpeakers).toEqual([]);
    }
    const again = speakerFolds(ds, { seed: 5 });
    expect(again.map((f) => f.heldOutSpeakers)).toEqual(folds.map((f) => f.heldOutSpeakers));
  });

  it('reads RAVDESS genders from actor numbers (odd = male)', () => {
    expect(ravdessGender('Actor_01')).toBe('male');
    expect(ravdessGender('Actor_24')).toBe('female');
    expect(ravdessGender('spk')).toBeUndefined();
  });
});

describe('validationSplit', () => {
  const rows = Int32Array.from([9, 4, 7, 1, 3, 8, 0, 2, 6, 5]);

  it("'last' takes the final 20% in the given order, like Keras validation_split", () => {
    const { fit, validation } = validationSplit(rows);
    expect(Array.from(fit)).toEqual([9, 4, 7, 1, 3, 8, 0, 2]);
    expect(Array.from(validation)).toEqual([6, 5]);
  });

  it("'random' is a seeded subset of the same size, order kept", () => {
    const a = validationSplit(rows, { mode: 'random', seed: 11 });
    const b = validationSplit(rows, { mode: 'random', seed: 11 });
    expect(Array.from(a.validation)).toEqual(Array.from(b.validation));
    expect(a.validation.length).toBe(2);
    expect(new Set([...a.fit, ...a.validation])).toEqual(new Set(rows));
    const pos = (r: number) => rows.indexOf(r);
    expect(Array.from(a.fit).map(pos)).toEqual(Array.from(a.fit).map(pos).sort((x, y) => x - y));
  });

  it('rejects empty sides and missing seeds', () => {
    expect(() => validationSplit([1], { fraction: 0.2 })).toThrow(/leaves one side empty/);
    expect(() => validationSplit(rows, { mode: 'random' })).toThrow(/needs a seed/);
  });
});
