/**
 * Sequence recipes (src/features/sequence-*.ts): layout, trimming, centring, padding,
 * normalisation and the pitch contour, on both DSP backends.
 */
import { describe, expect, it } from 'vitest';
import { featureVector, parseFeatureRecipe, recipeLoadOptions, recipesEqual } from '../src/features/feature-recipe.js';
import { PAPER_RECIPE } from '../src/features/recipe.js';
import { interpolatedLogPitch, sequenceFrames, sequenceVector } from '../src/features/sequence-features.js';
import { makeSequenceRecipe, sequenceChannelOffsets, sequenceValuesPerFrame } from '../src/features/sequence-recipe.js';
import { createReferenceDsp } from '../src/reference/index.js';
import { Random } from '../src/util/random.js';
import { createWasmDsp } from '../src/wasm/dsp.js';

const SR = 16000;
/** Silence, then a 150 → 220 Hz harmonic glide with some noise, then silence. */
function voicedClip(seconds: number, lead = 0.5, tail = 0.5): Float32Array {
  const rng = new Random(3);
  const n = Math.round((lead + seconds + tail) * SR);
  const y = new Float32Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR - lead;
    if (t < 0 || t > seconds) {
      y[i] = 1e-4 * rng.gaussian();
      continue;
    }
    const f0 = 150 + (70 * t) / seconds;
    phase += (2 * Math.PI * f0) / SR;
    y[i] = 0.3 * Math.sin(phase) + 0.15 * Math.sin(2 * phase) + 0.08 * Math.sin(3 * phase) + 0.003 * rng.gaussian();
  }
  return y;
}

describe('sequence recipe', () => {
  it('lays frames out channel group by channel group and derives the vector length', () => {
    const r = makeSequenceRecipe({ nMels: 10, frames: 20, channels: ['voicing', 'logmel', 'pitch'] });
    expect(r.channels).toEqual(['logmel', 'pitch', 'voicing']); // canonical order whatever the order given
    expect(sequenceValuesPerFrame(r.channels, 10)).toBe(12);
    expect(sequenceChannelOffsets(r)).toEqual({ logmel: 0, pitch: 10, voicing: 11 });
    expect(r.vectorLength).toBe(240);
    expect(recipeLoadOptions(r)).toEqual({ sr: 16000, offset: 0, duration: r.maxSeconds });
  });

  it('refuses bad settings and round-trips through parseFeatureRecipe', () => {
    expect(() => makeSequenceRecipe({ channels: [] })).toThrow(/at least one/);
    expect(() => makeSequenceRecipe({ channels: ['mfcc' as never] })).toThrow(/unknown channel/);
    expect(() => makeSequenceRecipe({ pitch: { fmin: 300, fmax: 100, voicedBelow: 0.2 } })).toThrow(/pitch range/);
    expect(() => makeSequenceRecipe({ nFft: 1000 })).toThrow();
    const r = makeSequenceRecipe({ utteranceNorm: 'off' });
    expect(recipesEqual(parseFeatureRecipe(JSON.parse(JSON.stringify(r)), 'x'), r)).toBe(true);
    expect(() => parseFeatureRecipe({ ...r, vectorLength: 5 }, 'bundle.json: recipe')).toThrow(/bundle.json: recipe: vectorLength 5/);
    expect(() => parseFeatureRecipe({ ...r, kind: 'spectral' }, 'x')).toThrow(/unknown recipe kind/);
    const { kind: _k, ...legacy } = PAPER_RECIPE; // tables and bundles written before `kind` existed
    expect(parseFeatureRecipe(legacy, 'x').kind).toBe('paper');
  });
});

