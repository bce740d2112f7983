/**
 * What a model does to raw feature rows (as extraction writes them) before its
 * classifier sees them: an ordered list of steps, each fitted on training rows
 * only and saved with the model, so `predict`, `evaluate` and the browser apply
 * exactly what training applied.
 *
 * Steps:
 *  - 'utterance-norm'      per-clip MFCC mean (CMN) or mean/variance (CMVN) over the clip's
 *                          own frames, paper vectors only (features/utterance-norm.ts); no statistics.
 *  - 'frame-major'         paper vector → [frames × (ZCR, RMS, MFCCs)] order (features/frame-major.ts).
 *  - 'standardize'         per column z-score (sklearn StandardScaler), fitted on the training rows.
 *  - 'channel-standardize' per channel z-score of [frames × channels] rows, statistics over every
 *                          frame of the training rows: time positions share one scale, so a
 *                          cue is scaled the same wherever it occurs in the clip.
 *  - 'speaker-standardize' per channel z-score with each SPEAKER's own statistics, over the frames
 *                          of that speaker's rows (those marked `statistics` in the row context:
 *                          the original recordings). Nothing is fitted: at prediction time the
 *                          statistics come from the new speaker's own clips, without labels.
 *                          This is transductive (it needs several clips of a speaker at once);
 *                          it takes out the speaker's pitch, loudness and timbre baseline, so the
 *                          classifier sees how a clip departs from its speaker's usual voice.
 *
 * Nothing here depends on Node: the browser entry loads the same steps.
 */
import { toFrameMajor } from '../features/frame-major.js';
import { utteranceNormalize, UTTERANCE_NORM_MODES, type UtteranceNormMode } from '../features/utterance-norm.js';
import { MlError } from '../ml/dataset.js';
import { StandardScaler, type StandardScalerJSON } from '../ml/scaler.js';

export type PreprocessStepSpec =
  | { op: 'utterance-norm'; mode: Exclude<UtteranceNormMode, 'off'>; nMfcc: number }
  | { op: 'frame-major'; nMfcc: number }
  | { op: 'standardize' }
  | { op: 'channel-standardize'; channels: number }
  | { op: 'speaker-standardize'; channels: number };

export type PreprocessStepJSON =
  | { op: 'utterance-norm'; mode: Exclude<UtteranceNormMode, 'off'>; nMfcc: number }
  | { op: 'frame-major'; nMfcc: number }
  | { op: 'standardize'; scaler: StandardScalerJSON }
  | { op: 'channel-standardize'; channels: number; mean: number[]; scale: number[] }
  | { op: 'speaker-standardize'; channels: number };

/** Who said each row, for steps that normalise per speaker. */
export interface RowContext {
  /** Speaker of each row. */
  speakers: readonly string[];
  /** Rows whose frames form their speaker's statistics (default: every row), e.g. only original recordings. */
  statistics?: readonly boolean[];
}

/** Channel standard deviations below this count as constant (scale 1), as StandardScaler does. */
const MIN_SCALE = 1e-8;

export class Preprocessor {
  private constructor(readonly steps: readonly PreprocessStepJSON[], readonly dim: number) {}

  /** Fits every step in order on the training rows X [rows × dim] (each step sees the previous one's output). */
  static fit(specs: readonly PreprocessStepSpec[], X: Float32Array, rows: number, dim: number, ctx?: RowContext): { pre: Preprocessor; Z: Float32Array } {
    const steps: PreprocessStepJSON[] = [];
    let Z = X;
    for (const spec of specs) {
      const step = fitStep(spec, Z, rows, dim);
      steps.push(step);
      Z = applyStep(step, Z, rows, dim, ctx);
    }
    return { pre: new Preprocessor(steps, dim), Z: Z === X ? Float32Array.from(X) : Z };
  }

