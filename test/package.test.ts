/**
 * The package as a user gets it (issue 14, items 1 and 5): subpath exports that bundle small for
 * the browser, types that resolve under TypeScript's node16, nodenext and bundler resolution,
 * declared dependencies, and a tarball without source maps of the demo, the .wat or dev builds.
 */
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  sideEffects: string[];
  files: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  peerDependencies?: Record<string, string>;
};
const NODE_BUILTIN = /^(node:|fs$|fs\/|path$|url$|os$|crypto$|worker_threads$|child_process$|module$|util$|stream$|http$|net$)/;

/** Bundles `code` (imports relative to the repository root) for the browser, minified. */
async function bundle(code: string): Promise<{ bytes: number; inputs: string[]; builtins: string[] }> {
  const r = await build({
    stdin: { contents: code, resolveDir: ROOT, loader: 'ts' },
    bundle: true, write: false, platform: 'browser', format: 'esm', minify: true, metafile: true, logLevel: 'silent',
  });
  const inputs = Object.keys(r.metafile.inputs);
  const builtins = Object.entries(r.metafile.inputs)
    .filter(([path]) => !path.includes('node_modules'))
    .flatMap(([path, i]) => i.imports.filter((x) => NODE_BUILTIN.test(x.original ?? x.path)).map((x) => `${path} → ${x.original ?? x.path}`));
  return { bytes: r.outputFiles[0]!.contents.length, inputs, builtins };
}

const DSP_USE = `const core = await loadWasmCoreFrom('/ser.wasm');
console.log(createWasmDspFromCore(core).mfcc(new Float32Array(4096), { sr: 22050 }));`;

describe('subpath exports', () => {
  it('ser-wasm/dsp bundles for the browser in under 50 KB, without TensorFlow.js or a Node built-in', async () => {
    const b = await bundle(`import { loadWasmCoreFrom, createWasmDspFromCore } from './src/entries/dsp.ts';\n${DSP_USE}`);
    expect(b.builtins).toEqual([]);
    expect(b.inputs.filter((f) => f.includes('@tensorflow'))).toEqual([]);
    expect(b.bytes).toBeLessThan(50_000);
  });

  it('"sideEffects" lets a bundler drop TensorFlow.js from a DSP-only import of the whole browser entry', async () => {
    const b = await bundle(`import { loadWasmCoreFrom, createWasmDspFromCore } from './src/browser/index.ts';\n${DSP_USE}`);
    expect(b.bytes).toBeLessThan(50_000);
  });

  it('the browser-safe subpaths (dsp, audio, features, augment, ml) reach no Node built-in', async () => {
    for (const entry of ['src/entries/dsp.ts', 'src/audio/index.ts', 'src/entries/features.ts', 'src/entries/augment.ts', 'src/entries/ml.ts']) {
      const b = await bundle(`export * from './${entry}';`);
      expect(b.builtins, entry).toEqual([]);
      expect(b.inputs.filter((f) => f.includes('@tensorflow')), entry).toEqual([]);
    }
  });

  it('lists as side effects only the modules that register TensorFlow.js backends, kernels and tensor methods', () => {
    expect(pkg.sideEffects).toEqual(['./dist/src/ml/tfjs.js', './dist/src/ml/cnn/backend.js', './src/ml/tfjs.ts', './src/ml/cnn/backend.ts']);
    // Nothing else in src/ runs code at import time beyond definitions (worker entries are loaded by file name).
    const src = readFileSync(join(ROOT, 'src/ml/tfjs.ts'), 'utf8');
    expect(src).toMatch(/^registerChainedOps\(\);$/m);
  });

  it('every subpath names a module that exists in src/ (tsc emits dist/src/X.js and .d.ts from it)', () => {
    const subpaths = Object.keys(pkg.exports);
    expect(subpaths).toEqual(expect.arrayContaining(['.', './dsp', './audio', './features', './augment', './ml', './models', './corpus', './synth', './extract', './browser', './wasm']));
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue;
      const t = target as Record<string, string | Record<string, string>>;
      const leaf = typeof t.default === 'string' ? t.default : t.default!.default!;
      expect(existsSync(join(ROOT, leaf.replace('./dist/', '').replace(/\.js$/, '.ts'))), subpath).toBe(true);
    }
  });
});

