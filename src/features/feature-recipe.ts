/**
 * Every way a clip becomes one fixed-length row: the paper's flat vector
 * (recipe.ts) or a frame-major time-frequency sequence (sequence-recipe.ts).
 * The recipe travels with feature tables and model bundles, so whatever
 * extracts, trains, evaluates or predicts computes the same row.
 */
import type { Real } from '../dsp/types.js';
import { DspError } from '../dsp/errors.js';
import { makeRecipe, type PaperRecipe } from './recipe.js';
import { paperVectorForRecipe } from './paper-vector.js';
import type { DspBackend } from '../dsp/types.js';
import { makeSequenceRecipe, type SequenceRecipe } from './sequence-recipe.js';
import { sequenceVector, type SequenceDsp } from './sequence-features.js';

export type FeatureRecipe = PaperRecipe | SequenceRecipe;
export type { PaperRecipe, SequenceRecipe };

/** True for a sequence recipe (frames × channels over the trimmed utterance), false for the paper's per-clip vector. */
export function isSequenceRecipe(r: FeatureRecipe): r is SequenceRecipe {
  return r.kind === 'sequence';
}

/** How to read a file for this recipe (librosa.load arguments). */
export function recipeLoadOptions(r: FeatureRecipe): { sr: number; offset: number; duration: number } {
  return isSequenceRecipe(r) ? { sr: r.sr, offset: 0, duration: r.maxSeconds } : { sr: r.sr, offset: r.offset, duration: r.duration };
}

/** The recipe's row for a clip already loaded with {@link recipeLoadOptions}. */
export function featureVector(dsp: DspBackend & Partial<SequenceDsp>, y: Real, r: FeatureRecipe): Float32Array {
  if (!isSequenceRecipe(r)) return paperVectorForRecipe(dsp, y, r);
  if (typeof dsp.trim !== 'function' || typeof dsp.yinTrack !== 'function') {
    throw new DspError(`the ${dsp.name} DSP backend lacks trim/yinTrack, which sequence features need`);
  }
  return sequenceVector(dsp as SequenceDsp, y, r);
}

/**
 * Checks a recipe read from a file (table or model bundle) and returns it in
 * canonical form; a recipe without `kind` is the paper's (older files).
 * Throws with `where` in the message when a field is missing or out of range.
 */
export function parseFeatureRecipe(json: unknown, where: string): FeatureRecipe {
  if (!json || typeof json !== 'object') throw new DspError(`${where}: recipe must be an object`);
  const r = json as Partial<FeatureRecipe> & { kind?: string };
  let parsed: FeatureRecipe;
  try {
    if (r.kind === 'sequence') {
      const { kind: _k, vectorLength: _v, ...rest } = r as SequenceRecipe;
      parsed = makeSequenceRecipe(rest);
    } else if (r.kind === undefined || r.kind === 'paper') {
      const p = r as PaperRecipe;
      parsed = makeRecipe({ sr: p.sr, offset: p.offset, duration: p.duration, nFft: p.nFft, hopLength: p.hopLength, nMfcc: p.nMfcc, nMels: p.nMels, vectorLength: p.vectorLength });
    } else {
      throw new DspError(`unknown recipe kind '${String(r.kind)}' (expected paper or sequence)`);
    }
  } catch (e) {
    throw new DspError(`${where}: ${(e as Error).message}`);
  }
  if (r.vectorLength !== undefined && r.vectorLength !== parsed.vectorLength) {
    throw new DspError(`${where}: vectorLength ${String(r.vectorLength)} does not match the recipe's ${parsed.vectorLength}`);
  }
  return parsed;
}

/** A short human description, e.g. for logs, reports and the demo page. */
export function describeRecipe(r: FeatureRecipe): string {
  if (isSequenceRecipe(r)) {
    return `whole utterance (trimmed at ${r.trimTopDb ?? '—'} dB) → ${r.frames} frames × [${r.channels.map((c) => (c === 'logmel' ? `${r.nMels} log-mel` : c === 'delta' ? `${r.nMels} log-mel deltas` : c)).join(', ')}] ` +
      `at ${r.sr} Hz (window ${r.nFft}, hop ${r.hopLength}), utterance norm ${r.utteranceNorm}`;
  }
  return `paper vector: ${r.duration} s from ${r.offset} s at ${r.sr} Hz, ZCR + RMS + ${r.nMfcc} MFCC per frame (n_fft ${r.nFft}, hop ${r.hopLength}, ${r.nMels} mels), ${r.vectorLength} values`;
}

/** Whether two recipes make the same rows (key order and a missing 'paper' kind do not matter). */
export function recipesEqual(a: FeatureRecipe, b: FeatureRecipe): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical)
      : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  const withKind = (r: FeatureRecipe): FeatureRecipe => (r.kind === undefined ? { ...r, kind: 'paper' } : r);
  return JSON.stringify(canonical(withKind(a))) === JSON.stringify(canonical(withKind(b)));
}
