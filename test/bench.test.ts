// The benchmark's bookkeeping (ratios, verdicts, tables, inputs); no timing claims are tested here.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../bench/args.js';
import { benchSoak, formatSoak } from '../bench/soak.js';
import { computeRatios, measure, type BenchRow } from '../bench/measure.js';
import { extractionTable, kernelTable, singleTarget, targetsList, formatOps, formatTime } from '../bench/table.js';
import { formatOutput } from '../bench/output.js';
import { formatClassical } from '../bench/classical.js';
import { formatCnnTrainBench, type CnnTrainBenchRow } from '../bench/cnn-train.js';
import { benchClip, CLIP_SAMPLES } from '../bench/clip.js';
import { fftInput, realFftFlops } from '../bench/kernels.js';

function row(kernel: string, impl: string, role: BenchRow['role'], opsPerSec: number): BenchRow {
  return { kernel, impl, role, opsPerSec, meanMs: 1000 / opsPerSec, rmePct: 1, samples: 5, bestMs: 900 / opsPerSec, sampleMs: [] };
}

describe('computeRatios', () => {
  it('divides by the reference and by the fastest peer of the same kernel only', () => {
    const rows = [
      row('fft', 'wasm', 'wasm', 1000),
      row('fft', 'js-reference', 'reference', 100),
      row('fft', 'peer-a', 'peer', 500),
      row('fft', 'peer-b', 'peer', 250),
      row('zcr', 'wasm', 'wasm', 40),
      row('zcr', 'js-reference', 'reference', 10),
    ];
    computeRatios(rows);
    expect(rows[0]!.ratioToReference).toBeCloseTo(10, 12);
    expect(rows[0]!.ratioToBestPeer).toBeCloseTo(2, 12);
    expect(rows[3]!.ratioToBestPeer).toBeCloseTo(0.5, 12);
    expect(rows[4]!.ratioToReference).toBeCloseTo(4, 12);
    expect(rows[4]!.ratioToBestPeer).toBeUndefined();
  });
});

describe('tables', () => {
  it('prints one line per row plus the header, with ratios and GFLOP/s', () => {
    const rows = [
      { ...row('real FFT n=2048', 'wasm (kernel)', 'wasm', 250_000), flopsPerOp: realFftFlops(2048) },
      { ...row('real FFT n=2048', 'js-reference', 'reference', 8_000), flopsPerOp: realFftFlops(2048) },
    ];
    computeRatios(rows);
    const lines = kernelTable(rows).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('GFLOP/s');
    // 2.5 · 2048 · 11 flops at 250,000 ops/s = 14.08 GFLOP/s
    expect(lines[2]).toContain('| 14.08 |');
    expect(lines[2]).toContain('31.3×');
    expect(lines[3]).toContain('1 (reference)');
  });

  it('formats magnitudes readably', () => {
    expect(formatOps(253631.4)).toBe('253,631');
    expect(formatOps(3.917)).toBe('3.92');
    expect(formatTime(0.00394)).toBe('3.94 µs');
    expect(formatTime(1.16)).toBe('1.16 ms');
    expect(formatTime(2500)).toBe('2.50 s');
  });

  it('gives a verdict per target from both the means and the fastest samples', () => {
    const text = targetsList([
      { target: 'a', required: 3, measured: 5, measuredBest: 4, met: true, metBest: true, rmePct: 10 },
      { target: 'b', required: 1, measured: 0.8, measuredBest: 1.1, met: false, metBest: true, rmePct: 30 },
      { target: 'c', required: 4, measured: 2, measuredBest: 2, met: false, metBest: false, rmePct: 5 },
      { target: 'd', required: 5 },
    ]);
    const lines = text.split('\n');
    const single = targetsList([
      singleTarget('extract vs librosa', 10, 12.5, { note: '200 vs 16 files/s' }),
      singleTarget('epoch', 10, 14.2, { unit: 's', direction: 'max' }),
      singleTarget('binary', 200, 480, { unit: 'MB/s' }),
      singleTarget('missing', 5, undefined),
    ]).split('\n');
    expect(single).toEqual([
      '- extract vs librosa ≥ 10×: 12.50× (200 vs 16 files/s) — met',
      '- epoch ≤ 10 s: 14.2 s — MISSED',
      '- binary ≥ 200 MB/s: 480 MB/s — met',
      '- missing ≥ 5×: not measured (row missing)',
    ]);
    expect(lines[0]).toMatch(/met$/);
    expect(lines[1]).toContain('borderline');
    expect(lines[2]).toContain('MISSED');
    expect(lines[3]).toContain('not measured');
  });
});

