/**
 * What can be trained: one declarative spec per classifier, the single place
 * for model names, titles and hyper-parameter defaults. A spec plus a feature
 * recipe plus a seed determines a trained model; bundles store the spec.
 *
 *  - 'dt'        CART decision tree (gini, unlimited depth), the paper's DT
 *  - 'knn'       k-nearest neighbours (Euclidean, uniform vote), the paper's k = 4
 *  - 'cnn'       a TensorFlow.js network: arch 'paper' (Table 2 over the flat vector),
 *                'frames' (time convolution over [frames × ZCR/RMS/MFCC], paper vectors),
 *                'sequence' (time convolution with batch norm over a sequence recipe's frames)
 *  - 'ensemble'  `members` copies of one spec, each with its own seed and its own
 *                validation speakers; probabilities averaged
 */
import type { UtteranceNormMode } from '../features/utterance-norm.js';
import { MlError } from '../ml/dataset.js';

export type CnnArchName = 'paper' | 'frames' | 'sequence';
export const CNN_ARCH_NAMES: readonly CnnArchName[] = ['paper', 'frames', 'sequence'];
/** The architectures that take the paper's flat vector (the others need a sequence recipe). */
export const PAPER_VECTOR_ARCHS = ['paper', 'frames'] as const;
export type PaperVectorArch = (typeof PAPER_VECTOR_ARCHS)[number];

/** SpecAugment-style masks applied to each training batch (Park et al., 2019), sequence inputs only. */
export interface SpecAugmentSpec {
  /** Masks of each kind per example. */
  masks: number;
  /** Widest frequency (channel) mask, in channels. */
  maxChannels: number;
  /** Widest time mask, in frames. */
  maxFrames: number;
}

export interface CnnSpec {
  kind: 'cnn';
  arch: CnnArchName;
  /** Paper vectors only: per-clip MFCC normalisation before standardisation (DT and KNN take it too). */
  utteranceNorm: UtteranceNormMode;
  /**
   * Sequence and frames archs: normalise each speaker's channels with that speaker's own
   * statistics (transductive; preprocess.ts 'speaker-standardize'). Absent = false.
   */
  speakerNorm?: boolean;
  epochs: number;
  patience: number;
  batchSize: number;
  learningRate: number;
  /** null: no masks. */
  specAugment: SpecAugmentSpec | null;
  /** mixup's Beta(α, α) parameter (Zhang et al., 2018); 0 disables. */
  mixup: number;
  /** Sequence arch: filters per convolution block. */
  filters: number[];
  dropout: number;
}

export type ModelSpec =
  | { kind: 'dt'; utteranceNorm?: UtteranceNormMode }
  | { kind: 'knn'; k: number; utteranceNorm?: UtteranceNormMode }
  | CnnSpec
  | { kind: 'ensemble'; members: number; member: Exclude<ModelSpec, { kind: 'ensemble' }> };

export type ModelKind = ModelSpec['kind'];
export type MemberSpec = Exclude<ModelSpec, { kind: 'ensemble' }>;

export const PAPER_DT: ModelSpec = Object.freeze({ kind: 'dt' });
export const PAPER_KNN: ModelSpec = Object.freeze({ kind: 'knn', k: 4, utteranceNorm: 'off' });

/** The paper's Table 2 network, Adam 1e-3, batch 32, ≤ 50 epochs, early stopping (patience 5, our choice). */
export const PAPER_CNN_SPEC: CnnSpec = Object.freeze({
  kind: 'cnn',
  arch: 'paper',
  utteranceNorm: 'off',
  epochs: 50,
  patience: 5,
  batchSize: 32,
  learningRate: 1e-3,
  specAugment: null,
  mixup: 0,
  filters: [64],
  dropout: 0.3,
}) as CnnSpec;

/** A short title for tables and reports (one spelling everywhere). */
export function modelTitle(spec: ModelSpec): string {
  switch (spec.kind) {
    case 'dt':
      return 'Decision Tree';
    case 'knn':
      return `KNN (k = ${spec.k})`;
    case 'cnn':
      return (spec.arch === 'paper' ? 'CNN (Table 2)' : spec.arch === 'frames' ? 'CNN (frames)' : 'CNN (sequence)') + (spec.speakerNorm ? ' + speaker norm' : '');
    case 'ensemble':
      return `${modelTitle(spec.member)} × ${spec.members}`;
  }
}

/** Checks a spec read from a file or built from options; returns it unchanged or throws MlError naming `where`. */
export function validateModelSpec(spec: unknown, where: string): ModelSpec {
  const s = spec as ModelSpec;
  const fail = (msg: string): never => {
    throw new MlError(`${where}: ${msg}`);
  };
  const posInt = (v: unknown, name: string, min = 1): void => {
    if (!Number.isInteger(v) || (v as number) < min) fail(`${name} must be an integer ≥ ${min}, got ${String(v)}`);
  };
  switch (s?.kind) {
    case 'dt':
      return s;
    case 'knn':
      posInt(s.k, 'k');
      return s;
    case 'cnn':
      if (!CNN_ARCH_NAMES.includes(s.arch)) fail(`arch must be one of ${CNN_ARCH_NAMES.join(', ')}, got '${String(s.arch)}'`);
      posInt(s.epochs, 'epochs');
      posInt(s.patience, 'patience');
      posInt(s.batchSize, 'batchSize');
      if (!(s.learningRate > 0 && s.learningRate < 1)) fail(`learningRate must be in (0, 1), got ${String(s.learningRate)}`);
      if (!(s.mixup >= 0)) fail(`mixup must be ≥ 0, got ${String(s.mixup)}`);
      if (!(s.dropout >= 0 && s.dropout < 1)) fail(`dropout must be in [0, 1), got ${String(s.dropout)}`);
      if (s.speakerNorm !== undefined && typeof s.speakerNorm !== 'boolean') fail('speakerNorm must be true or false');
      if (s.speakerNorm && s.arch === 'paper') fail("speakerNorm needs frame channels (arch 'sequence' or 'frames'), not the paper's flat vector");
      if (!Array.isArray(s.filters) || s.filters.length === 0) fail('filters must be a non-empty list');
      s.filters.forEach((f, i) => posInt(f, `filters[${i}]`));
      if (s.specAugment !== null) {
        posInt(s.specAugment?.masks, 'specAugment.masks', 0);
        posInt(s.specAugment?.maxChannels, 'specAugment.maxChannels', 0);
        posInt(s.specAugment?.maxFrames, 'specAugment.maxFrames', 0);
      }
      return s;
    case 'ensemble':
      posInt(s.members, 'members');
      if ((s.member as { kind?: string })?.kind === 'ensemble') fail('an ensemble member cannot be an ensemble');
      validateModelSpec(s.member, `${where}.member`);
      return s;
    default:
      return fail(`unknown model kind '${String((s as { kind?: unknown })?.kind)}' (expected dt, knn, cnn or ensemble)`);
  }
}

/** `spec` with the networks' epoch budget, patience and ensemble size replaced where given (DT and KNN unchanged). */
export function withTrainingOverrides(spec: ModelSpec, o: { epochs?: number; patience?: number; members?: number }): ModelSpec {
  if (spec.kind === 'ensemble') {
    return { ...spec, members: o.members ?? spec.members, member: withTrainingOverrides(spec.member, o) as MemberSpec };
  }
  if (spec.kind !== 'cnn') return spec;
  return { ...spec, epochs: o.epochs ?? spec.epochs, patience: o.patience ?? spec.patience };
}
