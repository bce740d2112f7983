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
 * An entry is one file, <hash>.entry, written atomically (temporary file + rename):
 *   u32 LE  length H of the metadata JSON
 *   H bytes { format, hash, meta: {key, versions, params, clipSamples, dim}, bytes, sha256 }
 *   zeros to the next multiple of 4, then the vectors, raw little-endian float32
 *   (versions × dim values, `bytes` bytes)
 * where `sha256` covers the cache key, the metadata JSON and the vector bytes. One file rather
 * than a metadata/vector pair: creating a file is most of an entry's cost (~0.45 ms of CPU each
 * on an ext4 disk, against ~0.5 ms of DSP per version), and one file cannot be half of two writes.
 * On read the entry must parse, name its own key, have exactly `bytes` bytes of vectors whose
 * count is versions × dim, hash to `sha256` and hold only finite values; anything else
 * (truncation, a bit flip, bad JSON, another entry's file under this name) is a damaged entry:
 * it is counted ({@link takeDamagedEntryCount}), recomputed and overwritten, never trusted.
 * Entries of older formats (format 2 kept <hash>.json + <hash>.f32) are not read: their names
 * differ, so they simply miss.
 */
export const CACHE_FORMAT_VERSION = 3;

/** File name suffix of an entry. */
export const CACHE_ENTRY_SUFFIX = '.entry';

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

  /** Reads and verifies an entry without counting: 'missing' (no entry file), 'damaged' (with why) or 'ok'. */
  check(hash: string): { status: 'missing' } | { status: 'damaged'; reason: string } | { status: 'ok'; result: OkResult } {
    let file: Buffer;
    try {
      file = readFileSync(this.entryPath(hash));
    } catch {
      return { status: 'missing' };
    }
    if (file.byteLength < 4) return { status: 'damaged', reason: `entry has ${file.byteLength} bytes, shorter than its header` };
    const metaLength = file.readUInt32LE(0);
    if (4 + metaLength > file.byteLength) return { status: 'damaged', reason: `metadata of ${metaLength} bytes runs past the end of the ${file.byteLength}-byte entry` };
    const metaText = file.toString('utf8', 4, 4 + metaLength);
    const bytes = file.subarray(vectorOffset(metaLength));
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
      return { status: 'damaged', reason: `vector part has ${bytes.byteLength} bytes, expected ${m.versions.length * m.dim * 4}` };
    }
    if (entryDigest(hash, JSON.stringify(m), bytes) !== entry.sha256) return { status: 'damaged', reason: 'content hash mismatch' };
    const vectors = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(vectors.buffer).set(bytes);
    for (let i = 0; i < vectors.length; i++) {
      if (!Number.isFinite(vectors[i]!)) return { status: 'damaged', reason: `non-finite value at ${i}` };
    }
    return { status: 'ok', result: { ok: true, key: m.key, versions: m.versions, params: m.params, clipSamples: m.clipSamples, vectors } };
  }

  /** Writes the entry for `hash` (atomically; not fsynced: a damaged entry is detected and recomputed). */
  put(hash: string, r: OkResult): void {
    writeFileAtomicSync(this.entryPath(hash), entryBytes(hash, r), { durable: false });
  }

  private entryPath(hash: string): string {
    return join(this.dir, `${hash}${CACHE_ENTRY_SUFFIX}`);
  }
}

/** An entry's bytes (layout in the module comment). */
function entryBytes(hash: string, r: OkResult): Buffer {
  const bytes = new Uint8Array(r.vectors.buffer, r.vectors.byteOffset, r.vectors.byteLength);
  const meta: EntryMeta = {
    key: r.key, versions: r.versions, params: r.params, clipSamples: r.clipSamples,
    dim: r.versions.length > 0 ? r.vectors.length / r.versions.length : 0,
  };
  const entry: EntryFile = { format: CACHE_FORMAT_VERSION, hash, meta, bytes: bytes.byteLength, sha256: entryDigest(hash, JSON.stringify(meta), bytes) };
  const metaBytes = Buffer.from(JSON.stringify(entry), 'utf8');
  const offset = vectorOffset(metaBytes.byteLength);
  const file = Buffer.alloc(offset + bytes.byteLength);
  file.writeUInt32LE(metaBytes.byteLength, 0);
  metaBytes.copy(file, 4);
  file.set(bytes, offset);
  return file;
}

/** Byte offset of the vectors in an entry whose metadata JSON has `metaLength` bytes (4-aligned). */
function vectorOffset(metaLength: number): number {
  return (4 + metaLength + 3) & ~3;
}

let codeDigest: string | undefined;

/** Digest of the compiled WASM module plus the package version: a rebuilt kernel invalidates old entries. */
export function codeVersion(wasmFile: string, packageVersion: string): string {
  codeDigest ??= createHash('sha256').update(readFileSync(wasmFile)).digest('hex').slice(0, 16);
  return `${packageVersion}:${codeDigest}`;
}
