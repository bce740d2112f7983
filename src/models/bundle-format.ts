/**
 * bundle.json, format 'ser-wasm-model/2': everything needed to turn a WAV file
 * into class probabilities with any model kind, validated field by field on
 * load (an error names the file and the field, never a silently wrong model).
 *
 *   {
 *     format: 'ser-wasm-model/2',
 *     spec:          the ModelSpec (model-spec.ts) — architecture and training options,
 *     classes:       label names, in output order,
 *     recipe:        the feature recipe (features/feature-recipe.ts),
 *     preprocessing: { dim, steps[] } (preprocess.ts), null for ensembles,
 *     classifier:    kind-specific: { tree } | { k, rows, file, labels } | { model: 'model.json' } | { members: [folders] },
 *     seed, createdAt, tool: { name, version }, trainedOn, training[]
 *   }
 *
 * Bundles of format 'ser-wasm-model/1' (paper CNN + scaler, written before this
 * interface) still load, as a 'cnn' model of arch 'paper'. Browser-safe: files
 * come through a BundleReader (bundle.ts reads the disk, browser/ uses fetch).
 */
import { parseFeatureRecipe, type FeatureRecipe } from '../features/feature-recipe.js';
import type { StandardScalerJSON } from '../ml/scaler.js';
import type { WasmCore } from '../wasm/core.js';
import { TOOL_VERSION } from '../version.js';
import { BundleError, type BundleFiles, type BundleReader } from './bundle-files.js';
import { KnnModel, TreeModel } from './classical-models.js';
import type { EmotionModel, ModelMeta, TrainedOn, TrainingSummary } from './emotion-model.js';
import { EnsembleModel, memberFolder } from './ensemble-model.js';
import { PAPER_CNN_SPEC, validateModelSpec, type ModelSpec } from './model-spec.js';
import { NetworkModel } from './network-model.js';
import { Preprocessor } from './preprocess.js';

export const BUNDLE_FILE = 'bundle.json';
export const BUNDLE_FORMAT = 'ser-wasm-model/2';
const LEGACY_FORMAT = 'ser-wasm-model/1';

export interface BundleJson {
  format: typeof BUNDLE_FORMAT;
  spec: ModelSpec;
  classes: string[];
  recipe: FeatureRecipe;
  preprocessing: { dim: number; steps: unknown[] } | null;
  classifier: Record<string, unknown>;
  seed: number;
  createdAt: string;
  tool: { name: 'ser-wasm'; version: string };
  trainedOn: TrainedOn;
  training: TrainingSummary[];
}

/** bundle.json and every file of `model` (members in their own folders). */
export async function bundleFilesOf(model: EmotionModel): Promise<BundleFiles> {
  const { classifier, preprocessing, files } = await model.toBundle();
  const json: BundleJson = {
    format: BUNDLE_FORMAT,
    ...model.meta,
    preprocessing: preprocessing as BundleJson['preprocessing'],
    classifier,
    tool: { name: 'ser-wasm', version: TOOL_VERSION },
    training: model.training,
  };
  const out: BundleFiles = { ...files, [BUNDLE_FILE]: JSON.stringify(json) };
  if (model instanceof EnsembleModel) {
    for (const [i, m] of model.members.entries()) out[memberFolder(i)] = await bundleFilesOf(m);
  }
  return out;
}

