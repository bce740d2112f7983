/**
 * Names are checked before any work: a typo in --models / --protocols / --recipe fails in
 * milliseconds with the valid names (it used to train a CNN or crash after a whole extraction).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { validatePipelineChoices } from '../src/pipeline/choices.js';

describe('validatePipelineChoices', () => {
  it('maps model names to the recipe\'s specs, with the paper-recipe options applied', () => {
    const c = validatePipelineChoices({ models: ['dt', 'cnn'], cnnArch: 'frames', utteranceNorm: 'mean', epochs: 3 });
    expect(c.recipe.name).toBe('paper');
    expect(c.protocols).toEqual(['paper', 'clip', 'speaker']);
    expect(c.models.map(([n]) => n)).toEqual(['dt', 'cnn']);
    expect(c.models[1]![1]).toMatchObject({ kind: 'cnn', arch: 'frames', utteranceNorm: 'mean', epochs: 3 });
    expect(c.models[0]![1]).toEqual({ kind: 'dt', utteranceNorm: 'mean' });
    const best = validatePipelineChoices({ recipe: 'best', models: ['cnn'], members: 2 });
    expect(best.models[0]![1]).toMatchObject({ kind: 'ensemble', members: 2 });
  });

  it('refuses unknown, empty and repeated names, and options the recipe does not take', () => {
    expect(() => validatePipelineChoices({ models: ['dt', 'cnnn'] })).toThrow(/--models: unknown 'cnnn' \(expected some of dt, knn, cnn\)/);
    expect(() => validatePipelineChoices({ protocols: ['speakr'] })).toThrow(/--protocols: unknown 'speakr'/);
    expect(() => validatePipelineChoices({ models: [] })).toThrow(/at least one/);
    expect(() => validatePipelineChoices({ models: ['dt', 'dt'] })).toThrow(/given twice/);
    expect(() => validatePipelineChoices({ recipe: 'bset' })).toThrow(/--recipe: unknown 'bset'/);
    expect(() => validatePipelineChoices({ augment: 'papr' })).toThrow(/--augment: unknown 'papr' \(expected paper, notebook, none\)/);
    expect(() => validatePipelineChoices({ cnnArch: 'deep' })).toThrow(/--cnn-arch/);
    expect(() => validatePipelineChoices({ recipe: 'best', cnnArch: 'frames' })).toThrow(/adjust the paper recipe/);
    expect(() => validatePipelineChoices({ epochs: 0 })).toThrow(/--epochs must be an integer ≥ 1/);
    expect(() => validatePipelineChoices({ channels: ['logmel'] })).toThrow(/uses the paper's vector/);
    expect(() => validatePipelineChoices({ recipe: 'best', channels: ['logmel', 'mfcc'] })).toThrow(/--channels: unknown 'mfcc'/);
    const c = validatePipelineChoices({ recipe: 'best', channels: ['rms', 'logmel', 'delta'] });
    expect(c.recipe.features).toMatchObject({ kind: 'sequence', channels: ['logmel', 'delta', 'rms'], vectorLength: 96 * 129 });
  });
});

describe('the CLI fails fast', () => {
  for (const args of [['--models', 'dt,cnnn'], ['--protocols', 'speakr'], ['--recipe', 'bset']]) {
    it(`ser pipeline ${args.join(' ')}`, () => {
      const t0 = Date.now();
      const r = spawnSync(process.execPath, ['dist/src/cli/main.js', 'pipeline', '--out', '/nonexistent/never-written', ...args], { encoding: 'utf8' });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/unknown '(cnnn|speakr|bset)'/);
      expect(Date.now() - t0).toBeLessThan(15_000); // no extraction happened (the corpus is not even synthesised)
    });
  }
});

describe('instant CLI', () => {
  it('registering every command loads no TensorFlow.js (heavy modules load when a command runs)', () => {
    const probe = "await import('./dist/src/cli/commands/index.js'); process.stdout.write(typeof globalThis._tfengine);";
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('undefined'); // tfjs-core creates its engine global on import
  });
});
