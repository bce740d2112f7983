import { mkdir } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-write.js';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCorpus } from '../corpus/index.js';
import { augmentPreset, extractCorpus, type AugmentPreset } from '../extract/extract-corpus.js';
import { writeFeatureTableBinary, type FeatureTable } from '../extract/feature-table.js';
import { writeFeatureTableCsv } from '../extract/csv-table.js';
import { clipSplit, paperSplit, speakerFolds, speakerSplit, type Gender, type Split } from '../ml/split.js';
import { initBackend } from '../ml/cnn/backend.js';
import type { UtteranceNormMode } from '../features/utterance-norm.js';
import { describeRecipe } from '../features/feature-recipe.js';
import { trainingData } from '../models/corpus-features.js';
import type { ModelSpec, PaperVectorArch } from '../models/model-spec.js';
import { trainingRecipe, type TrainingRecipeName } from '../models/training-recipes.js';
import { TOOL_VERSION } from '../version.js';
import { writeSynthCorpus } from '../synth/corpus-writer.js';
import { loadWasmCore } from '../wasm/load-node.js';
import { createWasmAugmentBackend } from '../wasm/augment.js';
import { createWasmDsp } from '../wasm/dsp.js';
import { resample } from '../wasm/resample.js';
import { computeDisplayData, displayInputsFromTable, writeDisplayData } from './display-data.js';
import { evaluateProtocol, poolFolds } from './evaluate-protocol.js';
import { PAPER_ACCURACY, type ModelName, type PipelineResults, type ProtocolName } from './results.js';
import { validatePipelineChoices } from './choices.js';
import { formatModelReport, formatTable4 } from './table.js';
import type { ValidationBy } from '../ml/validation-speakers.js';

export interface PipelineOptions {
  /** Corpus folder; absent → a synthetic corpus is generated into <out>/synth-corpus. */
  data?: string;
  out: string;
  seed?: number;
  workers?: number;
  augment?: AugmentPreset;
  protocols?: ProtocolName[];
  models?: ModelName[];
  /** Synthetic corpus size when no data is given. */
  synthActors?: number;
  /** Networks: maximum epochs (paper 50), early-stopping patience, ensemble size (default: the recipe's). */
  epochs?: number;
  patience?: number;
  members?: number;
  /** Ensembles: members trained at once on worker threads (default: available cores). */
  threads?: number;
  /** Networks' early-stopping validation: held-out speakers (default) or held-out recordings. */
  validateBy?: ValidationBy;
  /** Speaker protocol: explicit held-out actors (default: one male + one female drawn with the seed). */
  heldOut?: string[];
  /** Speaker protocol: evaluate every fold of `speakersPerFold` held-out actors instead of one held-out pair. */
  speakerFolds?: boolean;
  /** Sequence recipes: per-frame channels instead of the recipe's (e.g. without pitch, to measure it). */
  channels?: string[];
  /** Named training recipe: 'paper' (default: the Table 4 reproduction) or 'best' (models/training-recipes.ts). */
  recipe?: TrainingRecipeName;
  /** Paper recipe only — CNN architecture: 'paper' (default, Table 2) or 'frames' (time convolution over [frames, 22] rows). */
  cnnArch?: PaperVectorArch;
  /** Paper recipe only — per-clip MFCC normalisation in every model's preprocessing: 'off' (default), 'mean' (CMN) or 'meanvar' (CMVN). */
  utteranceNorm?: UtteranceNormMode;
  csv?: boolean;
  report?: boolean;
  quiet?: boolean;
  backend?: 'node' | 'wasm' | 'cpu';
  /** Progress lines (default: written to stderr). */
  log?: (line: string) => void;
  /** Where the tables go (default stdout). */
  print?: (text: string) => void;
}

/**
 * `ser pipeline`: corpus (or synthesis) → extraction on the worker pool →
 * every protocol × model → results.json, console tables and the HTML report.
 */
