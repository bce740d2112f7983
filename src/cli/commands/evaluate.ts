import type { Command } from 'commander';
import { resolveDataOption } from '../data-option.js';
import { modelTitle } from '../../models/model-spec.js';
import { EXIT_PARTIAL, setExitCode } from '../exit-codes.js';
import { printJson } from '../json-output.js';
import { parseIntOption } from '../options.js';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate <modelDir>')
    .description(
      'Metrics of a saved model (any kind) on a corpus or held-out actors: JSON on stdout (accuracy, balancedAccuracy, macro F1, ' +
        'per-class scores, confusion matrix), a classification report on stderr. Only original recordings are scored.',
    )
    .option('--data <dir>', "corpus folder (original recordings only, no augmentation), or 'ravdess' (the `ser download ravdess` folder)")
    .option('--yes', "with --data ravdess: download the corpus first if it is not there, without asking")
    .option('--features <file>', 'feature table written by `ser extract` with the model\'s recipe (X.parquet, or the X.bin/X.json pair)')
    .option('--speakers <list>', 'only these comma-separated speakers (e.g. the actors left out in training)')
    .option('--workers <n>', 'extraction workers', parseIntOption)
    .option('--no-speaker-grouping', 'transductive models: normalise every clip on its own statistics, as `ser predict` of one file does (measures that case)')
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu')
    .option('--json', 'the metrics JSON on stdout (printed with or without this flag; accepted for uniformity)')
    .action(async (modelDir: string, o) => {
      o.data = await resolveDataOption(o.data, o); // 'ravdess': the download folder
      // Heavy modules (TensorFlow.js, the extraction pool, the figures) load only when the command runs: `ser --help` stays instant.
      const { initBackend } = await import('../../ml/cnn/backend.js');
      const { classificationMetrics } = await import('../../ml/metrics.js');
      const { argmaxRows } = await import('../../ml/one-hot.js');
      const { formatClassificationReport } = await import('../../ml/classification-report.js');
      const { loadBundle } = await import('../../models/bundle.js');
      const { featureTableFrom, filterSpeakers, originalsOnly } = await import('../../models/corpus-features.js');
      const { loadWasmCore } = await import('../../wasm/load-node.js');
      await initBackend(o.backend, { log: (m) => void process.stderr.write(`${m}\n`) });
      const model = await loadBundle(modelDir, { core: await loadWasmCore() });
      const { classes, recipe } = model.meta;
      let table = await featureTableFrom({ data: o.data, features: o.features, augment: 'none', workers: o.workers, recipe });
      const skipped = table.meta.skipped.length;
      table = filterSpeakers(table, (s) => !o.speakers || String(o.speakers).split(',').map((x) => x.trim()).includes(s));
      // A table may hold augmented copies (from `ser extract`): only the original recordings are a test set.
      table = originalsOnly(table);
      if (table.rows === 0) throw new Error('no rows to evaluate (check --data / --speakers)');
      // The corpus's class indices onto the model's label order, by name.
      const toModel = table.classes.map((c) => classes.indexOf(c));
      const missing = table.classes.filter((_, i) => toModel[i]! < 0);
      if (missing.length) throw new Error(`classes not known to the model: ${missing.join(', ')} (model: ${classes.join(', ')})`);
      const yTrue = Int32Array.from(table.y, (c) => toModel[c]!);
      // A transductive model normalises each test speaker with the statistics of its own clips (no labels).
      const grouping = o.speakerGrouping !== false;
      const groups = grouping ? table.speaker : table.speaker.map((_, i) => `clip-${i}`);
      const P = model.predictProba(table.X, table.rows, { speakers: groups });
      if (model.transductive) {
        process.stderr.write(grouping
          ? `speaker normalisation (transductive): statistics from each speaker's own ${(table.rows / speakersIn(table.speaker)).toFixed(0)} clips on average\n`
          : 'speaker normalisation with one clip per "speaker" (--no-speaker-grouping): each clip on its own statistics\n');
      }
      const yPred = argmaxRows(P, table.rows, classes.length);
      const m = classificationMetrics(yTrue, yPred, classes.length);
      process.stderr.write(`${formatClassificationReport(m, classes)}\n`);
      const speakers = [...new Set(table.speaker)].sort();
      printJson('evaluate', {
        model: modelDir,
        modelKind: model.meta.spec.kind,
        title: modelTitle(model.meta.spec),
        rows: table.rows,
        speakers,
        classes,
        ...m,
        macroF1: m.macro.f1,
        skippedFiles: skipped,
        transductive: model.transductive,
        speakerGrouping: model.transductive ? (grouping ? 'speaker' : 'clip') : null,
      });
      model.dispose();
      if (skipped) setExitCode(EXIT_PARTIAL);
    });
}

function speakersIn(speakers: string[]): number {
  return Math.max(1, new Set(speakers).size);
}
