/**
 * The file layer of model bundles, shared by Node (files on disk) and the
 * browser (HTTP): a bundle is a folder of named files, read through a
 * {@link BundleReader} and written as a {@link BundleFiles} map.
 *
 * A name inside a bundle is one plain path segment ([A-Za-z0-9._-], not '.'
 * or '..'), so neither a crafted bundle.json nor a tfjs weights manifest can
 * point outside its folder; sub-bundles (ensemble members) are folders with
 * such names. The tfjs part (model.json + weights.bin) is the standard
 * "layers-model" format that tf.loadLayersModel reads from a URL.
 */
import * as tf from '../ml/tfjs.js';
import { CnnError } from '../ml/cnn/model.js';

/** Files of a bundle, by name; a nested map is a sub-folder (an ensemble member). */
export interface BundleFiles {
  [name: string]: string | Uint8Array | BundleFiles;
}

export interface BundleReader {
  /** Folder path or URL, for messages. */
  readonly where: string;
  /** Contents of the file `name` (one plain path segment) as UTF-8 text. */
  text(name: string): Promise<string>;
  /** Contents of the file `name` as bytes. */
  bytes(name: string): Promise<Uint8Array>;
  /** A reader of the sub-folder `name` (an ensemble member's bundle). */
  child(name: string): BundleReader;
}

export class BundleError extends Error {
  override readonly name = 'BundleError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

/** Throws unless `name` is one plain segment that stays inside its folder. */
export function assertBundleName(name: string, where: string): void {
  if (typeof name !== 'string' || !PLAIN_NAME.test(name) || name === '.' || name === '..') {
    throw new BundleError(`${where}: '${String(name)}' is not a file name inside the model folder`);
  }
}

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

function joinWeightData(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

/** model.json + weights.bin of a tfjs layers model (topology, training config, one weights shard). */
export async function layersModelFiles(model: tf.LayersModel): Promise<{ [MODEL_FILE]: string; [WEIGHTS_FILE]: Uint8Array }> {
  let files: { [MODEL_FILE]: string; [WEIGHTS_FILE]: Uint8Array } | undefined;
  await model.save({
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new CnnError('binary model topologies (graph models) are not supported');
      const weights = artifacts.weightData ? joinWeightData(artifacts.weightData) : new ArrayBuffer(0);
      files = {
        [MODEL_FILE]: JSON.stringify({
          format: artifacts.format ?? 'layers-model',
          generatedBy: artifacts.generatedBy,
          convertedBy: artifacts.convertedBy ?? null,
          modelTopology: artifacts.modelTopology,
          trainingConfig: artifacts.trainingConfig,
          weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
        }),
        [WEIGHTS_FILE]: new Uint8Array(weights),
      };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights }) };
    },
  });
  return files!;
}

/** Bytes the manifest's tensors occupy, or null when it cannot be known here (quantised or string weights). */
function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number | null {
  let total = 0;
  for (const s of specs) {
    const bytesPer = { float32: 4, int32: 4, bool: 1 }[s.dtype as string];
    if (s.quantization || bytesPer === undefined) return null;
    total += s.shape.reduce((a, b) => a * b, 1) * bytesPer;
  }
  return total;
}

/**
 * Loads a tfjs layers model from `reader` (model.json and the shards its manifest
 * names, each confined to the folder), checks the weight bytes against the manifest
 * and that every weight is finite: a damaged file is an error, never a model that
 * answers NaN.
 */
