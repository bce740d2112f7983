/**
 * Train/test protocols over a {@link Dataset} whose rows include augmented
 * copies of each recording. Every random choice comes from a seeded
 * {@link Random}, so a (protocol, seed) pair always gives the same split.
 *
 *  - `paper`:   stratified 80/20 over ALL rows, copies included. This is the
 *               protocol of the paper; copies of one recording land on both
 *               sides, so its test score is optimistic (kept to reproduce it).
 *  - `clip`:    stratified 80/20 over recordings; train = every version of the
 *               train recordings, test = only the originals of the rest.
 *  - `speaker`: held-out actors (gender-balanced when known); train = every
 *               version of the other actors, test = originals of held-out ones.
 *
 * Stratification follows scikit-learn's StratifiedShuffleSplit: the train
 * size is ⌊n·(1−f)⌋ (test gets ⌈n·f⌉), and per-class counts come from
 * `_approximate_mode` (floor of the proportional share, then the remaining
 * rows go to the classes with the largest fractional parts, ties at random),
 * so per-class counts stay within one row of proportional and sum exactly.
 * Within each side the order is shuffled, as sklearn's train_test_split does.
 */
import { Random } from '../util/random.js';
import { assertDataset, assertRowIndices, MlError, ORIGINAL_VERSION, type Dataset } from './dataset.js';

export type SplitProtocol = 'paper' | 'clip' | 'speaker';
export type Gender = 'male' | 'female';

export interface Split {
  protocol: SplitProtocol;
  seed: number;
  /** Training rows (indices into the dataset), in shuffled order. */
  train: Int32Array;
  /** Test rows, in shuffled order. */
  test: Int32Array;
  /** The rows of `train` that are augmented copies (version ≠ 'original'). */
  augmentedTrain: Int32Array;
  /** The rows of `test` that are augmented copies (only the paper protocol has any). */
  augmentedTest: Int32Array;
  /** Speaker protocol only: the held-out actors. */
  heldOutSpeakers?: string[];
}

export interface StratifiedOptions {
  seed: number;
  /** Fraction of rows (or recordings) for the test side; default 0.2. */
  testFraction?: number;
}

export interface SpeakerSplitOptions {
  seed: number;
  /** Explicit held-out actors; when omitted `heldOutCount` are drawn with the seed. */
  heldOut?: string[];
  /** How many actors to hold out when drawing (default 2: one male, one female). */
  heldOutCount?: number;
  /** Gender of an actor, for balancing; default {@link ravdessGender}. Unknown → no balancing. */
  gender?: (speaker: string) => Gender | undefined;
}

export interface SpeakerFoldOptions {
  seed: number;
  /** Actors per fold (default 2: leave-2-speakers-out, one of each gender when known). */
  speakersPerFold?: number;
  /** Gender of an actor, for balancing; default {@link ravdessGender}. Unknown → no balancing. */
  gender?: (speaker: string) => Gender | undefined;
}

export interface ValidationSplitOptions {
  /** Fraction for validation, in (0, 1); default 0.2. */
  fraction?: number;
  /**
   * 'last' (default): the last rows of the given order, like Keras
   * `validation_split` (which cuts before any shuffling, at
   * ⌊n·(1−fraction)⌋). 'random': a seeded random subset of the same size.
   */
  mode?: 'last' | 'random';
  /** Required for mode 'random'. */
  seed?: number;
}

/**
 * RAVDESS actor gender: odd actor numbers are male, even are female (RAVDESS
 * README). Reads the trailing number of names like 'Actor_07' or '07'.
 */
export function ravdessGender(speaker: string): Gender | undefined {
  const match = /(\d+)\s*$/.exec(speaker);
  if (!match) return undefined;
  return Number(match[1]) % 2 === 1 ? 'male' : 'female';
}

/**
 * Splits `total` draws across classes in proportion to `counts` (sklearn's
 * `_approximate_mode`): floors first, then one extra for the largest
 * fractional remainders, ties among equal remainders chosen at random.
 * Remainders are compared as exact integers (counts·total mod n).
 */
