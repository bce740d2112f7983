/** Display names and canonical order of protocols and models, shared by figures and tables. */
import { MODEL_NAMES, PROTOCOL_NAMES, type ModelName, type ModelResult, type PipelineResults, type ProtocolName, type ProtocolResult } from '../pipeline/results.js';
import { modelTitle, PAPER_CNN_SPEC, PAPER_DT, PAPER_KNN } from '../models/model-spec.js';

export const PROTOCOL_LABELS: Record<ProtocolName, string> = { paper: 'paper', clip: 'clip-level', speaker: 'speaker-independent' };
/** Fallback names for results.json files written before models carried their own title (models/model-spec.ts: modelTitle). */
export const MODEL_LABELS: Record<ModelName, string> = { dt: modelTitle(PAPER_DT), knn: modelTitle(PAPER_KNN), cnn: modelTitle(PAPER_CNN_SPEC) };
export const PROTOCOL_ORDER: readonly ProtocolName[] = PROTOCOL_NAMES;
export const MODEL_ORDER: readonly ModelName[] = MODEL_NAMES;

/** Protocols present in the results, in canonical order. */
export function protocolEntries(results: PipelineResults): Array<readonly [ProtocolName, ProtocolResult]> {
  return PROTOCOL_ORDER.filter((p) => results.protocols[p] !== undefined).map((p) => [p, results.protocols[p]!] as const);
}

/** Models present in one protocol's results, in canonical order. */
export function modelEntries(result: ProtocolResult): Array<readonly [ModelName, ModelResult]> {
  return MODEL_ORDER.filter((m) => result.models[m] !== undefined).map((m) => [m, result.models[m]!] as const);
}

/** The model's own title when results.json records one (e.g. 'CNN (sequence) + speaker norm × 3'), else the fallback name. */
export function modelLabel(results: PipelineResults, m: ModelName): string {
  for (const [, p] of protocolEntries(results)) if (p.models[m]?.title) return p.models[m]!.title!;
  const spec = results.modelSpecs?.[m];
  return spec ? modelTitle(spec) : MODEL_LABELS[m];
}
