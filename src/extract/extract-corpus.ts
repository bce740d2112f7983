import { relative, resolve } from 'node:path';
import { AUGMENT_VERSIONS, NOTEBOOK_AUGMENT_PARAMS, PAPER_AUGMENT_PARAMS, type AugmentParams, type AugmentVersion } from '../augment/index.js';
import type { Corpus } from '../corpus/types.js';
import { PAPER_RECIPE } from '../features/recipe.js';
import type { FeatureRecipe } from '../features/feature-recipe.js';
import type { FeatureTable, TableRows } from './feature-table.js';
import { runExtractionPool, type PoolOptions, type PoolRun } from './pool.js';
import type { ExtractResult, ExtractTask } from './types.js';

export type AugmentPreset = 'paper' | 'notebook' | 'none';

export interface ExtractCorpusOptions extends PoolOptions {
  recipe?: FeatureRecipe;
  /** 'paper' (original + 4 augmented copies, paper parameters), 'notebook' (the reference notebook's fixed values) or 'none'. */
  augment?: AugmentPreset;
  /** Overrides the versions of the preset (e.g. ['original', 'noise']). */
  versions?: AugmentVersion[];
  seed?: number;
  /**
   * Runs the tasks in place of the local worker pool (`ser extract --queue`: src/queue/run-on-queue.ts);
   * it must return the results in task order, as the pool does.
   */
  runner?: (tasks: ExtractTask[]) => Promise<PoolRun>;
  /**
   * Receives the table's rows in table order, each clip's as soon as it and every clip before it
   * are done (from the local pool, while it runs; from a `runner`, when it returns): what the
   * table will hold, for writers that stream (openFeatureTableCsv, openFeatureTableBinary).
   * Rows of skipped files never come.
   */
  onRows?: (rows: TableRows) => void;
}

/**
 * Versions and parameters of an augmentation preset: 'paper' and 'notebook' give the original plus
 * noise, shift, stretch and pitch (paper or notebook parameters), 'none' the original only.
 */
export function augmentPreset(name: AugmentPreset): { versions: AugmentVersion[]; params: AugmentParams } {
  switch (name) {
    case 'paper':
      return { versions: [...AUGMENT_VERSIONS], params: PAPER_AUGMENT_PARAMS };
    case 'notebook':
      return { versions: [...AUGMENT_VERSIONS], params: NOTEBOOK_AUGMENT_PARAMS };
    case 'none':
      return { versions: ['original'], params: PAPER_AUGMENT_PARAMS };
    default:
      throw new Error(`unknown augmentation preset '${String(name)}' (expected paper, notebook or none)`);
  }
}

/**
 * Every clip of a corpus through the pool, assembled into one FeatureTable:
 * one row per (clip, version), in corpus order then version order.
 * Task keys are corpus-relative paths, so seeds (and cache keys) do not depend
 * on where the corpus sits on disk.
 */
export async function extractCorpus(corpus: Corpus, root: string, opts: ExtractCorpusOptions = {}): Promise<{ table: FeatureTable; run: PoolRun }> {
  const recipe = opts.recipe ?? PAPER_RECIPE;
  const preset = augmentPreset(opts.augment ?? 'paper');
  const versions = opts.versions ?? preset.versions;
  const seed = opts.seed ?? 42;
  const absRoot = resolve(root);
  const tasks: ExtractTask[] = corpus.items.map((item) => ({
    path: item.path,
    key: relative(absRoot, item.path).split('\\').join('/'),
    recipe,
    versions,
    augmentParams: preset.params,
    seed,
  }));
  const byKey = new Map(corpus.items.map((item, i) => [tasks[i]!.key, item]));
  const dim = recipe.vectorLength;
  // The table fills as clips finish (in table order), so nothing is left to copy after the last.
  const rowsOf = new RowAccumulator(tasks.length * versions.length, dim);
  const emit = inOrderRows(tasks.length, (r) => {
    const rows = clipRows(r, byKey.get(r.key)!, dim);
    rowsOf.add(rows, r.params);
    opts.onRows?.(rows);
  });
  const run = await (opts.runner ? opts.runner(tasks) : runExtractionPool(tasks, { ...opts, onOutcome: emit.outcome }));
  emit.rest(run.results);

  const filled = rowsOf.finish();
  const table: FeatureTable = {
    ...filled,
    classes: corpus.classes.slice(),
    meta: {
      recipe, versions, seed,
      corpus: absRoot,
      layout: corpus.layout,
      skipped: [...corpus.skipped.map((s) => ({ key: relative(absRoot, s.path), path: s.path, code: s.code ?? 'BAD_NAME', reason: s.reason })), ...run.skipped],
      createdAt: new Date().toISOString(),
      extraction: {
        seconds: run.stats.seconds, filesPerSecond: run.stats.filesPerSecond, workers: run.stats.workers,
        cacheHits: run.stats.cacheHits, cacheRecomputed: run.stats.cacheRecomputed,
      },
    },
  };
  const expected = run.results.reduce((n, r) => n + r.versions.length, 0);
  if (table.rows !== expected) throw new Error(`extractCorpus: ${table.rows} rows assembled for ${expected} extracted (a result was delivered twice or not at all)`);
  return { table, run };
}

