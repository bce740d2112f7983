/**
 * Downloading a corpus archive and unpacking it (`ser download`), Node only:
 *  - resumable: bytes go to `<dir>/.<file>.part`; a later run asks the server for the rest with an
 *    HTTP Range request (a server that ignores it sends the whole file, which then replaces the part);
 *  - verified: the finished file must have the published size and MD5 (Zenodo publishes MD5);
 *    a mismatch deletes the part, so the next run starts clean, and fails with DownloadError;
 *  - atomic: the archive gets its final name only once verified, and is unpacked into a temporary
 *    folder whose entries are renamed into place at the end, with a marker file
 *    (`.ser-download.json`) written last: an interrupted run never looks finished.
 * Zip entries are unpacked with yauzl, which refuses absolute paths and `..` segments.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { writeFileAtomic } from '../util/atomic-write.js';

export type DownloadErrorCode = 'HTTP' | 'NETWORK' | 'SIZE' | 'CHECKSUM' | 'DISK' | 'ZIP';

/** A download or unpacking that failed; `code` says which step, the message names the file or URL. */
export class DownloadError extends Error {
  override readonly name = 'DownloadError';
  constructor(readonly code: DownloadErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export interface ArchiveSpec {
  url: string;
  /** File name of the archive in the target folder. */
  file: string;
  /** Published size in bytes (checked when given). */
  bytes?: number;
  /** Published MD5, lower-case hex (checked when given). */
  md5?: string;
}

export interface DownloadProgress {
  /** Bytes on disk so far (including those of an earlier, interrupted run). */
  done: number;
  /** Total bytes when known (Content-Length / Content-Range, or the published size). */
  total?: number;
}

export interface DownloadOptions {
  onProgress?: (p: DownloadProgress) => void;
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch;
  /** Replaces fs.createWriteStream for the part file (tests simulate a full disk with it). */
  createWriteStream?: (path: string, opts: { flags: 'a' | 'w' }) => Writable;
}

export interface DownloadResult {
  path: string;
  bytes: number;
  md5: string;
  /** Bytes already on disk when this run started (0: a fresh download; -1: the archive was already complete). */
  resumedFrom: number;
}

async function size(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function md5Of(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Downloads `spec.url` to `<dir>/<spec.file>` (see the module comment). A complete, verified
 * archive already there is not downloaded again.
 */
export async function downloadArchive(spec: ArchiveSpec, dir: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, spec.file);
  const part = join(dir, `.${spec.file}.part`);
  const verify = async (path: string): Promise<{ bytes: number; md5: string }> => {
    const bytes = (await size(path)) ?? 0;
    if (spec.bytes !== undefined && bytes !== spec.bytes) {
      throw new DownloadError('SIZE', `${spec.url}: got ${bytes} bytes, expected ${spec.bytes}`);
    }
    const md5 = await md5Of(path);
    if (spec.md5 !== undefined && md5 !== spec.md5.toLowerCase()) {
      throw new DownloadError('CHECKSUM', `${spec.url}: MD5 ${md5} does not match the published ${spec.md5}`);
    }
    return { bytes, md5 };
  };

  if ((await size(target)) !== undefined) {
    try {
      return { path: target, ...(await verify(target)), resumedFrom: -1 };
    } catch {
      await rm(target, { force: true }); // a damaged archive: fetch it again
    }
  }

  const have = (await size(part)) ?? 0;
  const doFetch = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(spec.url, { headers: have > 0 ? { range: `bytes=${have}-` } : {}, redirect: 'follow' });
  } catch (err) {
    throw new DownloadError('NETWORK', `${spec.url}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause: Error }).cause.message})` : ''}`, { cause: err });
  }
  let start = 0;
  if (response.status === 206) {
    const m = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== have) {
      await response.body?.cancel();
      throw new DownloadError('HTTP', `${spec.url}: the server resumed at an unexpected position (Content-Range ${response.headers.get('content-range')}, have ${have} bytes)`);
    }
    start = have;
  } else if (response.status === 416 && have > 0 && spec.bytes !== undefined && have === spec.bytes) {
    start = have; // the part is already whole
  } else if (response.status !== 200) {
    await response.body?.cancel();
    // 416: the part is longer than the file (another file, or it changed): start over next time.
    if (response.status === 416) await rm(part, { force: true });
    throw new DownloadError('HTTP', `${spec.url}: HTTP ${response.status} ${response.statusText}`.trim());
  }
  const length = Number(response.headers.get('content-length') ?? NaN);
  const total = spec.bytes ?? (Number.isFinite(length) ? start + length : undefined);
  let done = start;
  opts.onProgress?.({ done, total });
  if (response.status !== 416 && response.body) {
    const out = (opts.createWriteStream ?? ((p, o) => createWriteStream(p, o)))(part, { flags: start > 0 ? 'a' : 'w' });
    const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      done += chunk.length;
      opts.onProgress?.({ done, total });
    });
    try {
      await pipeline(body, out);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
        throw new DownloadError('DISK', `${part}: disk full after ${done} bytes (${code}); free space and run again to resume`, { cause: err });
      }
      if (code && /^E[A-Z]+$/.test(code) && (err as NodeJS.ErrnoException).syscall) {
        throw new DownloadError('DISK', `${part}: cannot write (${code})`, { cause: err });
      }
      throw new DownloadError('NETWORK', `${spec.url}: the transfer broke off after ${done} bytes (${(err as Error).message}); run again to resume`, { cause: err });
    }
  }
  let verified: { bytes: number; md5: string };
  try {
    verified = await verify(part);
  } catch (err) {
    await rm(part, { force: true }); // never resume onto bytes that cannot be right
    throw err;
  }
  await rename(part, target);
  return { path: target, ...verified, resumedFrom: start };
}

/** Names of the files a zip holds (folders left out), in archive order. */
async function zipEntries(zipPath: string, onEntry: (entry: yauzl.Entry, zip: yauzl.ZipFile) => Promise<void>): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, strictFileNames: true });
  } catch (err) {
    throw new DownloadError('ZIP', `${zipPath}: not a readable zip archive (${(err as Error).message})`, { cause: err });
  }
  await new Promise<void>((done, fail) => {
    const failZip = (err: unknown): void => {
      zip.close();
      fail(err instanceof DownloadError ? err : new DownloadError('ZIP', `${zipPath}: ${(err as Error).message}`, { cause: err }));
    };
    zip.on('error', failZip);
    zip.on('end', () => done());
    zip.on('entry', (entry: yauzl.Entry) => {
      onEntry(entry, zip).then(() => zip.readEntry(), failZip);
    });
    zip.readEntry();
  });
}

/**
 * Unpacks `zipPath` into `dir`: into a temporary folder first, then each top-level entry is moved
 * into place (replacing one of the same name). Returns the number of files. Entries that would
 * leave the folder (absolute, `..`) make yauzl fail, and nothing is moved.
 */
export async function unzipArchive(zipPath: string, dir: string, opts: { onFile?: (done: number, total: number) => void } = {}): Promise<{ files: number }> {
  const root = resolve(dir);
  const tmp = join(root, `.unzip-${process.pid}-${Date.now()}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  let files = 0;
  let total = 0;
  try {
    await zipEntries(zipPath, async (entry, zip) => {
      total = zip.entryCount;
      const path = resolve(tmp, entry.fileName);
      if (!path.startsWith(tmp + sep)) throw new DownloadError('ZIP', `${zipPath}: entry '${entry.fileName}' leaves the target folder`);
      if (entry.fileName.endsWith('/')) {
        await mkdir(path, { recursive: true });
        return;
      }
      await mkdir(dirname(path), { recursive: true });
      const stream = await zip.openReadStreamPromise(entry);
      try {
        await pipeline(stream, createWriteStream(path));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOSPC' || code === 'EDQUOT') throw new DownloadError('DISK', `${root}: disk full while unpacking (${code})`, { cause: err });
        throw err;
      }
      files++;
      opts.onFile?.(files, total);
    });
    for (const name of await readdir(tmp)) {
      await rm(join(root, name), { recursive: true, force: true });
      await rename(join(tmp, name), join(root, name));
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return { files };
}

/** The marker `ser download` writes last into a finished folder. */
export const DOWNLOAD_MARKER = '.ser-download.json';

export interface DownloadMarker {
  dataset: string;
  url: string;
  file: string;
  md5: string;
  bytes: number;
  files: number;
  finishedAt: string;
}

export async function readDownloadMarker(dir: string): Promise<DownloadMarker | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, DOWNLOAD_MARKER), 'utf8')) as DownloadMarker;
  } catch {
    return undefined;
  }
}

export async function writeDownloadMarker(dir: string, marker: DownloadMarker): Promise<void> {
  await writeFileAtomic(join(dir, DOWNLOAD_MARKER), `${JSON.stringify(marker, null, 1)}\n`);
}
