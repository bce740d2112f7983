// The streaming table writers (openFeatureTableCsv, openFeatureTableBinary): the same bytes as
// writing the finished table, whatever the batches; nothing at the target until commit; abort
// and failed checks leave the previous files and no temporary file.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openFeatureTableCsv, writeFeatureTableCsv } from '../src/extract/csv-table.js';
import {
  openFeatureTableBinary, readFeatureTableBinary, writeFeatureTableBinary, type FeatureTable, type TableRows,
} from '../src/extract/feature-table.js';
import { openAtomicStream, writeStreamAtomic } from '../src/util/atomic-write.js';
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
function slice(t: FeatureTable, from: number, to: number): TableRows {
  return {
    X: t.X.subarray(from * t.dim, to * t.dim), rows: to - from, dim: t.dim, y: t.y.subarray(from, to),
    path: t.path.slice(from, to), speaker: t.speaker.slice(from, to), gender: t.gender.slice(from, to),
    version: t.version.slice(from, to), recordingId: t.recordingId.slice(from, to),
  };
}

/** What a CSV target holds before a write that must leave it alone. */
const PREVIOUS = 'previous\n';

/** A CSV target in `dir` already holding PREVIOUS. */
function previousCsv(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, PREVIOUS);
  return path;
}

function temporaryFiles(): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.tmp'));
}

