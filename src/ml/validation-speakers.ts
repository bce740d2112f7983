/**
 * Validation data for early stopping and model selection that cannot flatter:
 * whole speakers taken out of the training side, scored on their original
 * recordings only. No row of a validation speaker (original or augmented) is
 * trained on, so the validation loss measures what the test measures: voices
 * the model has not heard.
 *
 * How many: about one speaker in seven (2 of 14, 3 of 24), at least one, and
 * at least two speakers left to train on; with genders known and an even
 * count, half men and half women (RAVDESS: odd actors male). Ensembles ask for
 * group `member` of a seeded partition, so members validate on different
 * speakers and, together, train on all of them.
 *
 * Without speaker labels (or fewer than three speakers) it falls back to whole
 * recordings: about 15 % of the recordings (all their versions) are held out,
 * which still keeps augmented copies of a validation clip out of training.
 * `by: 'recordings'` asks for that directly: for a test that holds new
 * recordings of known speakers (the `clip` and `paper` protocols), where
 * stopping on unheard voices would stop too early for what is measured.
 */
import { Random } from '../util/random.js';
import { MlError, ORIGINAL_VERSION, type Dataset } from './dataset.js';
import { ravdessGender, type Gender } from './split.js';

export interface ValidationPlan {
  /** Rows to train on (every version of the other speakers / recordings), in the given order. */
  fit: Int32Array;
  /** Original recordings of the validation speakers (or recordings). */
  validation: Int32Array;
  mode: 'speakers' | 'recordings';
  /** The held-out speakers (mode 'speakers'). */
  speakers: string[];
}

/** What validation holds out: whole speakers (default) or whole recordings. */
export type ValidationBy = 'speakers' | 'recordings';
export const VALIDATION_BY: readonly ValidationBy[] = ['speakers', 'recordings'];

export interface ValidationOptions {
  seed: number;
  /** Whole speakers (default; falls back to recordings without speaker labels) or whole recordings. */
  by?: ValidationBy;
  /** Ensemble member index: which validation group to use (default 0). */
  member?: number;
  gender?: (speaker: string) => Gender | undefined;
}

/** Speakers held out for validation out of `n` training speakers. */
export function validationSpeakerCount(n: number): number {
  return Math.min(Math.max(1, Math.round(n / 7)), n - 2);
}

export function validationPlan(ds: Pick<Dataset, 'speaker' | 'recordingId' | 'version'>, rows: ArrayLike<number>, opts: ValidationOptions): ValidationPlan {
  const candidates = Array.from(rows);
  if (candidates.length === 0) throw new MlError('validation: no training rows');
  const speakers = [...new Set(candidates.map((r) => ds.speaker[r]!))].filter((s) => s !== '').sort();
  const rng = new Random(opts.seed).fork(0x7a1);
  const member = opts.member ?? 0;
  const known = (opts.by ?? 'speakers') === 'speakers' && speakers.length >= 3 && candidates.every((r) => ds.speaker[r] !== '');
  if (known) {
    const held = new Set(speakerGroup(speakers, validationSpeakerCount(speakers.length), member, opts.gender ?? ravdessGender, rng));
    const fit = candidates.filter((r) => !held.has(ds.speaker[r]!));
    const validation = candidates.filter((r) => held.has(ds.speaker[r]!) && ds.version[r] === ORIGINAL_VERSION);
    if (validation.length > 0 && fit.length > 0) {
      return { fit: Int32Array.from(fit), validation: Int32Array.from(validation), mode: 'speakers', speakers: [...held].sort() };
    }
  }
  // Whole recordings: every version of a held-out recording leaves training.
  const recordings = [...new Set(candidates.map((r) => ds.recordingId[r]!))].sort();
  if (recordings.length < 2) throw new MlError(`validation: need at least 2 recordings on the training side, got ${recordings.length}`);
  const count = Math.max(1, Math.round(recordings.length * 0.15));
  const order = rng.shuffle(recordings.slice());
  const start = (member * count) % recordings.length;
  const held = new Set(Array.from({ length: count }, (_, i) => order[(start + i) % order.length]!));
  const fit = candidates.filter((r) => !held.has(ds.recordingId[r]!));
  const validation = candidates.filter((r) => held.has(ds.recordingId[r]!) && ds.version[r] === ORIGINAL_VERSION);
  if (validation.length === 0) throw new MlError('validation: the held-out recordings have no original version');
  return { fit: Int32Array.from(fit), validation: Int32Array.from(validation), mode: 'recordings', speakers: [] };
}

/**
 * Group `member` (cyclic) of a seeded partition of the speakers into groups of
 * `count`, each group gender-balanced when genders are known and count is even.
 */
function speakerGroup(speakers: string[], count: number, member: number, gender: (s: string) => Gender | undefined, rng: Random): string[] {
  const genders = speakers.map(gender);
  if (count % 2 === 0 && genders.every((g) => g !== undefined)) {
    const men = rng.shuffle(speakers.filter((_, i) => genders[i] === 'male'));
    const women = rng.shuffle(speakers.filter((_, i) => genders[i] === 'female'));
    const half = count / 2;
    if (men.length >= half && women.length >= half) {
      const pick = (list: string[]): string[] => {
        const groups = Math.max(1, Math.floor(list.length / half));
        const g = member % groups;
        return list.slice(g * half, g * half + half);
      };
      return [...pick(men), ...pick(women)];
    }
  }
  const order = rng.shuffle(speakers.slice());
  const groups = Math.max(1, Math.floor(order.length / count));
  const g = member % groups;
  return order.slice(g * count, g * count + count);
}
