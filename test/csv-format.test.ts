// The fast CSV writer produces the previous writer's bytes (csv-stringify + String(Number(v.toPrecision(9)))).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFeatureTableCsvLegacy } from '../bench/output.js';
import { csvField, formatFloat32Legacy, MAX_FLOAT32_CHARS, writeFloat32, writeFloat32Row } from '../src/extract/csv-format.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import type { FeatureTable } from '../src/extract/feature-table.js';
import { writeFeatureTableCsv } from '../src/extract/csv-table.js';
import { makeRecipe } from '../src/features/recipe.js';
import { Random } from '../src/util/random.js';

const decoder = new TextDecoder();
const buf = new Uint8Array(64);

function text(v: number): string {
  const end = writeFloat32(buf, 0, v);
  expect(end).toBeLessThanOrEqual(MAX_FLOAT32_CHARS);
  return decoder.decode(buf.subarray(0, end));
}

/** Values whose text differs from the legacy one (at most `limit` of them). */
function mismatches(values: Iterable<number>, limit = 5): Array<{ v: number; got: string; want: string }> {
  const out: Array<{ v: number; got: string; want: string }> = [];
  for (const v of values) {
    const got = text(v);
    const want = formatFloat32Legacy(v);
    if (got !== want && out.length < limit) out.push({ v, got, want });
  }
  return out;
}

/** Finite float32 values from random bit patterns (every exponent), appended to `into` until it holds `count`. */
function randomFloat32(rng: Random, count: number, into: number[] = []): number[] {
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  while (into.length < count) {
    bits[0] = rng.nextUint32();
    if (Number.isFinite(f[0]!)) into.push(f[0]!);
  }
  return into;
}

/**
 * Awkward float32 values: layout boundaries, extremes, 20 ulps either side of every power of ten,
 * and short binary fractions (exact decimal expansions, where 9-digit ties live).
 */
function awkwardFloat32(): number[] {
  const bits = new Uint32Array(1);
  const f = new Float32Array(bits.buffer);
  const values: number[] = [
    0, -0, 1, -1, 0.1, 1e-6, 1e-7, 1.5e-7, 1e21, 1e20, 123456789, 3.4028234663852886e38, 1.401298464324817e-45,
    1.1754943508222875e-38, 1e-14, 9.99e-15, 1e31, 9.99e30,
  ];
  for (let p = -45; p <= 38; p++) {
    f[0] = 10 ** p;
    const b = bits[0]!;
    for (let d = -20; d <= 20; d++) {
      bits[0] = b + d;
      if (Number.isFinite(f[0]!)) values.push(f[0]!, -f[0]!);
    }
  }
  for (let i = 0; i < 20_000; i++) values.push(Math.fround(i / 16), Math.fround(1_000_000 + i / 16), Math.fround(i * 1.1), Math.fround(-i / 1024));
  // ZCR-like values (counts / 2048, / 8192, / 2^20): exact 9-digit ties at every scale 10^k that is exact (k <= 12) and beyond.
  for (let i = 1; i < 20_000; i++) values.push(Math.fround(i / 2048), Math.fround(i / 8192), Math.fround(-i / 2 ** 20), Math.fround(i / 2 ** 30));
  return values.map((v) => Math.fround(v));
}

describe('writeFloat32', () => {
  it('writes the legacy text for random float32 bit patterns of every exponent', () => {
    expect(mismatches(randomFloat32(new Random(13), 200_000))).toEqual([]);
  });

  it('writes the legacy text around powers of ten, at layout boundaries, for ties and for tiny or huge values', () => {
    expect(mismatches(awkwardFloat32())).toEqual([]);
  });

  it('the WASM row writer (assembly/csv_float.ts) writes the same bytes as writeFloat32 for all of these values and random bit patterns', async () => {
    const core = await loadWasmCore();
    const row = Float32Array.from(randomFloat32(new Random(29), 400_000, awkwardFloat32()));
    for (const [from, to] of [[0, row.length], [0, 1], [5, 2381], [123, 124]] as const) {
      const got = new Uint8Array((to - from) * (MAX_FLOAT32_CHARS + 1) + 3);
      got[0] = 7; // bytes before pos are left alone
      const stop = writeFloat32Row(core, got, 1, row.subarray(from, to));
      let ref = 0;
      const expected = new Uint8Array((to - from) * (MAX_FLOAT32_CHARS + 1));
      for (const v of row.subarray(from, to)) {
        expected[ref++] = 44;
        ref = writeFloat32(expected, ref, v);
      }
      expect(got[0]).toBe(7);
      expect(stop - 1).toBe(ref);
      expect(Buffer.from(got.subarray(1, stop)).equals(Buffer.from(expected.subarray(0, ref)))).toBe(true);
    }
  });

  it('round-trips float32', () => {
    const rng = new Random(2);
    for (let i = 0; i < 10_000; i++) {
      const v = Math.fround(rng.gaussian() * 10 ** rng.int(-8, 8));
      expect(Math.fround(Number(text(v)))).toBe(v);
    }
  });
});

describe('csvField', () => {
  it('quotes as csv-stringify does', () => {
    expect(csvField('plain.wav')).toBe('plain.wav');
    expect(csvField('')).toBe('');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });
});

describe('writeFeatureTableCsv', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ser-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is byte-identical to the csv-stringify writer it replaced, awkward text fields included', async () => {
    const rows = 300;
    const dim = 50;
    const rng = new Random(5);
    const X = Float32Array.from({ length: rows * dim }, (_, i) => (i % 7 === 0 ? 0 : rng.gaussian() * 10 ** rng.int(-9, 6)));
    const names = ['Actor_01/03-01-01.wav', 'a,b/c.wav', 'say "hi".wav', 'line\nbreak.wav', 'émotions/été.wav', '', '=1+2.wav'];
    const table: FeatureTable = {
      X, rows, dim,
      y: Int32Array.from({ length: rows }, (_, i) => i % 3),
      classes: ['neutral', 'happy, really', 'sad "x"'],
      speaker: Array.from({ length: rows }, (_, i) => names[(i + 1) % names.length]!),
      recordingId: Array.from({ length: rows }, (_, i) => `rec${i}`),
      version: Array.from({ length: rows }, () => 'original'),
      path: Array.from({ length: rows }, (_, i) => names[i % names.length]!),
      gender: Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? '' : 'female')),
      params: Array.from({ length: rows }, () => ({})),
      meta: { recipe: makeRecipe({ vectorLength: dim }), versions: ['original'], seed: 1, corpus: '/c', layout: 'folder', skipped: [], createdAt: '2026-01-01T00:00:00.000Z' },
    };
    await writeFeatureTableCsv(table, join(dir, 'new.csv'));
    await writeFeatureTableCsvLegacy(table, join(dir, 'old.csv'));
    const fresh = readFileSync(join(dir, 'new.csv'));
    const old = readFileSync(join(dir, 'old.csv'));
    expect(fresh.length).toBe(old.length);
    expect(fresh.equals(old)).toBe(true);
  });
});