/** Reads and validates a bundle (any kind, any format version) through `reader`. */
export async function loadModelFrom(reader: BundleReader, opts: { core?: WasmCore } = {}): Promise<EmotionModel> {
  const where = `${reader.where}/${BUNDLE_FILE}`;
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(await reader.text(BUNDLE_FILE));
  } catch (e) {
    throw new BundleError(`${reader.where}: not a ser-wasm model folder (${BUNDLE_FILE}: ${(e as Error).message})`, { cause: e });
  }
  if (!raw || typeof raw !== 'object') throw new BundleError(`${where}: not a JSON object`);
  if (raw.format === LEGACY_FORMAT) return loadLegacy(raw, reader, where);
  if (raw.format !== BUNDLE_FORMAT) throw new BundleError(`${where}: unsupported format ${JSON.stringify(raw.format)} (expected ${BUNDLE_FORMAT})`);

  const spec = wrap(() => validateModelSpec(raw.spec, 'spec'), where);
  const meta = parseMeta(raw, spec, where);
  const training = Array.isArray(raw.training) ? (raw.training as TrainingSummary[]) : [];
  const classifier = (raw.classifier ?? {}) as Record<string, unknown>;
  if (typeof classifier !== 'object') throw new BundleError(`${where}: classifier must be an object`);

  if (spec.kind === 'ensemble') {
    const folders = classifier.members;
    if (!Array.isArray(folders) || folders.length !== spec.members) {
      throw new BundleError(`${where}: classifier.members must list ${spec.members} member folders`);
    }
    const members: EmotionModel[] = [];
    try {
      for (const folder of folders) members.push(await loadModelFrom(reader.child(String(folder)), opts));
      return new EnsembleModel(meta, members);
    } catch (e) {
      for (const m of members) m.dispose();
      throw e instanceof BundleError ? e : new BundleError(`${where}: ${(e as Error).message}`, { cause: e });
    }
  }

  const pre = wrap(() => Preprocessor.fromJSON(raw.preprocessing as { dim: number; steps: never[] }, 'preprocessing'), where);
  if (pre.dim !== meta.recipe.vectorLength) {
    throw new BundleError(`${where}: preprocessing takes rows of ${pre.dim} values but the recipe makes ${meta.recipe.vectorLength}`);
  }
  switch (spec.kind) {
    case 'dt':
      return TreeModel.fromBundle(meta, training, pre, classifier, where);
    case 'knn':
      return KnnModel.fromBundle(meta, training, pre, classifier, reader, opts.core);
    case 'cnn':
      return NetworkModel.fromBundle(meta, training, pre, classifier, reader);
  }
}

function wrap<T>(f: () => T, where: string): T {
  try {
    return f();
  } catch (e) {
    throw new BundleError(`${where}: ${(e as Error).message}`, { cause: e });
  }
}

function parseMeta(raw: Record<string, unknown>, spec: ModelSpec, where: string): ModelMeta {
  const classes = raw.classes;
  if (!Array.isArray(classes) || classes.length < 2 || classes.some((c) => typeof c !== 'string' || c === '') || new Set(classes).size !== classes.length) {
    throw new BundleError(`${where}: classes must be at least 2 distinct non-empty names`);
  }
  const recipe = wrap(() => parseFeatureRecipe(raw.recipe, 'recipe'), where);
  const seed = raw.seed;
  if (!Number.isInteger(seed)) throw new BundleError(`${where}: seed must be an integer`);
  const trainedOn = (raw.trainedOn ?? { corpus: '', rows: 0, speakers: [], versions: [] }) as TrainedOn;
  return { spec, classes: classes as string[], recipe, seed: seed as number, trainedOn, createdAt: String(raw.createdAt ?? '') };
}

/** 'ser-wasm-model/1': the paper CNN with its scaler (bundles written before the model interface). */
async function loadLegacy(raw: Record<string, unknown>, reader: BundleReader, where: string): Promise<EmotionModel> {
  const meta = parseMeta({ ...raw, seed: Number.isInteger(raw.seed) ? raw.seed : 0 }, PAPER_CNN_SPEC, where);
  const scaler = raw.scaler as StandardScalerJSON;
  const pre = wrap(() => Preprocessor.fromJSON({ dim: meta.recipe.vectorLength, steps: [{ op: 'standardize', scaler }] }, 'scaler'), where);
  const t = (raw.training ?? {}) as { epochs?: number; bestEpoch?: number };
  const training: TrainingSummary[] = [
    { validationSpeakers: [], validationMode: 'recordings', fitRows: 0, validationRows: 0, seconds: 0, epochs: t.epochs, bestEpoch: t.bestEpoch },
  ];
  return NetworkModel.fromBundle(meta, training, pre, {}, reader);
}
