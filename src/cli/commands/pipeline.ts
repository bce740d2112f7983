import { Option, type Command } from 'commander';
import type { AugmentPreset } from '../../extract/extract-corpus.js';
import { runPipeline } from '../../pipeline/run-pipeline.js';
import type { ModelName, ProtocolName } from '../../pipeline/results.js';
import { parseIntOption } from '../options.js';
import { CNN_ARCHS, type CnnArch } from '../../ml/cnn/frames-model.js';
import { UTTERANCE_NORM_MODES, type UtteranceNormMode } from '../../features/utterance-norm.js';

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

export function registerPipeline(program: Command): void {
  program
    .command('pipeline')
    .description('Corpus (or a synthetic one) → features → every protocol × DT/KNN/CNN → results.json, tables and report.html')
    .option('--data <dir>', 'corpus folder (e.g. a RAVDESS download); default: synthesise one')
    .option('--out <dir>', 'output folder', 'out/pipeline')
    .option('--seed <n>', 'seed for every random choice', parseIntOption, 42)
    .option('--workers <n>', 'extraction worker threads (default: available cores)', parseIntOption)
    .option('--augment <preset>', 'paper | notebook | none', 'paper')
    .option('--protocols <list>', 'comma-separated: paper,clip,speaker', 'paper,clip,speaker')
    .option('--models <list>', 'comma-separated: dt,knn,cnn', 'dt,knn,cnn')
    .option('--epochs <n>', 'CNN maximum epochs (paper: 50)', parseIntOption, 50)
    .option('--patience <n>', 'CNN early-stopping patience on validation loss', parseIntOption)
    .option('--held-out <actors>', 'speaker protocol: comma-separated held-out speakers (e.g. Actor_01,Actor_02)')
    .option('--speaker-folds', 'speaker protocol: cross-validate over folds of 2 held-out actors (one male, one female) instead of one held-out pair')
    .option('--actors <n>', 'synthetic corpus: number of actors', parseIntOption, 8)
    .addOption(
      new Option('--cnn-arch <arch>', 'CNN: paper (Table 2, over the flat vector) or frames (time convolution over [frames, ZCR+RMS+MFCCs])')
        .choices(CNN_ARCHS)
        .default('paper'),
    )
    .addOption(
      new Option('--utterance-norm [mode]', 'per-clip MFCC normalisation over the real frames, before split and scaler: mean (CMN) | meanvar (CMVN) | off')
        .choices(UTTERANCE_NORM_MODES)
        .preset('mean')
        .default('off'),
    )
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu (default: best available)')
    .option('--csv', 'also write features.csv')
    .option('--no-report', 'skip report.html')
    .option('--quiet', 'no progress bars')
    .action(async (o) => {
      await runPipeline({
        data: o.data,
        out: o.out,
        seed: o.seed,
        workers: o.workers,
        augment: o.augment as AugmentPreset,
        protocols: list(o.protocols) as ProtocolName[],
        models: list(o.models) as ModelName[],
        epochs: o.epochs,
        patience: o.patience,
        heldOut: o.heldOut ? list(o.heldOut) : undefined,
        speakerFolds: o.speakerFolds,
        synthActors: o.actors,
        backend: o.backend,
        cnnArch: o.cnnArch as CnnArch,
        utteranceNorm: o.utteranceNorm as UtteranceNormMode,
        csv: o.csv,
        report: o.report,
        quiet: o.quiet,
      });
    });
}