describe('dependencies', () => {
  it('declares every package src/ imports, and nothing only tests use', () => {
    const bare = new Set<string>();
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          for (const m of readFileSync(p, 'utf8').matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+'([^'.][^']*)'/g)) {
            const spec = m[1]!;
            if (spec.startsWith('node:')) continue;
            bare.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
          }
        }
      }
    };
    walk(join(ROOT, 'src'));
    const runtime = { ...pkg.dependencies, ...pkg.peerDependencies };
    for (const name of bare) expect(runtime[name], `${name} (imported by src/)`).toBeDefined();
    expect(pkg.dependencies['@tensorflow/tfjs']).toBeUndefined();
    expect(pkg.dependencies.wavefile).toBeUndefined();
    expect(pkg.devDependencies.wavefile).toBeDefined();
    expect(pkg.devDependencies.esbuild).toBeDefined();
  });
});

describe('npm pack', () => {
  it('ships the library, the WASM module, LICENSE and CHANGELOG, and no source maps of the demo, .wat or dev builds', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, maxBuffer: 64 << 20 });
    const files = (JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path);
    for (const must of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'build/ser.wasm', 'build/train.wasm', 'src/index.ts', 'src/entries/dsp.ts']) {
      expect(files, must).toContain(must);
    }
    expect(files.filter((f) => /^demo\/dist\/.*\.map$/.test(f))).toEqual([]);
    expect(files.filter((f) => /\.wat$/.test(f))).toEqual([]);
    expect(files.filter((f) => /^dist\/(bench|test|fuzz|demo)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /^(test|bench|fuzz)\//.test(f))).toEqual([]);
  }, 60_000);
});

/**
 * A tiny consumer project compiled with the repository's TypeScript under each module resolution
 * users have: node16, nodenext (Node ESM) and bundler (Vite, esbuild, webpack). Its node_modules
 * holds ser-wasm as installed (package.json + the .d.ts files of this source tree); it lives under
 * test/output so the dependencies' types resolve from the repository's node_modules.
 */
