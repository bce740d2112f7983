/**
 * One interface for every classifier (DT, KNN, the paper CNN, the frames and
 * sequence CNNs, ensembles): it takes raw feature rows as extraction writes
 * them (the recipe's vectors), applies its own preprocessing, and returns class
 * probabilities in `classes` order. Training lives in fit-model.ts, saving and
 * loading in bundle.ts (Node) and load-model.ts (shared with the browser).
 */
import type { FeatureRecipe } from '../features/feature-recipe.js';
import { MlError } from '../ml/dataset.js';
import type { BundleFiles } from './bundle-files.js';
import type { ModelSpec } from './model-spec.js';
import type { RowContext } from './preprocess.js';

export type { RowContext };

/** Where a model came from (recorded in bundle.json). */
export interface TrainedOn {
  corpus: string;
  rows: number;
  speakers: string[];
  versions: string[];
  /** Named training recipe ('best', 'paper', …) when one was used. */
  recipeName?: string;
  /** The corpus was written by `ser synth` (it holds SYNTH.json): predictions on real voices mean little. */
  synthetic?: boolean;
}

/** How training went (per member for ensembles). */
export interface TrainingSummary {
  /** Speakers (or recordings) whose originals were the validation set; [] when none. */
  validationSpeakers: string[];
  validationMode: 'speakers' | 'recordings' | 'none';
  fitRows: number;
  validationRows: number;
  seconds: number;
  /** Networks only. */
  epochs?: number;
  bestEpoch?: number;
  bestValLoss?: number | null;
  backend?: string;
  history?: { loss: number[]; acc: number[]; valLoss: number[]; valAcc: number[] };
  epochSeconds?: number[];
}

export interface ModelMeta {
  spec: ModelSpec;
  classes: string[];
  recipe: FeatureRecipe;
  seed: number;
  trainedOn: TrainedOn;
  createdAt: string;
}

export interface EmotionModel {
  readonly meta: ModelMeta;
  /** Per member for ensembles, one entry otherwise. */
  readonly training: TrainingSummary[];
  /**
   * True when the model normalises each speaker with that speaker's own clips (transductive):
   * predictProba then needs `ctx` (the speaker of every row), and works best with several clips per speaker.
   */
  readonly transductive: boolean;
  /**
   * rows × classes probabilities for raw feature rows X [rows × recipe.vectorLength]; throws
   * rather than return NaN. `ctx` gives each row's speaker (required when `transductive`).
   */
  predictProba(X: Float32Array, rows: number, ctx?: RowContext): Float32Array;
  /** bundle.json's model-specific part plus the files the model needs beside it. */
  toBundle(): Promise<{ classifier: Record<string, unknown>; preprocessing: unknown; files: BundleFiles }>;
  /** Frees tensors (networks); safe to call twice. */
  dispose(): void;
}

/** Checks a probability matrix before anyone reads a label from it. */
export function assertProbabilities(P: Float32Array, rows: number, nClasses: number, who: string): Float32Array {
  if (P.length !== rows * nClasses) throw new MlError(`${who}: ${P.length} probabilities for ${rows} rows × ${nClasses} classes`);
  for (let i = 0; i < P.length; i++) {
    if (!Number.isFinite(P[i]!)) throw new MlError(`${who}: non-finite class probability for row ${Math.floor(i / nClasses)} (damaged model or input?)`);
  }
  return P;
}

/** Checks raw input rows against the recipe. */
export function assertModelInput(meta: ModelMeta, X: Float32Array, rows: number): void {
  const dim = meta.recipe.vectorLength;
  if (!Number.isInteger(rows) || rows < 0 || X.length !== rows * dim) {
    throw new MlError(`model expects rows of ${dim} features (its recipe); got ${X.length} values for ${rows} rows`);
  }
}
