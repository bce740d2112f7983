/**
 * `ser report DIR` reads the results directory only (results.json + display.json): after a
 * pipeline run, the corpus folder is renamed and the report is drawn again, with the same
 * figures as the pipeline drew while the corpus was there.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav-encode.js';
import { workerFilename } from '../src/extract/pool.js';
import type { PipelineResults } from '../src/pipeline/results.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../src/synth/index.js';
import { ser } from './helpers/cli.js';

let haveDist = true;
try {
  workerFilename();
} catch {
  haveDist = false;
  console.warn('[skip] dist/ not built: the moved-corpus report test needs `npm run build`');
}

function figureFiles(dir: string): Map<string, Buffer> {
  const figures = join(dir, 'figures');
  return new Map(readdirSync(figures).sort().map((f) => [f, readFileSync(join(figures, f))]));
}

describe.skipIf(!haveDist)('ser report after the corpus folder is renamed', () => {
  let dir: string;
  let corpus: string;
  let out: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ser-report-moved-'));
    corpus = join(dir, 'corpus');
    out = join(dir, 'run');
    // Two actors (one male, one female), 4 emotions, 14 clips each: small, and enough test clips for the clip protocol's split.
    for (const spec of synthCorpusFiles(2).filter((f) => ['neutral', 'happy', 'sad', 'angry'].includes(f.emotion) && f.statement === 1)) {
      mkdirSync(join(corpus, spec.relativePath, '..'), { recursive: true });
      writeFileSync(join(corpus, spec.relativePath), encodeWav(synthesizeCorpusFile(spec, 5, 22050), 22050, { format: 'pcm16' }));
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws the same figures from results.json and display.json alone', { timeout: 300_000 }, async () => {
    const run = await ser(['pipeline', '--data', corpus, '--out', out, '--models', 'dt,knn', '--protocols', 'clip', '--workers', '1', '--quiet']);
    expect(run.stderr).toContain('report: ');
    expect(run.code).toBe(0);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as PipelineResults;
    expect(results.display).toMatchObject({ file: 'display.json', format: 'ser-display-1', omitted: [] });
    expect(results.augmentation).toMatchObject({ preset: 'paper', versions: ['original', 'noise', 'shift', 'stretch', 'pitch'] });
    const before = figureFiles(out);
    expect([...before.keys()]).toEqual(expect.arrayContaining(['augmentation.svg', 'example-angry.png', 'example-neutral.svg', 'confusion-clip.svg']));

    renameSync(corpus, join(dir, 'corpus-moved'));
    rmSync(join(out, 'figures'), { recursive: true });
    const report = await ser(['report', out, '--json']);
    expect(existsSync(corpus)).toBe(false);
    expect(report.stderr).not.toContain('note:');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({ command: 'report', ok: true, omitted: [] });
    const after = figureFiles(out);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), name).toBe(true);
  });
});