type OkResult = PoolRun['results'][number];

/**
 * Turns outcomes arriving in any order into ok results delivered in task order: outcome i is
 * held until every task before it has its outcome. `rest` then delivers, in order, whatever
 * ok results were not delivered yet (all of them when the outcomes never came one by one).
 */
function inOrderRows(tasks: number, deliver: (r: OkResult) => void): { outcome: (i: number, o: ExtractResult) => void; rest: (results: OkResult[]) => void } {
  const held: Array<ExtractResult | undefined> = new Array(tasks);
  let next = 0;
  let delivered = 0;
  return {
    outcome(i, o) {
      held[i] = o;
      for (; next < tasks && held[next] !== undefined; next++) {
        const r = held[next]!;
        held[next] = undefined;
        if (r.ok) {
          deliver(r);
          delivered++;
        }
      }
    },
    rest(results) {
      for (; delivered < results.length; delivered++) deliver(results[delivered]!);
    },
  };
}

/**
 * The table's columns filled clip by clip, in table order, into arrays sized for every task's
 * rows; finish trims them to the rows received (a copy of X only when files were skipped).
 */
class RowAccumulator {
  private readonly X: Float32Array;
  private readonly y: Int32Array;
  private rows = 0;
  private readonly columns = {
    speaker: [] as string[], recordingId: [] as string[], version: [] as string[], path: [] as string[], gender: [] as string[],
    params: [] as Array<Record<string, number>>,
  };

  constructor(capacityRows: number, private readonly dim: number) {
    this.X = new Float32Array(capacityRows * dim);
    this.y = new Int32Array(capacityRows);
  }

  add(c: TableRows, params: Array<Record<string, number>>): void {
    this.X.set(c.X, this.rows * this.dim);
    this.y.set(c.y, this.rows);
    const cols = this.columns;
    cols.speaker.push(...c.speaker);
    cols.recordingId.push(...c.recordingId);
    cols.version.push(...c.version);
    cols.path.push(...c.path);
    cols.gender.push(...c.gender);
    cols.params.push(...params);
    this.rows += c.rows;
  }

  finish(): Pick<FeatureTable, 'X' | 'rows' | 'dim' | 'y' | 'speaker' | 'recordingId' | 'version' | 'path' | 'gender' | 'params'> {
    const full = this.rows === this.y.length;
    return {
      X: full ? this.X : this.X.slice(0, this.rows * this.dim),
      y: full ? this.y : this.y.slice(0, this.rows),
      rows: this.rows,
      dim: this.dim,
      ...this.columns,
    };
  }
}

/** One clip's rows in the table's columns: what extractCorpus puts in the table and hands to onRows. */
function clipRows(r: OkResult, item: Corpus['items'][number], dim: number): TableRows {
  const n = r.versions.length;
  return {
    X: r.vectors, rows: n, dim,
    y: new Int32Array(n).fill(item.labelIndex),
    path: new Array<string>(n).fill(r.key),
    speaker: new Array<string>(n).fill(item.speaker),
    gender: new Array<string>(n).fill(item.gender ?? ''),
    version: r.versions.slice(),
    recordingId: new Array<string>(n).fill(item.recordingId),
  };
}