export async function loadLayersModelFrom(reader: BundleReader, modelFile = MODEL_FILE): Promise<tf.LayersModel> {
  assertBundleName(modelFile, reader.where);
  const where = `${reader.where}/${modelFile}`;
  let json: {
    modelTopology?: object;
    trainingConfig?: tf.io.TrainingConfig;
    weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
  };
  try {
    json = JSON.parse(await reader.text(modelFile));
  } catch (e) {
    throw new BundleError(`${where}: cannot read the tfjs model (${(e as Error).message})`, { cause: e });
  }
  if (!json || typeof json.modelTopology !== 'object' || !Array.isArray(json.weightsManifest)) {
    throw new BundleError(`${where}: not a tfjs layers model (no modelTopology / weightsManifest)`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const shards: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    if (!group || !Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new BundleError(`${where}: malformed weightsManifest`);
    specs.push(...group.weights);
    for (const p of group.paths) {
      const name = String(p).replace(/^\.\//, '');
      assertBundleName(name, `${where} weightsManifest`);
      const bytes = await reader.bytes(name).catch((e: Error) => {
        throw new BundleError(`${reader.where}/${name}: cannot read weights (${e.message})`, { cause: e });
      });
      shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  const weightData = tf.io.concatenateArrayBuffers(shards);
  const expected = expectedWeightBytes(specs);
  if (expected !== null && expected !== weightData.byteLength) {
    throw new BundleError(`${reader.where}: weights hold ${weightData.byteLength} bytes but ${modelFile} describes ${expected}`);
  }
  // A library caller may load a bundle before choosing a backend (the CLI calls initBackend first):
  // tf.ready() initialises the best registered backend, falling back to the next one if it fails,
  // instead of tfjs refusing to build layers on a backend that is registered but not initialised.
  await tf.ready();
  let model: tf.LayersModel;
  try {
    model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: specs,
        weightData,
        trainingConfig: json.trainingConfig,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy ?? undefined,
      }),
    );
  } catch (e) {
    throw new BundleError(`${where}: tfjs could not build the model (${(e as Error).message})`, { cause: e });
  }
  const bad = model.weights.find((w) => !tf.tidy(() => tf.all(tf.isFinite(w.read())).dataSync()[0]));
  if (bad) {
    model.dispose();
    throw new BundleError(`${reader.where}: weight '${bad.originalName}' holds NaN or infinite values (damaged weights file?)`);
  }
  probeForward(model, where);
  return model;
}

/**
 * Runs the network once on a zero row. A topology can build and still fail only when it runs
 * (a stride or dilation of 0, an input dtype tfjs cannot feed: found by the fuzz runner), so
 * the failure belongs to loading, with the file named, not to the first prediction.
 */
function probeForward(model: tf.LayersModel, where: string): void {
  try {
    const shape = model.inputs[0]!.shape.map((d, i) => (i === 0 ? 1 : d));
    if (shape.some((d) => d === null || !Number.isInteger(d) || d <= 0)) throw new Error(`input shape [${model.inputs[0]!.shape.join(', ')}] is not fixed`);
    tf.tidy(() => {
      const out = model.predict(tf.zeros(shape as number[]));
      for (const t of Array.isArray(out) ? out : [out]) t.dataSync();
    });
  } catch (e) {
    model.dispose();
    throw new BundleError(`${where}: the model cannot run (${(e as Error).message})`, { cause: e });
  }
}

/** A BundleReader over files already in memory (e.g. a bundle trained on a worker thread). */
export function memoryReader(files: BundleFiles, where = '<memory>'): BundleReader {
  const get = (name: string): string | Uint8Array | BundleFiles => {
    assertBundleName(name, where);
    const f = files[name];
    if (f === undefined) throw new BundleError(`${where}/${name}: missing`);
    return f;
  };
  return {
    where,
    text: async (name) => {
      const f = get(name);
      if (typeof f === 'string') return f;
      if (f instanceof Uint8Array) return new TextDecoder().decode(f);
      throw new BundleError(`${where}/${name}: is a folder`);
    },
    bytes: async (name) => {
      const f = get(name);
      if (typeof f === 'string') return new TextEncoder().encode(f);
      if (f instanceof Uint8Array) return f;
      throw new BundleError(`${where}/${name}: is a folder`);
    },
    child: (name) => {
      const f = get(name);
      if (typeof f === 'string' || f instanceof Uint8Array) throw new BundleError(`${where}/${name}: not a folder`);
      return memoryReader(f, `${where}/${name}`);
    },
  };
}
