/**
 * The browser entry (src/browser/index.ts): it must bundle for the browser with no Node
 * built-in reachable from our code, and its API must give the same numbers as the Node one.
 */
import { build, type Metafile } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createWasmDspFromCore, featureVector, loadAudioBytes, loadModelFromUrl, loadWasmCoreFrom, ModelBundleError, paperVectorForRecipe,
  PAPER_RECIPE, wasmResampler,
} from '../src/browser/index.js';
import { loadAudio } from '../src/audio/load.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { startDemoServer } from '../src/cli/commands/serve.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { loadBundle } from '../src/models/bundle.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../src/synth/index.js';
import { createWasmDsp } from '../src/wasm/dsp.js';
import { wasmPath } from '../src/wasm/load-node.js';

const NODE_BUILTIN = /^(node:|fs$|fs\/|path$|url$|os$|crypto$|worker_threads$|child_process$|module$|util$|stream$|http$|net$)/;

describe('browser bundle of src/browser/index.ts', () => {
  let meta: Metafile;
  let code: string;
  let warnings: string[];

  beforeAll(async () => {
    const result = await build({
      entryPoints: ['src/browser/index.ts'],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      metafile: true,
      logLevel: 'silent',
    });
    meta = result.metafile;
    code = result.outputFiles[0]!.text;
    warnings = result.warnings.map((w) => w.text);
  }, 120_000);

  it('builds without warnings and with nothing left external', () => {
    expect(warnings).toEqual([]);
    const externals = Object.values(meta.inputs).flatMap((i) => i.imports.filter((x) => x.external).map((x) => x.path));
    expect(externals).toEqual([]);
  });

  it('reaches no Node built-in from our own code', () => {
    const ours = Object.entries(meta.inputs).filter(([path]) => !path.includes('node_modules'));
    for (const [path, input] of ours) {
      const builtins = input.imports.filter((i) => NODE_BUILTIN.test(i.original ?? i.path) || i.path.startsWith('(disabled)'));
      expect(builtins, path).toEqual([]);
    }
    // Node-only modules of the package stay out of the graph.
    const files = ours.map(([path]) => path);
    for (const nodeOnly of ['src/wasm/load-node.ts', 'src/models/bundle.ts', 'src/ml/cnn/persist.ts', 'src/ml/cnn/backend.ts', 'src/extract/pool.ts']) {
      expect(files).not.toContain(nodeOnly);
    }
    expect(files).toContain('src/wasm/dsp.ts');
    expect(files).toContain('src/audio/load.ts');
  });

  it('has Node built-ins only where a dependency maps them away (its package.json "browser" field)', () => {
    for (const [path, input] of Object.entries(meta.inputs)) {
      for (const i of input.imports) {
        if (NODE_BUILTIN.test(i.original ?? '')) expect(i.path, `${path} imports ${i.original}`).toMatch(/^\(disabled\)/);
      }
    }
    expect(code).not.toMatch(/["']node:[a-z_/]+["']/);
    expect(code).not.toMatch(/worker_threads/);
    expect(code).not.toMatch(/require\(\s*["'](fs|path|os|url|crypto)["']\s*\)/);
    expect(code).not.toMatch(/\bfileURLToPath\b/);
  });
});

describe('package.json exports', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports: Record<string, unknown> };

  it('maps "." to the browser entry for browsers and the Node entry for Node and everything else, with types', () => {
    const dot = pkg.exports['.'] as Record<string, { types: string; default: string }>;
    expect(dot.browser).toEqual({ types: './dist/src/browser/index.d.ts', default: './dist/src/browser/index.js' });
    expect(dot.node).toEqual({ types: './dist/src/index.d.ts', default: './dist/src/index.js' });
    // TypeScript's "bundler" resolution matches neither "browser" nor "node": it must get the full API (loadAudio …).
    expect(dot.default).toEqual(dot.node);
    expect(Object.keys(dot)).toEqual(['browser', 'node', 'default']);
    expect(pkg.exports['./wasm']).toBe('./build/ser.wasm');
  });

  it('points only at files the build produces', () => {
    const leaves = (v: unknown): string[] => (typeof v === 'string' ? [v] : Object.values(v as object).flatMap(leaves));
    const targets = leaves(pkg.exports).map((t) => t.replace(/^\.\//, ''));
    expect(targets.length).toBeGreaterThan(5);
    for (const t of targets) {
      // tsc emits dist/src/X.js and .d.ts from src/X.ts; the WASM build writes build/ser.wasm.
      const source = t.startsWith('dist/') ? t.replace(/^dist\//, '').replace(/\.d\.ts$|\.js$/, '.ts') : t;
      expect(existsSync(source), `${t} (from ${source})`).toBe(true);
    }
  });

  it('the Node entry exposes the public API', async () => {
    const api = await import('../src/index.js');
    for (const name of [
      'loadAudio', 'createWasmDsp', 'createReferenceDsp', 'paperVector', 'paperVectorForRecipe', 'augmentClip',
      'loadCorpus', 'extractCorpus', 'trainCnn', 'loadBundle', 'runPipeline', 'writeSynthCorpus', 'quantizeModelDir',
    ]) {
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(api.PAPER_RECIPE.vectorLength).toBe(2376);
  });
});

describe('browser API, run in Node', () => {
  // A held-out synthetic clip at 44.1 kHz, so loading resamples.
  const spec = synthCorpusFiles(1).find((f) => f.emotion === 'sad')!;
  const wav = encodeWav(synthesizeCorpusFile(spec, 11, 44100), 44100, { format: 'pcm16' });
  const recipe = PAPER_RECIPE;

  it('loads ser.wasm from bytes and gives the Node path\'s samples and features bit for bit', async () => {
    const core = await loadWasmCoreFrom(await readFile(wasmPath()));
    const clip = await loadAudioBytes(wav, { sr: recipe.sr, offset: recipe.offset, duration: recipe.duration, resampler: wasmResampler(core) });
    const reference = await loadAudio(wav, { sr: recipe.sr, offset: recipe.offset, duration: recipe.duration });
    expect(clip.y).toEqual(reference.y);
    const x = paperVectorForRecipe(createWasmDspFromCore(core), clip.y, recipe);
    expect(x).toEqual(paperVectorForRecipe(await createWasmDsp(), reference.y, recipe));
  });

  it('loads the shipped model over HTTP and predicts as the Node bundle loader does', async () => {
    await initBackend('wasm');
    const server = await startDemoServer({ port: 0 });
    try {
      const http = await loadModelFromUrl(new URL('model', server.url));
      const node = await loadBundle('demo/model');
      expect(http.meta).toEqual(node.meta);
      const { y } = await loadAudio(wav, { sr: recipe.sr, offset: recipe.offset, duration: recipe.duration });
      const x = featureVector(await createWasmDsp(), y, node.meta.recipe);
      expect(Array.from(http.predictProba(x, 1))).toEqual(Array.from(node.predictProba(x, 1)));
      expect(() => http.predictProba(x.subarray(1), 1)).toThrow(/rows of \d+ features/);
      await expect(loadModelFromUrl(new URL('no-such-model/', server.url))).rejects.toThrow(ModelBundleError);
      http.dispose();
      node.dispose();
    } finally {
      await server.close();
    }
  });
});
