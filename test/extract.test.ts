import { copyFileSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { packRecords, type PackRecord } from './helpers/cache-pack.js';
import { loadCorpus } from '../src/corpus/index.js';
import { extractCorpus } from '../src/extract/extract-corpus.js';
import { readFeatureTableBinary, writeFeatureTableBinary } from '../src/extract/feature-table.js';
import { writeFeatureTableCsv } from '../src/extract/csv-table.js';
import { runExtractionPool, startExtractionWorkers, workerFilename } from '../src/extract/pool.js';
import { CACHE_PACK_SUFFIX, FeatureCache } from '../src/extract/cache.js';
import { PAPER_RECIPE } from '../src/features/recipe.js';
import { PAPER_AUGMENT_PARAMS } from '../src/augment/index.js';
import { writeSynthCorpus } from '../src/synth/corpus-writer.js';

// The pool runs compiled workers from dist/ (built by `npm install` / `npm run build`).
let haveWorker = true;
try {
  workerFilename();
} catch {
  haveWorker = false;
  console.warn('[skip] dist/src/extract/worker.js missing: run `npm run build` for the pool tests');
}

describe.skipIf(!haveWorker)('feature extraction on the worker pool', () => {
  let root: string;
  let corpusDir: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'ser-extract-'));
    corpusDir = join(root, 'corpus');
    writeSynthCorpus({ out: corpusDir, actors: 2, seed: 7 });
    // Keep the test small: 10 clips of Actor_01, plus one corrupt file in the middle.
    const actorDir = join(corpusDir, 'Actor_01');
    const keep = readdirSync(actorDir).filter((f) => f.endsWith('.wav')).sort().slice(0, 10);
    const small = join(root, 'small', 'Actor_01');
    mkdirSync(small, { recursive: true });
    keep.forEach((f) => copyFileSync(join(actorDir, f), join(small, f)));
    // A valid RAVDESS name whose content is not audio: parsed fine, fails at decode.
    writeFileSync(join(small, '03-01-03-01-01-01-01.wav'), 'not a wav at all');
    corpusDir = join(root, 'small');
  });

  it('gives the same vectors with 2 workers as on the main thread, and reports the corrupt file without losing the others', async () => {
    const corpus = loadCorpus(corpusDir);
    const inline = await extractCorpus(corpus, corpusDir, { workers: 0, cacheDir: null, quiet: true, seed: 5 });
    const pooled = await extractCorpus(corpus, corpusDir, { workers: 2, cacheDir: null, quiet: true, seed: 5 });
    expect(pooled.table.rows).toBe(inline.table.rows);
    expect(pooled.table.X).toEqual(inline.table.X);
    expect(pooled.table.params).toEqual(inline.table.params);
    const files = corpus.items.length;
    expect(pooled.run.stats.skipped).toBe(1);
    expect(pooled.run.skipped[0]!.code).toBe('NOT_RIFF');
    expect(pooled.run.skipped[0]!.reason).toContain('03-01-03-01-01-01-01.wav');
    expect(pooled.table.rows).toBe((files - 1) * 5);
    expect(pooled.table.dim).toBe(PAPER_RECIPE.vectorLength);
    // Every row is finite and no version is all zeros.
    for (let i = 0; i < pooled.table.X.length; i++) expect(Number.isFinite(pooled.table.X[i]!)).toBe(true);
    expect(new Set(pooled.table.version)).toEqual(new Set(['original', 'noise', 'shift', 'stretch', 'pitch']));
  });

  it('is deterministic for a seed and changes with the seed', async () => {
    const corpus = loadCorpus(corpusDir);
    const a = await extractCorpus(corpus, corpusDir, { workers: 0, cacheDir: null, quiet: true, seed: 11 });
    const b = await extractCorpus(corpus, corpusDir, { workers: 0, cacheDir: null, quiet: true, seed: 12 });
    const noiseRow = a.table.version.indexOf('noise');
    expect(a.table.X.subarray(noiseRow * a.table.dim, (noiseRow + 1) * a.table.dim))
      .not.toEqual(b.table.X.subarray(noiseRow * b.table.dim, (noiseRow + 1) * b.table.dim));
    const origRow = a.table.version.indexOf('original');
    expect(a.table.X.subarray(origRow * a.table.dim, (origRow + 1) * a.table.dim))
      .toEqual(b.table.X.subarray(origRow * b.table.dim, (origRow + 1) * b.table.dim));
  });

  it('serves a re-run from the cache, identically', async () => {
    const corpus = loadCorpus(corpusDir);
    const cacheDir = join(root, 'cache');
    const first = await extractCorpus(corpus, corpusDir, { workers: 2, cacheDir, quiet: true, seed: 3 });
    expect(first.run.stats.cacheHits).toBe(0);
    const second = await extractCorpus(corpus, corpusDir, { workers: 2, cacheDir, quiet: true, seed: 3 });
    expect(second.run.stats.cacheHits).toBe(first.run.stats.ok);
    expect(second.table.X).toEqual(first.table.X);
    // A different seed must not hit.
    const third = await extractCorpus(corpus, corpusDir, { workers: 0, cacheDir, quiet: true, seed: 4 });
    expect(third.run.stats.cacheHits).toBe(0);
  });

  it('recomputes damaged cache entries (bit flip, bad JSON, another entry\'s record) and counts them; a cut pack tail only misses', async () => {
    const corpus = loadCorpus(corpusDir);
    for (const workers of [2, 0]) {
      const cacheDir = mkdtempSync(join(tmpdir(), `ser-cache-damage-${workers}-`));
      const first = await extractCorpus(corpus, corpusDir, { workers, cacheDir, quiet: true, seed: 9 });
      expect(first.run.stats.cacheRecomputed).toBe(0);
      const packs = readdirSync(cacheDir).filter((f) => f.endsWith(CACHE_PACK_SUFFIX));
      expect(packs.length).toBe(1);
      const pack = join(cacheDir, packs[0]!);
      const bytes = readFileSync(pack);
      const records = packRecords(bytes);
      expect(records.length).toBe(first.run.stats.ok);
      expect(records.length).toBeGreaterThanOrEqual(6);
      const [a, b, , d, e] = records as [PackRecord, PackRecord, PackRecord, PackRecord, PackRecord];
      bytes[a.vectors + 4 * 700 + 3]! ^= 0x40; // one bit flip in one float's exponent
      bytes[b.meta]! = 0x78; // 'x': the metadata is no longer JSON
      bytes.write(d.key, e.offset + 12, 'latin1'); // e's record now claims d's key (it comes later, so it wins)
      // The last record cut in half: its entry misses (an interrupted write's tail), uncounted.
      const last = records[records.length - 1]!;
      writeFileSync(pack, bytes.subarray(0, last.offset + (last.length >> 1)));
      const second = await extractCorpus(corpus, corpusDir, { workers, cacheDir, quiet: true, seed: 9 });
      expect(second.run.stats.cacheRecomputed).toBe(3);
      expect(second.run.stats.cacheHits).toBe(first.run.stats.ok - 5);
      expect(second.table.meta.extraction?.cacheRecomputed).toBe(3);
      expect(second.table.X).toEqual(first.table.X);
      // The recomputed entries went to a newer pack: a third run hits everything.
      const third = await extractCorpus(corpus, corpusDir, { workers, cacheDir, quiet: true, seed: 9 });
      expect(third.run.stats.cacheRecomputed).toBe(0);
      expect(third.run.stats.cacheHits).toBe(first.run.stats.ok);
    }
  });

  it('reports cache entries it could not write, and the table is still complete', async () => {
    const corpus = loadCorpus(corpusDir);
    const cacheDir = mkdtempSync(join(tmpdir(), 'ser-cache-unwritable-'));
    const first = await extractCorpus(corpus, corpusDir, { workers: 2, cacheDir: null, quiet: true, seed: 11 });
    // Every write fails (as on a full disk): the pool's own cache writes go through put.
    const put = vi.spyOn(FeatureCache.prototype, 'put').mockImplementation(() => {
      throw new Error('ENOSPC: no space left on device (test)');
    });
    try {
      for (const workers of [2, 0]) {
        const run = await extractCorpus(corpus, corpusDir, { workers, cacheDir, quiet: true, seed: 11 });
        expect(run.run.stats.cacheHits).toBe(0);
        expect(run.run.stats.cacheWriteErrors?.count).toBe(run.run.stats.ok);
        expect(run.run.stats.cacheWriteErrors?.first).toMatch(/ENOSPC/);
        expect(run.table.X).toEqual(first.table.X);
      }
    } finally {
      put.mockRestore();
    }
  });

  it('runs on workers started ahead (startExtractionWorkers) once; they cannot be used again, and close is safe either way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ser-started-'));
    const src = join(corpusDir, 'Actor_01');
    const wav = readdirSync(src).filter((f) => f.endsWith('.wav')).sort()[0]!;
    const tasks = ['a.wav', 'b.wav', 'c.wav'].map((name) => {
      copyFileSync(join(src, wav), join(dir, name));
      return { path: join(dir, name), key: name, recipe: PAPER_RECIPE, versions: ['original' as const, 'noise' as const], augmentParams: PAPER_AUGMENT_PARAMS, seed: 1 };
    });
    const started = startExtractionWorkers({ workers: 1 });
    const run = await runExtractionPool(tasks, { started, quiet: true, workers: 2 }); // the started workers' count wins
    expect(run.stats.ok).toBe(3);
    expect(run.stats.workers).toBe(1);
    const inline = await runExtractionPool(tasks, { workers: 0, quiet: true });
    expect(run.results.map((r) => Array.from(r.vectors))).toEqual(inline.results.map((r) => Array.from(r.vectors)));
    await expect(runExtractionPool(tasks, { started, quiet: true })).rejects.toThrow(/already used by a run or closed/);
    await started.close();
    const unused = startExtractionWorkers({ workers: 1 });
    await unused.close();
    await expect(runExtractionPool(tasks, { started: unused, quiet: true })).rejects.toThrow(/already used by a run or closed/);
    expect(() => startExtractionWorkers({ workers: 0 })).toThrow(/at least 1/);
  });

  it('refuses worker counts outside 0 … 4 × cores, naming the option', async () => {
    await expect(runExtractionPool([], { workers: -1, quiet: true })).rejects.toThrow(/workers must be an integer from 0 to \d+/);
    await expect(runExtractionPool([], { workers: 1_000_000, quiet: true })).rejects.toThrow(/workers must be an integer/);
    await expect(runExtractionPool([], { workers: 1.5, quiet: true })).rejects.toThrow(/workers must be an integer/);
  });

  it('replaces a crashed worker and retries its task once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ser-crash-'));
    const src = join(corpusDir, 'Actor_01');
    const wav = readdirSync(src).filter((f) => f.startsWith('03-01-0') && f !== '03-01-03-01-01-01-01.wav').sort()[0]!;
    const tasks = ['a.wav', 'crash.wav', 'b.wav'].map((name) => {
      copyFileSync(join(src, wav), join(dir, name));
      return { path: join(dir, name), key: name, recipe: PAPER_RECIPE, versions: ['original' as const], augmentParams: PAPER_AUGMENT_PARAMS, seed: 1 };
    });
    const workerFile = fileURLToPath(new URL('./fixtures/workers/crash-once.mjs', import.meta.url));
    // One task at a time: exactly the crashed task is retried.
    const run = await runExtractionPool(tasks, { workers: 1, cacheDir: dir, quiet: true, workerFile, tasksPerWorker: 1 });
    expect(run.stats.retried).toBe(1);
    expect(run.stats.ok).toBe(3);
    expect(run.results.map((r) => r.key)).toEqual(['a.wav', 'crash.wav', 'b.wav']);
    expect(run.results[1]!.vectors).toEqual(run.results[0]!.vectors);
    // Two in flight (the default): the crash also fails the task queued behind it; both are retried and succeed.
    const dir2 = mkdtempSync(join(tmpdir(), 'ser-crash-'));
    const tasks2 = tasks.map((t) => {
      copyFileSync(t.path, join(dir2, t.key));
      return { ...t, path: join(dir2, t.key) };
    });
    const run2 = await runExtractionPool(tasks2, { workers: 1, cacheDir: dir2, quiet: true, workerFile });
    expect(run2.stats.retried).toBeGreaterThanOrEqual(1);
    expect(run2.stats.retried).toBeLessThanOrEqual(2);
    expect(run2.stats.ok).toBe(3);
    expect(run2.results.map((r) => r.key)).toEqual(['a.wav', 'crash.wav', 'b.wav']);
    expect(run2.results[1]!.vectors).toEqual(run.results[1]!.vectors);
  });

  it('writes the CSV (header, label/speaker/version columns) and a binary table that reads back equal', async () => {
    const corpus = loadCorpus(corpusDir);
    const { table } = await extractCorpus(corpus, corpusDir, { workers: 0, cacheDir: null, quiet: true, augment: 'none' });
    const base = join(root, 'out', 'features');
    await writeFeatureTableBinary(table, base);
    const back = await readFeatureTableBinary(base);
    expect(back.X).toEqual(table.X);
    expect(Array.from(back.y)).toEqual(Array.from(table.y));
    expect(back.meta.recipe).toEqual(PAPER_RECIPE);
    await writeFeatureTableCsv(table, `${base}.csv`);
    const lines = readFileSync(`${base}.csv`, 'utf8').trim().split('\n');
    expect(lines.length).toBe(table.rows + 1);
    const header = lines[0]!.split(',');
    expect(header.slice(0, 6)).toEqual(['path', 'speaker', 'gender', 'label', 'version', 'recording']);
    expect(header.length).toBe(6 + table.dim);
    const row = lines[1]!.split(',');
    expect(row[1]).toBe('Actor_01');
    expect(row[4]).toBe('original');
    expect(Float32Array.from(row.slice(6).map(Number))).toEqual(table.X.subarray(0, table.dim));
  });
});
