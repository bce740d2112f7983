import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerFilename } from '../src/extract/pool.js';
import { runPipeline } from '../src/pipeline/run-pipeline.js';
import { formatTable4 } from '../src/pipeline/table.js';
import type { PipelineResults } from '../src/pipeline/results.js';

let haveWorker = true;
try {
  workerFilename();
} catch {
  haveWorker = false;
  console.warn('[skip] dist/ not built: the pipeline test needs `npm run build`');
}

describe.skipIf(!haveWorker)('ser pipeline end to end on a tiny synthetic corpus', () => {
  it('synthesises, extracts, evaluates every protocol × model and writes results.json', { timeout: 600_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'ser-pipeline-'));
    const lines: string[] = [];
    const printed: string[] = [];
    const results = await runPipeline({ out, synthActors: 4, epochs: 2, patience: 1, workers: 2, quiet: true, seed: 3, log: (l) => lines.push(l), print: (t) => printed.push(t) });

    const onDisk: PipelineResults = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
    expect(onDisk.seed).toBe(3);
    expect(onDisk.corpus.synthetic).toBe(true);
    expect(onDisk.corpus.files).toBe(240);
    expect(onDisk.classes).toEqual(['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised']);
    expect(onDisk.extraction.rows).toBe(240 * 5);
    expect(onDisk.extraction.dim).toBe(2376);
    // Originals per class: neutral absorbs calm (4 actors × (4 neutral + 8 calm)).
    const neutral = onDisk.corpus.classCounts.neutral!;
    expect((neutral.male ?? 0) + (neutral.female ?? 0)).toBe(48);

    for (const protocol of ['paper', 'clip', 'speaker'] as const) {
      const p = onDisk.protocols[protocol]!;
      expect(p.trainRows + p.testRows).toBeGreaterThan(0);
      for (const model of ['dt', 'knn', 'cnn'] as const) {
        const m = p.models[model]!;
        expect(m.testAccuracy).toBeGreaterThanOrEqual(0);
        expect(m.testAccuracy).toBeLessThanOrEqual(1);
        const total = m.confusion.flat().reduce((a, b) => a + b, 0);
        expect(total).toBe(p.testRows);
        expect(m.perClass.map((c) => c.label)).toEqual(onDisk.classes);
      }
      expect(p.models.cnn!.training!.epochs).toBeGreaterThanOrEqual(1);
      expect(p.models.cnn!.training!.history.loss.length).toBe(p.models.cnn!.training!.epochs);
    }
    // Test rows: paper protocol tests augmented rows (20 % of all), the others only originals.
    expect(onDisk.protocols.paper!.testRows).toBe(240);
    expect(onDisk.protocols.clip!.testRows).toBe(48);
    const speaker = onDisk.protocols.speaker!;
    expect(speaker.testSpeakers.length).toBe(2);
    expect(speaker.testSpeakers.some((s) => speaker.trainSpeakers.includes(s))).toBe(false);
    // Early stopping watched the training side only: whole speakers when it had 3 or more, else whole
    // recordings (2 training actors here) — never a test speaker.
    const training = speaker.models.cnn!.training!;
    expect(training.validationModes).toEqual(['recordings']);
    for (const v of training.validationSpeakers!.flat()) {
      expect(speaker.trainSpeakers).toContain(v);
      expect(speaker.testSpeakers).not.toContain(v);
    }
    expect(speaker.testRows).toBe(120);
    // The decision tree has unlimited depth: it fits its training side.
    expect(onDisk.protocols.paper!.models.dt!.trainAccuracy).toBe(1);

    const table = formatTable4(results);
    expect(table).toContain('Decision Tree');
    expect(table).toContain('41.5 %');
    expect(existsSync(join(out, 'features.bin'))).toBe(true);
    expect(lines.some((l) => l.includes('tfjs backend'))).toBe(true);
    expect(printed.join('\n')).toContain('precision    recall  f1-score   support');
    expect(printed.join('\n')).toContain(table);
  });
});