  /** A fitted preprocessor from {@link Preprocessor.toJSON} output; every step is validated (MlError naming `where`). */
  static fromJSON(json: { dim: number; steps: PreprocessStepJSON[] }, where = 'preprocessing'): Preprocessor {
    if (!json || !Number.isInteger(json.dim) || json.dim < 1 || !Array.isArray(json.steps)) {
      throw new MlError(`${where}: expected { dim, steps[] }`);
    }
    json.steps.forEach((s, i) => validateStep(s, json.dim, `${where}.steps[${i}]`));
    return new Preprocessor(json.steps, json.dim);
  }

  /** Input width and the fitted steps as plain data (what a model bundle stores). */
  toJSON(): { dim: number; steps: PreprocessStepJSON[] } {
    return { dim: this.dim, steps: this.steps.map((s) => ({ ...s })) };
  }

  /** Whether transform needs to know each row's speaker (a 'speaker-standardize' step). */
  get needsSpeakers(): boolean {
    return this.steps.some((s) => s.op === 'speaker-standardize');
  }

  /** Raw rows → model input rows (a new array; X is not modified). `ctx` is required when {@link needsSpeakers}. */
  transform(X: Float32Array, rows: number, ctx?: RowContext): Float32Array {
    if (X.length !== rows * this.dim) throw new MlError(`preprocessing expects rows of ${this.dim} values, got ${X.length} values for ${rows} rows`);
    let Z = X;
    for (const step of this.steps) Z = applyStep(step, Z, rows, this.dim, ctx);
    return Z === X ? Float32Array.from(X) : Z;
  }

  /** One-line description for logs and reports, e.g. "utterance-norm(mean) → frame-major → standardize". */
  describe(): string {
    return this.steps.map((s) => (s.op === 'utterance-norm' ? `utterance-norm(${s.mode})` : s.op)).join(' → ') || 'none';
  }
}

function fitStep(spec: PreprocessStepSpec, X: Float32Array, rows: number, dim: number): PreprocessStepJSON {
  switch (spec.op) {
    case 'utterance-norm':
    case 'frame-major':
    case 'speaker-standardize':
      return { ...spec };
    case 'standardize':
      return { op: 'standardize', scaler: new StandardScaler().fit(X, rows, dim).toJSON() };
    case 'channel-standardize': {
      const C = spec.channels;
      if (!Number.isInteger(C) || C < 1 || dim % C !== 0) throw new MlError(`channel-standardize: ${dim} values per row are not frames × ${C} channels`);
      // Two-pass float64 statistics over every frame of every training row.
      const mean = new Float64Array(C);
      const frames = rows * (dim / C);
      for (let i = 0; i < X.length; i++) mean[i % C]! += X[i]!;
      for (let c = 0; c < C; c++) mean[c]! /= frames;
      const sq = new Float64Array(C);
      for (let i = 0; i < X.length; i++) {
        const d = X[i]! - mean[i % C]!;
        sq[i % C]! += d * d;
      }
      const scale = Array.from(sq, (s) => {
        const sd = Math.sqrt(s / frames);
        return sd > MIN_SCALE ? sd : 1;
      });
      return { op: 'channel-standardize', channels: C, mean: Array.from(mean), scale };
    }
  }
}

function applyStep(step: PreprocessStepJSON, X: Float32Array, rows: number, dim: number, ctx?: RowContext): Float32Array {
  switch (step.op) {
    case 'speaker-standardize':
      return speakerStandardize(X, rows, dim, step.channels, ctx);
    case 'utterance-norm':
      return utteranceNormalize(X, rows, dim, step.nMfcc, step.mode);
    case 'frame-major':
      return toFrameMajor(X, rows, dim, step.nMfcc);
    case 'standardize':
      return StandardScaler.fromJSON(step.scaler).transform(X, rows, dim);
    case 'channel-standardize': {
      const C = step.channels;
      const out = new Float32Array(X.length);
      const inv = step.scale.map((s) => 1 / s);
      for (let i = 0; i < X.length; i++) {
        const c = i % C;
        out[i] = (X[i]! - step.mean[c]!) * inv[c]!;
      }
      return out;
    }
  }
}

