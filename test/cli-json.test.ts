/**
 * Machine-readable CLI (issue 14, item 4): `--json` objects with `command` and `schemaVersion`,
 * a JSON error object on failure, and a closed stdout pipe (`| head -c 10`) ending quietly.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav-encode.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SER = [process.execPath, '--import', 'tsx', 'src/cli/main.ts'];

async function ser(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(SER[0]!, [...SER.slice(1), ...args], { cwd: ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `ser ARGS | head -c BYTES`: ser's exit code (pipefail) and stderr, head's output. */
function serIntoHead(args: string[], bytes: number): Promise<{ code: number | null; stderr: string; head: string }> {
  const quoted = [...SER, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((done) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', `${quoted} 2>"$ERR" | head -c ${bytes}`], {
      cwd: ROOT, env: { ...process.env, ERR: join(tmpdir(), `ser-epipe-${process.pid}.err`) },
    });
    let head = '';
    child.stdout.on('data', (d: Buffer) => (head += d.toString()));
    child.on('close', async (code) => {
      const { readFileSync } = await import('node:fs');
      done({ code, stderr: readFileSync(join(tmpdir(), `ser-epipe-${process.pid}.err`), 'utf8'), head });
    });
  });
}

describe('--json and pipes', () => {
  let dir: string;
  let wav: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ser-cli-json-'));
    wav = join(dir, 'tone.wav');
    // 20 s at 22.05 kHz: `features --json` prints megabytes, far more than a pipe holds.
    const y = Float32Array.from({ length: 22050 * 20 }, (_, i) => 0.3 * Math.sin(i / 7) + 0.01 * Math.sin(i * 1.7));
    writeFileSync(wav, encodeWav(y, 22050, { format: 'pcm16' }));
  });

  it('`ser features … --json | head -c 10` ends quietly: no EPIPE, no stack trace, exit code 0', async () => {
    const r = await serIntoHead(['features', wav, '--json', '--backend', 'js', '--sr', 'native'], 10);
    expect(r.head).toBe('{"command"');
    expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    expect(r.code).toBe(0);
  }, 120_000);

  it('features, augment and synth print one object with command and schemaVersion', async () => {
    const features = await ser(['features', wav, '--json', '--backend', 'js', '--duration', '1']);
    expect(features.code).toBe(0);
    const f = JSON.parse(features.stdout);
    expect(Object.keys(f).slice(0, 2)).toEqual(['command', 'schemaVersion']);
    expect(f).toMatchObject({ command: 'features', schemaVersion: 1, sampleRate: 22050 });

    const augment = await ser(['augment', wav, '--noise', '0.005', '--seed', '3', '--out', join(dir, 'noisy.wav'), '--backend', 'js', '--json']);
    expect(augment.code, augment.stderr).toBe(0);
    expect(JSON.parse(augment.stdout)).toMatchObject({
      command: 'augment', schemaVersion: 1, input: wav, output: join(dir, 'noisy.wav'), version: 'noise', applied: { version: 'noise', seed: 3 },
    });

    const synth = await ser(['synth', '--out', join(dir, 'synth'), '--actors', '1', '--sr', '8000', '--json']);
    expect(synth.code, synth.stderr).toBe(0);
    expect(JSON.parse(synth.stdout)).toMatchObject({ command: 'synth', schemaVersion: 1, files: 60, actors: 1, sampleRate: 8000, out: join(dir, 'synth') });
  }, 180_000);

  it('a failure with --json is an object too: ok false, the error, exit code 1', async () => {
    const r = await ser(['augment', join(dir, 'missing.wav'), '--noise', '0.005', '--out', join(dir, 'x.wav'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ command: 'augment', schemaVersion: 1, ok: false, error: { name: 'AudioError', message: expect.stringContaining('missing.wav') } });
    const report = await ser(['report', join(dir, 'no-results'), '--json']);
    expect(report.code).toBe(1);
    expect(JSON.parse(report.stdout)).toMatchObject({ command: 'report', ok: false });
  }, 120_000);
});
