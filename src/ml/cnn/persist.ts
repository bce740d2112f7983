/**
 * Saves and loads a tfjs layers model as a directory holding the standard
 * tfjs "layers-model" files — model.json (topology, training config and a
 * weights manifest) plus one weights.bin — so the same directory can be served
 * to a browser and opened with tf.loadLayersModel('<url>/model.json').
 *
 * tfjs' own 'file://' handler exists only in tfjs-node (absent here), so
 * saving goes through a small IOHandler that writes those two files, and
 * loading reads them back into tf.io.fromMemory.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CnnError } from './model.js';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';

function joinWeightData(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data;
}

function directoryWriter(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new CnnError('saveCnn: binary model topologies (graph models) are not supported');
      }
      const weights = artifacts.weightData ? joinWeightData(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        trainingConfig: artifacts.trainingConfig,
        weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: artifacts.weightSpecs ?? [] }],
      };
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
      await writeFile(join(dir, MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights }) };
    },
  };
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

/** Writes `model` to `dir` (created if needed) as model.json + weights.bin. */
export async function saveCnn(model: tf.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  return model.save(directoryWriter(dir));
}

/** Loads a model saved by {@link saveCnn} (or any single-shard tfjs layers model directory). */
export async function loadCnn(dir: string): Promise<tf.LayersModel> {
  let json: {
    modelTopology?: object;
    trainingConfig?: tf.io.TrainingConfig;
    weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
    format?: string;
    generatedBy?: string;
    convertedBy?: string | null;
  };
  const modelPath = join(dir, MODEL_FILE);
  try {
    json = JSON.parse(await readFile(modelPath, 'utf8'));
  } catch (e) {
    throw new CnnError(`loadCnn: cannot read ${modelPath}: ${(e as Error).message}`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new CnnError(`loadCnn: ${modelPath} is not a tfjs layers model (no modelTopology / weightsManifest)`);
  }
  // Shards are concatenated in manifest order, which is how tfjs lays out weightSpecs.
  const specs: tf.io.WeightsManifestEntry[] = [];
  const shards: ArrayBuffer[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const bytes = await readFile(join(dir, p)).catch((e: Error) => {
        throw new CnnError(`loadCnn: cannot read weights shard ${join(dir, p)}: ${e.message}`);
      });
      shards.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    }
  }
  const weightData = tf.io.concatenateArrayBuffers(shards);
  const expected = expectedWeightBytes(specs);
  if (expected !== null && expected !== weightData.byteLength) {
    throw new CnnError(`loadCnn: weights in ${dir} hold ${weightData.byteLength} bytes but model.json describes ${expected}`);
  }
  return tf.loadLayersModel(
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
}