export function approximateMode(counts: readonly number[], total: number, rng: Random): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  if (total < 0 || total > n) throw new MlError(`approximateMode: cannot draw ${total} of ${n}`);
  if (n === 0) return counts.map(() => 0);
  const out = counts.map((c) => Math.floor((c * total) / n));
  let missing = total - out.reduce((a, b) => a + b, 0);
  const remainder = counts.map((c) => (c * total) % n);
  const levels = [...new Set(remainder.filter((r) => r > 0))].sort((a, b) => b - a);
  for (const level of levels) {
    if (missing === 0) break;
    const tied = rng.shuffle(remainder.flatMap((r, c) => (r === level ? [c] : [])));
    for (const c of tied.slice(0, missing)) out[c]!++;
    missing -= Math.min(missing, tied.length);
  }
  return out;
}

/**
 * Stratified shuffle split of items with class labels: returns item positions
 * for train and test, each shuffled.
 */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  testFraction: number,
  rng: Random,
): { train: number[]; test: number[] } {
  if (!(testFraction > 0 && testFraction < 1)) throw new MlError(`testFraction must be in (0, 1), got ${testFraction}`);
  const n = labels.length;
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    let members = byClass.get(c);
    if (!members) byClass.set(c, (members = []));
    members.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const counts = classes.map((c) => byClass.get(c)!.length);
  const smallest = Math.min(...counts);
  if (smallest < 2) {
    const c = classes[counts.indexOf(smallest)];
    throw new MlError(`stratified split: class ${c} has only ${smallest} member; every class needs at least 2`);
  }
  // sklearn: n_test = ceil(f·n), n_train = n − n_test; train counts are allocated first.
  const nTest = Math.ceil(testFraction * n);
  const nTrain = n - nTest;
  if (nTest < classes.length || nTrain < classes.length) {
    throw new MlError(
      `stratified split: ${n} items with testFraction ${testFraction} give ${nTrain} train / ${nTest} test, ` +
        `fewer than the ${classes.length} classes`,
    );
  }
  const trainCounts = approximateMode(counts, nTrain, rng);
  const train: number[] = [];
  const test: number[] = [];
  classes.forEach((c, k) => {
    const members = rng.shuffle(byClass.get(c)!.slice());
    train.push(...members.slice(0, trainCounts[k]));
    test.push(...members.slice(trainCounts[k]));
  });
  return { train: rng.shuffle(train), test: rng.shuffle(test) };
}

/** The paper's protocol: stratified 80/20 over all rows, augmented copies included. */
export function paperSplit(ds: Dataset, opts: StratifiedOptions): Split {
  assertDataset(ds);
  const rng = new Random(opts.seed);
  const { train, test } = stratifiedSplit(ds.y, opts.testFraction ?? 0.2, rng);
  return finish(ds, 'paper', opts.seed, train, test);
}

/** Recording-level stratified split: no recording (or any of its copies) on both sides. */
export function clipSplit(ds: Dataset, opts: StratifiedOptions): Split {
  assertDataset(ds);
  const rng = new Random(opts.seed);
  const recordings = groupRows(ds.recordingId);
  const ids = [...recordings.keys()];
  const labels = ids.map((id) => {
    const rows = recordings.get(id)!;
    const label = ds.y[rows[0]!]!;
    for (const r of rows) {
      if (ds.y[r] !== label) throw new MlError(`recording '${id}' has rows with different labels (${label} and ${ds.y[r]})`);
    }
    return label;
  });
  const { train, test } = stratifiedSplit(labels, opts.testFraction ?? 0.2, rng);
  const trainRows = train.flatMap((k) => recordings.get(ids[k]!)!);
  const testRows = test.flatMap((k) => recordings.get(ids[k]!)!.filter((r) => ds.version[r] === ORIGINAL_VERSION));
  return finish(ds, 'clip', opts.seed, rng.shuffle(trainRows), rng.shuffle(testRows));
}

