/**
 * Saves and loads a bare tfjs layers model as a folder with the standard
 * "layers-model" files — model.json (topology, training config, weights
 * manifest) plus one weights.bin — the form tf.loadLayersModel('<url>/model.json')
 * reads in a browser. The file handling is the model bundles' (models/bundle-files.ts:
 * names confined to the folder, weight bytes checked against the manifest, weights
 * checked finite); this module only adds the disk (tfjs' own 'file://' handler
 * exists only in tfjs-node, which is not installed here).
 */
import type * as tf from '../tfjs.js';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layersModelFiles, loadLayersModelFrom, MODEL_FILE, WEIGHTS_FILE } from '../../models/bundle-files.js';
import { directoryReader } from '../../models/bundle.js';
import { writeFileAtomic } from '../../util/atomic-write.js';

export { MODEL_FILE, WEIGHTS_FILE };

/** Writes `model` to `dir` (created if needed) as model.json + weights.bin (weights first, so model.json never names missing bytes). */
export async function saveCnn(model: tf.LayersModel, dir: string): Promise<void> {
  const files = await layersModelFiles(model);
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, WEIGHTS_FILE), files[WEIGHTS_FILE]);
  await writeFileAtomic(join(dir, MODEL_FILE), files[MODEL_FILE]);
}

/** Loads a model saved by {@link saveCnn} (or any tfjs layers model folder whose shards sit beside model.json). */
export async function loadCnn(dir: string): Promise<tf.LayersModel> {
  return loadLayersModelFrom(directoryReader(dir));
}
