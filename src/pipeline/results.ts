/**
 * Schema of results.json, written by `ser pipeline` (one per run directory) and
 * read by `ser report`. Everything a figure or table needs is in here or in
 * display.json beside it, so a report can be re-rendered later from the directory
 * alone, wherever the corpus has gone.
 */
import type { AugmentParams, AugmentVersion } from '../augment/index.js';
import type { AugmentPreset } from '../extract/extract-corpus.js';
import type { FeatureRecipe } from '../features/feature-recipe.js';
import type { UtteranceNormMode } from '../features/utterance-norm.js';

import type { ModelSpec, PaperVectorArch } from '../models/model-spec.js';
import type { ValidationBy } from '../ml/validation-speakers.js';
import type { DisplayRef } from './display-format.js';

import type { ModelName, ProtocolName } from './names.js';

// The protocols and model slots are listed, with their titles, in names.ts.
export { MODEL_NAMES, PROTOCOL_NAMES, type ModelName, type ProtocolName } from './names.js';

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ModelResult {
  model: ModelName;
  /** e.g. 'CNN (sequence) × 3' (models/model-spec.ts: modelTitle); absent in older files. */
  title?: string;
  trainAccuracy: number;
  testAccuracy: number;
  balancedAccuracy: number;
  perClass: ClassMetrics[];
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
  /** confusion[true][predicted], counts, rows/cols in `classes` order. */
  confusion: number[][];
  fitSeconds: number;
  predictSeconds: number;
  /** CNN only. */
  training?: {
    backend: string;
    epochs: number;
    bestEpoch: number; // 1-based epoch whose weights were restored
    stoppedEarly: boolean;
    epochSeconds: number[];
    history: { loss: number[]; acc: number[]; valLoss: number[]; valAcc: number[] };
    /** Networks trained (ensemble members); the curves are the first one's. */
    members?: number;
    /** Each network's validation speakers (held out of its training rows); [] when it validated on held-out recordings. */
    validationSpeakers?: string[][];
    /** Each network's validation: whole speakers, or whole recordings when the training side has fewer than 3 speakers. */
    validationModes?: Array<'speakers' | 'recordings' | 'none'>;
  };
}

/** One number per model, e.g. a fold's accuracy. */
export type FoldScores = Partial<Record<ModelName, number>>;

export interface MeanSd {
  mean: number;
  /** Population standard deviation over folds. */
  sd: number;
}

export interface ProtocolResult {
  protocol: ProtocolName;
  description: string;
  trainRows: number;
  testRows: number;
  /** Speakers on each side (speaker protocol) — empty lists for the others. */
  trainSpeakers: string[];
  testSpeakers: string[];
  models: Partial<Record<ModelName, ModelResult>>;
  /**
   * Speaker protocol with folds: every actor held out exactly once. `models`
   * then pools the predictions of all folds (confusion summed); the CNN's
   * training curves are those of the first fold.
   */
  folds?: Array<{
    testSpeakers: string[];
    testRows: number;
    accuracy: FoldScores;
    /** Absent in older files. */
    balancedAccuracy?: FoldScores;
    macroF1?: FoldScores;
    fitSeconds?: FoldScores;
  }>;
  /** Mean ± sd over folds of each fold's accuracy, UAR and macro-F1. */
  foldSummary?: Partial<Record<ModelName, { accuracy: MeanSd; balancedAccuracy: MeanSd; macroF1: MeanSd }>>;
}

export interface PipelineResults {
  tool: 'ser-wasm';
  version: string;
  createdAt: string;
  seed: number;
  classes: string[];
  corpus: {
    dir: string;
    layout: string;
    synthetic: boolean;
    files: number;
    skipped: Array<{ path: string; reason: string }>;
    /** Recordings (originals) per class, split by gender ('male' | 'female' | 'unknown'). */
    classCounts: Record<string, Record<string, number>>;
    speakers: string[];
  };
  recipe: FeatureRecipe;
  /**
   * Options beyond the paper's recipe that produced these numbers (absent in
   * older files: the paper's recipe, i.e. cnnArch 'paper', utteranceNorm 'off'; validation
   * absent: held-out speakers).
   */
  options?: { cnnArch: PaperVectorArch; utteranceNorm: UtteranceNormMode; validation?: ValidationBy };
  /** The named training recipe ('paper', 'best') and the spec behind each model name; absent in older files. */
  trainingRecipe?: string;
  modelSpecs?: Partial<Record<ModelName, ModelSpec>>;
  /**
   * The augmentation recipe of the run: preset, versions made of every clip and the parameter
   * ranges they were drawn from (the draws themselves are per row in the feature table, and for
   * the clip the report shows, in display.json). Files written before this field was typed
   * have no `preset` (it sat inside `params`).
   */
  augmentation: { preset?: AugmentPreset; versions: AugmentVersion[]; params: AugmentParams };
  extraction: { seconds: number; filesPerSecond: number; workers: number; cacheHits: number; rows: number; dim: number };
  protocols: Partial<Record<ProtocolName, ProtocolResult>>;
  /** The paper's reported test accuracies, for side-by-side tables. */
  paper: Record<ModelName, number>;
  /** The source file (absolute path at the time of the run) of each emotion's example figure; a record only, the report does not read it. */
  examples: Record<string, string>;
  /**
   * display.json beside results.json: the example and augmentation figures' data (display-format.ts).
   * Absent in files written before it existed: the report then leaves those figures out with a note.
   */
  display?: DisplayRef;
}

export const PAPER_ACCURACY: Record<ModelName, number> = { dt: 0.415, knn: 0.494, cnn: 0.725 };
