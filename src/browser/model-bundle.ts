/**
 * Loads any model bundle written by `ser train` (src/models/bundle-format.ts: DT, KNN,
 * the paper / frames / sequence CNNs, ensembles) over HTTP, with the same validation as
 * Node: <base>/bundle.json, then the files it names (model.json + weights.bin, knn-rows.bin,
 * member-N/ folders), every name confined to the bundle's folder.
 */
import { BundleError, assertBundleName, type BundleReader } from '../models/bundle-files.js';
import { loadModelFrom } from '../models/bundle-format.js';
import type { EmotionModel } from '../models/emotion-model.js';
import type { WasmCore } from '../wasm/core.js';

export { BundleError as ModelBundleError };

/** `base` with exactly one trailing slash, resolved against the page (or worker) location. */
function directoryUrl(base: string | URL): URL {
  const text = String(base);
  const href = typeof location !== 'undefined' ? location.href : undefined;
  return new URL(text.endsWith('/') ? text : `${text}/`, href);
}

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

/** A BundleReader over HTTP for the folder at `base`. */
export function urlReader(base: string | URL): BundleReader {
  const dir = directoryUrl(base);
  const at = (name: string): URL => {
    assertBundleName(name, dir.href);
    return new URL(name, dir);
  };
  return {
    where: dir.href.replace(/\/$/, ''),
    text: async (name) => (await fetchOk(at(name))).text(),
    bytes: async (name) => new Uint8Array(await (await fetchOk(at(name))).arrayBuffer()),
    child: (name) => urlReader(at(`${name}`).href),
  };
}

/** Fetches, validates and builds the model at `base` (a folder URL). Pass the WASM core for KNN's distance kernel. */
export async function loadModelFromUrl(base: string | URL, opts: { core?: WasmCore } = {}): Promise<EmotionModel> {
  return loadModelFrom(urlReader(base), opts);
}