describe('sequence features of a clip', () => {
  const recipe = makeSequenceRecipe({ frames: 96 });
  const y = voicedClip(1.2);

  it('trims the silence, centres the utterance and pads with zeros after normalisation', async () => {
    const dsp = await createWasmDsp();
    const { frames } = sequenceFrames(dsp, y, recipe);
    // ~1.2 s of voice at a 32 ms hop, trimmed to within a few frames.
    expect(frames).toBeGreaterThan(34);
    expect(frames).toBeLessThan(45);
    const row = sequenceVector(dsp, y, recipe);
    expect(row.length).toBe(recipe.vectorLength);
    const width = recipe.vectorLength / recipe.frames;
    const frameEnergy = (t: number): number => row.subarray(t * width, (t + 1) * width).reduce((a, v) => a + Math.abs(v), 0);
    expect(frameEnergy(0)).toBe(0);
    expect(frameEnergy(recipe.frames - 1)).toBe(0);
    expect(frameEnergy(recipe.frames >> 1)).toBeGreaterThan(0);
    const start = (recipe.frames - frames) >> 1;
    expect(frameEnergy(start - 1)).toBe(0);
    expect(frameEnergy(start)).toBeGreaterThan(0);
    // Mean normalisation: each normalised channel (not voicing) averages 0 over the real frames.
    const at = sequenceChannelOffsets(recipe);
    for (const c of [at.logmel!, at.logmel! + 30, at.rms!, at.pitch!]) {
      let sum = 0;
      for (let t = start; t < start + frames; t++) sum += row[t * width + c]!;
      expect(Math.abs(sum / frames)).toBeLessThan(1e-4);
    }
    // Voicing stays in [0, 1] and is high in the middle of the glide.
    expect(row[(recipe.frames >> 1) * width + at.voicing!]).toBeGreaterThan(0.8);
  });

  it('pads with the clip\'s own means when it is not normalised', async () => {
    const dsp = await createWasmDsp();
    const off = makeSequenceRecipe({ utteranceNorm: 'off' });
    const row = sequenceVector(dsp, y, off);
    const width = off.vectorLength / off.frames;
    const { data, frames } = sequenceFrames(dsp, y, off);
    for (const c of [0, 10, sequenceChannelOffsets(off).rms!]) {
      let mean = 0;
      for (let t = 0; t < frames; t++) mean += data[t * width + c]! / frames;
      expect(row[c]).toBeCloseTo(mean, 3); // frame 0 is padding
    }
  });

  it('follows the glide in the pitch channel (log2 of F0 / 100 Hz)', async () => {
    const dsp = await createWasmDsp();
    const off = makeSequenceRecipe({ utteranceNorm: 'off' });
    const { data, frames } = sequenceFrames(dsp, y, off);
    const width = off.vectorLength / off.frames;
    const pitch = (t: number): number => 100 * 2 ** data[t * width + sequenceChannelOffsets(off).pitch!]!;
    expect(pitch(Math.round(frames * 0.2))).toBeGreaterThan(150);
    expect(pitch(Math.round(frames * 0.2))).toBeLessThan(185);
    expect(pitch(Math.round(frames * 0.8))).toBeGreaterThan(190);
    expect(pitch(Math.round(frames * 0.8))).toBeLessThan(225);
  });

  it('adds log-mel deltas (librosa.feature.delta of the log-mel, width 9) when asked', async () => {
    const dsp = await createWasmDsp();
    const withDelta = makeSequenceRecipe({ utteranceNorm: 'off', channels: ['logmel', 'delta', 'rms'] });
    const { data, frames } = sequenceFrames(dsp, y, withDelta);
    const width = sequenceValuesPerFrame(withDelta.channels, withDelta.nMels);
    const logmel = { data: new Float32Array(withDelta.nMels * frames), rows: withDelta.nMels, cols: frames };
    for (let t = 0; t < frames; t++) for (let m = 0; m < withDelta.nMels; m++) logmel.data[m * frames + t] = data[t * width + m]!;
    const expected = dsp.delta(logmel, { width: 9 });
    const at = sequenceChannelOffsets(withDelta).delta!;
    for (const [t, m] of [[3, 0], [10, 20], [frames - 2, 63]] as const) expect(data[t * width + at + m]).toBeCloseTo(expected.data[m * frames + t]!, 4);
    // A clip of 5 frames takes a width-5 window; 2 frames give zeros.
    expect(() => sequenceVector(dsp, voicedClip(0.12, 0.02, 0.02), withDelta)).not.toThrow();
  });

  it('gives the same row on the WASM and float64 reference backends (float32 tolerance)', async () => {
    const wasm = featureVector(await createWasmDsp(), y, recipe);
    const ref = featureVector(createReferenceDsp(), y, recipe);
    let worst = 0;
    for (let i = 0; i < wasm.length; i++) worst = Math.max(worst, Math.abs(wasm[i]! - ref[i]!));
    expect(worst).toBeLessThan(5e-3);
  });
});

describe('interpolatedLogPitch', () => {
  it('fills unvoiced frames between voiced ones linearly and holds the ends', () => {
    const f0 = Float64Array.of(0, 100, 0, 0, 400, 0);
    const ap = Float64Array.of(1, 0, 1, 1, 0, 1);
    expect(Array.from(interpolatedLogPitch(f0, ap, 0.2))).toEqual([0, 0, 2 / 3, 4 / 3, 2, 2].map(Math.fround));
    expect(Array.from(interpolatedLogPitch(f0, Float64Array.of(1, 1, 1, 1, 1, 1), 0.2))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