describe('types of every subpath resolve under moduleResolution node16, nodenext and bundler', () => {
  let dir: string;
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');

  beforeAll(async () => {
    mkdirSync(join(ROOT, 'test/output'), { recursive: true });
    dir = mkdtempSync(join(ROOT, 'test/output/consumer-'));
    const installed = join(dir, 'node_modules/ser-wasm');
    mkdirSync(installed, { recursive: true });
    cpSync(join(ROOT, 'package.json'), join(installed, 'package.json'));
    writeFileSync(join(dir, 'tsconfig.decl.json'), JSON.stringify({
      extends: relative(dir, join(ROOT, 'tsconfig.json')),
      compilerOptions: { rootDir: relative(dir, ROOT), outDir: 'node_modules/ser-wasm/dist', declaration: true, emitDeclarationOnly: true, sourceMap: false },
      include: [relative(dir, join(ROOT, 'src/**/*.ts'))],
    }));
    await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.decl.json')], { cwd: dir, maxBuffer: 16 << 20 });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(dir, 'consumer.ts'), `
import { loadAudio, createWasmDsp, PAPER_RECIPE, type FeatureTable } from 'ser-wasm';
import { createWasmDsp as dspFrom, loadWasmCore, loadWasmCoreFrom, createWasmDspFromCore, createReferenceDsp, type DspBackend } from 'ser-wasm/dsp';
import { loadAudioBytes, encodeWav, type LoadedAudio } from 'ser-wasm/audio';
import { featureVector, recipeLoadOptions, makeSequenceRecipe, type FeatureRecipe } from 'ser-wasm/features';
import { augmentClip, createWasmAugmentBackend, type AugmentVersion } from 'ser-wasm/augment';
import { KNeighborsClassifier, classificationMetrics, speakerFolds, type Split } from 'ser-wasm/ml';
import { loadBundle, initBackend, fitModel, type EmotionModel } from 'ser-wasm/models';
import { loadCorpus, type Corpus } from 'ser-wasm/corpus';
import { writeSynthCorpus } from 'ser-wasm/synth';
import { readFeatureTable, writeFeatureTableParquet, extractCorpus } from 'ser-wasm/extract';
import { loadModelFromUrl, loadWasmCoreFrom as fromUrl } from 'ser-wasm/browser';

const dsp: DspBackend = await dspFrom(await loadWasmCore());
const audio: LoadedAudio = await loadAudio('clip.wav', recipeLoadOptions(PAPER_RECIPE));
const recipe: FeatureRecipe = PAPER_RECIPE;
const x: Float32Array = featureVector(dsp, audio.y, recipe);
const model: EmotionModel = await loadBundle('model');
const p: Float32Array = model.predictProba(x, 1);
const table: FeatureTable = await readFeatureTable('features.parquet');
await writeFeatureTableParquet(table, 'copy.parquet');
const version: AugmentVersion = 'noise';
const split: Split[] = speakerFolds(table, { seed: 1 });
const bytes: Uint8Array = encodeWav(audio.y, audio.sr);
// With skipLibCheck (what projects use: the tfjs-layers .d.ts do not pass strict checks), a .d.ts
// import that fails to resolve would silently become \`any\`: each subpath's exports must be typed.
type NotAny<T> = 0 extends 1 & T ? never : true;
const typed: [
  NotAny<typeof loadAudio>, NotAny<typeof loadWasmCore>, NotAny<typeof loadAudioBytes>, NotAny<typeof featureVector>, NotAny<typeof augmentClip>, NotAny<typeof KNeighborsClassifier>, NotAny<typeof loadBundle>, NotAny<EmotionModel>, NotAny<typeof loadCorpus>, NotAny<typeof writeSynthCorpus>, NotAny<typeof readFeatureTable>, NotAny<typeof loadModelFromUrl>, NotAny<FeatureTable>, NotAny<DspBackend>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true];
export { createWasmDsp, createWasmDspFromCore, loadWasmCoreFrom, createReferenceDsp, loadAudioBytes, makeSequenceRecipe, augmentClip,
  createWasmAugmentBackend, KNeighborsClassifier, classificationMetrics, initBackend, fitModel, loadCorpus, writeSynthCorpus, extractCorpus,
  loadModelFromUrl, fromUrl, p, version, split, bytes, typed };
export type { Corpus };
`);
    const base = { strict: true, noEmit: true, target: 'ES2022', lib: ['ES2022', 'DOM'], types: ['node'], skipLibCheck: true };
    const configs = {
      node16: { module: 'node16', moduleResolution: 'node16' },
      nodenext: { module: 'nodenext', moduleResolution: 'nodenext' },
      bundler: { module: 'esnext', moduleResolution: 'bundler' },
    };
    for (const [name, options] of Object.entries(configs)) {
      writeFileSync(join(dir, `tsconfig.${name}.json`), JSON.stringify({
        compilerOptions: { ...base, ...options, typeRoots: [relative(dir, join(ROOT, 'node_modules/@types'))] },
        files: ['consumer.ts'],
      }));
    }
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const mode of ['node16', 'nodenext', 'bundler']) {
    it(mode, async () => {
      const r = await run(process.execPath, [tsc, '-p', join(dir, `tsconfig.${mode}.json`)], { cwd: dir, maxBuffer: 16 << 20 }).then(
        () => ({ ok: true, out: '' }),
        (e: { stdout?: string }) => ({ ok: false, out: e.stdout ?? String(e) }),
      );
      expect(r.out).toBe('');
      expect(r.ok).toBe(true);
    }, 180_000);
  }
});
