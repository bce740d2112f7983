import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
// The package's one-algorithm build: its main entry (every algorithm, as CommonJS) took ~35 ms
// to import and set up in each thread, this one ~11 ms (measured here).
import hashWasmXxh128 from 'hash-wasm/dist/xxhash128.umd.min.js';
import type { ExtractResult, ExtractTask } from './types.js';

/**
 * On-disk cache of per-clip results, keyed by the file's bytes, every
 * parameter that shapes the output (recipe, versions, augmentation parameters,
 * seed, key) and the code that computes it (a digest of the WASM module and
 * the package version). Changing any of them misses; re-running an identical
 * job hits and skips the work.
 *
 * Entries are records appended to pack files, one pack per writer (a FeatureCache instance:
 * `<time>-<pid>-<thread>-<random>.pack`, created on its first write), so a run writes one file
 * instead of one per clip: creating a file per entry cost ~0.43 ms of CPU under load against
 * ~0.13 ms for an append (measured while an extraction ran), and ran the journal for every clip.
 * A record is
 *   'SERE', u32 LE length H of the metadata JSON, u32 LE vector bytes B, the 64-hex-digit key,
 *   H bytes { format, hash, meta: {key, versions, params, clipSamples, dim}, bytes, xxh128 },
 *   zeros to the next multiple of 4 (from the record's start), then B bytes of vectors
 *   (raw little-endian float32, versions × dim values),
 * where `xxh128` (XXH3-128, hex) covers the cache key, the metadata JSON and the vector bytes: a
 * check against damage, not tampering. A reader indexes
 * every pack's records by their key (the fixed-size preamble only; a pack's scan stops at a
 * record whose preamble is not whole or plausible, such as the tail of an interrupted write, so
 * what follows it misses); later packs win for a key written twice. On read the record must
 * parse, name its own key, have exactly `bytes` bytes of vectors whose count is versions × dim,
 * hash to `xxh128` and hold only finite values; anything else (a bit flip, bad JSON, another
 * record's preamble) is a damaged entry: it is counted ({@link takeDamagedEntryCount}),
 * recomputed and written again, never trusted. Packs are only appended to; two processes (or
 * threads) sharing a cache folder write separate packs. Entries of older formats (per-entry
 * files, or keys over the audio's SHA-256) are not read: they simply miss.
 */
export const CACHE_FORMAT_VERSION = 5;

/** File name suffix of a pack of entries. */
export const CACHE_PACK_SUFFIX = '.pack';

/** 'SERE' as the four bytes of a record's start (little-endian u32). */
const RECORD_MAGIC = 0x45524553;
/** Magic, metadata length, vector bytes, 64-character key. */
const PREAMBLE_BYTES = 76;
/** Above these, a preamble's lengths are not believed (a damaged or foreign file). */
const MAX_META_BYTES = 1 << 20;
const MAX_VECTOR_BYTES = 1 << 30;

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
  xxh128: string;
}

/**
 * The audio enters the key as its XXH3-128 digest (hash-wasm) rather than through SHA-256:
 * hashing each ~0.4 MB WAV cost about 2.5 % of an extraction worker's CPU at SHA-256's 1.8 GB/s
 * here, against 5.6 GB/s for XXH3-128 (measured on the same RAVDESS file, this machine). A cache
 * key must not collide by accident (2^-128 for two different files), not withstand someone
 * crafting collisions: whoever can plant such files can write the cache folder itself.
 * The same digest checks each record against damage (entryDigest). One hasher per thread, made
 * when this module loads (its WASM instance is tiny); xxh128Hex runs init → update → digest at once.
 */
const xxh128Hasher = await hashWasmXxh128.createXXHash128();

/** XXH3-128 (hex) of the parts in order. */
function xxh128Hex(...parts: Array<string | Uint8Array>): string {
  xxh128Hasher.init();
  for (const part of parts) xxh128Hasher.update(part);
  return xxh128Hasher.digest('hex');
}

export function cacheKey(task: ExtractTask, fileBytes: Uint8Array, codeVersion: string): string {
  const audio = xxh128Hex(fileBytes);
  const h = createHash('sha256');
  h.update(`ser-wasm-extract-v${CACHE_FORMAT_VERSION}\0${codeVersion}\0`);
  h.update(JSON.stringify({ recipe: task.recipe, versions: task.versions, params: task.augmentParams, seed: task.seed, key: task.key }));
  h.update(`\0xxh3-128:${audio}`);
  return h.digest('hex');
}

