/**
 * `ser train` / `evaluate` / `predict` end to end on a tiny synthetic corpus: the default
 * recipe trains an ensemble bundle that evaluate and predict load; mismatched inputs and
 * damaged bundles fail with exit 1 and a message, never a label.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ser } from './helpers/cli.js';
import { writeSynthCorpus } from '../src/synth/corpus-writer.js';

const run = promisify(execFile);
const HAVE_BUILD = existsSync(join(ROOT, 'build/ser.wasm')) && existsSync(join(ROOT, 'dist/src/cli/main.js'));


describe.skipIf(!HAVE_BUILD)('ser train → evaluate → predict', () => {
  let dir: string;
  let corpus: string;
  let model: string;
  let wav: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ser-cli-models-'));
    corpus = join(dir, 'corpus');
    writeSynthCorpus({ out: corpus, actors: 3, seed: 5 });
    wav = join(corpus, 'Actor_01', '03-01-05-01-01-01-01.wav');
    model = join(dir, 'model');
    const r = await ser(['train', '--data', corpus, '--out', model, '--epochs', '1', '--members', '2', '--cache', join(dir, 'cache'), '--quiet']);
    expect(r.stderr).toMatch(/recipe 'best'/);
    expect(r.code, r.stderr).toBe(0);
  }, 300_000);

  it('train wrote an ensemble bundle that records its recipe, corpus and validation speakers', () => {
    const b = JSON.parse(readFileSync(join(model, 'bundle.json'), 'utf8'));
    expect(b.format).toBe('ser-wasm-model/2');
    expect(b.spec.kind).toBe('ensemble');
    expect(b.trainedOn.recipeName).toBe('best');
    expect(b.trainedOn.synthetic).toBe(true);
    const member = JSON.parse(readFileSync(join(model, 'member-1', 'bundle.json'), 'utf8'));
    expect(member.training[0].validationSpeakers.length).toBe(1);
  });

  it('evaluate prints accuracy, balanced accuracy and macro-F1 as JSON', async () => {
    const r = await ser(['evaluate', model, '--data', corpus, '--speakers', 'Actor_02']);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.rows).toBe(60);
    expect(m.speakers).toEqual(['Actor_02']);
    for (const k of ['accuracy', 'balancedAccuracy', 'macroF1']) expect(m[k]).toBeGreaterThanOrEqual(0);
    expect(r.stderr).toMatch(/precision +recall +f1-score +support/);
  }, 120_000);

  it('predict gives an emotion and probabilities that sum to 1', async () => {
    const r = await ser(['predict', model, wav, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [p] = JSON.parse(r.stdout);
    expect(b7(p.probabilities)).toBeCloseTo(1, 3);
    expect(Object.keys(p.probabilities)).toContain(p.emotion);
  }, 60_000);

  it('the library API (README quick start) loads the bundle without initBackend and agrees with ser predict', async () => {
    // A fresh process that imports the package entry and never chooses a tfjs backend itself.
    const script = [
      "import { loadBundle, loadAudio, createWasmDsp, featureVector, recipeLoadOptions } from './dist/src/index.js';",
      `const model = await loadBundle(${JSON.stringify(model)});`,
      'const { recipe } = model.meta;',
      `const { y } = await loadAudio(${JSON.stringify(wav)}, recipeLoadOptions(recipe));`,
      'const row = featureVector(await createWasmDsp(), y, recipe);',
      "const p = model.predictProba(row, 1, { speakers: ['one'] });",
      'console.log(JSON.stringify(Array.from(p)));',
    ].join('\n');
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, maxBuffer: 16 << 20 });
    const lib = JSON.parse(stdout.trim().split('\n').pop()!) as number[];
    const cli = JSON.parse((await ser(['predict', model, wav, '--json'])).stdout)[0].probabilities as Record<string, number>;
    expect(lib).toHaveLength(Object.keys(cli).length);
    Object.values(cli).forEach((p, i) => expect(lib[i]).toBeCloseTo(p, 3));
  }, 60_000);

  it('refuses a feature table made with another recipe, and --data with --features, before training', async () => {
    const table = join(dir, 'paper');
    expect((await ser(['extract', '--data', corpus, '--out', `${table}.csv`, '--augment', 'none', '--no-csv', '--cache', join(dir, 'cache'), '--quiet'])).code).toBe(0);
    const out = join(dir, 'never');
    const r = await ser(['train', '--features', table, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/extracted with a different recipe/);
    expect(existsSync(out)).toBe(false);
    const both = await ser(['train', '--features', table, '--data', corpus, '--out', out]);
    expect(both.code).toBe(1);
    expect(both.stderr).toMatch(/either --data DIR or --features FILE, not both/);
  }, 120_000);

  it('a damaged bundle is an error (exit 1), never a label', async () => {
    const weights = join(model, 'member-2', 'weights.bin');
    writeFileSync(weights, Buffer.alloc(readFileSync(weights).length, 0xff));
    const r = await ser(['predict', model, wav, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/NaN or infinite/);
    // --json: no prediction, only the error object (src/cli/json-output.ts).
    expect(JSON.parse(r.stdout)).toMatchObject({ command: 'predict', ok: false, error: { message: expect.stringMatching(/NaN or infinite/) } });
  }, 60_000);
});

function b7(p: Record<string, number>): number {
  return Object.values(p).reduce((a, b) => a + b, 0);
}
