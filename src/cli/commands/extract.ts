import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { resolveDataOption } from '../data-option.js';
import { loadCorpus, type CorpusLayout } from '../../corpus/index.js';
import type { AugmentPreset } from '../../extract/extract-corpus.js';
import type { TableStream } from '../../extract/feature-table.js';
import { makeRecipe } from '../../features/recipe.js';
import { EXIT_FAILURE, EXIT_PARTIAL, setExitCode } from '../exit-codes.js';
import { printJson } from '../json-output.js';
import { featureTableBase, parseIntOption, parsePathOption, parseSeedOption, parseWorkersOption } from '../options.js';
import { queueRunner, withQueueOptions } from '../queue-producer.js';
import { AUGMENT_VERSIONS, type AugmentVersion } from '../../augment/index.js';

function parseVersions(list: string): AugmentVersion[] {
  const versions = list.split(',').map((v) => v.trim()).filter(Boolean);
  const unknown = versions.filter((v) => !(AUGMENT_VERSIONS as readonly string[]).includes(v));
  if (unknown.length || versions.length === 0) {
    throw new Error(`--versions: unknown version(s) ${unknown.join(', ') || '(none given)'}; expected some of ${AUGMENT_VERSIONS.join(', ')}`);
  }
  return versions as AugmentVersion[];
}

/** Forms of the feature table `ser extract` can write (see README, "Package"). */
export const TABLE_FORMATS = ['bin', 'csv', 'parquet'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];

function parseFormats(list: string): TableFormat[] {
  const formats = list.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean);
  const unknown = formats.filter((f) => !(TABLE_FORMATS as readonly string[]).includes(f));
  if (unknown.length || formats.length === 0) {
    throw new InvalidArgumentError(`--format: unknown format(s) ${unknown.join(', ') || '(none given)'}; expected some of ${TABLE_FORMATS.join(', ')}`);
  }
  return [...new Set(formats)] as TableFormat[];
}

