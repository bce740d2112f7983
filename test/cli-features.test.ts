import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HAVE_LIBROSA, LIBROSA_DIR, fixtureArray } from './helpers/fixtures.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { emptyMelFilters } from '../src/reference/mel.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HAVE_WASM_DSP = existsSync(join(ROOT, 'build/ser.wasm'));
if (!HAVE_WASM_DSP) console.warn('[skip] build/ser.wasm missing: `ser features` is only tested with --backend js');

/** Same budgets as the parity tests: MFCC ~1e-4 abs (float32 vs float64), RMS relative to its scale, ZCR exact. */
const MFCC_ABS_TOL = 5e-4;
const RMS_REL_TOL = 1e-6;

async function ser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

interface FeaturesJson {
  command: string;
  schemaVersion: number;
  sampleRate: number;
  zcr: number[];
  rms: number[];
  mfcc: number[][];
  vector: number[];
}

const backends = [
  { name: 'js', available: true },
  { name: 'wasm', available: HAVE_WASM_DSP },
];

describe.skipIf(!HAVE_LIBROSA)('ser features --json', () => {
  // sweep_22050 is PCM16 at 22.05 kHz: --offset 0.6 --duration 2.5 reads exactly y.npy (no resampling).
  const wav = join(LIBROSA_DIR, 'signals/sweep_22050.wav');
  const signal = 'sweep_22050';

  for (const b of backends) {
    it.skipIf(!b.available)(`backend ${b.name}: shape and values match the librosa fixture`, async () => {
      const r = await ser(['features', wav, '--json', '--offset', '0.6', '--duration', '2.5', '--backend', b.name]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout) as FeaturesJson;
      expect(Object.keys(out).sort()).toEqual(['command', 'mfcc', 'rms', 'sampleRate', 'schemaVersion', 'vector', 'zcr']);
      expect(out.command).toBe('features');
      expect(out.schemaVersion).toBe(1);
      expect(out.sampleRate).toBe(22050);

      const zcr = fixtureArray(signal, 'zcr').data as Float64Array;
      const rms = fixtureArray(signal, 'rms').data as Float32Array;
      const mfcc = fixtureArray(signal, 'mfcc20').data as Float32Array;
      const frames = zcr.length;
      expect(out.zcr).toEqual(Array.from(zcr));
      expect(out.rms).toHaveLength(frames);
      expect(maxAbsDiff(out.rms, rms)).toBeLessThanOrEqual(RMS_REL_TOL * Math.max(...rms));
      expect(out.mfcc).toHaveLength(20);
      for (let k = 0; k < 20; k++) {
        expect(out.mfcc[k]).toHaveLength(frames);
        expect(maxAbsDiff(out.mfcc[k]!, mfcc.subarray(k * frames, (k + 1) * frames))).toBeLessThanOrEqual(MFCC_ABS_TOL);
      }
      const padded = fixtureArray(signal, 'features_padded').data as Float64Array;
      expect(out.vector).toHaveLength(2376);
      expect(maxAbsDiff(out.vector, padded)).toBeLessThanOrEqual(MFCC_ABS_TOL);
    });
  }

  it.skipIf(!HAVE_WASM_DSP)('a 48 kHz stereo RAVDESS file with --sr 22050: the paper recipe shape', async () => {
    // Values depend on the resampler (tested on its own); here only the mono mix, rate and framing.
    const file = join(LIBROSA_DIR, 'signals/ravdess_A01_calm_stereo.wav');
    const r = await ser(['features', file, '--json', '--sr', '22050', '--offset', '0.6', '--duration', '2.5']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as FeaturesJson;
    expect(out.sampleRate).toBe(22050);
    const frames = fixtureArray('ravdess_A01_calm_stereo', 'zcr').data.length;
    expect(out.zcr).toHaveLength(frames);
    expect(out.rms).toHaveLength(frames);
    expect(out.mfcc.map((row) => row.length)).toEqual(new Array(20).fill(frames));
    expect(out.vector).toHaveLength(2376);
  });

  it.skipIf(!HAVE_WASM_DSP)('--recipe paper on a 48 kHz RAVDESS file: the paper vector, close to librosa end to end', async () => {
    const file = join(LIBROSA_DIR, 'signals/ravdess_A02_angry.wav');
    const r = await ser(['features', file, '--json', '--recipe', 'paper']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as FeaturesJson;
    expect(out.sampleRate).toBe(22050);
    expect(out.vector).toHaveLength(2376);
    // Load + resample + features against librosa.load (soxr HQ) + features: the resampler's
    // difference dominates (measured 4.4e-3 here; MFCC values span about -600..250).
    const padded = fixtureArray('ravdess_A02_angry', 'features_padded').data as Float64Array;
    expect(maxAbsDiff(out.vector, padded)).toBeLessThanOrEqual(0.02);
  });

  it('options change the shape: --n-mfcc 13 --n-fft 1024 --hop 256 --n-mels 40', async () => {
    const r = await ser(['features', wav, '--json', '--backend', 'js', '--n-mfcc', '13', '--n-fft', '1024', '--hop', '256', '--n-mels', '40']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as FeaturesJson;
    const frames = 1 + Math.floor((3 * 22050) / 256); // the whole 3.0 s file
    expect(out.zcr).toHaveLength(frames);
    expect(out.mfcc).toHaveLength(13);
    expect(out.mfcc[0]).toHaveLength(frames);
    // Default vector length: a 2.5 s clip at this rate and hop, 15 values per frame.
    expect(out.vector).toHaveLength((1 + Math.floor(55125 / 256)) * 15);
  });
});

describe('empty mel filters (librosa.filters.mel rule)', () => {
  it('none at the paper settings, some when n_mels is too large for n_fft', () => {
    expect(emptyMelFilters({ sr: 22050, nFft: 2048, nMels: 128 })).toEqual([]);
    const empty = emptyMelFilters({ sr: 22050, nFft: 2048, nMels: 1000 });
    expect(empty.length).toBeGreaterThan(0);
    expect(empty[0]).toBeGreaterThan(0); // the lowest band starts at 0 Hz and is never counted
    expect(emptyMelFilters({ sr: 22050, nFft: 256, nMels: 128 }).length).toBeGreaterThan(0);
    expect(emptyMelFilters({ sr: 22050, nFft: 512, nMels: 128 })).toEqual([]);
  });
});

describe('ser features errors', () => {
  it('a missing file: exit code 1, the path on stderr', async () => {
    const r = await ser(['features', '/nonexistent/clip.wav', '--json', '--backend', 'js']);
    expect(r.code).toBe(1);
    // --json: the failure is a JSON object on stdout too (src/cli/json-output.ts).
    expect(JSON.parse(r.stdout)).toMatchObject({ command: 'features', schemaVersion: 1, ok: false, error: { message: expect.stringContaining('/nonexistent/clip.wav') } });
    expect(r.stderr).toContain('/nonexistent/clip.wav');
  });

  it('a file that is not a WAV: exit code 1, the path on stderr', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ser-features-')), 'notes.wav');
    writeFileSync(path, 'these are not audio samples\n');
    const r = await ser(['features', path, '--json', '--backend', 'js']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path);
    expect(r.stderr).toMatch(/not a WAV/i);
  });

  it('warns like librosa when --n-mels leaves mel filters empty, and about samples beyond ±1 (exit 0)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'ser-features-')), 'loud.wav');
    const y = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin(i / 10));
    y[10] = 1.25;
    writeFileSync(path, encodeWav(y, 22050, { format: 'float32' }));
    const r = await ser(['features', path, '--backend', 'js', '--sr', 'native', '--n-mels', '1000', '--n-mfcc', '20']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`warning: ${path}: 1 float sample(s) exceed ±1 (peak 1.250)`);
    expect(r.stderr).toMatch(/warning: Empty filters detected in mel frequency basis\. .* \(\d+ of 1000 mel bands are empty at n_fft 2048, 22050 Hz\)/);
  });

  it('an invalid option value is refused', async () => {
    const r = await ser(['features', '/nonexistent/clip.wav', '--hop', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--hop must be a positive integer');
  });
});