/** Holds out whole actors: train = all versions of the others, test = originals of the held-out actors. */
export function speakerSplit(ds: Dataset, opts: SpeakerSplitOptions): Split {
  assertDataset(ds);
  const rng = new Random(opts.seed);
  const speakers = [...new Set(ds.speaker)].sort();
  let heldOut: string[];
  if (opts.heldOut) {
    heldOut = [...new Set(opts.heldOut)];
    for (const s of heldOut) if (!speakers.includes(s)) throw new MlError(`held-out speaker '${s}' is not in the dataset`);
  } else {
    const count = opts.heldOutCount ?? 2;
    if (!Number.isInteger(count) || count < 1 || count >= speakers.length) {
      throw new MlError(`heldOutCount must be an integer in [1, ${speakers.length - 1}] for ${speakers.length} speakers, got ${count}`);
    }
    heldOut = drawBalanced(speakers, count, opts.gender ?? ravdessGender, rng);
  }
  if (heldOut.length === 0 || heldOut.length >= speakers.length) {
    throw new MlError(`speaker split needs at least one held-out and one training speaker (held out ${heldOut.length} of ${speakers.length})`);
  }
  return speakerSideSplit(ds, heldOut, opts.seed, rng);
}

/**
 * k folds of held-out actors covering every actor exactly once. With known
 * genders each fold of size 2k takes k men and k women; actors left over when
 * the genders are unequal fill the remaining folds.
 */
export function speakerFolds(ds: Dataset, opts: SpeakerFoldOptions): Split[] {
  assertDataset(ds);
  const rng = new Random(opts.seed);
  const perFold = opts.speakersPerFold ?? 2;
  const speakers = [...new Set(ds.speaker)].sort();
  if (!Number.isInteger(perFold) || perFold < 1 || perFold >= speakers.length) {
    throw new MlError(`speakersPerFold must be an integer in [1, ${speakers.length - 1}] for ${speakers.length} speakers, got ${perFold}`);
  }
  const gender = opts.gender ?? ravdessGender;
  const folds: string[][] = [];
  const genders = speakers.map(gender);
  if (perFold % 2 === 0 && genders.every((g) => g !== undefined)) {
    const men = rng.shuffle(speakers.filter((_, i) => genders[i] === 'male'));
    const women = rng.shuffle(speakers.filter((_, i) => genders[i] === 'female'));
    const half = perFold / 2;
    while (men.length >= half && women.length >= half) folds.push([...men.splice(0, half), ...women.splice(0, half)]);
    const rest = [...men, ...women];
    while (rest.length > 0) folds.push(rest.splice(0, perFold));
  } else {
    const order = rng.shuffle(speakers.slice());
    while (order.length > 0) folds.push(order.splice(0, perFold));
  }
  return folds.map((heldOut, k) => speakerSideSplit(ds, heldOut, opts.seed, rng.fork(k)));
}

/**
 * Carves a validation set out of training rows for the CNN. Default 'last'
 * reproduces Keras `validation_split`: the final ⌊…⌋-complement of the rows in
 * the order given (Keras takes them before shuffling). Since the splits above
 * return the train side already shuffled, 'last' is a random subset of the
 * training rows; note that under the paper/clip protocols augmented copies of
 * one recording can then sit on both sides of the validation cut.
 */
