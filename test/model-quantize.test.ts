/** uint8/uint16 weight quantisation of model directories (src/models/quantize.ts), read back by tfjs. */
import * as tf from '../src/ml/tfjs.js';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/ml/cnn/backend.js';
import { buildPaperCnn, disposeCnn } from '../src/ml/cnn/model.js';
import { loadCnn, saveCnn } from '../src/ml/cnn/persist.js';
import { affineRange, quantizeModelDir, quantizeTensor, QuantizeError } from '../src/models/quantize.js';
import { Random } from '../src/util/random.js';

describe('affine range', () => {
  it('puts 0 exactly on a code when the range covers it', () => {
    const { min, scale } = affineRange(-0.3, 0.7, 'uint8');
    const zeroCode = -min / scale;
    expect(Math.abs(zeroCode - Math.round(zeroCode))).toBeLessThan(1e-9);
    expect(scale).toBeCloseTo(1 / 255, 12);
  });

  it('keeps a range that excludes 0 and handles constant tensors', () => {
    expect(affineRange(2, 4, 'uint16')).toEqual({ min: 2, scale: 2 / 65535 });
    expect(affineRange(0.5, 0.5, 'uint8')).toEqual({ min: 0.5, scale: 1 });
    expect(() => affineRange(1, 0, 'uint8')).toThrow(QuantizeError);
  });
});

describe('quantizeTensor', () => {
  const rng = new Random(3);
  const values = Float32Array.from({ length: 5000 }, () => rng.gaussian() * 0.05);

  it.each(['uint8', 'uint16'] as const)('%s: every weight within scale / 2 of its original', (dtype) => {
    const q = quantizeTensor(values, dtype);
    expect(q.codes.length).toBe(values.length);
    // scale / 2 from rounding, plus float32 rounding of the dequantised value.
    expect(q.maxAbsError).toBeLessThanOrEqual(q.scale / 2 + 1e-7);
    expect(q.maxAbsError).toBeGreaterThan(0);
  });

  it('rejects NaN and Infinity', () => {
    expect(() => quantizeTensor(Float32Array.of(1, NaN), 'uint8')).toThrow(/NaN or Infinity/);
  });
});

describe('quantizeModelDir', () => {
  let dir: string;
  let model: tf.LayersModel;
  const dim = 40;

  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'ser-quantize-'));
    model = buildPaperCnn(dim, 5, { seed: 9 });
    await saveCnn(model, join(dir, 'float'));
  });

  afterAll(async () => {
    disposeCnn(model);
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a 4x smaller uint8 model that tfjs loads with weights within scale / 2', async () => {
    const s = await quantizeModelDir(join(dir, 'float'), join(dir, 'q8'));
    expect(s.tensors).toBe(6);
    expect(s.bytesAfter * 4).toBe(s.bytesBefore);
    expect((await stat(join(dir, 'q8', 'weights.bin'))).size).toBe(s.bytesAfter);
    const manifest = JSON.parse(await readFile(join(dir, 'q8', 'model.json'), 'utf8')).weightsManifest[0].weights;
    expect(manifest.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'uint8')).toBe(true);

    const loaded = await loadCnn(join(dir, 'q8'));
    const original = model.getWeights();
    loaded.getWeights().forEach((w, i) => {
      const scale = manifest[i].quantization.scale as number;
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(w, original[i]!))).dataSync()[0]!);
      expect(diff, manifest[i].name).toBeLessThanOrEqual(scale / 2 + 1e-7);
    });
    // Biases start at zero and stay exactly zero (0 is a code).
    const bias = loaded.getWeights()[1]!.dataSync();
    expect(Array.from(bias).every((b) => b === 0)).toBe(true);

    const x = tf.randomNormal([4, dim, 1], 0, 1, 'float32', 1);
    const a = (model.predict(x) as tf.Tensor).dataSync();
    const b = (loaded.predict(x) as tf.Tensor).dataSync();
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(0.02);
    x.dispose();
    disposeCnn(loaded);
  });

  it('refuses to quantise twice and names a missing model', async () => {
    await expect(quantizeModelDir(join(dir, 'q8'), join(dir, 'again'))).rejects.toThrow(/already quantised/);
    await expect(quantizeModelDir(join(dir, 'nope'), join(dir, 'x'))).rejects.toThrow(/cannot read .*nope/);
  });
});
