/**
 * One model interface (src/models/): every kind trains through fitModel, saves as a bundle,
 * reloads in Node and through the browser entry over HTTP with identical probabilities, and a
 * damaged or hostile bundle is refused with a BundleError naming the file.
 */
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '../src/ml/tfjs.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFromUrl } from '../src/browser/index.js';
import { startDemoServer } from '../src/cli/commands/serve.js';
import { makeRecipe } from '../src/features/recipe.js';
import { makeSequenceRecipe } from '../src/features/sequence-recipe.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { BundleError } from '../src/models/bundle-files.js';
import { loadBundle, saveBundle } from '../src/models/bundle.js';
import type { EmotionModel } from '../src/models/emotion-model.js';
import { fitModel, type TrainingData } from '../src/models/fit-model.js';
import { PAPER_CNN_SPEC, type CnnSpec, type ModelSpec } from '../src/models/model-spec.js';
import { Random } from '../src/util/random.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { validationPlan } from '../src/ml/validation-speakers.js';

const CLASSES = ['neutral', 'happy', 'sad'];
const SPEAKERS = ['Actor_01', 'Actor_02', 'Actor_03', 'Actor_04', 'Actor_05', 'Actor_06'];

/** Rows = class prototype + noise, 2 versions per recording, 6 speakers. */
function table(recipe: TrainingData['recipe'], seed: number): TrainingData {
  const dim = recipe.vectorLength;
  const rng = new Random(seed);
  const protos = CLASSES.map(() => Float32Array.from({ length: dim }, () => rng.gaussian()));
  const rows = SPEAKERS.length * 6 * 2;
  const X = new Float32Array(rows * dim);
  const y = new Int32Array(rows);
  const speaker: string[] = [];
  const recordingId: string[] = [];
  const version: string[] = [];
  let r = 0;
  for (const s of SPEAKERS) {
    for (let clip = 0; clip < 6; clip++) {
      for (const v of ['original', 'noise']) {
        y[r] = clip % CLASSES.length;
        for (let j = 0; j < dim; j++) X[r * dim + j] = protos[y[r]!]![j]! + 0.6 * rng.gaussian();
        speaker.push(s);
        recordingId.push(`${s}-${clip}`);
        version.push(v);
        r++;
      }
    }
  }
  return { X, rows, dim, y, classes: CLASSES, speaker, recordingId, version, recipe, corpus: '/corpus', versions: ['original', 'noise'] };
}

const quick = (spec: CnnSpec): CnnSpec => ({ ...spec, epochs: 2, patience: 2, batchSize: 16 });
const SEQUENCE = makeSequenceRecipe({ frames: 8, nMels: 6 });
const SEQ_CNN: CnnSpec = quick({
  kind: 'cnn', arch: 'sequence', utteranceNorm: 'off', epochs: 2, patience: 2, batchSize: 16, learningRate: 1e-3,
  specAugment: { masks: 1, maxChannels: 2, maxFrames: 2 }, mixup: 0.4, filters: [8, 8], dropout: 0.3,
});

const CASES: Array<{ what: string; spec: ModelSpec; recipe: TrainingData['recipe'] }> = [
  { what: 'decision tree', spec: { kind: 'dt' }, recipe: makeRecipe({ duration: 0.3 }) },
  { what: 'KNN (utterance norm)', spec: { kind: 'knn', k: 4, utteranceNorm: 'mean' }, recipe: makeRecipe({ duration: 0.3 }) },
  { what: 'paper CNN', spec: quick(PAPER_CNN_SPEC), recipe: makeRecipe({ duration: 0.3 }) },
  { what: 'frames CNN', spec: quick({ ...PAPER_CNN_SPEC, arch: 'frames', utteranceNorm: 'mean' }), recipe: makeRecipe({ duration: 0.3 }) },
  { what: 'sequence CNN', spec: SEQ_CNN, recipe: SEQUENCE },
  { what: 'sequence CNN with speaker normalisation (transductive)', spec: { ...SEQ_CNN, speakerNorm: true }, recipe: SEQUENCE },
  { what: 'frames CNN with speaker normalisation (transductive)', spec: quick({ ...PAPER_CNN_SPEC, arch: 'frames', speakerNorm: true }), recipe: makeRecipe({ duration: 0.3 }) },
  { what: 'ensemble of sequence CNNs', spec: { kind: 'ensemble', members: 2, member: SEQ_CNN }, recipe: SEQUENCE },
];

