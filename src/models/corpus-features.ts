import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SYNTH_MARKER } from '../synth/corpus-writer.js';
import type { AugmentVersion } from '../augment/index.js';
import { loadCorpus } from '../corpus/index.js';
import { extractCorpus, type AugmentPreset } from '../extract/extract-corpus.js';
import { readFeatureTableBinary, type FeatureTable } from '../extract/feature-table.js';
import { describeRecipe, recipesEqual, type FeatureRecipe } from '../features/feature-recipe.js';
import { selectRows } from '../ml/dataset.js';
import type { TrainingData } from './fit-model.js';

export interface FeatureSource {
  data?: string;
  features?: string;
  augment?: AugmentPreset;
  /** Overrides the preset's versions (e.g. a training recipe's). */
  versions?: AugmentVersion[];
  seed?: number;
  workers?: number;
  cacheDir?: string | null;
  recipe?: FeatureRecipe;
  quiet?: boolean;
}

/**
 * A feature table from a corpus folder (extracted now with `recipe`) or from a
 * saved binary table, which must have been made with that same recipe.
 */
export async function featureTableFrom(src: FeatureSource): Promise<FeatureTable> {
  if (src.data && src.features) throw new Error('give either --data DIR or --features FILE, not both');
  if (src.features) {
    const table = await readFeatureTableBinary(resolve(src.features));
    if (src.recipe && !recipesEqual(table.meta.recipe, src.recipe)) {
      throw new Error(
        `${src.features}: the table was extracted with a different recipe (${describeRecipe(table.meta.recipe)}) ` +
          `than this model needs (${describeRecipe(src.recipe)}); extract it again or pass --data`,
      );
    }
    return table;
  }
  if (!src.data) throw new Error('give either --data DIR or --features FILE');
  const corpus = loadCorpus(src.data);
  const { table } = await extractCorpus(corpus, src.data, {
    augment: src.augment ?? 'paper',
    versions: src.versions,
    seed: src.seed,
    workers: src.workers,
    cacheDir: src.cacheDir ?? null,
    quiet: src.quiet,
    recipe: src.recipe,
  });
  for (const s of table.meta.skipped) process.stderr.write(`skipped ${s.path}: [${s.code}] ${s.reason}\n`);
  return table;
}

/** Keeps the rows whose speaker passes `keep` (metadata columns follow). */
export function filterSpeakers(table: FeatureTable, keep: (speaker: string) => boolean): FeatureTable {
  return filterRows(table, (i) => keep(table.speaker[i]!));
}

/** Keeps the original recordings (drops augmented copies). */
export function originalsOnly(table: FeatureTable): FeatureTable {
  return filterRows(table, (i) => table.version[i] === 'original');
}

/** Keeps the rows whose index passes `keep`, metadata columns included. */
export function filterRows(table: FeatureTable, keep: (row: number) => boolean): FeatureTable {
  const rows: number[] = [];
  for (let i = 0; i < table.rows; i++) if (keep(i)) rows.push(i);
  const sub = selectRows(table, rows);
  return {
    ...sub,
    path: rows.map((i) => table.path[i]!),
    gender: rows.map((i) => table.gender[i]!),
    params: rows.map((i) => table.params[i]!),
    meta: table.meta,
  };
}

/** The table as training data for fitModel. */
export function trainingData(table: FeatureTable): TrainingData {
  const synthetic = existsSync(join(table.meta.corpus, SYNTH_MARKER));
  return { ...table, recipe: table.meta.recipe, corpus: table.meta.corpus, versions: table.meta.versions, synthetic };
}
