import { resolve } from 'node:path';
import type { Command } from 'commander';
import { initBackend } from '../../ml/cnn/backend.js';
import { disposeCnn } from '../../ml/cnn/model.js';
import { trainCnn } from '../../ml/cnn/train.js';
import { StandardScaler } from '../../ml/scaler.js';
import { BUNDLE_FORMAT, saveBundle } from '../../models/bundle.js';
import { featureTableFrom, filterSpeakers } from '../../models/corpus-features.js';
import { Random } from '../../util/random.js';
import { parseIntOption } from '../options.js';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description("Train the paper's CNN on a corpus or a feature table and save it with its scaler, label map and recipe")
    .option('--data <dir>', 'corpus folder (features are extracted with augmentation)')
    .option('--features <file>', 'feature table written by `ser extract` (.bin/.json base path)')
    .requiredOption('--out <dir>', 'model directory to write')
    .option('--exclude-speakers <list>', 'comma-separated speakers to leave out (to evaluate on them later)')
    .option('--augment <preset>', 'paper | notebook | none (with --data)', 'paper')
    .option('--seed <n>', 'seed', parseIntOption, 42)
    .option('--epochs <n>', 'maximum epochs (paper: 50)', parseIntOption, 50)
    .option('--patience <n>', 'early-stopping patience', parseIntOption)
    .option('--workers <n>', 'extraction workers', parseIntOption)
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu')
    .action(async (o) => {
      let table = await featureTableFrom({ data: o.data, features: o.features, augment: o.augment, seed: o.seed, workers: o.workers });
      if (o.excludeSpeakers) {
        const out = new Set<string>(String(o.excludeSpeakers).split(','));
        table = filterSpeakers(table, (s) => !out.has(s));
      }
      // Keras' validation_split takes the last rows: shuffle first (seeded) so it is not one speaker.
      const order = new Random(o.seed).shuffle([...Array(table.rows).keys()]);
      const scaler = new StandardScaler().fit(table.X, table.rows, table.dim);
      const Z = scaler.transform(table.X, table.rows, table.dim);
      const X = new Float32Array(Z.length);
      const y = new Int32Array(table.rows);
      order.forEach((r, i) => {
        X.set(Z.subarray(r * table.dim, (r + 1) * table.dim), i * table.dim);
        y[i] = table.y[r]!;
      });
      const backend = await initBackend(o.backend);
      const fit = await trainCnn(X, y, table.classes.length, {
        seed: o.seed,
        epochs: o.epochs,
        patience: o.patience,
        onEpoch: (e, l) =>
          void process.stderr.write(`epoch ${e + 1}: loss ${l.loss.toFixed(4)} acc ${l.acc.toFixed(4)} val_loss ${l.val_loss?.toFixed(4)} val_acc ${l.val_acc?.toFixed(4)}\n`),
      });
      const dir = resolve(o.out);
      await saveBundle(dir, fit.model, {
        format: BUNDLE_FORMAT,
        classes: table.classes,
        recipe: table.meta.recipe,
        scaler: scaler.toJSON(),
        seed: o.seed,
        createdAt: new Date().toISOString(),
        backend: backend.name,
        trainedOn: { corpus: table.meta.corpus, rows: table.rows, speakers: [...new Set(table.speaker)].sort(), versions: table.meta.versions },
        training: { epochs: fit.history.length, bestEpoch: fit.bestEpoch + 1, finalValAcc: fit.history[fit.bestEpoch]?.val_acc ?? null },
      });
      disposeCnn(fit.model);
      process.stderr.write(`saved model to ${dir} (best epoch ${fit.bestEpoch + 1} of ${fit.history.length})\n`);
    });
}
