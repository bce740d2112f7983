import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadCorpus, type CorpusLayout } from '../../corpus/index.js';
import type { AugmentPreset } from '../../extract/extract-corpus.js';
import { makeRecipe } from '../../features/recipe.js';
import { EXIT_FAILURE, EXIT_PARTIAL, setExitCode } from '../exit-codes.js';
import { featureTableBase, parseIntOption, parsePathOption, parseSeedOption, parseWorkersOption } from '../options.js';
import { AUGMENT_VERSIONS, type AugmentVersion } from '../../augment/index.js';

function parseVersions(list: string): AugmentVersion[] {
  const versions = list.split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = versions.filter((v) => !(AUGMENT_VERSIONS as readonly string[]).includes(v));
  if (unknown.length || versions.length === 0) {
    throw new Error(`--versions: unknown version(s) ${unknown.join(', ') || '(none given)'}; expected some of ${AUGMENT_VERSIONS.join(', ')}`);
  }
  return versions as AugmentVersion[];
}

export function registerExtract(program: Command): void {
  program
    .command('extract')
    .description("Extract the paper's per-clip feature vectors (ZCR, RMS, MFCC per frame) from a corpus, with augmentation, on a worker pool")
    .requiredOption('--data <dir>', 'corpus folder (RAVDESS layout, one folder per label, or a CSV manifest)', parsePathOption('--data'))
    .requiredOption('--out <file>', 'output table: X.csv, X.bin and X.json (--out X, X.csv, X.bin or X.json all name them)', parsePathOption('--out'))
    .option('--workers <n>', 'worker threads, 0 (this thread) to 4 × available cores (default: available cores)', parseWorkersOption)
    .option('--augment <preset>', 'paper | notebook | none', 'paper')
    .option('--versions <list>', 'comma-separated subset of original,noise,shift,stretch,pitch (default: the preset\'s)')
    .option('--seed <n>', 'seed for every random draw, 0 … 2^32 − 1', parseSeedOption, 42)
    .option('--layout <layout>', 'auto | ravdess | folder | csv | tess | crema-d | savee | emodb', 'auto')
    .option('--classes <n>', 'RAVDESS: 7 (calm merged into neutral) or 8', parseIntOption, 7)
    .option('--cache <dir>', 'per-clip cache directory (re-runs skip finished files)', '.ser-cache')
    .option('--no-cache', 'disable the cache')
    .option('--no-csv', 'write only the binary form')
    .option('--quiet', 'no progress output')
    .addHelpText('after', '\nExit code 2: the table was written but some files were skipped (listed on stderr); 1: nothing usable, no table written.')
    .action(async (o) => {
      // The worker pool and table writers load only when the command runs: `ser --help` stays instant.
      const { extractCorpus } = await import('../../extract/extract-corpus.js');
      const { writeFeatureTableBinary, writeFeatureTableCsv } = await import('../../extract/feature-table.js');
      const base = resolve(featureTableBase(o.out));
      const corpus = loadCorpus(o.data, { layout: o.layout as CorpusLayout, ravdessClasses: o.classes });
      const { table, run } = await extractCorpus(corpus, o.data, {
        workers: o.workers,
        augment: o.augment as AugmentPreset,
        versions: o.versions ? parseVersions(o.versions) : undefined,
        seed: o.seed,
        cacheDir: o.cache === false ? null : resolve(o.cache),
        quiet: o.quiet,
        recipe: makeRecipe(),
      });
      const s = run.stats;
      process.stderr.write(
        `extracted ${s.ok}/${s.files} files × ${table.meta.versions.length} versions = ${table.rows} rows × ${table.dim} in ${s.seconds.toFixed(1)} s ` +
          `(${s.filesPerSecond.toFixed(1)} files/s, ${s.workers} workers, ${s.cacheHits} cache hits, ${s.cacheRecomputed} damaged cache entries recomputed)\n`,
      );
      for (const k of table.meta.skipped) process.stderr.write(`skipped ${k.path}: [${k.code}] ${k.reason}\n`);
      if (table.meta.skipped.length) process.stderr.write(`${table.meta.skipped.length} file(s) skipped\n`);
      if (table.rows === 0) {
        // An empty table would only fail later, further from the cause: write nothing.
        process.stderr.write(`ser extract: no features extracted (every one of the ${s.files + corpus.skipped.length} files was skipped); no table written\n`);
        setExitCode(EXIT_FAILURE);
        return;
      }
      const { bin, json } = await writeFeatureTableBinary(table, base);
      if (o.csv !== false) await writeFeatureTableCsv(table, `${base}.csv`);
      process.stderr.write(`wrote ${o.csv !== false ? `${base}.csv, ` : ''}${bin}, ${json}\n`);
      if (table.meta.skipped.length) setExitCode(EXIT_PARTIAL);
    });
}
