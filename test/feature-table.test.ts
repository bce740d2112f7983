/**
 * Feature tables on disk (issue 12, rows 4 and 5): atomic CSV / .bin / .json writes, the run
 * digest shared by the .bin and .json parts, and a reader that validates what it loads.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeatureTableError, readFeatureTableBinary, writeFeatureTableBinary, type FeatureTable } from '../src/extract/feature-table.js';
import { writeFeatureTableCsv } from '../src/extract/csv-table.js';
import { makeRecipe } from '../src/features/recipe.js';
import { writeFileAtomic, writeStreamAtomic } from '../src/util/atomic-write.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function smallTable(rows = 6, dim = 8, seed = 1): FeatureTable {
  const X = new Float32Array(rows * dim);
  for (let i = 0; i < X.length; i++) X[i] = Math.sin(seed * 1000 + i);
  return {
    X, rows, dim,
    y: Int32Array.from({ length: rows }, (_, i) => i % 3),
    classes: ['neutral', 'happy', 'sad'],
    speaker: Array.from({ length: rows }, (_, i) => `Actor_0${1 + (i % 2)}`),
    recordingId: Array.from({ length: rows }, (_, i) => `rec${i}`),
    version: Array.from({ length: rows }, () => 'original'),
    path: Array.from({ length: rows }, (_, i) => `clip${i}.wav`),
    gender: Array.from({ length: rows }, (_, i) => (i % 2 ? 'female' : 'male')),
    params: Array.from({ length: rows }, (_, i) => ({ seed: i })),
    meta: {
      recipe: makeRecipe({ vectorLength: dim }),
      versions: ['original'], seed: seed, corpus: '/corpus', layout: 'ravdess', skipped: [], createdAt: '2026-01-01T00:00:00.000Z',
    },
  };
}

/** Rewrites the .json part with `edit` applied, keeping the .bin digest valid unless the edit changes it. */
function editJson(base: string, edit: (j: any) => void): void {
  const j = JSON.parse(readFileSync(`${base}.json`, 'utf8'));
  edit(j);
  writeFileSync(`${base}.json`, JSON.stringify(j));
}

describe('binary feature table: run digest and validation', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ser-table-'));
  });

  it('round-trips and records a run id with the length and sha256 of the .bin', async () => {
    const t = smallTable();
    const { bin, json, runId } = await writeFeatureTableBinary(t, join(dir, 'a'));
    const meta = JSON.parse(readFileSync(json, 'utf8'));
    expect(meta.format).toBe('SERF2');
    expect(meta.bin.runId).toBe(runId);
    expect(meta.bin.bytes).toBe(t.rows * t.dim * 4);
    expect(meta.bin.sha256).toBe(createHash('sha256').update(readFileSync(bin)).digest('hex'));
    // The .bin stays a raw float32 matrix.
    expect(readFileSync(bin).byteLength).toBe(t.rows * t.dim * 4);
    const back = await readFeatureTableBinary(join(dir, 'a'));
    expect(back.X).toEqual(t.X);
    expect(Array.from(back.y)).toEqual(Array.from(t.y));
    expect(back.speaker).toEqual(t.speaker);
    // Either part's name works as the base.
    expect((await readFeatureTableBinary(bin)).rows).toBe(t.rows);
  });

  it('refuses a .bin from another run beside the .json (an interrupted or mixed write), naming both files', async () => {
    await writeFeatureTableBinary(smallTable(6, 8, 1), join(dir, 'old'));
    await writeFeatureTableBinary(smallTable(6, 8, 2), join(dir, 'new'));
    copyFileSync(join(dir, 'new.bin'), join(dir, 'old.bin')); // same size, other content
    const err = await readFeatureTableBinary(join(dir, 'old')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FeatureTableError);
    expect((err as Error).message).toContain(join(dir, 'old.bin'));
    expect((err as Error).message).toContain(join(dir, 'old.json'));
    expect((err as FeatureTableError).field).toBe('bin');
    // A truncated .bin is refused too.
    await writeFeatureTableBinary(smallTable(), join(dir, 'trunc'));
    writeFileSync(join(dir, 'trunc.bin'), readFileSync(join(dir, 'trunc.bin')).subarray(0, 100));
    await expect(readFeatureTableBinary(join(dir, 'trunc'))).rejects.toThrow(/different or interrupted writes/);
  });

  const cases: Array<[string, (j: any) => void, RegExp]> = [
    ['a speaker array shorter than the rows', (j) => j.speaker.splice(2), /field 'speaker': has 2 entries, expected rows = 6/],
    ['a label outside the classes', (j) => (j.y[3] = 99), /field 'y': row 3 has label 99, outside the 3 classes/],
    ['a negative label', (j) => (j.y[0] = -1), /field 'y': row 0 has label -1/],
    ['a non-integer label', (j) => (j.y[1] = 1.5), /field 'y': entry 1 is 1.5/],
    ['fewer labels than rows', (j) => j.y.pop(), /field 'y': has 5 entries, expected rows = 6/],
    ['a recordingId array that is too long', (j) => j.recordingId.push('x'), /field 'recordingId': has 7 entries/],
    ['missing version column', (j) => delete j.version, /field 'version': missing/],
    ['path entries that are not strings', (j) => (j.path[4] = 7), /field 'path': entry 4 is 7/],
    ['gender column short', (j) => j.gender.pop(), /field 'gender'/],
    ['params column short', (j) => j.params.pop(), /field 'params': has 5 entries/],
    ['rows not matching the .bin', (j) => (j.rows = 5), /expected 5 × 8 float32 values/],
    ['a zero dim', (j) => (j.dim = 0), /field 'dim': must be a positive integer/],
    ['a fractional rows', (j) => (j.rows = 2.5), /field 'rows': must be a positive integer/],
    ['no classes', (j) => (j.classes = []), /field 'classes'/],
    ['duplicate classes', (j) => (j.classes = ['a', 'a', 'b']), /field 'classes': has duplicate names/],
    ['a recipe of another length', (j) => (j.meta.recipe.vectorLength = 2376), /field 'meta.recipe.vectorLength': is 2376 but dim is 8/],
    ['another format', (j) => (j.format = 'XYZ'), /field 'format': not a ser-wasm feature table/],
    ['no digest', (j) => delete j.bin, /field 'bin': run digest/],
  ];
  for (const [what, edit, message] of cases) {
    it(`refuses ${what}, naming the file and the field`, async () => {
      const base = join(dir, `bad-${what.replace(/\W+/g, '-')}`);
      await writeFeatureTableBinary(smallTable(), base);
      editJson(base, edit);
      const err = await readFeatureTableBinary(base).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FeatureTableError);
      expect((err as Error).message).toMatch(message);
      expect((err as Error).message).toContain(base);
    });
  }

  it('refuses non-finite values in the matrix (with a consistent digest), and JSON that does not parse', async () => {
    const base = join(dir, 'nan');
    await writeFeatureTableBinary(smallTable(), base);
    const bytes = readFileSync(`${base}.bin`);
    bytes.writeFloatLE(Number.NaN, 4 * 13);
    writeFileSync(`${base}.bin`, bytes);
    editJson(base, (j) => (j.bin.sha256 = createHash('sha256').update(bytes).digest('hex')));
    await expect(readFeatureTableBinary(base)).rejects.toThrow(/field 'X': non-finite value NaN at row 1, column 5/);
    writeFileSync(`${base}.json`, '{"format": "SERF2", "rows": ');
    await expect(readFeatureTableBinary(base)).rejects.toThrow(FeatureTableError);
  });

  it('refuses to write an inconsistent table', async () => {
    const t = smallTable();
    t.speaker.pop();
    await expect(writeFeatureTableBinary(t, join(dir, 'never'))).rejects.toThrow(/field 'speaker'/);
    expect(readdirSync(dir).some((f) => f.startsWith('never'))).toBe(false);
  });
});