function validateStep(s: PreprocessStepJSON, dim: number, where: string): void {
  const finite = (a: unknown, n: number): boolean => Array.isArray(a) && a.length === n && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  switch (s?.op) {
    case 'utterance-norm':
      if (!UTTERANCE_NORM_MODES.includes(s.mode) || s.mode === ('off' as string) || !Number.isInteger(s.nMfcc) || s.nMfcc < 1) {
        throw new MlError(`${where}: utterance-norm needs mode mean|meanvar and a positive nMfcc`);
      }
      return;
    case 'frame-major':
      if (!Number.isInteger(s.nMfcc) || s.nMfcc < 1 || dim % (s.nMfcc + 2) !== 0) throw new MlError(`${where}: frame-major nMfcc does not divide the row length ${dim}`);
      return;
    case 'standardize': {
      let scaler: StandardScaler;
      try {
        scaler = StandardScaler.fromJSON(s.scaler);
      } catch (e) {
        throw new MlError(`${where}: ${(e as Error).message}`);
      }
      if (scaler.dim !== dim) throw new MlError(`${where}: scaler has ${scaler.dim} columns, rows have ${dim}`);
      if (!finite(Array.from(scaler.mean), dim) || !finite(Array.from(scaler.scale), dim)) throw new MlError(`${where}: scaler holds non-finite values`);
      return;
    }
    case 'speaker-standardize':
      if (!Number.isInteger(s.channels) || s.channels < 1 || dim % s.channels !== 0) throw new MlError(`${where}: ${s.channels} channels do not divide the row length ${dim}`);
      return;
    case 'channel-standardize':
      if (!Number.isInteger(s.channels) || s.channels < 1 || dim % s.channels !== 0) throw new MlError(`${where}: ${s.channels} channels do not divide the row length ${dim}`);
      if (!finite(s.mean, s.channels) || !finite(s.scale, s.channels) || s.scale.some((v) => v <= 0)) {
        throw new MlError(`${where}: mean/scale must be ${s.channels} finite numbers (scale > 0)`);
      }
      return;
    default:
      throw new MlError(`${where}: unknown preprocessing step '${String((s as { op?: unknown })?.op)}'`);
  }
}

/**
 * Per-speaker channel z-scores: each speaker's mean and standard deviation per channel over
 * every frame of its statistics rows (two-pass, float64), applied to all its rows. A speaker
 * without statistics rows uses all of its rows.
 */
function speakerStandardize(X: Float32Array, rows: number, dim: number, C: number, ctx: RowContext | undefined): Float32Array {
  if (!ctx || ctx.speakers.length !== rows) {
    throw new MlError(
      'this model normalises each speaker with statistics of that speaker\'s own clips (transductive): give the speaker of every row ' +
        '(`ser evaluate` does; `ser predict` treats the files of one call as one speaker unless --speaker says otherwise)',
    );
  }
  const framesPerRow = dim / C;
  const bySpeaker = new Map<string, number[]>();
  ctx.speakers.forEach((s, r) => {
    let list = bySpeaker.get(s);
    if (!list) bySpeaker.set(s, (list = []));
    list.push(r);
  });
  const out = new Float32Array(X.length);
  for (const [, list] of bySpeaker) {
    const statRows = ctx.statistics ? list.filter((r) => ctx.statistics![r]) : list;
    const use = statRows.length > 0 ? statRows : list;
    const n = use.length * framesPerRow;
    const mean = new Float64Array(C);
    for (const r of use) for (let j = 0; j < dim; j++) mean[j % C]! += X[r * dim + j]!;
    for (let c = 0; c < C; c++) mean[c]! /= n;
    const sq = new Float64Array(C);
    for (const r of use) {
      for (let j = 0; j < dim; j++) {
        const d = X[r * dim + j]! - mean[j % C]!;
        sq[j % C]! += d * d;
      }
    }
    const inv = Array.from(sq, (v) => {
      const sd = Math.sqrt(v / n);
      return sd > 1e-6 ? 1 / sd : 1;
    });
    for (const r of list) for (let j = 0; j < dim; j++) out[r * dim + j] = (X[r * dim + j]! - mean[j % C]!) * inv[j % C]!;
  }
  return out;
}