export function registerExtract(program: Command): void {
  withQueueOptions(program // --queue URL, --send-audio: the files go to `ser worker` processes (queue-producer.ts)
    .command('extract')
    .description("Extract the paper's per-clip feature vectors (ZCR, RMS, MFCC per frame) from a corpus, with augmentation, on a worker pool")
    .requiredOption('--data <dir>', "corpus folder (RAVDESS layout, one folder per label, or a CSV manifest), or 'ravdess' (the `ser download ravdess` folder)", parsePathOption('--data'))
    .option('--yes', "with --data ravdess: download the corpus first if it is not there, without asking")
    .requiredOption('--out <file>', 'output table: X.csv, X.bin and X.json (--out X, X.csv, X.bin or X.json all name them)', parsePathOption('--out'))
    .option('--workers <n>', 'worker threads, 0 (this thread) to 4 × available cores (default: available cores)', parseWorkersOption)
    .option('--augment <preset>', 'paper | notebook | none', 'paper')
    .option('--versions <list>', 'comma-separated subset of original,noise,shift,stretch,pitch (default: the preset\'s)')
    .option('--seed <n>', 'seed for every random draw, 0 … 2^32 − 1', parseSeedOption, 42)
    .option('--layout <layout>', 'auto | ravdess | folder | csv | tess | crema-d | savee | emodb', 'auto')
    .option('--classes <n>', 'RAVDESS: 7 (calm merged into neutral) or 8', parseIntOption, 7)
    .option('--cache <dir>', 'per-clip cache directory (re-runs skip finished files)', '.ser-cache')
    .option('--no-cache', 'disable the cache')
    .option('--format <list>', 'comma-separated table forms: bin (X.bin + X.json), csv, parquet (X.parquet, for pandas/DuckDB/Polars)', parseFormats, ['bin', 'csv'])
    .option('--no-csv', 'leave csv out of --format')
    .option('--json', 'print a JSON summary on stdout (files, rows, skipped files, outputs)')
    .option('--quiet', 'no progress output'))
    .addHelpText('after', '\nExit code 2: the table was written but some files were skipped (listed on stderr); 1: nothing usable, no table written.')
    .action(async (o) => {
      o.data = await resolveDataOption(o.data, o); // 'ravdess': the download folder
      // The worker pool and table writers load only when the command runs: `ser --help` stays instant.
      const { extractCorpus } = await import('../../extract/extract-corpus.js');
      const formats = (o.format as TableFormat[]).filter((f) => f !== 'csv' || o.csv !== false);
      if (formats.length === 0) throw new InvalidArgumentError('--no-csv leaves no table form to write (add --format bin or parquet)');
      const base = resolve(featureTableBase(o.out));
      const runner = queueRunner(o, 'extract');
      if (runner && o.workers !== undefined) {
        throw new InvalidArgumentError('--workers sizes the local pool; with --queue the work runs on `ser worker` processes (their --concurrency)');
      }
      // The workers start now: their start-up overlaps listing the corpus and opening the outputs.
      const { startExtractionWorkers } = await import('../../extract/pool.js');
      const started = runner || o.workers === 0 ? undefined : startExtractionWorkers({ workers: o.workers });
      try {
        const corpus = loadCorpus(o.data, { layout: o.layout as CorpusLayout, ravdessClasses: o.classes });
        const recipe = makeRecipe();
        // The binary and CSV tables are written while the pool runs (rows in table order as clips
        // finish) and put in place only after the whole table checks out: a failure before that
        // leaves no new file, and a run that extracts nothing creates none.
        const { openFeatureTableBinary } = await import('../../extract/feature-table.js');
        const streams: { bin?: ReturnType<typeof openFeatureTableBinary>; csv?: TableStream } = {};
        if (formats.includes('bin')) streams.bin = openFeatureTableBinary(base);
        if (formats.includes('csv')) {
          streams.csv = await (await import('../../extract/csv-table.js')).openFeatureTableCsv(`${base}.csv`, recipe.vectorLength, corpus.classes);
        }
        const open = [streams.bin, streams.csv].filter((w): w is TableStream => w !== undefined);
        const abortAll = () => Promise.all(open.map((w) => w.abort()));
        let extracted: Awaited<ReturnType<typeof extractCorpus>>;
        try {
          extracted = await extractCorpus(corpus, o.data, {
            runner,
            workers: o.workers,
            started,
            augment: o.augment as AugmentPreset,
            versions: o.versions ? parseVersions(o.versions) : undefined,
            seed: o.seed,
            cacheDir: o.cache === false ? null : resolve(o.cache),
            quiet: o.quiet,
            recipe,
            onRows: open.length ? (rows) => open.forEach((w) => w.add(rows)) : undefined,
          });
        } catch (err) {
          await abortAll();
          throw err;
        }
        const { table, run } = extracted;
        const s = run.stats;
        process.stderr.write(
          `extracted ${s.ok}/${s.files} files × ${table.meta.versions.length} versions = ${table.rows} rows × ${table.dim} in ${s.seconds.toFixed(1)} s ` +
            `(${s.filesPerSecond.toFixed(1)} files/s, ${s.workers} workers, ${s.cacheHits} cache hits, ${s.cacheRecomputed} damaged cache entries recomputed)\n`,
        );
        if (s.cacheWriteErrors) {
          process.stderr.write(`warning: ${s.cacheWriteErrors.count} new cache entries could not be written (${s.cacheWriteErrors.first}); the table is complete, those clips will be computed again next time\n`);
        }
        for (const k of table.meta.skipped) process.stderr.write(`skipped ${k.path}: [${k.code}] ${k.reason}\n`);
        if (table.meta.skipped.length) process.stderr.write(`${table.meta.skipped.length} file(s) skipped\n`);
        if (table.rows === 0) {
          // An empty table would only fail later, further from the cause: write nothing.
          process.stderr.write(`ser extract: no features extracted (every one of the ${s.files + corpus.skipped.length} files was skipped); no table written\n`);
          setExitCode(EXIT_FAILURE);
          if (o.json) printJson('extract', { ok: false, files: s.files + corpus.skipped.length, extracted: 0, rows: 0, outputs: {}, skipped: table.meta.skipped });
          await abortAll();
          return;
        }
        const outputs: Partial<Record<TableFormat | 'json', string>> = {};
        try {
          if (streams.bin) {
            await streams.bin.commit(table);
            Object.assign(outputs, { bin: streams.bin.bin, json: streams.bin.json });
          }
        } catch (err) {
          await streams.csv?.abort();
          throw err;
        }
        if (streams.csv) {
          await streams.csv.commit(table);
          outputs.csv = `${base}.csv`;
        }
        if (formats.includes('parquet')) {
          const { writeFeatureTableParquet } = await import('../../extract/parquet-table.js');
          await writeFeatureTableParquet(table, (outputs.parquet = `${base}.parquet`));
        }
        const written = [outputs.parquet, outputs.csv, outputs.bin, outputs.json].filter(Boolean);
        process.stderr.write(`wrote ${written.join(', ')}\n`);
        if (table.meta.skipped.length) setExitCode(EXIT_PARTIAL);
        if (o.json) {
          printJson('extract', {
            ok: table.meta.skipped.length === 0,
            files: s.files + corpus.skipped.length,
            extracted: s.ok,
            rows: table.rows,
            dim: table.dim,
            classes: table.classes,
            versions: table.meta.versions,
            seed: table.meta.seed,
            seconds: s.seconds,
            filesPerSecond: s.filesPerSecond,
            workers: s.workers,
            cacheHits: s.cacheHits,
            queue: run.queue ?? null,
            outputs: { bin: outputs.bin ?? null, json: outputs.json ?? null, csv: outputs.csv ?? null, parquet: outputs.parquet ?? null },
            skipped: table.meta.skipped.map((k) => ({ path: k.path, code: k.code, reason: k.reason })),
          });
        }
      } finally {
        await started?.close(); // a no-op once the run has taken the workers over
      }
    });
}
