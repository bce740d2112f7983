/** Display names and canonical order of protocols and models, shared by figures and tables. */
import type { ModelName, ModelResult, PipelineResults, ProtocolName, ProtocolResult } from '../pipeline/results.js';

export const PROTOCOL_LABELS: Record<ProtocolName, string> = { paper: 'paper', clip: 'clip-level', speaker: 'speaker-independent' };
export const MODEL_LABELS: Record<ModelName, string> = { dt: 'Decision Tree', knn: 'KNN (k = 4)', cnn: 'CNN' };
export const PROTOCOL_ORDER: readonly ProtocolName[] = ['paper', 'clip', 'speaker'];
export const MODEL_ORDER: readonly ModelName[] = ['dt', 'knn', 'cnn'];

/** Protocols present in the results, in canonical order. */
export function protocolEntries(results: PipelineResults): Array<readonly [ProtocolName, ProtocolResult]> {
  return PROTOCOL_ORDER.filter((p) => results.protocols[p] !== undefined).map((p) => [p, results.protocols[p]!] as const);
}

/** Models present in one protocol's results, in canonical order. */
export function modelEntries(result: ProtocolResult): Array<readonly [ModelName, ModelResult]> {
  return MODEL_ORDER.filter((m) => result.models[m] !== undefined).map((m) => [m, result.models[m]!] as const);
}
