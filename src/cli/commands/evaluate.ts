import type { Command } from 'commander';
import { initBackend } from '../../ml/cnn/backend.js';
import { classificationMetrics } from '../../ml/metrics.js';
import { argmaxRows } from '../../ml/one-hot.js';
import { formatClassificationReport } from '../../ml/report.js';
import { loadBundle } from '../../models/bundle.js';
import { cnnPredictProba } from '../../models/cnn-predict.js';
import { featureTableFrom, filterSpeakers } from '../../models/corpus-features.js';
import { parseIntOption } from '../options.js';

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate <modelDir>')
    .description('Metrics (JSON on stdout, a classification report on stderr) of a saved model on another corpus or on held-out actors')
    .option('--data <dir>', 'corpus folder (original recordings only, no augmentation)')
    .option('--features <file>', 'feature table written by `ser extract`')
    .option('--speakers <list>', 'only these comma-separated speakers (e.g. the actors left out in training)')
    .option('--workers <n>', 'extraction workers', parseIntOption)
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu')
    .action(async (modelDir: string, o) => {
      await initBackend(o.backend, { log: (m) => void process.stderr.write(`${m}\n`) });
      const bundle = await loadBundle(modelDir);
      let table = await featureTableFrom({ data: o.data, features: o.features, augment: 'none', workers: o.workers, recipe: bundle.info.recipe });
      table = filterSpeakers(table, (s) => !o.speakers || String(o.speakers).split(',').includes(s));
      if (table.rows === 0) throw new Error('no rows to evaluate (check --speakers)');
      if (table.dim !== bundle.scaler.dim) throw new Error(`feature length ${table.dim} differs from the model's ${bundle.scaler.dim}`);
      // Map the corpus's class indices onto the model's label order by name.
      const toModel = table.classes.map((c) => bundle.info.classes.indexOf(c));
      const missing = table.classes.filter((_, i) => toModel[i]! < 0);
      if (missing.length) throw new Error(`classes not known to the model: ${missing.join(', ')}`);
      const yTrue = Int32Array.from(table.y, (c) => toModel[c]!);
      const Z = bundle.scaler.transform(table.X, table.rows, table.dim);
      const yPred = argmaxRows(cnnPredictProba(bundle.model, Z, table.rows, table.dim), table.rows, bundle.info.classes.length);
      const m = classificationMetrics(yTrue, yPred, bundle.info.classes.length);
      process.stderr.write(`${formatClassificationReport(m, bundle.info.classes)}\n`);
      process.stdout.write(`${JSON.stringify({ model: modelDir, rows: table.rows, speakers: [...new Set(table.speaker)].sort(), classes: bundle.info.classes, ...m }, null, 1)}\n`);
    });
}
