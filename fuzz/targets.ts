/**
 * The four fuzz targets and how one case is judged. A case passes when the target either
 * returns a valid result (finite numbers, consistent shapes) or throws one of the project's
 * typed errors ({@link TYPED_ERRORS}); it fails on any other exception (TypeError, RangeError,
 * a library's own error class…), on an invalid result (NaN, wrong shape) and, judged by the
 * runner, on a hang (over the per-case time limit) or a crashed worker.
 *
 *   wav-decode     decodeWav on a mutated WAV (PCM 8/16/24/32, float 32/64, extensible, 1–3 channels)
 *   load-features  loadAudioBytes (WASM resampler to 22.05 kHz) + the paper's 2376-value vector (WASM DSP)
 *   feature-table  readFeatureTableBinary on a mutated .json / .bin pair (half the time with a
 *                  re-computed .bin digest, so the field checks behind the digest are reached)
 *   bundle         loadBundle on a mutated copy of demo/model (any of its files, members included),
 *                  then one prediction through the bundle's scaler and model
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '../src/ml/tfjs.js';
import { decodeWav, type WavSampleFormat } from '../src/audio/wav-decode.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { loadAudioBytes } from '../src/audio/load.js';
import { readFeatureTableBinary, writeFeatureTableBinary, type FeatureTable } from '../src/extract/feature-table.js';
import { makeRecipe } from '../src/features/recipe.js';
import { PAPER_RECIPE, paperVectorForRecipe } from '../src/features/paper-vector.js';
import { loadBundle } from '../src/models/bundle.js';
import { hashString, Random } from '../src/util/random.js';
import { createWasmDsp, type WasmDsp } from '../src/wasm/dsp.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { resample } from '../src/wasm/resample.js';
import { mutateBytes, mutateJson } from './mutate.js';

export const TARGETS = ['wav-decode', 'load-features', 'feature-table', 'bundle'] as const;
export type TargetName = (typeof TARGETS)[number];

/**
 * The documented error classes (by name): AudioError (src/audio), DspError (src/dsp), MlError
 * (src/ml/dataset), CnnError (src/ml/cnn/model), FeatureTableError (src/extract/feature-table),
 * BundleError (src/models/bundle-files: every model bundle reader, Node and browser).
 */
export const TYPED_ERRORS = new Set(['AudioError', 'DspError', 'MlError', 'CnnError', 'FeatureTableError', 'BundleError']);

export type Outcome =
  | { kind: 'valid' }
  | { kind: 'typed'; error: string; code?: string }
  | { kind: 'untyped'; error: string; message: string }
  | { kind: 'invalid'; message: string };

export interface CaseResult {
  index: number;
  target: TargetName;
  mutations: string[];
  outcome: Outcome;
  ms: number;
}

/** Which target case `index` exercises, and its random stream: both depend only on (seed, index). */
export function caseSetup(seed: number, index: number, targets: readonly TargetName[]): { target: TargetName; rng: Random } {
  return { target: targets[index % targets.length]!, rng: new Random(hashString(`fuzz:${seed >>> 0}:${index}`)) };
}

function classify(err: unknown): Outcome {
  if (err instanceof Error && TYPED_ERRORS.has(err.name)) {
    const code = (err as { code?: unknown }).code;
    return { kind: 'typed', error: err.name, ...(typeof code === 'string' ? { code } : {}) };
  }
  const name = err instanceof Error ? err.name || err.constructor.name : typeof err;
  return { kind: 'untyped', error: name, message: (err instanceof Error ? err.message : String(err)).slice(0, 300) };
}

function firstNonFinite(a: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return i;
  return -1;
}

const PACKAGE_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../' : '../', import.meta.url));

/** Everything a worker needs, built once: base inputs, the WASM DSP, a scratch folder. */
export class FuzzHarness {
  private constructor(
    private readonly work: string,
    private readonly dsp: WasmDsp,
    private readonly resampler: (y: Float32Array, a: number, b: number) => Float32Array,
    private readonly wavs: Uint8Array[],
    private readonly clips: Uint8Array[],
    private readonly table: { json: string; bin: Uint8Array },
    /** Every file of the base bundle by relative path (ensemble members in sub-folders); .json as text. */
    private readonly bundle: Record<string, string | Uint8Array>,
  ) {}