describe('side-by-side tables', () => {
  it('extraction: the pool, the CLI rows and librosa, with ratios to librosa from the same run', () => {
    const text = extractionTable({
      actors: ['Actor_01'], versions: 5,
      rows: [{ workers: 2, files: 60, vectors: 300, skipped: 0, wallSeconds: 1, cpuSeconds: 2, filesPerSec: 60, filesPerSecPerWorker: 30, filesPerCpuSec: 30 }],
      cli: [
        { output: 'csv + binary', options: '', cache: true, workers: 2, files: 60, rows: 300, wallSeconds: 2, runsWallSeconds: [2], poolSeconds: 1, filesPerSec: 30, bytesWritten: 11e6 },
        { output: 'binary only', options: '--no-cache --no-csv', cache: false, workers: 2, files: 60, rows: 300, wallSeconds: 1.5, runsWallSeconds: [1.6, 1.5, 1.45], poolSeconds: 1, filesPerSec: 40, bytesWritten: 4e6 },
      ],
      librosa: { impl: 'librosa 0.10.2 + joblib', jobs: 2, files: 60, filesPerSec: 6, processSeconds: 14, summary: '' },
    });
    expect(text).toContain('| ser-wasm pool (extractCorpus) | work only, in this process | 1.0 | 60.00 | 10.0× |');
    expect(text).toMatch(/\| `ser extract` \| CLI process spawn to exit, csv \+ binary written \(11 MB\), cold cache written; pool 1.0 s \| 2.0 \| 30.00 \| 5.00× \|/);
    // Several runs: the row is their median, and every run's time is shown.
    expect(text).toContain('| `ser extract --no-cache --no-csv` | CLI process spawn to exit, binary only written (4 MB); pool 1.0 s; median of 3 runs (1.60, 1.50, 1.45 s) | 1.5 | 40.00 | 6.67× |');
    expect(text).toContain('| librosa 0.10.2 + joblib |');
    const skipped = extractionTable({ actors: ['Actor_01'], versions: 5, rows: [], cli: [], librosaSkipped: 'no Python' });
    expect(skipped).toContain('skipped');
  });

  it('training, classical models and output tables name every row and ratio', () => {
    const r = (backend: string, kernels: CnnTrainBenchRow['kernels'], arch: 'paper' | 'sequence', sps: number, threads = 1): CnnTrainBenchRow => ({
      backend, kernels, arch, detail: backend, loop: 'trainCnn', rows: 64, threads, epochMs: 64000 / sps, cpuMs: 64000 / sps, samplesPerSec: sps, samplesPerCpuSec: sps,
      epochSecondsPer5000: 5000 / sps, epochCpuSecondsPer5000: 5000 / sps,
    });
    const cnn = formatCnnTrainBench({
      name: 'cnn-train', classes: 7, batchSize: 32,
      archs: [{ arch: 'paper', title: 'paper CNN', dim: 2376 }, { arch: 'sequence', title: 'sequence CNN', dim: 6432 }],
      results: [r('wasm', 'ours', 'paper', 120), r('wasm', 'ours', 'paper', 200, 2), r('wasm', 'stock', 'paper', 50), r('cpu', '', 'sequence', 2), r('wasm', 'ours', 'sequence', 300)],
      skipped: [],
      ensemble: { spec: 'x', identical: true, rows: [{ threads: 1, members: 2, fitRows: 10, epochs: 1, wallSeconds: 10, cpuSeconds: 10 }, { threads: 2, members: 2, fitRows: 10, epochs: 1, wallSeconds: 5.5, cpuSeconds: 11 }] },
    });
    expect(cnn).toContain('| wasm | stock | 1 | trainCnn | 64 |');
    expect(cnn).toContain('ours (2 threads) ÷ this (wall) |');
    expect(cnn).toContain('| wasm | ours | 1 | trainCnn | 64 | 0.5 | 0.5 | 120.0 | 120.0 | 41.7 | 41.7 | 1.67× |');
    expect(cnn).toContain('4.00× |');
    expect(cnn).toContain('150.00× |');
    expect(cnn).toContain('| 2 | 2 | 10 | 5.5 | 11.0 | 1.82× |');
    expect(formatClassical({ source: 's', dim: 4, rows: [
      { task: 'KNN predict (k = 4)', impl: 'wasm (SIMD distances)', trainRows: 10, queries: 5, seconds: 1, perSecond: 5 },
      { task: 'KNN predict (k = 4)', impl: 'js', trainRows: 10, queries: 1, seconds: 1, perSecond: 1 },
    ] })).toContain('| 0.200× |');
    const out = formatOutput({ source: 's', rows: 1, dim: 1, csvIdentical: true, results: [
      { format: 'CSV', impl: 'writeFeatureTableCsv', bytes: 1e6, seconds: 0.1, runs: [0.1], mbPerSec: 10 },
      { format: 'CSV', impl: 'before: csv-stringify + toPrecision(9)', bytes: 1e6, seconds: 1, runs: [1], mbPerSec: 1 },
    ] });
    expect(out).toContain('| 10.0× |');
    expect(out).toContain('byte-identical to the old writer\'s: yes');
  });
});

