import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ExtractResult, ExtractTask } from './types.js';

/**
 * On-disk cache of per-clip results, keyed by the file's bytes, every
 * parameter that shapes the output (recipe, versions, augmentation parameters,
 * seed, key) and the code that computes it (a digest of the WASM module and
 * the package version). Changing any of them misses; re-running an identical
 * job hits and skips the work. Entries are two files: <hash>.json (metadata) and
 * <hash>.f32 (the vectors), written atomically via rename.
 */
export const CACHE_FORMAT_VERSION = 1;

export function cacheKey(task: ExtractTask, fileBytes: Uint8Array, codeVersion: string): string {
  const h = createHash('sha256');
  h.update(`ser-wasm-extract-v${CACHE_FORMAT_VERSION}\0${codeVersion}\0`);
  h.update(JSON.stringify({ recipe: task.recipe, versions: task.versions, params: task.augmentParams, seed: task.seed, key: task.key }));
  h.update('\0');
  h.update(fileBytes);
  return h.digest('hex');
}

export class FeatureCache {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get(hash: string): Extract<ExtractResult, { ok: true }> | undefined {
    const meta = join(this.dir, `${hash}.json`);
    const bin = join(this.dir, `${hash}.f32`);
    if (!existsSync(meta) || !existsSync(bin)) return undefined;
    try {
      const m = JSON.parse(readFileSync(meta, 'utf8'));
      const bytes = readFileSync(bin);
      const vectors = new Float32Array(bytes.byteLength / 4);
      new Uint8Array(vectors.buffer).set(bytes);
      return { ok: true, key: m.key, versions: m.versions, params: m.params, clipSamples: m.clipSamples, vectors };
    } catch {
      return undefined; // a damaged entry is recomputed, never trusted
    }
  }

  put(hash: string, r: Extract<ExtractResult, { ok: true }>): void {
    const tmp = join(this.dir, `.${hash}.${process.pid}.tmp`);
    writeFileSync(tmp, new Uint8Array(r.vectors.buffer, r.vectors.byteOffset, r.vectors.byteLength));
    renameSync(tmp, join(this.dir, `${hash}.f32`));
    const meta = { key: r.key, versions: r.versions, params: r.params, clipSamples: r.clipSamples };
    writeFileSync(tmp, JSON.stringify(meta));
    renameSync(tmp, join(this.dir, `${hash}.json`));
  }
}

let codeDigest: string | undefined;

/** Digest of the compiled WASM module plus the package version: a rebuilt kernel invalidates old entries. */
export function codeVersion(wasmFile: string, packageVersion: string): string {
  codeDigest ??= createHash('sha256').update(readFileSync(wasmFile)).digest('hex').slice(0, 16);
  return `${packageVersion}:${codeDigest}`;
}