  static async create(work: string): Promise<FuzzHarness> {
    mkdirSync(work, { recursive: true });
    await tf.setBackend('cpu');
    const core = await loadWasmCore();
    const dsp = await createWasmDsp(core);
    const rng = new Random(20261128);
    const formats: WavSampleFormat[] = ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64'];
    // Short files for the decoder, about one second of speech-like audio for loading + features.
    const wavs = formats.flatMap((format, i) => [1, 2, 3].map((nch) => {
      const frames = rng.int(1, 64);
      return encodeWav(Array.from({ length: nch }, () => Float32Array.from({ length: frames }, () => rng.range(-1, 1))),
        [8000, 22050, 48000][(i + nch) % 3]!, { format, extensible: (i + nch) % 4 === 0 });
    }));
    const clips = formats.map((format, i) => {
      const sr = [8000, 16000, 22050, 44100, 48000, 22050][i]!;
      const n = Math.round(sr * rng.range(0.3, 1.2));
      const y = Float32Array.from({ length: n }, (_, t) => 0.4 * Math.sin((2 * Math.PI * 220 * t) / sr) + 0.05 * rng.gaussian());
      return encodeWav(i % 2 ? [y, y.map((v) => -v)] : y, sr, { format });
    });
    const table = await baseTable(join(work, 'base-table'));
    const model = join(PACKAGE_ROOT, 'demo', 'model');
    const bundle: Record<string, string | Uint8Array> = {};
    for (const rel of readdirSync(model, { recursive: true }) as string[]) {
      const path = join(model, rel);
      if (!statSync(path).isFile()) continue;
      bundle[rel] = rel.endsWith('.json') ? readFileSync(path, 'utf8') : new Uint8Array(readFileSync(path));
    }
    return new FuzzHarness(work, dsp, (y, a, b) => resample(core, y, a, b), wavs, clips, table, bundle);
  }

  async run(seed: number, index: number, targets: readonly TargetName[]): Promise<CaseResult> {
    const { target, rng } = caseSetup(seed, index, targets);
    const mutations: string[] = [];
    const started = performance.now();
    let outcome: Outcome;
    try {
      outcome = await this.runTarget(target, rng, mutations);
    } catch (err) {
      outcome = classify(err);
    }
    return { index, target, mutations, outcome, ms: performance.now() - started };
  }

