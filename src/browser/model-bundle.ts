/**
 * Loads a model directory written by `ser train` (src/models/bundle.ts) over HTTP:
 * <base>/bundle.json (classes, recipe, scaler) and <base>/model.json + weights.bin through
 * tf.loadLayersModel, which also dequantises weights quantised by src/models/quantize.ts.
 */
import * as tf from '@tensorflow/tfjs';
import type { BundleInfo } from '../models/bundle.js';
import { StandardScaler } from '../ml/scaler.js';

// Typed as BundleInfo['format'] so this stays in step with src/models/bundle.ts (a Node-only module).
const EXPECTED_FORMAT: BundleInfo['format'] = 'ser-wasm-model/1';

export interface BrowserModelBundle {
  info: BundleInfo;
  model: tf.LayersModel;
  scaler: StandardScaler;
}

export class ModelBundleError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelBundleError';
  }
}

/** `base` with exactly one trailing slash, resolved against the page (or worker) location. */
function directoryUrl(base: string | URL): URL {
  const text = String(base);
  const href = typeof location !== 'undefined' ? location.href : undefined;
  return new URL(text.endsWith('/') ? text : `${text}/`, href);
}

/** Fetches and checks bundle.json, then loads the tfjs model next to it. */
export async function loadBundleFromUrl(base: string | URL): Promise<BrowserModelBundle> {
  const dir = directoryUrl(base);
  const infoUrl = new URL('bundle.json', dir);
  let info: BundleInfo;
  try {
    const response = await fetch(infoUrl);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    info = (await response.json()) as BundleInfo;
  } catch (err) {
    throw new ModelBundleError(`${infoUrl}: not a ser-wasm model (${(err as Error).message})`, { cause: err });
  }
  if (info.format !== EXPECTED_FORMAT) {
    throw new ModelBundleError(`${infoUrl}: unsupported format ${String(info.format)} (expected ${EXPECTED_FORMAT})`);
  }
  const model = await tf.loadLayersModel(new URL('model.json', dir).href);
  const inputDim = model.inputs[0]?.shape[1];
  if (inputDim !== info.recipe.vectorLength) {
    throw new ModelBundleError(`${dir}: model input length ${String(inputDim)} differs from the recipe's vectorLength ${info.recipe.vectorLength}`);
  }
  return { info, model, scaler: StandardScaler.fromJSON(info.scaler) };
}

/** Class probabilities for one raw paper vector (scaled here with the bundle's scaler), in info.classes order. */
export function predictProbabilities(bundle: BrowserModelBundle, vector: Float32Array): Float32Array {
  const dim = bundle.info.recipe.vectorLength;
  if (vector.length !== dim) throw new ModelBundleError(`feature vector has ${vector.length} values, the model expects ${dim}`);
  const x = bundle.scaler.transform(vector, 1, dim);
  // slice(): a caller may transfer the result to another thread; never hand out tfjs' own storage.
  return tf.tidy(() => (bundle.model.predict(tf.tensor3d(x, [1, dim, 1])) as tf.Tensor).dataSync().slice() as Float32Array);
}
