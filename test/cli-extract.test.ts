/**
 * `ser extract` end to end (issue 12, rows 1, 7, 8, 13): exit codes 0 / 1 / 2, option bounds,
 * `--out` naming, and the damaged-cache report.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ser as serCli } from './helpers/cli.js';

/** The sources through tsx: these commands start no worker threads. */
const ser = (args: string[]) => serCli(args, 'src');
import { encodeWav } from '../src/audio/wav-encode.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../src/synth/index.js';
import { CACHE_PACK_SUFFIX } from '../src/extract/cache.js';
import { packRecords } from './helpers/cache-pack.js';

const HAVE_WASM = existsSync(join(ROOT, 'build/ser.wasm'));


describe.skipIf(!HAVE_WASM)('ser extract: exit codes and odd inputs', () => {
  let dir: string;
  let good: string;
  let mixed: string;
  let broken: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ser-cli-extract-'));
    const specs = synthCorpusFiles(1).slice(0, 2);
    good = join(dir, 'good');
    mixed = join(dir, 'mixed');
    broken = join(dir, 'broken');
    for (const folder of [good, mixed, broken]) mkdirSync(join(folder, 'Actor_01'), { recursive: true });
    for (const spec of specs) {
      const wav = encodeWav(synthesizeCorpusFile(spec, 3, 22050), 22050, { format: 'pcm16' });
      writeFileSync(join(good, spec.relativePath), wav);
      writeFileSync(join(mixed, spec.relativePath), wav);
    }
    // Valid RAVDESS names, contents that are not audio.
    for (const name of ['03-01-05-01-01-01-01.wav', '03-01-05-01-01-02-01.wav', '03-01-06-01-01-01-01.wav']) {
      writeFileSync(join(broken, 'Actor_01', name), 'not a wav');
    }
    writeFileSync(join(mixed, 'Actor_01', '03-01-06-01-01-01-01.wav'), Buffer.from('RIFF\x00\x00\x00\x00WAVEjunk', 'latin1'));
  });

  const extract = (data: string, out: string, ...more: string[]) =>
    ser(['extract', '--data', data, '--out', out, '--workers', '0', '--augment', 'none', '--quiet', '--cache', join(dir, 'cache'), ...more]);

  it('exits 0 when every file is extracted, 2 when some were skipped (listed), 1 with no table when all were', async () => {
    const [ok, partial, none] = await Promise.all([
      extract(good, join(dir, 'out-good', 'f.csv')),
      extract(mixed, join(dir, 'out-mixed', 'f.csv')),
      extract(broken, join(dir, 'out-broken', 'f.csv')),
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(dir, 'out-good')).sort()).toEqual(['f.bin', 'f.csv', 'f.json']);

    expect(partial.code, partial.stderr).toBe(2);
    expect(partial.stderr).toMatch(/skipped .*03-01-06-01-01-01-01\.wav: \[/);
    expect(partial.stderr).toContain('1 file(s) skipped');
    expect(readdirSync(join(dir, 'out-mixed')).sort()).toEqual(['f.bin', 'f.csv', 'f.json']);

    expect(none.code, none.stderr).toBe(1);
    expect(none.stderr).toContain('no table written');
    expect(none.stderr).toContain('3 file(s) skipped');
    expect(existsSync(join(dir, 'out-broken'))).toBe(false);
  });

  it('refuses --workers outside 0 … 4 × cores, a bad --seed and an empty --out (extract, synth, augment), naming the option', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--workers', '-1'], /--workers must be an integer from 0 to \d+/],
      [['--workers', '1000000'], /--workers must be an integer from 0 to \d+/],
      [['--seed', '-1'], /--seed must be an integer from 0 to 4294967295/],
      [['--seed', '4294967296'], /--seed must be an integer from 0 to 4294967295/],
    ];
    const results = await Promise.all(cases.map(([args]) => ser(['extract', '--data', good, '--out', join(dir, 'never', 'f'), ...args])));
    results.forEach((r, i) => {
      expect(r.code, cases[i]![0].join(' ')).toBe(1);
      expect(r.stderr).toMatch(cases[i]![1]);
    });
    const empties = await Promise.all([
      ser(['extract', '--data', good, '--out', '']),
      ser(['synth', '--out', '']),
      ser(['augment', join(good, 'Actor_01', readdirSync(join(good, 'Actor_01'))[0]!), '--noise', '0.01', '--out', ' ']),
    ]);
    for (const empty of empties) {
      expect(empty.code).toBe(1);
      expect(empty.stderr).toContain('--out must not be empty');
    }
    const folder = await ser(['extract', '--data', good, '--out', `${dir}/`]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toContain('--out must name a file');
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });

  it('--out x.bin names the table x.{bin,json,csv}, not x.bin.bin', async () => {
    const r = await extract(good, join(dir, 'named', 'x.bin'));
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'named')).sort()).toEqual(['x.bin', 'x.csv', 'x.json']);
  });

  it('reports damaged cache entries as recomputed, and the table is the same', async () => {
    const cache = join(dir, 'cache-damage');
    const first = await extract(good, join(dir, 'c1', 'f'), '--cache', cache);
    expect(first.stderr).toContain('0 damaged cache entries recomputed');
    const pack = join(cache, readdirSync(cache).find((f) => f.endsWith(CACHE_PACK_SUFFIX))!);
    const bytes = readFileSync(pack);
    bytes[packRecords(bytes)[0]!.vectors + 3]! ^= 0x40; // one bit flip in the first entry's vectors
    writeFileSync(pack, bytes);
    const second = await extract(good, join(dir, 'c2', 'f'), '--cache', cache);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain('1 cache hits, 1 damaged cache entries recomputed');
    expect(readFileSync(join(dir, 'c2', 'f.bin'))).toEqual(readFileSync(join(dir, 'c1', 'f.bin')));
  });

  it('documents the exit codes in ser --help', async () => {
    const r = await ser(['--help']);
    expect(r.stdout).toMatch(/Exit codes:\n\s+0\s+everything done\n\s+1\s+usage error or fatal error.*\n\s+2\s+done, but some inputs were skipped/);
  });
});