export async function runPipeline(opts: PipelineOptions): Promise<PipelineResults> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  // Every name is checked before any work starts (a typo must not cost a whole extraction).
  const { recipe, models, protocols } = validatePipelineChoices(opts);
  const out = resolve(opts.out);
  const seed = opts.seed ?? 42;
  await mkdir(out, { recursive: true });

  let dataDir = opts.data ? resolve(opts.data) : '';
  const synthetic = !opts.data;
  if (synthetic) {
    dataDir = join(out, 'synth-corpus');
    const actors = opts.synthActors ?? 8;
    log(`no --data given: synthesising a ${actors}-actor corpus in RAVDESS layout into ${dataDir} (seed ${seed})`);
    const summary = writeSynthCorpus({ out: dataDir, actors, seed });
    log(`synthesised ${summary.files} files (${summary.seconds.toFixed(0)} s of audio at ${summary.sampleRate} Hz)`);
  }

  const corpus = loadCorpus(dataDir);
  log(`corpus ${dataDir}: ${corpus.items.length} files, layout ${corpus.layout}, classes ${corpus.classes.join(', ')}` +
    (corpus.skipped.length ? `, ${corpus.skipped.length} skipped` : ''));
  const augment = opts.augment ?? 'paper';
  const preset = augmentPreset(augment);
  const versions = augment === 'none' ? preset.versions : recipe.versions;
  const { table: extracted, run } = await extractCorpus(corpus, dataDir, {
    workers: opts.workers,
    augment,
    versions,
    seed,
    cacheDir: join(out, 'cache'),
    quiet: opts.quiet,
    recipe: recipe.features,
  });
  const table = extracted;
  log(`extracted ${table.rows} rows × ${table.dim} from ${run.stats.ok} files in ${run.stats.seconds.toFixed(1)} s ` +
    `(${run.stats.filesPerSecond.toFixed(1)} files/s, ${run.stats.workers} workers, ${run.stats.cacheHits} cached` +
    `${run.stats.cacheRecomputed ? `, ${run.stats.cacheRecomputed} damaged cache entries recomputed` : ''})`);
  for (const s of table.meta.skipped) log(`skipped ${s.path}: [${s.code}] ${s.reason}`);
  if (table.rows === 0) throw new Error(`no file of ${dataDir} could be read: nothing to evaluate`);
  log(`recipe '${recipe.name}': ${describeRecipe(recipe.features)}; models ${models.map(([n, spec]) => `${n} = ${specLabel(spec)}`).join(', ')}`);
  await writeFeatureTableBinary(extracted, join(out, 'features'));
  if (opts.csv) await writeFeatureTableCsv(extracted, join(out, 'features.csv'));

  const needsTf = models.some(([, spec]) => spec.kind === 'cnn' || spec.kind === 'ensemble');
  const backend = needsTf ? await initBackend(opts.backend) : undefined;
  if (backend) log(`tfjs backend: ${backend.name} (${backend.detail})`);
  const core = await loadWasmCore();
  // The report's example and augmentation figures, from the audio while the corpus is here.
  const shown = displayInputsFromTable(table, dataDir, preset.params);
  const display = await computeDisplayData(shown, {
    name: 'WASM',
    dsp: await createWasmDsp(core),
    augment: createWasmAugmentBackend(core),
    resampler: (y, srIn, srOut) => resample(core, y, srIn, srOut),
  });
  for (const note of display.omitted) log(`report: ${note}`);
  const results: PipelineResults = {
    tool: 'ser-wasm',
    version: TOOL_VERSION,
    createdAt: new Date().toISOString(),
    seed,
    classes: table.classes,
    corpus: {
      dir: dataDir,
      layout: corpus.layout,
      synthetic,
      files: corpus.items.length,
      skipped: table.meta.skipped.map((s) => ({ path: s.path, reason: `[${s.code}] ${s.reason}` })),
      classCounts: classCounts(table),
      speakers: [...new Set(table.speaker)].sort(),
    },
    recipe: table.meta.recipe,
    options: { cnnArch: opts.cnnArch ?? 'paper', utteranceNorm: opts.utteranceNorm ?? 'off', validation: opts.validateBy ?? 'speakers' },
    trainingRecipe: recipe.name,
    modelSpecs: Object.fromEntries(models),
    augmentation: { preset: augment, versions, params: preset.params },
    extraction: { ...run.stats, cacheHits: run.stats.cacheHits, rows: table.rows, dim: table.dim },
    protocols: {},
    paper: PAPER_ACCURACY,
    examples: Object.fromEntries(shown.examples.map((e) => [e.emotion, e.path])),
    display: await writeDisplayData(out, display.data, display.omitted),
  };

  const genderOf = genderLookup(table);
  const data = trainingData(table);
  const evaluateOpts = { models, seed, core, recipeName: recipe.name, log, threads: opts.threads ?? availableParallelism(), validateBy: opts.validateBy };
  for (const protocol of protocols) {
    if (protocol === 'speaker' && opts.speakerFolds) {
      const folds = speakerFolds(table, { seed, gender: genderOf });
      log(`[speaker] ${folds.length} folds: ${folds.map((f) => f.heldOutSpeakers!.join('+')).join(', ')}`);
      const perFold = [];
      for (const [k, split] of folds.entries()) {
        log(`[speaker] fold ${k + 1}/${folds.length}: held out ${split.heldOutSpeakers!.join(', ')}`);
        const fold = await evaluateProtocol(data, split, evaluateOpts);
        perFold.push(fold);
        log(`[speaker] fold ${k + 1}/${folds.length}: ` + Object.entries(fold.models)
          .map(([m, r]) => `${m} accuracy ${(100 * r!.testAccuracy).toFixed(1)} % (UAR ${(100 * r!.balancedAccuracy).toFixed(1)} %)`).join(', '));
      }
      results.protocols.speaker = poolFolds(perFold, table.classes);
      continue;
    }
    const split = makeSplit(protocol, table, seed, genderOf, opts.heldOut);
    log(`[${protocol}] ${split.train.length} training rows, ${split.test.length} test rows` +
      (split.heldOutSpeakers ? `, held-out speakers ${split.heldOutSpeakers.join(', ')}` : ''));
    results.protocols[protocol] = await evaluateProtocol(data, split, evaluateOpts);
  }

  await writeFileAtomic(join(out, 'results.json'), JSON.stringify(results, null, 1));
  const print = opts.print ?? ((s: string): void => void process.stdout.write(`${s}\n`));
  for (const [name, p] of Object.entries(results.protocols)) {
    for (const [model, m] of Object.entries(p!.models)) {
      print(`\n=== ${name} protocol — ${model} (train ${(100 * m!.trainAccuracy).toFixed(1)} %, test ${(100 * m!.testAccuracy).toFixed(1)} %) ===`);
      print(formatModelReport(m!, results.classes));
    }
  }
  print(`\nTest accuracy (the paper's Table 4, seed ${seed}, ${results.corpus.synthetic ? 'synthetic corpus' : dataDir}):`);
  print(formatTable4(results));
  log(`results: ${join(out, 'results.json')}`);
  if (opts.report !== false) {
    // A report that cannot be written fails the run (results.json is complete: `ser report` can retry).
    const { writeReport } = await import('../report/index.js');
    const { html } = await writeReport(out);
    log(`report: ${html}`);
  }
  return results;
}

