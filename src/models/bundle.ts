/**
 * Model bundles on disk (Node): a folder with bundle.json and the files its
 * model needs (bundle-format.ts describes them).
 *
 * Writing is all-or-nothing: the bundle is written into a hidden sibling
 * folder and renamed into place; an existing bundle is moved aside first and
 * removed after the swap. An interrupted `ser train` leaves the previous model
 * (or nothing), never a folder whose bundle.json and weights disagree.
 *
 * Reading never leaves the folder: names are single plain segments
 * (bundle-files.ts) and each file's real path (symlinks resolved) must lie
 * inside the folder's real path.
 */
import { randomBytes } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import type { WasmCore } from '../wasm/core.js';
import { assertBundleName, BundleError, type BundleFiles, type BundleReader } from './bundle-files.js';
import { bundleFilesOf, loadModelFrom } from './bundle-format.js';
import type { EmotionModel } from './emotion-model.js';

export { BUNDLE_FILE, BUNDLE_FORMAT } from './bundle-format.js';

/** Reads files of one bundle folder, refusing anything whose real path leaves it. */
export function directoryReader(dir: string): BundleReader {
  let root: string;
  try {
    root = realpathSync(resolve(dir));
  } catch (e) {
    throw new BundleError(`${dir}: not a ser-wasm model folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  const inside = (name: string): string => {
    assertBundleName(name, dir);
    let real: string;
    try {
      real = realpathSync(join(root, name));
    } catch (e) {
      throw new BundleError(`${join(dir, name)}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : (e as Error).message}`, { cause: e });
    }
    if (real !== root && !real.startsWith(root + sep)) throw new BundleError(`${join(dir, name)}: resolves outside the model folder (${real})`);
    return real;
  };
  return {
    where: dir,
    text: async (name) => readFile(inside(name), 'utf8'),
    bytes: async (name) => new Uint8Array(await readFile(inside(name))),
    child: (name) => directoryReader(inside(name)),
  };
}

/** Loads any model bundle (every kind, formats 1 and 2) from a folder. */
export async function loadBundle(dir: string, opts: { core?: WasmCore } = {}): Promise<EmotionModel> {
  return loadModelFrom(directoryReader(dir), opts);
}

async function writeTree(dir: string, files: BundleFiles): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    assertBundleName(name, dir);
    const path = join(dir, name);
    if (typeof content === 'string' || content instanceof Uint8Array) await writeFile(path, content);
    else await writeTree(path, content);
  }
}

/** Writes `model` to `dir` as a bundle, replacing what was there only once the new bundle is complete. */
export async function saveBundle(dir: string, model: EmotionModel): Promise<void> {
  const target = resolve(dir);
  if (basename(target) === '' || target === dirname(target)) throw new BundleError(`refusing to write a model to '${dir}'`);
  const files = await bundleFilesOf(model);
  const tag = `${process.pid}.${randomBytes(4).toString('hex')}`;
  const staging = join(dirname(target), `.${basename(target)}.${tag}.tmp`);
  const aside = join(dirname(target), `.${basename(target)}.${tag}.old`);
  try {
    await writeTree(staging, files);
    const existing = await stat(target).catch(() => null);
    if (existing && !existing.isDirectory()) throw new BundleError(`${dir} exists and is not a folder`);
    if (existing) await rename(target, aside);
    await rename(staging, target);
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  await rm(aside, { recursive: true, force: true });
}
