// The streaming CSV writer (openFeatureTableCsv): the same bytes as writing the finished table,
// whatever the batches; nothing at the target until commit; abort and failed checks leave the
// previous file and no temporary file.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFeatureTableCsv, writeFeatureTableCsv, type CsvRows } from '../src/extract/csv-table.js';
import type { FeatureTable } from '../src/extract/feature-table.js';
import { makeRecipe } from '../src/features/recipe.js';
import { Random } from '../src/util/random.js';

const dir = mkdtempSync(join(tmpdir(), 'ser-csv-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function table(rows: number, dim: number, seed: number): FeatureTable {
  const rng = new Random(seed);
  const names = ['Actor_01/a.wav', 'a,b/c.wav', 'say "hi".wav', 'émotions/été.wav'];
  return {
    X: Float32Array.from({ length: rows * dim }, (_, i) => (i % 5 === 0 ? 0 : rng.gaussian() * 10 ** rng.int(-8, 4))),
    rows, dim,
    y: Int32Array.from({ length: rows }, (_, i) => i % 3),
    classes: ['neutral', 'happy, really', 'sad'],
    speaker: Array.from({ length: rows }, (_, i) => `Actor_0${1 + (i % 2)}`),
    recordingId: Array.from({ length: rows }, (_, i) => `rec${i >> 1}`),
    version: Array.from({ length: rows }, (_, i) => (i % 2 ? 'noise' : 'original')),
    path: Array.from({ length: rows }, (_, i) => names[(i >> 1) % names.length]!),
    gender: Array.from({ length: rows }, (_, i) => (i % 3 ? 'female' : '')),
    params: Array.from({ length: rows }, () => ({})),
    meta: { recipe: makeRecipe({ vectorLength: dim }), versions: ['original', 'noise'], seed: 1, corpus: '/c', layout: 'folder', skipped: [], createdAt: '2026-01-01T00:00:00.000Z' },
  };
}

/** Rows [from, to) of t as one batch. */
function slice(t: FeatureTable, from: number, to: number): CsvRows {
  return {
    X: t.X.subarray(from * t.dim, to * t.dim), rows: to - from, dim: t.dim, y: t.y.subarray(from, to),
    path: t.path.slice(from, to), speaker: t.speaker.slice(from, to), gender: t.gender.slice(from, to),
    version: t.version.slice(from, to), recordingId: t.recordingId.slice(from, to),
  };
}

function temporaryFiles(): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

describe('openFeatureTableCsv', () => {
  it('writes the bytes writeFeatureTableCsv writes, in batches of any size, and only on commit', async () => {
    const t = table(37, 300, 3); // rows of ~3 KB: several 1 MiB chunks
    const whole = join(dir, 'whole.csv');
    await writeFeatureTableCsv(t, whole);
    for (const batch of [1, 2, 5, 37]) {
      const path = join(dir, `stream-${batch}.csv`);
      const csv = await openFeatureTableCsv(path, t.dim, t.classes);
      for (let r = 0; r < t.rows; r += batch) csv.add(slice(t, r, Math.min(t.rows, r + batch)));
      expect(existsSync(path)).toBe(false);
      await csv.commit(t);
      expect(readFileSync(path).equals(readFileSync(whole)), `batches of ${batch}`).toBe(true);
    }
    expect(temporaryFiles()).toEqual([]);
  });

  it('abort keeps the previous file and removes the temporary one', async () => {
    const t = table(6, 4, 4);
    const path = join(dir, 'kept.csv');
    writeFileSync(path, 'previous\n');
    const csv = await openFeatureTableCsv(path, t.dim, t.classes);
    csv.add(slice(t, 0, 3));
    await csv.abort();
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    expect(temporaryFiles()).toEqual([]);
  });

  it('commit refuses a table whose rows differ from those added, or that fails validation, and writes nothing', async () => {
    const t = table(6, 4, 5);
    const path = join(dir, 'refused.csv');
    writeFileSync(path, 'previous\n');
    const short = await openFeatureTableCsv(path, t.dim, t.classes);
    short.add(slice(t, 0, 5));
    await expect(short.commit(t)).rejects.toThrow(/5 rows were written but the table has 6/);
    const bad = await openFeatureTableCsv(path, t.dim, t.classes);
    bad.add(slice(t, 0, 6));
    await expect(bad.commit({ ...t, y: Int32Array.from(t.y, () => 7) })).rejects.toThrow(/refused\.csv: field 'y': row 0 has label 7/);
    expect(readFileSync(path, 'utf8')).toBe('previous\n');
    expect(temporaryFiles()).toEqual([]);
  });

  it('a batch of the wrong width fails the commit, naming both widths', async () => {
    const t = table(4, 4, 6);
    const csv = await openFeatureTableCsv(join(dir, 'width.csv'), 5, t.classes);
    csv.add(slice(t, 0, 4));
    await expect(csv.commit({ ...t, dim: 5, X: new Float32Array(20), meta: { ...t.meta, recipe: makeRecipe({ vectorLength: 5 }) } }))
      .rejects.toThrow(/CSV rows of 4 values, expected 5/);
    expect(existsSync(join(dir, 'width.csv'))).toBe(false);
  });
});