  private async runTarget(target: TargetName, rng: Random, mutations: string[]): Promise<Outcome> {
    switch (target) {
      case 'wav-decode': {
        const bytes = mutateBytes(this.wavs[rng.int(0, this.wavs.length - 1)]!, rng, mutations);
        const out = decodeWav(bytes, { file: 'fuzz.wav', mono: rng.uniform() < 0.5 });
        const pcm = out.info.format.startsWith('pcm');
        for (const ch of out.data) {
          if (ch.length !== out.frames) return { kind: 'invalid', message: `channel of ${ch.length} samples, frames ${out.frames}` };
          const bad = firstNonFinite(ch);
          if (bad >= 0) return { kind: 'invalid', message: `non-finite sample ${ch[bad]} at ${bad}` };
          if (pcm && ch.some((v) => v < -1 || v > 1)) return { kind: 'invalid', message: 'PCM sample outside [-1, 1]' };
        }
        return { kind: 'valid' };
      }
      case 'load-features': {
        const bytes = mutateBytes(this.clips[rng.int(0, this.clips.length - 1)]!, rng, mutations);
        const offset = rng.uniform() < 0.5 ? 0 : rng.range(0, 0.5);
        const duration = rng.uniform() < 0.5 ? null : rng.range(0, 2.5);
        const { y } = await loadAudioBytes(bytes, { file: 'fuzz.wav', sr: PAPER_RECIPE.sr, offset, duration, resampler: this.resampler });
        const badY = firstNonFinite(y);
        if (badY >= 0) return { kind: 'invalid', message: `loaded sample ${badY} is ${y[badY]}` };
        const v = paperVectorForRecipe(this.dsp, y, PAPER_RECIPE);
        if (v.length !== PAPER_RECIPE.vectorLength) return { kind: 'invalid', message: `vector of ${v.length} values` };
        const bad = firstNonFinite(v);
        return bad >= 0 ? { kind: 'invalid', message: `vector value ${bad} is ${v[bad]}` } : { kind: 'valid' };
      }
      case 'feature-table': {
        let json = this.table.json;
        let bin = this.table.bin;
        const which = rng.int(0, 2); // 0: .json, 1: .bin, 2: both
        if (which !== 1) json = rng.uniform() < 0.7 ? mutateJson(json, rng, mutations) : new TextDecoder().decode(mutateBytes(new TextEncoder().encode(json), rng, mutations));
        if (which !== 0) bin = mutateBytes(bin, rng, mutations);
        if (rng.uniform() < 0.5) json = resign(json, bin);
        mutations.unshift(['json', 'bin', 'json+bin'][which]!);
        const base = join(this.work, 'case-table');
        writeFileSync(`${base}.json`, json);
        writeFileSync(`${base}.bin`, bin);
        const t = await readFeatureTableBinary(base);
        if (t.X.length !== t.rows * t.dim || firstNonFinite(t.X) >= 0) return { kind: 'invalid', message: 'X not rows × dim finite values' };
        if (t.y.length !== t.rows || Array.from(t.y).some((c) => c < 0 || c >= t.classes.length)) return { kind: 'invalid', message: 'labels out of range' };
        for (const col of [t.speaker, t.recordingId, t.version, t.path, t.gender, t.params]) {
          if (col.length !== t.rows) return { kind: 'invalid', message: 'metadata column length differs from rows' };
        }
        return { kind: 'valid' };
      }
      case 'bundle': {
        const files: Record<string, string | Uint8Array> = { ...this.bundle };
        const names = Object.keys(files).sort();
        const edits = rng.uniform() < 0.8 ? 1 : 2;
        for (let e = 0; e < edits; e++) {
          const name = names[rng.int(0, names.length - 1)]!;
          const cur = files[name]!;
          const before = mutations.length;
          if (typeof cur === 'string') {
            files[name] = rng.uniform() < 0.7 ? mutateJson(cur, rng, mutations) : new TextDecoder().decode(mutateBytes(new TextEncoder().encode(cur), rng, mutations));
          } else {
            files[name] = mutateBytes(cur, rng, mutations);
          }
          for (let m = before; m < mutations.length; m++) mutations[m] = `${name}:${mutations[m]}`;
        }
        const dir = join(this.work, 'case-bundle');
        for (const name of names) {
          mkdirSync(dirname(join(dir, name)), { recursive: true });
          writeFileSync(join(dir, name), files[name]!);
        }
        const b = await loadBundle(dir);
        try {
          const dim = b.meta.recipe.vectorLength;
          const classes = b.meta.classes;
          if (!Array.isArray(classes) || classes.some((c) => typeof c !== 'string')) return { kind: 'invalid', message: 'classes is not a list of names' };
          const p = b.predictProba(new Float32Array(dim), 1);
          if (p.length !== classes.length) return { kind: 'invalid', message: `${p.length} outputs for ${classes.length} classes` };
          const bad = firstNonFinite(p);
          return bad >= 0 ? { kind: 'invalid', message: `probability ${bad} is ${p[bad]}` } : { kind: 'valid' };
        } finally {
          b.dispose();
        }
      }
    }
  }
}

/** Rewrites the .json's digest of the .bin so a mutated pair passes the pair check and meets the field checks. */
function resign(json: string, bin: Uint8Array): string {
  try {
    const j = JSON.parse(json);
    if (j && typeof j === 'object' && j.bin && typeof j.bin === 'object') {
      j.bin.bytes = bin.byteLength;
      j.bin.sha256 = createHash('sha256').update(bin).digest('hex');
      return JSON.stringify(j);
    }
  } catch { /* not JSON: leave it */ }
  return json;
}

async function baseTable(base: string): Promise<{ json: string; bin: Uint8Array }> {
  const rows = 12;
  const dim = 44;
  const X = Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i) * 10);
  const t: FeatureTable = {
    X, rows, dim,
    y: Int32Array.from({ length: rows }, (_, i) => i % 4),
    classes: ['neutral', 'happy', 'sad', 'angry'],
    speaker: Array.from({ length: rows }, (_, i) => `Actor_0${1 + (i % 3)}`),
    recordingId: Array.from({ length: rows }, (_, i) => `ravdess:r${i >> 1}`),
    version: Array.from({ length: rows }, (_, i) => (i % 2 ? 'noise' : 'original')),
    path: Array.from({ length: rows }, (_, i) => `Actor_0${1 + (i % 3)}/clip${i}.wav`),
    gender: Array.from({ length: rows }, (_, i) => (i % 2 ? 'female' : 'male')),
    params: Array.from({ length: rows }, (_, i) => ({ seed: i, noiseFactor: 0.005 })),
    meta: {
      recipe: makeRecipe({ vectorLength: dim }), versions: ['original', 'noise'], seed: 42, corpus: '/corpus', layout: 'ravdess',
      skipped: [], createdAt: '2026-11-28T00:00:00.000Z',
    },
  };
  await writeFeatureTableBinary(t, base);
  return { json: readFileSync(`${base}.json`, 'utf8'), bin: new Uint8Array(readFileSync(`${base}.bin`)) };
}
