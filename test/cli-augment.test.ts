import { beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { augmentClip, PAPER_AUGMENT_PARAMS, referenceAugmentBackend } from '../src/augment/index.js';
import { decodeWav } from '../src/audio/wav-decode.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { Random } from '../src/util/random.js';

// The input WAV is synthesised here, so this test never needs ../shared.
const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HAVE_WASM = existsSync(join(ROOT, 'build/ser.wasm'));
const SR = 22050;
const N = 33075; // 1.5 s

async function ser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function readMono(path: string): { y: Float32Array; sr: number; format: string } {
  const d = decodeWav(readFileSync(path));
  return { y: d.data[0]!, sr: d.info.sampleRate, format: d.info.format };
}

let dir: string;
let input: string;
let clip: Float32Array;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'ser-augment-'));
  input = join(dir, 'in.wav');
  const rng = new Random(42);
  clip = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    const t = i / SR;
    clip[i] = 0.4 * Math.sin(2 * Math.PI * 220 * t) * (0.5 + 0.5 * Math.sin(2 * Math.PI * 2 * t)) + 0.01 * rng.gaussian();
  }
  // Written as float32 so the CLI reads back exactly these samples.
  writeFileSync(input, encodeWav(clip, SR, { format: 'float32' }));
});

describe('ser augment', () => {
  it.skipIf(!HAVE_WASM)('--stretch with a range draws the rate from the seed, reports it and writes round(n / rate) samples', async () => {
    const out = join(dir, 'stretch.wav');
    const r = await ser(['augment', input, '--stretch', '0.8:1.2', '--seed', '7', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rate = Number(/rate ([0-9.]+) \(drawn from \[0\.8, 1\.2\)\)/.exec(r.stdout)?.[1]);
    expect(r.stdout).toContain('seed 7');
    const expected = augmentClip('stretch', clip, SR, 7, { ...PAPER_AUGMENT_PARAMS, stretch: { rate: { min: 0.8, max: 1.2 } } }, referenceAugmentBackend);
    expect(rate).toBeCloseTo(expected.applied.rate!, 6);
    const w = readMono(out);
    expect(w.sr).toBe(SR);
    expect(w.format).toBe('float32');
    expect(w.y.length).toBe(Math.round(N / expected.applied.rate!));
    // Same command, same seed: the same file, byte for byte.
    const again = join(dir, 'stretch2.wav');
    await ser(['augment', input, '--stretch', '0.8:1.2', '--seed', '7', '--out', again]);
    expect(readFileSync(again).equals(readFileSync(out))).toBe(true);
  });

  it.skipIf(!HAVE_WASM)('--pitch accepts negative steps, keeps the length and writes pcm16 on request', async () => {
    const out = join(dir, 'pitch.wav');
    const r = await ser(['augment', input, '--pitch', '-2', '--out', out, '--format', 'pcm16']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('pitch shift, -2.000000 semitones');
    expect(r.stdout).toContain('seed 0');
    const w = readMono(out);
    expect(w.format).toBe('pcm16');
    expect(w.y.length).toBe(N);
  });

  it('--shift with the js backend is a rotation within ±ms and matches the library call', async () => {
    const out = join(dir, 'shift.wav');
    const r = await ser(['augment', input, '--shift', '5', '--seed', '3', '--backend', 'js', '--out', out]);
    expect(r.code).toBe(0);
    const k = Number(/shift by (-?\d+) samples/.exec(r.stdout)?.[1]);
    expect(Math.abs(k)).toBeLessThanOrEqual(Math.floor(0.005 * SR));
    const w = readMono(out);
    const expected = augmentClip('shift', clip, SR, 3, PAPER_AUGMENT_PARAMS, referenceAugmentBackend);
    expect(k).toBe(expected.applied.shiftSamples);
    expect(w.y).toEqual(expected.y);
  });

  it('--noise adds the seeded noise the library adds', async () => {
    const out = join(dir, 'noise.wav');
    const r = await ser(['augment', input, '--noise', '0.005', '--seed', '11', '--backend', 'js', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('std 0.00500000 x peak');
    const expected = augmentClip('noise', clip, SR, 11, PAPER_AUGMENT_PARAMS, referenceAugmentBackend);
    expect(readMono(out).y).toEqual(expected.y);
  });

  it('rejects zero or several augmentations, bad values and missing files with a clear message', async () => {
    const out = join(dir, 'bad.wav');
    const none = await ser(['augment', input, '--out', out]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('give exactly one of --stretch, --pitch, --noise, --shift (got none)');
    const two = await ser(['augment', input, '--noise', '0.01', '--shift', '5', '--out', out]);
    expect(two.code).toBe(1);
    expect(two.stderr).toContain('(got --noise, --shift)');
    const neg = await ser(['augment', input, '--stretch', '0', '--out', out]);
    expect(neg.code).toBe(1);
    expect(neg.stderr).toContain('--stretch must be a number > 0');
    const missing = await ser(['augment', join(dir, 'nope.wav'), '--stretch', '1', '--backend', 'js', '--out', out]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.wav');
    expect(existsSync(out)).toBe(false);
  });
});