let work: string;
beforeAll(async () => {
  await initBackend('wasm', { log: () => {} });
  work = await mkdtemp(join(tmpdir(), 'ser-bundles-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('every model kind: fit → save → load (Node and HTTP) → identical probabilities', () => {
  for (const c of CASES) {
    it(c.what, async () => {
      const data = table(c.recipe, 3);
      const core = await loadWasmCore();
      const train = Int32Array.from({ length: data.rows - 24 }, (_, i) => i); // the last two speakers are the test side
      const test = Int32Array.from({ length: 24 }, (_, i) => data.rows - 24 + i);
      const model = await fitModel(c.spec, data, train, { seed: 5, core });
      const Xte = new Float32Array(test.length * data.dim);
      test.forEach((r, i) => Xte.set(data.X.subarray(r * data.dim, (r + 1) * data.dim), i * data.dim));
      const ctx = { speakers: Array.from(test, (r) => data.speaker[r]!) };
      if (model.transductive) expect(() => model.predictProba(Xte, test.length)).toThrow(/give the speaker of every row/);
      const before = model.predictProba(Xte, test.length, ctx);
      expect(before.length).toBe(test.length * CLASSES.length);
      for (let i = 0; i < test.length; i++) {
        const sum = before.subarray(i * 3, i * 3 + 3).reduce((a, b) => a + b, 0);
        expect(sum).toBeCloseTo(1, 5);
      }
      const dir = join(work, c.what.replace(/\W+/g, '-'));
      await saveBundle(dir, model);
      const tensors = tf.memory().numTensors;
      const again = await loadBundle(dir, { core });
      expect(again.meta.spec).toEqual(c.spec);
      expect(Array.from(again.predictProba(Xte, test.length, ctx))).toEqual(Array.from(before));
      expect(again.transductive).toBe(model.transductive);
      again.dispose();
      const server = await startDemoServer({ port: 0, modelDir: dir });
      let http: EmotionModel | undefined;
      try {
        http = await loadModelFromUrl(new URL('model/', server.url), { core });
        expect(Array.from(http.predictProba(Xte, test.length, ctx))).toEqual(Array.from(before));
      } finally {
        http?.dispose();
        await server.close();
      }
      expect(tf.memory().numTensors).toBe(tensors); // loading and disposing leaks nothing
      // Overwriting a bundle replaces it whole.
      await saveBundle(dir, model);
      model.dispose();
      expect(() => model.predictProba(Xte, test.length, ctx)).toThrow();
    }, 120_000);
  }
});

describe('leakage: training, validation and statistics come from the training side only', () => {
  it('networks validate on whole speakers of the training side, and scale with the remaining rows only', async () => {
    const data = table(SEQUENCE, 4);
    // Test speakers get a huge offset: any test row in a statistic would show.
    const testSpeakers = new Set(['Actor_05', 'Actor_06']);
    for (let r = 0; r < data.rows; r++) if (testSpeakers.has(data.speaker[r]!)) for (let j = 0; j < data.dim; j++) data.X[r * data.dim + j]! += 1000;
    const train = Int32Array.from(Array.from({ length: data.rows }, (_, i) => i).filter((i) => !testSpeakers.has(data.speaker[i]!)));
    const model = await fitModel(SEQ_CNN, data, train, { seed: 9 });
    const [t] = model.training;
    expect(t!.validationMode).toBe('speakers');
    expect(t!.validationSpeakers.length).toBeGreaterThan(0);
    for (const s of t!.validationSpeakers) expect(testSpeakers.has(s)).toBe(false);
    // The channel statistics are those of the fit rows: training speakers minus the validation speakers.
    const held = new Set(t!.validationSpeakers);
    const fitRows = Array.from(train).filter((r) => !held.has(data.speaker[r]!));
    expect(t!.fitRows).toBe(fitRows.length);
    const C = SEQUENCE.vectorLength / SEQUENCE.frames;
    const mean = new Float64Array(C);
    for (const r of fitRows) for (let j = 0; j < data.dim; j++) mean[j % C]! += data.X[r * data.dim + j]!;
    const { preprocessing } = await model.toBundle();
    const step = (preprocessing as { steps: Array<{ op: string; mean: number[] }> }).steps[0]!;
    expect(step.op).toBe('channel-standardize');
    step.mean.forEach((m, c) => expect(m).toBeCloseTo(mean[c]! / (fitRows.length * SEQUENCE.frames), 3));
    expect(Math.max(...step.mean.map(Math.abs))).toBeLessThan(10); // no +1000 test rows in there
    model.dispose();
  });

  it("validation by recordings (--validation recordings): no version of a validation recording is trained on", () => {
    const data = table(SEQUENCE, 5);
    const train = Array.from({ length: data.rows }, (_, i) => i);
    const plan = validationPlan(data, train, { seed: 3, by: 'recordings' });
    expect(plan.mode).toBe('recordings');
    const held = new Set(Array.from(plan.validation, (r) => data.recordingId[r]!));
    expect(held.size).toBeGreaterThan(0);
    for (const r of plan.validation) expect(data.version[r]).toBe('original');
    for (const r of plan.fit) expect(held.has(data.recordingId[r]!)).toBe(false);
    expect(plan.fit.length + held.size * 2).toBe(train.length); // every version of a held-out recording left training
    // The speakers of the validation recordings are still trained on (only their other recordings).
    const fitSpeakers = new Set(Array.from(plan.fit, (r) => data.speaker[r]!));
    for (const r of plan.validation) expect(fitSpeakers.has(data.speaker[r]!)).toBe(true);
    expect(validationPlan(data, train, { seed: 3 }).mode).toBe('speakers');
  });

  it('DT and KNN scale with the training rows only', async () => {
    const data = table(makeRecipe({ duration: 0.3 }), 5);
    for (let r = 60; r < data.rows; r++) for (let j = 0; j < data.dim; j++) data.X[r * data.dim + j]! += 1000;
    const train = Int32Array.from({ length: 60 }, (_, i) => i);
    for (const spec of [{ kind: 'dt' }, { kind: 'knn', k: 3 }] as ModelSpec[]) {
      const model = await fitModel(spec, data, train, { seed: 1 });
      const { preprocessing } = await model.toBundle();
      const scaler = (preprocessing as { steps: Array<{ scaler: { mean: number[] } }> }).steps[0]!.scaler;
      expect(Math.max(...scaler.mean.map(Math.abs))).toBeLessThan(10);
      expect(model.training[0]!.fitRows).toBe(60);
    }
  });

  it('ensemble members validate on disjoint groups of speakers', async () => {
    for (const seed of [2, 3, 4]) {
      const data = table(SEQUENCE, 6);
      const model = await fitModel({ kind: 'ensemble', members: 3, member: { ...SEQ_CNN, epochs: 1 } }, data, undefined, { seed });
      const all = model.training.flatMap((t) => t.validationSpeakers);
      expect(all.length).toBe(3); // one speaker each out of 6
      expect(new Set(all).size).toBe(3);
      model.dispose();
    }
  });
});

describe('speaker normalisation', () => {
  it('uses each speaker\'s own statistics (from the rows marked as statistics), per channel', async () => {
    const { Preprocessor } = await import('../src/models/preprocess.js');
    // 2 channels × 2 frames per row; speaker A rows 0–1, speaker B row 2; row 1 is an augmented copy (no statistics).
    const X = Float32Array.from([1, 10, 3, 30, /* A, augmented */ 100, 1000, 100, 1000, /* B */ 5, 7, 9, 11]);
    const { pre, Z } = Preprocessor.fit([{ op: 'speaker-standardize', channels: 2 }], X, 3, 4, {
      speakers: ['A', 'A', 'B'], statistics: [true, false, true],
    });
    // A: channel 0 frames {1, 3} → mean 2, sd 1; channel 1 {10, 30} → mean 20, sd 10.
    expect(Array.from(Z.subarray(0, 4))).toEqual([-1, -1, 1, 1]);
    expect(Array.from(Z.subarray(4, 8))).toEqual([98, 98, 98, 98]);
    // B on its own: channel 0 {5, 9} → mean 7, sd 2.
    expect(Array.from(Z.subarray(8, 12))).toEqual([-1, -1, 1, 1]);
    expect(pre.needsSpeakers).toBe(true);
    expect(() => pre.transform(X, 3)).toThrow(/transductive/);
  });
});

describe('bundles that must be refused', () => {
  let good: string;
  beforeAll(async () => {
    const data = table(makeRecipe({ duration: 0.3 }), 7);
    const model = await fitModel(quick({ ...PAPER_CNN_SPEC, arch: 'frames' }), data, undefined, { seed: 3 });
    good = join(work, 'good');
    await saveBundle(good, model);
    model.dispose();
  });

  const variant = async (name: string, edit: (dir: string) => Promise<void>): Promise<string> => {
    const dir = join(work, name);
    await rm(dir, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.cp(good, dir, { recursive: true }));
    await edit(dir);
    return dir;
  };
  const editJson = (file: string, f: (j: Record<string, unknown>) => void) => async (dir: string) => {
    const j = JSON.parse(await readFile(join(dir, file), 'utf8'));
    f(j);
    await writeFile(join(dir, file), JSON.stringify(j));
  };

  it('NaN weights (a weights.bin filled with 0xff)', async () => {
    const dir = await variant('nan', async (d) => {
      const w = await readFile(join(d, 'weights.bin'));
      await writeFile(join(d, 'weights.bin'), Buffer.alloc(w.length, 0xff));
    });
    await expect(loadBundle(dir)).rejects.toThrow(/NaN or infinite/);
  });

  it('a class list that does not match the outputs (3 → 2 and 4 names)', async () => {
    for (const classes of [['a', 'b'], ['a', 'b', 'c', 'd']]) {
      const dir = await variant(`classes-${classes.length}`, editJson('bundle.json', (j) => void (j.classes = classes)));
      await expect(loadBundle(dir)).rejects.toThrow(/outputs but the bundle lists/);
    }
    const dup = await variant('classes-dup', editJson('bundle.json', (j) => void (j.classes = ['a', 'a', 'b'])));
    await expect(loadBundle(dup)).rejects.toThrow(/distinct/);
  });

  it('a recipe whose rows do not fit the model', async () => {
    const dir = await variant('recipe', editJson('bundle.json', (j) => void (j.recipe = { ...(j.recipe as object), vectorLength: 2376 })));
    await expect(loadBundle(dir)).rejects.toThrow(/preprocessing takes rows of 286 values but the recipe makes 2376/);
    const seq = await variant('recipe-kind', editJson('bundle.json', (j) => void (j.recipe = makeSequenceRecipe())));
    await expect(loadBundle(seq)).rejects.toThrow(BundleError);
  });

  it('weight paths that leave the folder, and symlinks out of it', async () => {
    const dir = await variant('traversal', editJson('model.json', (j) => {
      (j.weightsManifest as Array<{ paths: string[] }>)[0]!.paths = ['../../../../etc/passwd'];
    }));
    await expect(loadBundle(dir)).rejects.toThrow(/not a file name inside the model folder/);
    const linked = await variant('symlink', async (d) => {
      await rm(join(d, 'weights.bin'));
      await symlink(join(good, 'weights.bin'), join(d, 'weights.bin'));
    });
    await expect(loadBundle(linked)).rejects.toThrow(/outside the model folder/);
  });

  it('a topology that builds but cannot run (conv1d stride 0, found by the fuzz runner)', async () => {
    const dir = await variant('stride0', editJson('model.json', (j) => {
      const layers = (j.modelTopology as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }).config.layers;
      const conv = layers.find((l) => l.class_name === 'Conv1D')!;
      conv.config.strides = [0];
    }));
    await expect(loadBundle(dir)).rejects.toThrow(/model\.json: the model cannot run \(.*[Ss]tride/);
  });

  it('unknown formats, kinds and missing files', async () => {
    await expect(loadBundle(join(work, 'nowhere'))).rejects.toThrow(BundleError);
    const fmt = await variant('format', editJson('bundle.json', (j) => void (j.format = 'ser-wasm-model/9')));
    await expect(loadBundle(fmt)).rejects.toThrow(/unsupported format/);
    const kind = await variant('kind', editJson('bundle.json', (j) => void ((j.spec as { kind: string }).kind = 'svm')));
    await expect(loadBundle(kind)).rejects.toThrow(/unknown model kind 'svm'/);
    const gone = await variant('gone', (d) => rm(join(d, 'weights.bin')));
    await expect(loadBundle(gone)).rejects.toThrow(/weights/);
  });

  it('a format-1 bundle (the demo model shipped before the model interface) still loads', async () => {
    const m = await loadBundle('test/fixtures/bundle-v1');
    expect(m.meta.classes.length).toBe(7);
    expect(m.meta.spec.kind).toBe('cnn');
    const p = m.predictProba(new Float32Array(m.meta.recipe.vectorLength), 1);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    m.dispose();
  });
});

describe('ensemble members on worker threads', () => {
  it('give the same model as training them one after another', async () => {
    const data = table(SEQUENCE, 8);
    const spec: ModelSpec = { kind: 'ensemble', members: 2, member: SEQ_CNN };
    const serial = await fitModel(spec, data, undefined, { seed: 4, threads: 1 });
    const parallel = await fitModel(spec, data, undefined, { seed: 4, threads: 2 });
    expect(parallel.training.map((t) => t.validationSpeakers)).toEqual(serial.training.map((t) => t.validationSpeakers));
    expect(Array.from(parallel.predictProba(data.X, data.rows))).toEqual(Array.from(serial.predictProba(data.X, data.rows)));
    serial.dispose();
    parallel.dispose();
  }, 120_000);
});