describe('atomic outputs', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ser-atomic-'));
  });

  it('an exception in the middle of a CSV write leaves the old complete CSV and no temporary file', async () => {
    const path = join(dir, 'features.csv');
    const t = smallTable(200, 8);
    await writeFeatureTableCsv(t, path);
    const before = readFileSync(path, 'utf8');
    expect(before.trim().split('\n')).toHaveLength(201);
    // A table whose 150th row cannot be produced: the write throws half-way.
    const broken = smallTable(200, 8, 3);
    broken.path = new Proxy(broken.path, {
      get(target, prop, receiver) {
        if (prop === '150') throw new Error('simulated failure at row 150');
        return Reflect.get(target, prop, receiver);
      },
    });
    await expect(writeFeatureTableCsv(broken, path)).rejects.toThrow('simulated failure at row 150');
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a process killed while writing leaves the old complete file', async () => {
    const path = join(dir, 'killed.csv');
    await writeFileAtomic(path, 'old,complete\n1,2\n');
    // The child streams slowly into the same path through writeStreamAtomic and is SIGKILLed mid-write.
    const script = `
      import { writeStreamAtomic } from ${JSON.stringify(join(ROOT, 'src/util/atomic-write.ts'))};
      await writeStreamAtomic(${JSON.stringify(path)}, async (out) => {
        for (let i = 0; i < 1000; i++) {
          out.write('new,partial,' + i + '\\n');
          if (i === 5) process.stdout.write('writing\\n');
          await new Promise((r) => setTimeout(r, 20));
        }
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('writing') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    // The temporary file exists and holds the partial new content at this point.
    const tmp = readdirSync(dir).filter((f) => f.startsWith('.killed.csv.') && f.endsWith('.tmp'));
    expect(tmp).toHaveLength(1);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(readFileSync(path, 'utf8')).toBe('old,complete\n1,2\n');
  });

  it('writeStreamAtomic replaces the file only when the producer finishes', async () => {
    const path = join(dir, 'stream.txt');
    await writeStreamAtomic(path, async (out) => {
      for (let i = 0; i < 3; i++) out.write(`line ${i}\n`);
    });
    expect(readFileSync(path, 'utf8')).toBe('line 0\nline 1\nline 2\n');
  });
});
