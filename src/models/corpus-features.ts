import { resolve } from 'node:path';
import { loadCorpus } from '../corpus/index.js';
import { extractCorpus, type AugmentPreset } from '../extract/extract-corpus.js';
import { readFeatureTableBinary, type FeatureTable } from '../extract/feature-table.js';
import type { FeatureRecipe } from '../features/recipe.js';
import { selectRows } from '../ml/dataset.js';

export interface FeatureSource {
  data?: string;
  features?: string;
  augment?: AugmentPreset;
  seed?: number;
  workers?: number;
  cacheDir?: string | null;
  recipe?: FeatureRecipe;
  quiet?: boolean;
}

/** A feature table from a corpus folder (extracted now) or from a saved binary table. */
export async function featureTableFrom(src: FeatureSource): Promise<FeatureTable> {
  if (src.features) return readFeatureTableBinary(resolve(src.features));
  if (!src.data) throw new Error('give either --data DIR or --features FILE');
  const corpus = loadCorpus(src.data);
  const { table } = await extractCorpus(corpus, src.data, {
    augment: src.augment ?? 'paper',
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
  const rows: number[] = [];
  table.speaker.forEach((s, i) => keep(s) && rows.push(i));
  const sub = selectRows(table, rows);
  return {
    ...sub,
    path: rows.map((i) => table.path[i]!),
    gender: rows.map((i) => table.gender[i]!),
    params: rows.map((i) => table.params[i]!),
    meta: table.meta,
  };
}
