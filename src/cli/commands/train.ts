import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { resolveDataOption } from '../data-option.js';
import { describeRecipe } from '../../features/feature-recipe.js';
import { modelTitle, withTrainingOverrides } from '../../models/model-spec.js';
import {
  DEFAULT_TRAINING_RECIPE, MODEL_CHOICES, TRAINING_RECIPE_NAMES, TRAINING_RECIPES, trainingRecipe, withChannels, type ModelChoice,
} from '../../models/training-recipes.js';
import { EXIT_PARTIAL, setExitCode } from '../exit-codes.js';
import { printJson } from '../json-output.js';
import { parseIntOption } from '../options.js';
import { VALIDATION_BY, type ValidationBy } from '../../ml/validation-speakers.js';
import type { EmotionModel } from '../../models/emotion-model.js';

const RECIPE_HELP = TRAINING_RECIPE_NAMES.map((n) => `${n}: ${TRAINING_RECIPES[n].summary}`).join('; ');

export function registerTrain(program: Command): void {
  program
    .command('train')
    .description(
      `Train a model on a corpus (or a feature table) and save it as a bundle that evaluate, predict, serve and the browser load. ` +
        `Default recipe '${DEFAULT_TRAINING_RECIPE}' (the best on the RAVDESS speaker folds, see README); --recipe paper trains the paper's Table 2 CNN exactly.`,
    )
    .option('--data <dir>', "corpus folder (features are extracted with the recipe and its augmentation), or 'ravdess' (the `ser download ravdess` folder)")
    .option('--yes', "with --data ravdess: download the corpus first if it is not there, without asking")
    .option('--features <file>', 'feature table written by `ser extract` with the same recipe (X.parquet, or the X.bin/X.json pair)')
    .requiredOption('--out <dir>', 'model folder to write (replaced only once the new model is complete)')
    .addOption(new Option('--recipe <name>', RECIPE_HELP).choices(TRAINING_RECIPE_NAMES).default(DEFAULT_TRAINING_RECIPE))
    .addOption(new Option('--model <kind>', "classifier on the recipe's features: cnn (the recipe's network), dt or knn").choices(MODEL_CHOICES).default('cnn'))
    .option('--exclude-speakers <list>', 'comma-separated speakers to leave out (to evaluate on them later)')
    .option('--seed <n>', 'seed for every random choice', parseIntOption, 42)
    .option('--channels <list>', 'sequence recipes: per-frame channels, some of logmel,delta,rms,pitch,voicing (default: the recipe\'s)')
    .option('--epochs <n>', 'maximum epochs per network (default: the recipe\'s)', parseIntOption)
    .option('--patience <n>', 'early-stopping patience in epochs on the validation speakers\' loss', parseIntOption)
    .option('--members <n>', 'ensemble size (recipes whose model is an ensemble)', parseIntOption)
    .addOption(new Option('--validation <by>', "networks' early stopping watches held-out speakers (default) or held-out recordings (for a model meant for new recordings of the training speakers)").choices([...VALIDATION_BY]).default('speakers'))
    .option('--workers <n>', 'extraction workers', parseIntOption)
    .option('--threads <n>', 'ensembles: members trained at once on worker threads (default: available cores; the model does not depend on it)', parseIntOption)
    .option('--kernel-threads <n>', 'threads for the large matrix products and Adam inside one network (default: available cores, or SER_KERNEL_THREADS; the model does not depend on it)', parseIntOption)
    .option('--cache <dir>', 'per-clip feature cache directory', '.ser-cache')
    .option('--no-cache', 'disable the feature cache')
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu')
    .option('--quiet', 'no progress bars or epoch lines (on a terminal each network gets a bar with epoch, batch and ETA)')
    .option('--json', 'print a JSON summary on stdout (model folder, kind, rows, speakers, seconds, best epochs)')
    .action(async (o) => {
      o.data = await resolveDataOption(o.data, o); // 'ravdess': the download folder
      // Heavy modules (TensorFlow.js, the extraction pool, the figures) load only when the command runs: `ser --help` stays instant.
      const { initBackend } = await import('../../ml/cnn/backend.js');
      const { saveBundle } = await import('../../models/bundle.js');
      const { featureTableFrom, filterSpeakers, trainingData } = await import('../../models/corpus-features.js');
      const { fitModel } = await import('../../models/fit-model.js');
      const { loadWasmCore } = await import('../../wasm/load-node.js');
      const { createTrainProgress } = await import('../train-progress.js');
      const recipe = withChannels(trainingRecipe(o.recipe), o.channels ? String(o.channels).split(',').map((c) => c.trim()).filter(Boolean) : undefined);
      const spec = withTrainingOverrides(recipe.models[o.model as ModelChoice], o);
      process.stderr.write(`recipe '${recipe.name}': ${modelTitle(spec)} on ${describeRecipe(recipe.features)}\n`);
      let table = await featureTableFrom({
        data: o.data, features: o.features, recipe: recipe.features, versions: recipe.versions, seed: o.seed, workers: o.workers,
        cacheDir: o.cache === false ? null : resolve(o.cache), quiet: o.quiet,
      });
      // Files that could not be read were left out (each listed on stderr): the model is saved, exit code 2.
      const skippedFiles = table.meta.skipped.length;
      if (o.excludeSpeakers) {
        const out = new Set<string>(String(o.excludeSpeakers).split(',').map((s) => s.trim()));
        const unknown = [...out].filter((s) => !table.speaker.includes(s));
        if (unknown.length) throw new Error(`--exclude-speakers: ${unknown.join(', ')} not in the corpus`);
        table = filterSpeakers(table, (s) => !out.has(s));
      }
      if (table.rows === 0) throw new Error('no training rows (every file skipped or excluded)');
      if (o.kernelThreads !== undefined) (await import('../../ml/cnn/threads/kernel-pool.js')).configureKernelThreads(o.kernelThreads);
      if (spec.kind === 'cnn' || spec.kind === 'ensemble') await initBackend(o.backend, { log: (m) => void process.stderr.write(`${m}\n`) });
      const started = performance.now();
      const core = spec.kind === 'knn' ? await loadWasmCore() : undefined;
      // A terminal gets live bars (epoch, batch, ETA per network) with the epoch lines above them; logs and pipes the lines only.
      const progress = createTrainProgress({ quiet: o.quiet, members: spec.kind === 'ensemble' ? spec.members : 1 });
      let model: EmotionModel;
      try {
        model = await fitModel(spec, trainingData(table), undefined, {
          seed: o.seed, log: progress.log, onBatch: progress.live ? progress.batch : undefined, core, recipeName: recipe.name,
          threads: o.threads ?? availableParallelism(), validateBy: o.validation as ValidationBy,
        });
      } finally {
        progress.stop();
      }
      const dir = resolve(o.out);
      await saveBundle(dir, model);
      const epochs = model.training.filter((t) => t.bestEpoch !== undefined).map((t) => `${t.bestEpoch}/${t.epochs}`);
      process.stderr.write(
        `saved ${modelTitle(spec)} to ${dir} (${table.rows} rows, ${new Set(table.speaker).size} speakers, ` +
          `${((performance.now() - started) / 1000).toFixed(0)} s training${epochs.length ? `; best epochs ${epochs.join(', ')}` : ''})\n`,
      );
      if (o.json) {
        printJson('train', {
          model: dir,
          modelKind: spec.kind,
          title: modelTitle(spec),
          recipe: recipe.name,
          rows: table.rows,
          speakers: [...new Set(table.speaker)].sort(),
          classes: table.classes,
          seconds: Number(((performance.now() - started) / 1000).toFixed(3)),
          networks: model.training.map((t) => ({ epochs: t.epochs ?? null, bestEpoch: t.bestEpoch ?? null })),
          skippedFiles,
        });
      }
      model.dispose();
      if (skippedFiles) setExitCode(EXIT_PARTIAL);
    });
}
