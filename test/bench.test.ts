// The benchmark's bookkeeping (ratios, verdicts, tables, inputs); no timing claims are tested here.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../bench/args.js';
import { benchSoak, formatSoak } from '../bench/soak.js';
import { computeRatios, measure, type BenchRow } from '../bench/measure.js';
import { kernelTable, targetsList, formatOps, formatTime } from '../bench/table.js';
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
    expect(lines[0]).toMatch(/met$/);
    expect(lines[1]).toContain('borderline');
    expect(lines[2]).toContain('MISSED');
    expect(lines[3]).toContain('not measured');
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
