/**
 * What one timeline window costs: the model's feature row (WASM) and one model call for that row
 * alone (what the live stream does per window), timed separately over `n` windows after a warm-up.
 * Browser-safe: the Node bench (bench/timeline.ts) and the demo's worker run this same code.
 */
import { featureVector } from '../features/feature-recipe.js';
import type { EmotionModel } from '../models/emotion-model.js';
import { Random } from '../util/random.js';
import type { WasmDsp } from '../wasm/dsp.js';
import { windowSamples } from './stream.js';

export interface WindowCost {
  windows: number;
  /** Milliseconds per window, in order. */
  featuresMs: number[];
  predictMs: number[];
}

/** A voiced-like test window: a 150 Hz harmonic source with vibrato, formant-ish weights and noise. */
export function syntheticWindow(sr: number, length: number, seed = 1): Float32Array {
  const rng = new Random(seed);
  const y = new Float32Array(length);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    const f0 = 150 * (1 + 0.03 * Math.sin((2 * Math.PI * 5 * i) / sr));
    phase += (2 * Math.PI * f0) / sr;
    let v = 0;
    for (let h = 1; h <= 12; h++) v += Math.sin(h * phase) / (h * (1 + Math.abs(h * 150 - 700) / 400));
    y[i] = 0.1 * v + 0.003 * (2 * rng.uniform() - 1);
  }
  return y;
}

export function measureWindowCost(model: EmotionModel, dsp: WasmDsp, n: number, warmup = 5): WindowCost {
  const recipe = model.meta.recipe;
  const clip = syntheticWindow(recipe.sr, windowSamples(recipe));
  const out: WindowCost = { windows: n, featuresMs: [], predictMs: [] };
  const rows: Float32Array[] = [];
  for (let i = 0; i < warmup + n; i++) {
    const t0 = performance.now();
    const row = featureVector(dsp, clip, recipe);
    const t1 = performance.now();
    if (model.transductive) {
      rows.push(row);
      if (rows.length > 17) rows.shift();
      const X = new Float32Array(rows.length * row.length);
      rows.forEach((r, k) => X.set(r, k * row.length));
      model.predictProba(X, rows.length, { speakers: rows.map(() => 'bench') });
    } else {
      model.predictProba(row, 1);
    }
    const t2 = performance.now();
    if (i >= warmup) {
      out.featuresMs.push(t1 - t0);
      out.predictMs.push(t2 - t1);
    }
  }
  return out;
}

/** Mean, median and 95th percentile of a list of milliseconds. */
export function summarizeMs(ms: readonly number[]): { mean: number; median: number; p95: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
  return { mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), median: at(0.5), p95: at(0.95) };
}