describe('values checked as they are written', () => {
  // The commit does not scan X again (the step after the last clip stays short): each stream
  // checks its batches as it writes them, so a non-finite value in any batch must fail the commit,
  // naming the table's row (not the batch's), and leave the previous files.
  it('a NaN or Infinity in a later batch fails the CSV and binary commits, naming the table row', async () => {
    const t = table(6, 4, 11);
    const bad = { ...t, X: t.X.slice() };
    bad.X[4 * 4 + 2] = Number.NaN; // row 4, column 2: in the second batch below
    const csvPath = previousCsv('nonfinite.csv');
    const csv = await openFeatureTableCsv(csvPath, t.dim, t.classes);
    csv.add(slice(bad, 0, 3));
    csv.add(slice(bad, 3, 6));
    await expect(csv.commit(bad)).rejects.toThrow(/nonfinite\.csv: field 'X': non-finite value NaN at row 4, column 2/);
    expect(readFileSync(csvPath, 'utf8')).toBe(PREVIOUS);
    const base = join(dir, 'nonfinite-bin');
    await writeFeatureTableBinary(t, base);
    const before = readFileSync(`${base}.json`, 'utf8');
    bad.X[4 * 4 + 2] = Number.POSITIVE_INFINITY;
    const bin = openFeatureTableBinary(base);
    bin.add(slice(bad, 0, 3));
    bin.add(slice(bad, 3, 6));
    await expect(bin.commit(bad)).rejects.toThrow(/nonfinite-bin\.bin: field 'X': non-finite value Infinity at row 4, column 2/);
    expect(readFileSync(`${base}.json`, 'utf8')).toBe(before);
    expect(temporaryFiles()).toEqual([]);
  });
});

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
    const path = previousCsv('kept.csv');
    const csv = await openFeatureTableCsv(path, t.dim, t.classes);
    csv.add(slice(t, 0, 3));
    await csv.abort();
    expect(readFileSync(path, 'utf8')).toBe(PREVIOUS);
    expect(temporaryFiles()).toEqual([]);
  });

  it('commit refuses a table whose rows differ from those added, or that fails validation, and writes nothing', async () => {
    const t = table(6, 4, 5);
    const path = previousCsv('refused.csv');
    const short = await openFeatureTableCsv(path, t.dim, t.classes);
    short.add(slice(t, 0, 5));
    await expect(short.commit(t)).rejects.toThrow(/5 rows were written but the table has 6/);
    const bad = await openFeatureTableCsv(path, t.dim, t.classes);
    bad.add(slice(t, 0, 6));
    await expect(bad.commit({ ...t, y: Int32Array.from(t.y, () => 7) })).rejects.toThrow(/refused\.csv: field 'y': row 0 has label 7/);
    expect(readFileSync(path, 'utf8')).toBe(PREVIOUS);
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

describe('openFeatureTableBinary', () => {
  it('writes the .bin writeFeatureTableBinary writes and a .json the reader accepts, in batches of any size', async () => {
    const t = table(23, 50, 7);
    const whole = join(dir, 'whole-bin');
    await writeFeatureTableBinary(t, whole);
    for (const batch of [1, 4, 23]) {
      const base = join(dir, `bin-${batch}`);
      const w = openFeatureTableBinary(base);
      for (let r = 0; r < t.rows; r += batch) w.add(slice(t, r, Math.min(t.rows, r + batch)));
      expect(existsSync(`${base}.bin`)).toBe(false);
      await w.commit(t);
      expect(readFileSync(`${base}.bin`).equals(readFileSync(`${whole}.bin`)), `batches of ${batch}`).toBe(true);
      const back = await readFeatureTableBinary(base);
      expect(Array.from(back.X)).toEqual(Array.from(t.X));
      expect(back.path).toEqual(t.path);
    }
    expect(temporaryFiles()).toEqual([]);
  });

  it('refuses a row count or width that differs from the table, and abort leaves the previous pair', async () => {
    const t = table(6, 4, 8);
    const base = join(dir, 'kept-bin');
    await writeFeatureTableBinary(t, base);
    const before = readFileSync(`${base}.json`, 'utf8');
    const short = openFeatureTableBinary(base);
    short.add(slice(t, 0, 5));
    await expect(short.commit(t)).rejects.toThrow(/kept-bin\.bin: field 'rows': 5 rows were written but the table has 6/);
    const aborted = openFeatureTableBinary(base);
    aborted.add(slice(t, 0, 6));
    await aborted.abort();
    const wide = openFeatureTableBinary(base);
    wide.add(slice(t, 0, 3));
    wide.add({ ...slice(table(3, 5, 9), 0, 3) });
    await expect(wide.commit(t)).rejects.toThrow(/rows of 5 values \(15 for 3 rows\), expected 4 per row/);
    expect(readFileSync(`${base}.json`, 'utf8')).toBe(before);
    expect((await readFeatureTableBinary(base)).rows).toBe(6);
    expect(temporaryFiles()).toEqual([]);
  });

  it('never creates a file when no rows come and the write is abandoned', async () => {
    const w = openFeatureTableBinary(join(dir, 'nothing', 'X'));
    await w.abort();
    expect(existsSync(join(dir, 'nothing'))).toBe(false);
  });
});

describe('atomic streams', () => {
  it('flushEveryBytes flushes along the way and the file is whole', async () => {
    const path = join(dir, 'flushed.bin');
    const chunk = new Uint8Array(10_000).fill(7);
    await writeStreamAtomic(path, async (out) => {
      for (let i = 0; i < 50; i++) if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve));
    }, { flushEveryBytes: 64 * 1024 });
    expect(readFileSync(path).length).toBe(500_000);
  });

  it('openAtomicStream runs added work in order and rejects the commit with the first failure', async () => {
    const order: number[] = [];
    const ok = openAtomicStream(join(dir, 'ordered.txt'), (out) => out);
    for (let i = 0; i < 5; i++) {
      ok.add(async (out) => {
        await new Promise((resolve) => setTimeout(resolve, 5 - i));
        order.push(i);
        out.write(`${i}`);
      });
    }
    await ok.commit(() => {});
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(readFileSync(join(dir, 'ordered.txt'), 'utf8')).toBe('01234');
    const bad = openAtomicStream(join(dir, 'failed.txt'), (out) => out);
    bad.add(() => {
      throw new Error('first');
    });
    bad.add(() => {
      throw new Error('second');
    });
    await expect(bad.commit(() => {})).rejects.toThrow('first');
    expect(existsSync(join(dir, 'failed.txt'))).toBe(false);
    expect(temporaryFiles()).toEqual([]);
  });
});