/** Digest binding an entry's key, metadata and vectors together (XXH3-128, see xxh128Hasher: it detects damage). */
function entryDigest(hash: string, metaJson: string, vectorBytes: Uint8Array): string {
  return xxh128Hex(`${hash}\0${metaJson}\0`, vectorBytes);
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

/** Where a record lies: its pack and byte range. */
interface Located {
  file: string;
  offset: number;
  length: number;
}

export class FeatureCache {
  /** key → newest record, built on the first lookup from the packs present then, plus this instance's writes. */
  private index: Map<string, Located> | null = null;
  /** This instance's pack, opened on its first write. */
  private pack: { fd: number; path: string; size: number } | null = null;
  /** Where put builds each record before writing it (see recordBytes). */
  private scratch: Buffer | null = null;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** The entry for `hash`, or undefined when absent or damaged (a damaged entry is counted). */
  get(hash: string): OkResult | undefined {
    const r = this.check(hash);
    if (r.status === 'damaged') damagedSinceTake++;
    return r.status === 'ok' ? r.result : undefined;
  }

  /** Reads and verifies an entry without counting: 'missing', 'damaged' (with why) or 'ok'. */
  check(hash: string): { status: 'missing' } | { status: 'damaged'; reason: string } | { status: 'ok'; result: OkResult } {
    const at = this.lookup().get(hash);
    if (!at) return { status: 'missing' };
    let record: Buffer;
    try {
      record = readRange(at.file, at.offset, at.length);
    } catch (err) {
      return this.damaged(hash, `cannot read ${at.file} (${(err as Error).message})`);
    }
    const r = parseRecord(hash, record);
    return r.status === 'damaged' ? this.damaged(hash, r.reason) : r;
  }

  /** Appends the entry for `hash` to this instance's pack (not fsynced: a damaged entry is detected and recomputed). */
  put(hash: string, r: OkResult): void {
    const { record, scratch } = recordBytes(hash, r, this.scratch);
    this.scratch = scratch;
    if (!this.pack) {
      const path = join(this.dir, `${Date.now()}-${process.pid}-${threadId}-${randomBytes(4).toString('hex')}${CACHE_PACK_SUFFIX}`);
      this.pack = { fd: openSync(path, 'ax'), path, size: 0 };
    }
    const pack = this.pack;
    for (let off = 0; off < record.byteLength; ) off += writeSync(pack.fd, record, off);
    this.index?.set(hash, { file: pack.path, offset: pack.size, length: record.byteLength });
    pack.size += record.byteLength;
  }

  /** Closes this instance's pack (it stays valid; a later put opens a new one). */
  close(): void {
    if (this.pack) closeSync(this.pack.fd);
    this.pack = null;
  }

  /** A damaged record is forgotten, so the entry written after recomputing it is the one found. */
  private damaged(hash: string, reason: string): { status: 'damaged'; reason: string } {
    this.index?.delete(hash);
    return { status: 'damaged', reason };
  }

  private lookup(): Map<string, Located> {
    if (this.index) return this.index;
    const index = new Map<string, Located>();
    const packs = readdirSync(this.dir).filter((f) => f.endsWith(CACHE_PACK_SUFFIX)).sort();
    for (const name of packs) indexPack(join(this.dir, name), index);
    this.index = index;
    return index;
  }
}

/** Adds each whole, plausible record of one pack to `index` (see the module comment). */
function indexPack(file: string, index: Map<string, Located>): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return; // removed meanwhile: its entries miss
  }
  try {
    const size = fstatSync(fd).size;
    const preamble = Buffer.alloc(PREAMBLE_BYTES);
    for (let off = 0; off + PREAMBLE_BYTES <= size; ) {
      if (readSync(fd, preamble, 0, PREAMBLE_BYTES, off) !== PREAMBLE_BYTES || preamble.readUInt32LE(0) !== RECORD_MAGIC) return;
      const metaLength = preamble.readUInt32LE(4);
      const vectorBytes = preamble.readUInt32LE(8);
      if (metaLength > MAX_META_BYTES || vectorBytes > MAX_VECTOR_BYTES) return;
      const length = vectorOffset(metaLength) + vectorBytes;
      if (off + length > size) return; // an interrupted write's tail
      index.set(preamble.toString('latin1', 12, PREAMBLE_BYTES), { file, offset: off, length });
      off += length;
    }
  } finally {
    closeSync(fd);
  }
}