function makeSplit(protocol: ProtocolName, table: FeatureTable, seed: number, gender: (s: string) => Gender | undefined, heldOut?: string[]): Split {
  switch (protocol) {
    case 'paper':
      return paperSplit(table, { seed });
    case 'clip':
      return clipSplit(table, { seed });
    case 'speaker':
      return speakerSplit(table, { seed, gender, ...(heldOut ? { heldOut } : {}) });
  }
}

function genderLookup(table: FeatureTable): (speaker: string) => Gender | undefined {
  const map = new Map<string, Gender>();
  table.speaker.forEach((s, i) => {
    const g = table.gender[i];
    if (g === 'male' || g === 'female') map.set(s, g);
  });
  return (s) => map.get(s);
}

function classCounts(table: FeatureTable): Record<string, Record<string, number>> {
  const counts: Record<string, Record<string, number>> = {};
  for (const c of table.classes) counts[c] = {};
  for (let i = 0; i < table.rows; i++) {
    if (table.version[i] !== 'original') continue;
    const cls = counts[table.classes[table.y[i]!]!]!;
    const g = table.gender[i] || 'unknown';
    cls[g] = (cls[g] ?? 0) + 1;
  }
  return counts;
}

function specLabel(spec: ModelSpec): string {
  if (spec.kind === 'ensemble') return `${spec.members} × ${specLabel(spec.member)}`;
  if (spec.kind === 'cnn') return `cnn(${spec.arch}${spec.utteranceNorm !== 'off' ? `, utterance-norm ${spec.utteranceNorm}` : ''})`;
  return spec.utteranceNorm && spec.utteranceNorm !== 'off' ? `${spec.kind}(utterance-norm ${spec.utteranceNorm})` : spec.kind;
}
