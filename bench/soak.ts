/**
 * Soak test: many predictions in one process, the way `ser predict` or a server would run them:
 * WAV bytes → loadAudioBytes (48 kHz → 22.05 kHz in WASM) → the paper's vector (WASM DSP) →
 * the bundle's scaler → the CNN (tfjs) → probabilities. Memory is sampled every `every`
 * predictions: process RSS and V8 heap, ser.wasm linear memory, the tfjs wasm backend's heap
 * (when that backend runs) and tf.memory()'s tensor count and bytes. After warm-up every series
 * should be flat; the verdict compares the last sample with the first one after warm-up.
 */
import * as tf from '../src/ml/tfjs.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadAudioBytes } from '../src/audio/load.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { featureVector, recipeLoadOptions } from '../src/features/feature-recipe.js';
import { initBackend } from '../src/ml/cnn/backend.js';
import { loadBundle } from '../src/models/bundle.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../src/synth/index.js';
import { createWasmDsp } from '../src/wasm/dsp.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { resample } from '../src/wasm/resample.js';

export interface SoakSample {
  predictions: number;
  seconds: number;
  rssMb: number;
  heapMb: number;
  serWasmMb: number;
  /** tfjs wasm backend heap (null on other backends). */
  tfWasmMb: number | null;
  tensors: number;
  tensorMb: number;
}

export interface SoakResult {
  model: string;
  backend: string;
  predictions: number;
  warmup: number;
  samples: SoakSample[];
  /** Last sample minus the first sample at or after warm-up. */
  growthAfterWarmup: { rssMb: number; heapMb: number; serWasmMb: number; tfWasmMb: number | null; tensors: number };
  /** Mean milliseconds per prediction over the whole run. */
  msPerPrediction: number;
  /** Predicted class counts (a sanity check that the outputs are real). */
  predicted: Record<string, number>;
}

const MB = 1 / (1024 * 1024);

export async function benchSoak(opts: { modelDir: string; predictions?: number; every?: number; warmup?: number; log?: (m: string) => void }): Promise<SoakResult> {
  const predictions = opts.predictions ?? 10_000;
  const every = opts.every ?? Math.max(1, Math.round(predictions / 10));
  const warmup = opts.warmup ?? every;
  const log = opts.log ?? (() => {});
  if (!existsSync(join(opts.modelDir, 'bundle.json'))) throw new Error(`soak: no model at ${opts.modelDir}`);
  const backend = await initBackend('node', { log });
  const core = await loadWasmCore();
  const model = await loadBundle(opts.modelDir, { core });
  const dsp = await createWasmDsp(core);
  const resampler = (y: Float32Array, a: number, b: number) => resample(core, y, a, b);
  const r = model.meta.recipe;
  // Eight different 48 kHz clips (two actors, several emotions), encoded once; decoding is part of every prediction.
  const clips = synthCorpusFiles(2).filter((_, i) => i % 15 === 0).slice(0, 8)
    .map((spec) => encodeWav(synthesizeCorpusFile(spec, 11, 48000), 48000, { format: 'pcm16' }));
  const tfWasmHeap = (): number | null => {
    const heap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
    return heap ? heap.byteLength * MB : null;
  };
  const samples: SoakSample[] = [];
  const predicted: Record<string, number> = {};
  const started = performance.now();
  const sample = (n: number): void => {
    const m = process.memoryUsage();
    const t = tf.memory();
    samples.push({
      predictions: n,
      seconds: (performance.now() - started) / 1000,
      rssMb: m.rss * MB,
      heapMb: m.heapUsed * MB,
      serWasmMb: core.memoryBytes * MB,
      tfWasmMb: tfWasmHeap(),
      tensors: t.numTensors,
      tensorMb: t.numBytes * MB,
    });
  };
  sample(0);
  for (let n = 1; n <= predictions; n++) {
    const { y } = await loadAudioBytes(clips[n % clips.length]!, { ...recipeLoadOptions(r), resampler });
    // predictProba throws on a non-finite probability (the check below is the soak's own).
    const p = model.predictProba(featureVector(dsp, y, r), 1);
    let best = 0;
    for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
    if (!Number.isFinite(p[best]!)) throw new Error(`soak: non-finite probability at prediction ${n}`);
    const label = model.meta.classes[best]!;
    predicted[label] = (predicted[label] ?? 0) + 1;
    if (n % every === 0 || n === predictions) {
      if (typeof globalThis.gc === 'function') globalThis.gc();
      sample(n);
      const s = samples[samples.length - 1]!;
      log(`soak: ${n}/${predictions}, RSS ${s.rssMb.toFixed(1)} MB, tensors ${s.tensors}`);
    }
  }
  model.dispose();
  const base = samples.find((s) => s.predictions >= warmup) ?? samples[0]!;
  const last = samples[samples.length - 1]!;
  return {
    model: opts.modelDir,
    backend: backend.name,
    predictions,
    warmup: base.predictions,
    samples,
    growthAfterWarmup: {
      rssMb: last.rssMb - base.rssMb,
      heapMb: last.heapMb - base.heapMb,
      serWasmMb: last.serWasmMb - base.serWasmMb,
      tfWasmMb: last.tfWasmMb !== null && base.tfWasmMb !== null ? last.tfWasmMb - base.tfWasmMb : null,
      tensors: last.tensors - base.tensors,
    },
    msPerPrediction: ((performance.now() - started) / predictions),
    predicted,
  };
}

export function formatSoak(s: SoakResult): string {
  const f = (x: number | null, d = 1) => (x === null ? '—' : x.toFixed(d));
  const g = s.growthAfterWarmup;
  const lines = [
    `## Soak: ${s.predictions.toLocaleString('en-US')} predictions in one process`,
    '',
    `WAV bytes (48 kHz PCM16) → loadAudioBytes (WASM resampling to 22.05 kHz) → paper vector (WASM) → scaler → CNN (${s.backend}); ` +
      `model ${s.model}; ${s.msPerPrediction.toFixed(1)} ms per prediction. Sampled after a GC when \`--expose-gc\` is given.`,
    '',
    '| predictions | seconds | RSS MB | V8 heap MB | ser.wasm memory MB | tfjs wasm heap MB | tf tensors | tf tensor MB |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...s.samples.map((x) => `| ${x.predictions} | ${x.seconds.toFixed(1)} | ${f(x.rssMb)} | ${f(x.heapMb)} | ${f(x.serWasmMb)} | ${f(x.tfWasmMb)} | ${x.tensors} | ${f(x.tensorMb, 2)} |`),
    '',
    `After warm-up (${s.warmup} predictions) to the end: RSS ${g.rssMb >= 0 ? '+' : ''}${g.rssMb.toFixed(1)} MB, ` +
      `V8 heap ${g.heapMb >= 0 ? '+' : ''}${g.heapMb.toFixed(1)} MB, ser.wasm memory +${g.serWasmMb.toFixed(1)} MB, ` +
      `tfjs wasm heap ${g.tfWasmMb === null ? '—' : `+${g.tfWasmMb.toFixed(1)} MB`}, tensors ${g.tensors >= 0 ? '+' : ''}${g.tensors}. ` +
      `Predicted: ${Object.entries(s.predicted).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
  ];
  return lines.join('\n');
}
