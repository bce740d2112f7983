import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import type { ExtractResult, ExtractTask } from './types.js';

/**
 * On-disk cache of per-clip results, keyed by the file's bytes, every
 * parameter that shapes the output (recipe, versions, augmentation parameters,
 * seed, key) and the code that computes it (a digest of the WASM module and
 * the package version). Changing any of them misses; re-running an identical
 * job hits and skips the work.
 *
 * An entry is two files, each written atomically (temporary file + rename):
 *   <hash>.f32   the vectors, raw little-endian float32 (versions × dim values);
 *   <hash>.json  { format, hash, meta: {key, versions, params, clipSamples, dim}, bytes, sha256 }
 * where `sha256` covers the cache key, the metadata JSON and the vector bytes. On read the
 * entry must parse, name its own key, have exactly `bytes` bytes of vectors whose count is
 * versions × dim, hash to `sha256` and hold only finite values; anything else (truncation,
 * a bit flip, bad JSON, a .json from one write beside a .f32 from another) is a damaged
 * entry: it is counted ({@link takeDamagedEntryCount}), recomputed and overwritten, never
 * trusted.
 */
export const CACHE_FORMAT_VERSION = 2;

type OkResult = Extract<ExtractResult, { ok: true }>;

interface EntryMeta {
  key: string;
  versions: string[];
  params: OkResult['params'];
  clipSamples: number;
  dim: number;
}

interface EntryFile {
  format: number;
  hash: string;
  meta: EntryMeta;
  bytes: number;
  sha256: string;
}

export function cacheKey(task: ExtractTask, fileBytes: Uint8Array, codeVersion: string): string {
  const h = createHash('sha256');
  h.update(`ser-wasm-extract-v${CACHE_FORMAT_VERSION}\0${codeVersion}\0`);
  h.update(JSON.stringify({ recipe: task.recipe, versions: task.versions, params: task.augmentParams, seed: task.seed, key: task.key }));
  h.update('\0');
  h.update(fileBytes);
  return h.digest('hex');
}

/** Digest binding an entry's key, metadata and vectors together. */
function entryDigest(hash: string, metaJson: string, vectorBytes: Uint8Array): string {
  return createHash('sha256').update(`${hash}\0${metaJson}\0`).update(vectorBytes).digest('hex');
}

// Damaged entries seen on this thread since the last take (see takeDamagedEntryCount).
let damagedSinceTake = 0;

/**
 * Number of damaged cache entries met (and so recomputed) on this thread since the previous
 * call, and resets it. The pool's workers attach it to each task's result; inline runs read it
 * once at the end.
 */
export function takeDamagedEntryCount(): number {
  const n = damagedSinceTake;
  damagedSinceTake = 0;
  return n;
}

export class FeatureCache {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The entry for `hash`, or undefined when absent or damaged (a damaged entry is counted). */
  get(hash: string): OkResult | undefined {
    const r = this.check(hash);
    if (r.status === 'damaged') damagedSinceTake++;
    return r.status === 'ok' ? r.result : undefined;
  }

  /** Reads and verifies an entry without counting: 'missing' (no files), 'damaged' (with why) or 'ok'. */
  check(hash: string): { status: 'missing' } | { status: 'damaged'; reason: string } | { status: 'ok'; result: OkResult } {
    let metaText: string | undefined;
    let bytes: Buffer | undefined;
    try {
      metaText = readFileSync(join(this.dir, `${hash}.json`), 'utf8');
    } catch { /* absent */ }
    try {
      bytes = readFileSync(join(this.dir, `${hash}.f32`));
    } catch { /* absent */ }
    if (metaText === undefined && bytes === undefined) return { status: 'missing' };
    if (metaText === undefined) return { status: 'damaged', reason: 'metadata file missing' };
    if (bytes === undefined) return { status: 'damaged', reason: 'vector file missing' };
    let entry: EntryFile;
    try {
      entry = JSON.parse(metaText) as EntryFile;
    } catch (err) {
      return { status: 'damaged', reason: `metadata is not JSON (${(err as Error).message})` };
    }
    if (!entry || typeof entry !== 'object' || entry.format !== CACHE_FORMAT_VERSION) return { status: 'damaged', reason: 'unknown entry format' };
    if (entry.hash !== hash) return { status: 'damaged', reason: 'metadata belongs to another entry' };
    const m = entry.meta;
    if (!m || typeof m !== 'object' || typeof m.key !== 'string' || !Array.isArray(m.versions) || !Array.isArray(m.params)
      || m.params.length !== m.versions.length || !Number.isInteger(m.dim) || m.dim <= 0 || !Number.isInteger(m.clipSamples)) {
      return { status: 'damaged', reason: 'metadata fields missing or malformed' };
    }
    if (bytes.byteLength !== entry.bytes || bytes.byteLength !== m.versions.length * m.dim * 4) {
      return { status: 'damaged', reason: `vector file has ${bytes.byteLength} bytes, expected ${m.versions.length * m.dim * 4}` };
    }
    if (entryDigest(hash, JSON.stringify(m), bytes) !== entry.sha256) return { status: 'damaged', reason: 'content hash mismatch' };
    const vectors = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(vectors.buffer).set(bytes);
    for (let i = 0; i < vectors.length; i++) {
      if (!Number.isFinite(vectors[i]!)) return { status: 'damaged', reason: `non-finite value at ${i}` };
    }
    return { status: 'ok', result: { ok: true, key: m.key, versions: m.versions, params: m.params, clipSamples: m.clipSamples, vectors } };
  }

  put(hash: string, r: OkResult): void {
    const bytes = new Uint8Array(r.vectors.buffer, r.vectors.byteOffset, r.vectors.byteLength);
    const meta: EntryMeta = {
      key: r.key, versions: r.versions, params: r.params, clipSamples: r.clipSamples,
      dim: r.versions.length > 0 ? r.vectors.length / r.versions.length : 0,
    };
    const entry: EntryFile = { format: CACHE_FORMAT_VERSION, hash, meta, bytes: bytes.byteLength, sha256: entryDigest(hash, JSON.stringify(meta), bytes) };
    // Vectors first, then the metadata that vouches for them: a crash in between leaves a
    // pair whose digest does not match, which the next read recomputes.
    // Not fsynced: an entry lost or damaged by a power cut fails verification and is recomputed.
    writeFileAtomicSync(join(this.dir, `${hash}.f32`), bytes, { durable: false });
    writeFileAtomicSync(join(this.dir, `${hash}.json`), JSON.stringify(entry), { durable: false });
  }
}

let codeDigest: string | undefined;

/** Digest of the compiled WASM module plus the package version: a rebuilt kernel invalidates old entries. */
export function codeVersion(wasmFile: string, packageVersion: string): string {
  codeDigest ??= createHash('sha256').update(readFileSync(wasmFile)).digest('hex').slice(0, 16);
  return `${packageVersion}:${codeDigest}`;
}
