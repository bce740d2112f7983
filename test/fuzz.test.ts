/**
 * A 500-case slice of the fuzz runner (issue 12): mutated WAVs through the decoder and through
 * loadAudio + the paper's features, mutated feature tables and model bundles through their
 * readers. Each case must end in a valid result or a typed error, within the time limit.
 * The full run (`npm run fuzz -- --cases 10000 --seed 1`) and its numbers are in the README.
 */
import { describe, expect, it } from 'vitest';
import { fuzzWorkerFile, formatFuzzReport, runFuzz, type FuzzReport } from '../fuzz/runner.js';

let haveWorker = true;
try {
  fuzzWorkerFile();
} catch {
  haveWorker = false;
  console.warn('[skip] dist/fuzz/worker.js missing: run `npm run build` for the fuzz slice');
}

describe.skipIf(!haveWorker)('fuzz slice: 500 cases, seed 12', () => {
  let report: FuzzReport;

  it('runs 500 cases over the four targets without a hang or a crashed worker', async () => {
    report = await runFuzz({ cases: 500, seed: 12, timeoutMs: 10_000 });
    console.info(formatFuzzReport(report, 10));
    const tallies = Object.values(report.targets);
    expect(tallies.reduce((n, t) => n + t.cases, 0)).toBe(500);
    expect(Object.keys(report.targets).sort()).toEqual(['bundle', 'feature-table', 'load-features', 'wav-decode']);
    for (const t of tallies) {
      expect(t.hangs).toBe(0);
      expect(t.crashes).toBe(0);
      // Both outcomes are exercised: some inputs survive, some are refused.
      expect(t.valid).toBeGreaterThan(0);
      expect(Object.keys(t.typed).length).toBeGreaterThan(0);
    }
  }, 120_000);

  for (const target of ['wav-decode', 'load-features', 'feature-table'] as const) {
    it(`${target}: only valid results (finite, consistent) and typed errors`, () => {
      expect(report.failures.filter((f) => f.target === target)).toEqual([]);
    });
  }

  it('bundle (loadBundle + one prediction): only valid results and typed errors', () => {
    expect(report.failures.filter((f) => f.target === 'bundle').map((f) => `#${f.index} ${f.kind}: ${f.detail.split('\n')[0]}`)).toEqual([]);
  });
});
