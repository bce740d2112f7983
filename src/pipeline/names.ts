/**
 * The pipeline's protocols and model slots with their titles, in report order: the one list of
 * each, used by the CLI's options and checks (choices.ts), the console tables (table.ts) and the
 * HTML report. A model's title comes from its spec (models/model-spec.ts: modelTitle), so a
 * table row, a confusion panel and a saved bundle name the model the same way.
 */
import type { AugmentPreset } from '../extract/extract-corpus.js';
import { modelTitle, PAPER_CNN_SPEC, PAPER_DT, PAPER_KNN } from '../models/model-spec.js';
import type { ModelResult, PipelineResults, ProtocolResult } from './results.js';

export const PROTOCOL_NAMES = ['paper', 'clip', 'speaker'] as const;
export const MODEL_NAMES = ['dt', 'knn', 'cnn'] as const;
export type ProtocolName = (typeof PROTOCOL_NAMES)[number];
export type ModelName = (typeof MODEL_NAMES)[number];

/**
 * The augmentation presets (extract/extract-corpus.ts: augmentPreset). The compile-time check
 * below fails if AugmentPreset gains a member this list lacks.
 */
export const AUGMENT_PRESETS = ['paper', 'notebook', 'none'] as const satisfies readonly AugmentPreset[];
const everyPresetListed: [Exclude<AugmentPreset, (typeof AUGMENT_PRESETS)[number]>] extends [never] ? true : false = true;
void everyPresetListed;

/** How tables and figures name each protocol ("… protocol"). */
export const PROTOCOL_TITLES: Readonly<Record<ProtocolName, string>> = Object.freeze({ paper: 'paper', clip: 'clip-level', speaker: 'speaker-independent' });

/** Each slot's title under the paper's recipe: the fallback for results.json files written before models carried their own title. */
export const MODEL_TITLES: Readonly<Record<ModelName, string>> = Object.freeze({ dt: modelTitle(PAPER_DT), knn: modelTitle(PAPER_KNN), cnn: modelTitle(PAPER_CNN_SPEC) });

/** Protocols present in the results, in canonical order. */
export function protocolEntries(results: PipelineResults): Array<readonly [ProtocolName, ProtocolResult]> {
  return PROTOCOL_NAMES.flatMap((p) => {
    const r = results.protocols[p];
    return r ? [[p, r] as const] : [];
  });
}

/** Models present in one protocol's results, in canonical order. */
export function modelEntries(result: ProtocolResult): Array<readonly [ModelName, ModelResult]> {
  return MODEL_NAMES.flatMap((m) => {
    const r = result.models[m];
    return r ? [[m, r] as const] : [];
  });
}

/**
 * The title of a model slot in a run: the title results.json records (e.g. 'CNN (sequence) ×
 * 3'), else the title of the recorded spec, else the paper recipe's title of the slot.
 */
export function modelLabel(results: PipelineResults | undefined, m: ModelName): string {
  if (results) {
    for (const [, p] of protocolEntries(results)) {
      const title = p.models[m]?.title;
      if (title) return title;
    }
    const spec = results.modelSpecs?.[m];
    if (spec) return modelTitle(spec);
  }
  return MODEL_TITLES[m];
}