describe('inputs', () => {
  it('the clip is 2.5 s at 22.05 kHz, finite and the same on every call', () => {
    const a = benchClip();
    const b = benchClip();
    expect(a.y.length).toBe(CLIP_SAMPLES);
    expect(a.sr).toBe(22050);
    expect(a.y.every(Number.isFinite)).toBe(true);
    expect(a.y.some((v) => v !== 0)).toBe(true);
    expect(b.y).toEqual(a.y);
  });

  it('FFT frames are seeded per size', () => {
    expect(fftInput(512)).toEqual(fftInput(512));
    expect(fftInput(512)).not.toEqual(fftInput(1024).subarray(0, 512));
  });
});

describe('measure', () => {
  const timing = { maxTime: 0.05, minSamples: 2 };

  it('returns Benchmark.js statistics for a row', () => {
    const r = measure({ kernel: 'k', impl: 'i', role: 'wasm', fn: () => Math.sqrt(2) }, timing);
    expect(r.opsPerSec).toBeGreaterThan(0);
    expect(r.samples).toBeGreaterThanOrEqual(2);
    expect(r.sampleMs).toHaveLength(r.samples);
    expect(r.bestMs).toBeLessThanOrEqual(r.meanMs);
  });

  it('reports a throwing implementation as an error naming the row', () => {
    const fail = () => {
      throw new Error('boom');
    };
    expect(() => measure({ kernel: 'k', impl: 'broken', role: 'peer', fn: fail }, timing)).toThrow(/'k \/ broken' failed: boom/);
  });
});

describe('command line (npm run bench -- …)', () => {
  it('refuses unknown options and sections with the usage, and takes --help, --only, --soak', () => {
    expect(() => parseBenchArgs(['--quik'])).toThrow(/bench: Unknown option '--quik'[\s\S]*usage: npm run bench/);
    expect(() => parseBenchArgs(['--only', 'fft,nope'])).toThrow(/unknown section 'nope'/);
    expect(() => parseBenchArgs(['stray'])).toThrow(/usage: npm run bench/);
    expect(() => parseBenchArgs(['--soak-predictions', '0'])).toThrow(/--soak-predictions must be a positive integer/);
    expect(parseBenchArgs(['--help']).help).toBe(true);
    expect(parseBenchArgs([]).sections).toEqual(['fft', 'features', 'augment', 'extraction', 'training', 'classical', 'output']);
    expect(parseBenchArgs(['--json', '--only', 'output'])).toMatchObject({ json: true, sections: ['output'] });
    expect(parseBenchArgs([]).json).toBe(false);
    expect(parseBenchArgs(['--soak']).sections).toContain('soak');
    expect(parseBenchArgs(['--only', 'soak', '--soak-predictions', '50'])).toMatchObject({ sections: ['soak'], soakPredictions: 50 });
  });
});

describe.skipIf(!existsSync('build/ser.wasm'))('soak (short run)', () => {
  it('repeated predictions leave the tensor count and ser.wasm memory flat after warm-up', async () => {
    const s = await benchSoak({ modelDir: 'demo/model', predictions: 120, every: 30, warmup: 30 });
    expect(s.samples.map((x) => x.predictions)).toEqual([0, 30, 60, 90, 120]);
    expect(s.growthAfterWarmup.tensors).toBe(0);
    expect(s.growthAfterWarmup.serWasmMb).toBe(0);
    if (s.growthAfterWarmup.tfWasmMb !== null) expect(s.growthAfterWarmup.tfWasmMb).toBe(0);
    expect(Object.values(s.predicted).reduce((a, b) => a + b, 0)).toBe(120);
    expect(formatSoak(s)).toMatch(/\| 120 \| [\d.]+ \| [\d.]+ \|/);
  }, 120_000);
});
