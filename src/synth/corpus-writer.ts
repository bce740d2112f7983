/**
 * Writes the built-in synthetic emotional-speech corpus in RAVDESS layout and naming:
 *   OUT/Actor_XX/03-01-EE-II-SS-RR-AA.wav   (audio-only, speech)
 * 60 files per actor like RAVDESS: all 8 emotions; neutral at normal intensity only,
 * the others at normal and strong; 2 statements × 2 repetitions. Odd actors male,
 * even female. 16-bit PCM mono, 3.0–3.5 s, speech starting at 0.4–0.7 s so the
 * paper's crop (offset 0.6 s, 2.5 s) lands on speech.
 *
 * Default rate 22 050 Hz: librosa's default load rate (what the paper's features
 * use), and half the samples of 48 kHz, so generation stays fast.
 *
 * Each file's random draws come from seed ⊕ hash(file name), so a file does not
 * depend on which other files are generated or in what order, and the same seed
 * gives byte-identical files. OUT/SYNTH.json records the settings.
 */
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { join, resolve } from 'node:path';
import { encodeWav } from '../audio/wav-encode.js';
import { EMOTIONS_8, type Emotion8 } from '../corpus/types.js';
import { formatRavdessName, ravdessActorFolder } from '../corpus/ravdess.js';
import { hashString } from '../util/random.js';
import { SynthError } from './errors.js';
import { synthesizeUtterance } from './synthesizer.js';
import { makeVoice } from './voices.js';

export interface SynthCorpusOptions {
  /** Output folder (created if missing; existing files with the same names are overwritten). */
  out: string;
  /** Number of actors, 1..24 (RAVDESS actor codes); default 8. */
  actors?: number;
  /** Unsigned 32-bit seed; default 1. */
  seed?: number;
  /** Sample rate in Hz, 8000..48000; default 22050. */
  sampleRate?: number;
  /** Called after each file. */
  onProgress?: (done: number, total: number) => void;
}

export interface SynthFileSpec {
  actor: number;
  emotion: Emotion8;
  emotionCode: number;
  intensity: 'normal' | 'strong';
  statement: 1 | 2;
  repetition: 1 | 2;
  /** Relative path, e.g. Actor_03/03-01-05-02-01-02-03.wav */
  relativePath: string;
}

export interface SynthCorpusSummary {
  out: string;
  files: number;
  actors: number;
  seed: number;
  sampleRate: number;
  /** Total audio written, seconds. */
  seconds: number;
}

export const DEFAULT_SYNTH_SEED = 1;
export const DEFAULT_SYNTH_RATE = 22050;
export const DEFAULT_SYNTH_ACTORS = 8;

/** The file every synthetic corpus holds (its settings); trainers record that a model saw synthetic speech. */
export const SYNTH_MARKER = 'SYNTH.json';

/** The files a corpus of `actors` actors (1..24) contains, in generation order: 60 per actor, as RAVDESS. */
export function synthCorpusFiles(actors: number): SynthFileSpec[] {
  checkActors(actors);
  const files: SynthFileSpec[] = [];
  for (let actor = 1; actor <= actors; actor++) {
    EMOTIONS_8.forEach((emotion, e) => {
      const intensities = emotion === 'neutral' ? (['normal'] as const) : (['normal', 'strong'] as const);
      for (const intensity of intensities) {
        for (const statement of [1, 2] as const) {
          for (const repetition of [1, 2] as const) {
            const name = formatRavdessName({ emotionCode: e + 1, intensity, statement, repetition, actor });
            files.push({ actor, emotion, emotionCode: e + 1, intensity, statement, repetition, relativePath: `${ravdessActorFolder(actor)}/${name}` });
          }
        }
      }
    });
  }
  return files;
}

function checkActors(actors: number): void {
  if (!Number.isInteger(actors) || actors < 1 || actors > 24) {
    throw new SynthError(`actors must be an integer from 1 to 24 (RAVDESS actor codes), got ${actors}`);
  }
}

/** Seed of one file's random draws: independent of generation order. */
export function fileSeed(seed: number, relativePath: string): number {
  return (hashString(relativePath) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0;
}

/** The samples of one corpus file (mono float32 in [-1, 1] at sampleRate Hz), from the corpus seed alone. */
export function synthesizeCorpusFile(spec: SynthFileSpec, seed: number, sampleRate: number): Float32Array {
  return synthesizeUtterance({
    statement: spec.statement,
    emotion: spec.emotion,
    intensity: spec.intensity,
    voice: makeVoice(spec.actor, seed),
    sampleRate,
    seed: fileSeed(seed, spec.relativePath),
  }).samples;
}

/**
 * Writes the corpus (16-bit PCM WAVs in RAVDESS layout plus SYNTH.json) into opts.out; defaults
 * 8 actors, seed 1, 22050 Hz. Synchronous; the same options give byte-identical files.
 */
export function writeSynthCorpus(opts: SynthCorpusOptions): SynthCorpusSummary {
  const actors = opts.actors ?? DEFAULT_SYNTH_ACTORS;
  const seed = opts.seed ?? DEFAULT_SYNTH_SEED;
  const sampleRate = opts.sampleRate ?? DEFAULT_SYNTH_RATE;
  checkActors(actors);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SynthError(`seed must be an integer from 0 to 4294967295, got ${seed}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 8000 || sampleRate > 48000) {
    throw new SynthError(`sample rate must be an integer from 8000 to 48000 Hz, got ${sampleRate}`);
  }
  const out = resolve(opts.out);
  const files = synthCorpusFiles(actors);
  let seconds = 0;
  for (let actor = 1; actor <= actors; actor++) mkdirSync(join(out, ravdessActorFolder(actor)), { recursive: true });
  files.forEach((spec, i) => {
    const samples = synthesizeCorpusFile(spec, seed, sampleRate);
    seconds += samples.length / sampleRate;
    // Atomic, so an interrupted run never leaves a half-written WAV behind.
    writeFileAtomicSync(join(out, spec.relativePath), encodeWav(samples, sampleRate, { format: 'pcm16' }), { durable: false });
    opts.onProgress?.(i + 1, files.length);
  });
  const summary: SynthCorpusSummary = { out, files: files.length, actors, seed, sampleRate, seconds };
  writeFileAtomicSync(
    join(out, SYNTH_MARKER),
    JSON.stringify({ generator: 'ser-wasm synth (source-filter, RAVDESS layout)', actors, seed, sampleRate, files: files.length, seconds: Number(seconds.toFixed(3)) }, null, 2) + '\n',
  );
  return summary;
}
