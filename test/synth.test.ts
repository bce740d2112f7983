import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeWav } from '../src/audio/wav-decode.js';
import { EMOTIONS_7, EMOTIONS_8, loadRavdess } from '../src/corpus/index.js';
import { SynthError } from '../src/synth/errors.js';
import { synthCorpusFiles, synthesizeCorpusFile, writeSynthCorpus } from '../src/synth/corpus-writer.js';
import { synthesizeUtterance } from '../src/synth/synthesizer.js';
import { makeVoice } from '../src/synth/voices.js';

const ACTORS = 2;
let tmp: string;
let a: string; // seed 11
let b: string; // seed 11 again
let c: string; // seed 12

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wav')).sort();
}

function rmsDb(x: Float32Array, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return 10 * Math.log10(s / (to - from));
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ser-synth-test-'));
  a = join(tmp, 'a');
  b = join(tmp, 'b');
  c = join(tmp, 'c');
  writeSynthCorpus({ out: a, actors: ACTORS, seed: 11 });
  writeSynthCorpus({ out: b, actors: ACTORS, seed: 11 });
  writeSynthCorpus({ out: c, actors: ACTORS, seed: 12 });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ser synth corpus', () => {
  it('is deterministic: same seed gives byte-identical files, another seed different ones', () => {
    const names = filesUnder(a);
    expect(names).toHaveLength(60 * ACTORS);
    expect(filesUnder(b)).toEqual(names);
    expect(filesUnder(c)).toEqual(names);
    let differing = 0;
    for (const n of names) {
      const bytesA = readFileSync(join(a, n));
      expect(bytesA.equals(readFileSync(join(b, n)))).toBe(true);
      if (!bytesA.equals(readFileSync(join(c, n)))) differing++;
    }
    expect(differing).toBe(names.length);
    expect(readFileSync(join(a, 'SYNTH.json'), 'utf8')).toBe(readFileSync(join(b, 'SYNTH.json'), 'utf8'));
  });

  it('a file does not depend on generation order (per-file seeds)', () => {
    const spec = synthCorpusFiles(ACTORS)[37]!;
    const alone = synthesizeCorpusFile(spec, 11, 22050);
    const { data } = decodeWav(readFileSync(join(a, spec.relativePath)));
    expect(data[0]!.length).toBe(alone.length);
    // The file holds the 16-bit rounding of the same signal.
    let maxErr = 0;
    for (let i = 0; i < alone.length; i++) maxErr = Math.max(maxErr, Math.abs(alone[i]! - data[0]![i]!));
    expect(maxErr).toBeLessThanOrEqual(0.5 / 32768 + 1e-9);
  });

  it('parses back through the RAVDESS loader: all 8 emotions, both genders, both intensities', () => {
    const corpus = loadRavdess(a);
    expect(corpus.skipped).toEqual([]);
    expect(corpus.items).toHaveLength(60 * ACTORS);
    expect(corpus.classes).toEqual([...EMOTIONS_7]);
    expect(new Set(corpus.items.map((i) => i.meta.emotion8))).toEqual(new Set(EMOTIONS_8));
    expect(new Set(corpus.items.map((i) => i.gender))).toEqual(new Set(['male', 'female']));
    expect(new Set(corpus.items.map((i) => i.meta.intensity))).toEqual(new Set(['normal', 'strong']));
    expect(corpus.items.filter((i) => i.meta.emotion8 === 'neutral').every((i) => i.meta.intensity === 'normal')).toBe(true);
    expect(new Set(corpus.items.map((i) => i.speaker))).toEqual(new Set(['Actor_01', 'Actor_02']));
    expect(synthCorpusFiles(8)).toHaveLength(480);
  });

  it('audio is sane: 22.05 kHz mono 16-bit, 3–3.5 s, finite, unclipped, speech inside the paper crop', () => {
    for (const name of filesUnder(a)) {
      const bytes = readFileSync(join(a, name));
      const { info, data } = decodeWav(bytes);
      expect(info.sampleRate).toBe(22050);
      expect(info.channels).toBe(1);
      expect(info.format).toBe('pcm16');
      const y = data[0]!;
      const seconds = y.length / 22050;
      expect(seconds).toBeGreaterThanOrEqual(3.0);
      expect(seconds).toBeLessThanOrEqual(3.5);
      let peak = 0;
      let nonFinite = 0;
      for (let i = 0; i < y.length; i++) {
        if (!Number.isFinite(y[i]!)) nonFinite++;
        peak = Math.max(peak, Math.abs(y[i]!));
      }
      expect(nonFinite).toBe(0);
      expect(peak).toBeLessThanOrEqual(1);
      // Leading 0.3 s is room noise only; the paper crop (0.6 s + 2.5 s) carries speech far above it.
      const lead = rmsDb(y, 0, Math.round(0.3 * 22050));
      const crop = rmsDb(y, Math.round(0.6 * 22050), Math.min(y.length, Math.round(3.1 * 22050)));
      expect(lead).toBeLessThan(-60);
      expect(crop).toBeGreaterThan(-50);
      expect(crop - lead).toBeGreaterThan(20);
    }
  });

  it('emotions move level and pitch the way the profiles say (angry loud and high, sad quiet and low)', () => {
    const voice = makeVoice(3, 5);
    const render = (emotion: 'angry' | 'sad', seed: number) =>
      synthesizeUtterance({ statement: 1, emotion, intensity: 'strong', voice, sampleRate: 22050, seed });
    for (const seed of [1, 2, 3]) {
      const angry = render('angry', seed);
      const sad = render('sad', seed);
      const level = (u: ReturnType<typeof render>) =>
        rmsDb(u.samples, Math.round(u.plan.speechStart * 22050), Math.round(u.plan.speechEnd * 22050));
      expect(level(angry) - level(sad)).toBeGreaterThan(6);
      const meanF0 = (u: ReturnType<typeof render>) => {
        let s = 0;
        for (let k = 0; k < 50; k++) s += u.plan.f0At(u.plan.speechStart + ((k + 0.5) / 50) * (u.plan.speechEnd - u.plan.speechStart));
        return s / 50;
      };
      expect(meanF0(angry)).toBeGreaterThan(meanF0(sad));
    }
  });

  it('renders at other sample rates (8 kHz formants above Nyquist are pulled below it)', () => {
    const spec = synthCorpusFiles(1)[20]!;
    for (const sr of [8000, 16000, 48000]) {
      const y = synthesizeCorpusFile(spec, 3, sr);
      expect(y.length / sr).toBeGreaterThanOrEqual(3.0);
      expect(y.length / sr).toBeLessThanOrEqual(3.5);
      expect(y.every((v) => Number.isFinite(v) && Math.abs(v) <= 1)).toBe(true);
      expect(rmsDb(y)).toBeGreaterThan(-50);
    }
  });

  it('rejects bad options with SynthError', () => {
    const out = join(tmp, 'never');
    expect(() => writeSynthCorpus({ out, actors: 0 })).toThrow(SynthError);
    expect(() => writeSynthCorpus({ out, actors: 25 })).toThrow('actors must be an integer from 1 to 24 (RAVDESS actor codes), got 25');
    expect(() => writeSynthCorpus({ out, actors: 1.5 })).toThrow(SynthError);
    expect(() => writeSynthCorpus({ out, sampleRate: 7999 })).toThrow('sample rate must be an integer from 8000 to 48000 Hz, got 7999');
    expect(() => writeSynthCorpus({ out, seed: -1 })).toThrow('seed must be an integer from 0 to 4294967295, got -1');
  });
});
