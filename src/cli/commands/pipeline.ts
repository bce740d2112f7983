import { Option, type Command } from 'commander';
import { resolveDataOption } from '../data-option.js';
import type { AugmentPreset } from '../../extract/extract-corpus.js';
import { AUGMENT_PRESETS, MODEL_NAMES, PROTOCOL_NAMES, validatePipelineChoices } from '../../pipeline/choices.js';
import { PAPER_VECTOR_ARCHS, type PaperVectorArch } from '../../models/model-spec.js';
import { TRAINING_RECIPE_NAMES, type TrainingRecipeName } from '../../models/training-recipes.js';
import { UTTERANCE_NORM_MODES, type UtteranceNormMode } from '../../features/utterance-norm.js';
import type { ModelName, ProtocolName } from '../../pipeline/results.js';
import { EXIT_PARTIAL, setExitCode } from '../exit-codes.js';
import { printJson } from '../json-output.js';
import { parseIntOption } from '../options.js';
import { VALIDATION_BY, type ValidationBy } from '../../ml/validation-speakers.js';

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

export function registerPipeline(program: Command): void {
  program
    .command('pipeline')
    .description('Corpus (or a synthetic one) → features → every protocol × DT/KNN/CNN → results.json, tables and report.html')
    .option('--data <dir>', "corpus folder (e.g. a RAVDESS download), or 'ravdess' (the `ser download ravdess` folder); default: synthesise one")
    .option('--yes', "with --data ravdess: download the corpus first if it is not there, without asking")
    .option('--out <dir>', 'output folder', 'out/pipeline')
    .option('--recipe <name>', `training recipe: paper (the Table 4 reproduction) or best (the best speaker-independent recipe); one of ${TRAINING_RECIPE_NAMES.join(', ')}`, 'paper')
    .option('--seed <n>', 'seed for every random choice', parseIntOption, 42)
    .option('--workers <n>', 'extraction worker threads (default: available cores)', parseIntOption)
    .option('--augment <preset>', `augmentation preset: ${AUGMENT_PRESETS.join(' | ')}`, 'paper')
    .option('--protocols <list>', `comma-separated: ${PROTOCOL_NAMES.join(',')}`, PROTOCOL_NAMES.join(','))
    .option('--models <list>', `comma-separated: ${MODEL_NAMES.join(',')}`, MODEL_NAMES.join(','))
    .option('--channels <list>', 'sequence recipes: per-frame channels, some of logmel,delta,rms,pitch,voicing (default: the recipe\'s)')
    .option('--epochs <n>', "networks: maximum epochs (default: the recipe's; paper 50)", parseIntOption)
    .option('--patience <n>', "networks: early-stopping patience in epochs on the validation speakers' loss", parseIntOption)
    .option('--members <n>', 'recipes with an ensemble: its size', parseIntOption)
    .option('--threads <n>', 'ensembles: members trained at once on worker threads (default: available cores; results do not depend on it)', parseIntOption)
    .addOption(new Option('--validation <by>', "networks' early stopping watches held-out speakers (default) or held-out recordings (for the clip and paper protocols, whose tests are new recordings of known speakers)").choices([...VALIDATION_BY]).default('speakers'))
    .option('--held-out <actors>', 'speaker protocol: comma-separated held-out speakers (e.g. Actor_01,Actor_02)')
    .option('--speaker-folds', 'speaker protocol: cross-validate over folds of 2 held-out actors (one male, one female), every actor held out once')
    .option('--actors <n>', 'synthetic corpus: number of actors', parseIntOption, 8)
    .option('--cnn-arch <arch>', `paper recipe: CNN architecture, ${PAPER_VECTOR_ARCHS.join(' (Table 2, over the flat vector) or ')} (time convolution over [frames, ZCR+RMS+MFCCs])`, 'paper')
    .option('--utterance-norm [mode]', `paper recipe: per-clip MFCC normalisation over the real frames in every model's preprocessing: ${UTTERANCE_NORM_MODES.join(' | ')} (flag alone: mean)`)
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu (default: best available)')
    .option('--csv', 'also write features.csv')
    .option('--no-report', 'skip report.html')
    .option('--quiet', 'no progress bars')
    .option('--json', 'tables go to stderr; stdout gets a JSON summary (results.json path, per protocol and model: accuracy, UAR, macro-F1, fold summary)')
    .action(async (o) => {
      o.data = await resolveDataOption(o.data, o); // 'ravdess': the download folder
      // Heavy modules (TensorFlow.js, the extraction pool, the figures) load only when the command runs: `ser --help` stays instant.
      const { runPipeline } = await import('../../pipeline/run-pipeline.js');
      const utteranceNorm = o.utteranceNorm === true ? 'mean' : (o.utteranceNorm ?? 'off');
      const choices = {
        recipe: o.recipe, models: list(o.models), protocols: list(o.protocols), augment: o.augment, cnnArch: o.cnnArch, utteranceNorm,
        epochs: o.epochs, patience: o.patience, members: o.members, channels: o.channels ? list(o.channels) : undefined,
      };
      validatePipelineChoices(choices); // fails here, before any work, on a misspelt name
      const results = await runPipeline({
        data: o.data,
        out: o.out,
        seed: o.seed,
        workers: o.workers,
        augment: o.augment as AugmentPreset,
        recipe: o.recipe as TrainingRecipeName,
        protocols: choices.protocols as ProtocolName[],
        models: choices.models as ModelName[],
        epochs: o.epochs,
        patience: o.patience,
        members: o.members,
        channels: choices.channels,
        threads: o.threads,
        validateBy: o.validation as ValidationBy,
        heldOut: o.heldOut ? list(o.heldOut) : undefined,
        speakerFolds: o.speakerFolds,
        synthActors: o.actors,
        backend: o.backend,
        cnnArch: o.cnnArch as PaperVectorArch,
        utteranceNorm: utteranceNorm as UtteranceNormMode,
        csv: o.csv,
        report: o.report,
        quiet: o.quiet,
        // --json keeps stdout for the summary: the tables go to stderr.
        ...(o.json ? { print: (text: string) => void process.stderr.write(`${text}\n`) } : {}),
      });
      // Unreadable corpus files or report figures were left out (listed on stderr): results written, exit code 2.
      if (results.corpus.skipped.length || results.display?.omitted.length) setExitCode(EXIT_PARTIAL);
      if (o.json) {
        const { resolve, join } = await import('node:path');
        printJson('pipeline', {
          out: resolve(o.out),
          results: join(resolve(o.out), 'results.json'),
          report: o.report === false ? null : join(resolve(o.out), 'report.html'),
          recipe: results.trainingRecipe ?? o.recipe,
          seed: results.seed,
          classes: results.classes,
          corpus: { dir: results.corpus.dir, synthetic: results.corpus.synthetic, files: results.corpus.files, skipped: results.corpus.skipped.length },
          rows: results.extraction.rows,
          protocols: Object.fromEntries(Object.entries(results.protocols).map(([name, p]) => [name, {
            trainRows: p!.trainRows,
            testRows: p!.testRows,
            folds: p!.folds?.length ?? null,
            models: Object.fromEntries(Object.entries(p!.models).map(([model, m]) => [model, {
              testAccuracy: m!.testAccuracy, balancedAccuracy: m!.balancedAccuracy, macroF1: m!.macro.f1, trainAccuracy: m!.trainAccuracy,
              ...(p!.foldSummary?.[model as ModelName] ? { folds: p!.foldSummary[model as ModelName] } : {}),
            }])),
          }])),
        });
      }
    });
}