function readRange(file: string, offset: number, length: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(length);
    for (let got = 0; got < length; ) {
      const n = readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) throw new Error(`ends ${length - got} bytes early`);
      got += n;
    }
    return buf;
  } finally {
    closeSync(fd);
  }
}

/** Verifies a record read for `hash` (every check of the module comment). */
function parseRecord(hash: string, record: Buffer): { status: 'damaged'; reason: string } | { status: 'ok'; result: OkResult } {
  if (record.readUInt32LE(0) !== RECORD_MAGIC) return { status: 'damaged', reason: 'not a cache record' };
  const metaLength = record.readUInt32LE(4);
  if (record.toString('latin1', 12, PREAMBLE_BYTES) !== hash) return { status: 'damaged', reason: 'record belongs to another entry' };
  const metaText = record.toString('utf8', PREAMBLE_BYTES, PREAMBLE_BYTES + metaLength);
  const bytes = record.subarray(vectorOffset(metaLength));
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
  if (entryDigest(hash, JSON.stringify(m), bytes) !== entry.xxh128) return { status: 'damaged', reason: 'content hash mismatch' };
  const vectors = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vectors.buffer).set(bytes);
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i]!)) return { status: 'damaged', reason: `non-finite value at ${i}` };
  }
  return { status: 'ok', result: { ok: true, key: m.key, versions: m.versions, params: m.params, clipSamples: m.clipSamples, vectors } };
}

/** A record's bytes (layout in the module comment). */
/**
 * The record of `r` under `hash`, built in `scratch` when it is large enough (grown otherwise):
 * the caller writes it out before building the next, so one buffer serves every put instead of
 * a fresh ~48 KB allocation per entry (external memory that kept the pool's main thread
 * collecting garbage). Returns the record's bytes and the buffer to keep for next time.
 */
function recordBytes(hash: string, r: OkResult, scratch: Buffer | null): { record: Buffer; scratch: Buffer } {
  const bytes = new Uint8Array(r.vectors.buffer, r.vectors.byteOffset, r.vectors.byteLength);
  const meta: EntryMeta = {
    key: r.key, versions: r.versions, params: r.params, clipSamples: r.clipSamples,
    dim: r.versions.length > 0 ? r.vectors.length / r.versions.length : 0,
  };
  const entry: EntryFile = { format: CACHE_FORMAT_VERSION, hash, meta, bytes: bytes.byteLength, xxh128: entryDigest(hash, JSON.stringify(meta), bytes) };
  const json = JSON.stringify(entry);
  const metaLength = Buffer.byteLength(json, 'utf8');
  const offset = vectorOffset(metaLength);
  const length = offset + bytes.byteLength;
  const buf = scratch && scratch.byteLength >= length ? scratch : Buffer.allocUnsafe(Math.max(length, 2 * (scratch?.byteLength ?? 0)));
  buf.writeUInt32LE(RECORD_MAGIC, 0);
  buf.writeUInt32LE(metaLength, 4);
  buf.writeUInt32LE(bytes.byteLength, 8);
  buf.write(hash, 12, 'latin1');
  buf.write(json, PREAMBLE_BYTES, 'utf8');
  buf.fill(0, PREAMBLE_BYTES + metaLength, offset); // the padding: the buffer holds an older record
  buf.set(bytes, offset);
  return { record: buf.subarray(0, length), scratch: buf };
}

/** Byte offset of the vectors in a record whose metadata JSON has `metaLength` bytes (4-aligned). */
function vectorOffset(metaLength: number): number {
  return (PREAMBLE_BYTES + metaLength + 3) & ~3;
}

let codeDigest: string | undefined;

/** Digest of the compiled WASM module plus the package version: a rebuilt kernel invalidates old entries. */
export function codeVersion(wasmFile: string, packageVersion: string): string {
  codeDigest ??= createHash('sha256').update(readFileSync(wasmFile)).digest('hex').slice(0, 16);
  return `${packageVersion}:${codeDigest}`;
}
