import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import type { FeatureRecipe } from '../features/recipe.js';
import { StandardScaler, type StandardScalerJSON } from '../ml/scaler.js';
import { loadCnn, saveCnn } from '../ml/cnn/persist.js';

/**
 * A trained model directory: everything prediction needs and nothing else.
 *   model.json + weights.bin  — the tfjs layers model (loads in Node and browsers)
 *   bundle.json               — classes (label map), feature recipe, fitted scaler, provenance
 */
export const BUNDLE_FILE = 'bundle.json';
export const BUNDLE_FORMAT = 'ser-wasm-model/1';

export interface BundleInfo {
  format: typeof BUNDLE_FORMAT;
  classes: string[];
  recipe: FeatureRecipe;
  scaler: StandardScalerJSON;
  seed: number;
  createdAt: string;
  backend: string;
  trainedOn: { corpus: string; rows: number; speakers: string[]; versions: string[] };
  training: { epochs: number; bestEpoch: number; finalValAcc: number | null };
}

export interface ModelBundle {
  info: BundleInfo;
  model: tf.LayersModel;
  scaler: StandardScaler;
}

export async function saveBundle(dir: string, model: tf.LayersModel, info: BundleInfo): Promise<void> {
  await mkdir(dir, { recursive: true });
  await saveCnn(model, dir);
  await writeFile(join(dir, BUNDLE_FILE), JSON.stringify(info));
}

export async function loadBundle(dir: string): Promise<ModelBundle> {
  let info: BundleInfo;
  try {
    info = JSON.parse(await readFile(join(dir, BUNDLE_FILE), 'utf8'));
  } catch (err) {
    throw new Error(`${dir}: not a ser-wasm model directory (${BUNDLE_FILE}: ${(err as Error).message})`);
  }
  if (info.format !== BUNDLE_FORMAT) throw new Error(`${dir}/${BUNDLE_FILE}: unsupported format ${String(info.format)} (expected ${BUNDLE_FORMAT})`);
  return { info, model: await loadCnn(dir), scaler: StandardScaler.fromJSON(info.scaler) };
}