export function validationSplit(trainRows: ArrayLike<number>, opts: ValidationSplitOptions = {}): { fit: Int32Array; validation: Int32Array } {
  const fraction = opts.fraction ?? 0.2;
  if (!(fraction > 0 && fraction < 1)) throw new MlError(`validation fraction must be in (0, 1), got ${fraction}`);
  const n = trainRows.length;
  // Keras / tfjs: splitAt = floor(n · (1 − validation_split)).
  const splitAt = Math.floor(n * (1 - fraction));
  if (splitAt === 0 || splitAt === n) throw new MlError(`validation split of ${n} rows with fraction ${fraction} leaves one side empty`);
  const rows = Int32Array.from(trainRows);
  if ((opts.mode ?? 'last') === 'last') return { fit: rows.slice(0, splitAt), validation: rows.slice(splitAt) };
  if (opts.seed === undefined) throw new MlError("validationSplit mode 'random' needs a seed");
  const positions = new Random(opts.seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const isValidation = new Uint8Array(n);
  for (const p of positions.slice(splitAt)) isValidation[p] = 1;
  // Keep the original relative order on both sides.
  return {
    fit: rows.filter((_, i) => isValidation[i] === 0),
    validation: rows.filter((_, i) => isValidation[i] === 1),
  };
}

export interface SplitAudit {
  /** Recordings with rows on both sides (any version). */
  sharedRecordings: string[];
  /** Speakers with rows on both sides. */
  sharedSpeakers: string[];
  /** Rows present on both sides (should always be 0). */
  sharedRows: number;
  augmentedTest: number;
}

/** What crosses the train/test boundary; the paper protocol shows its leak here. */
export function auditSplit(ds: Dataset, split: Pick<Split, 'train' | 'test'>): SplitAudit {
  assertRowIndices(split.train, ds.rows, 'train');
  assertRowIndices(split.test, ds.rows, 'test');
  const trainRows = new Set(split.train);
  const trainRecordings = new Set(Array.from(split.train, (r) => ds.recordingId[r]!));
  const trainSpeakers = new Set(Array.from(split.train, (r) => ds.speaker[r]!));
  const sharedRecordings = new Set<string>();
  const sharedSpeakers = new Set<string>();
  let sharedRows = 0;
  let augmentedTest = 0;
  for (const r of split.test) {
    if (trainRows.has(r)) sharedRows++;
    if (trainRecordings.has(ds.recordingId[r]!)) sharedRecordings.add(ds.recordingId[r]!);
    if (trainSpeakers.has(ds.speaker[r]!)) sharedSpeakers.add(ds.speaker[r]!);
    if (ds.version[r] !== ORIGINAL_VERSION) augmentedTest++;
  }
  return { sharedRecordings: [...sharedRecordings].sort(), sharedSpeakers: [...sharedSpeakers].sort(), sharedRows, augmentedTest };
}

function speakerSideSplit(ds: Dataset, heldOut: string[], seed: number, rng: Random): Split {
  const held = new Set(heldOut);
  const train: number[] = [];
  const test: number[] = [];
  for (let r = 0; r < ds.rows; r++) {
    if (!held.has(ds.speaker[r]!)) train.push(r);
    else if (ds.version[r] === ORIGINAL_VERSION) test.push(r);
  }
  if (test.length === 0) throw new MlError(`held-out speakers ${heldOut.join(', ')} have no 'original' rows to test on`);
  const split = finish(ds, 'speaker', seed, rng.shuffle(train), rng.shuffle(test));
  split.heldOutSpeakers = heldOut.slice().sort();
  return split;
}

/** Draws `count` speakers, half of each gender when count is even and every gender is known. */
function drawBalanced(speakers: string[], count: number, gender: (s: string) => Gender | undefined, rng: Random): string[] {
  const genders = speakers.map(gender);
  if (count % 2 === 0 && genders.every((g) => g !== undefined)) {
    const men = speakers.filter((_, i) => genders[i] === 'male');
    const women = speakers.filter((_, i) => genders[i] === 'female');
    if (men.length >= count / 2 && women.length >= count / 2) {
      return [...rng.shuffle(men).slice(0, count / 2), ...rng.shuffle(women).slice(0, count / 2)].sort();
    }
  }
  return rng.shuffle(speakers.slice()).slice(0, count).sort();
}

function groupRows(keys: readonly string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  keys.forEach((key, r) => {
    let rows = groups.get(key);
    if (!rows) groups.set(key, (rows = []));
    rows.push(r);
  });
  return groups;
}

function finish(ds: Dataset, protocol: SplitProtocol, seed: number, train: number[], test: number[]): Split {
  const augmented = (rows: number[]) => Int32Array.from(rows.filter((r) => ds.version[r] !== ORIGINAL_VERSION));
  return {
    protocol,
    seed,
    train: Int32Array.from(train),
    test: Int32Array.from(test),
    augmentedTrain: augmented(train),
    augmentedTest: augmented(test),
  };
}
