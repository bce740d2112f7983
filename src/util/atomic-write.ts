/**
 * Atomic file replacement: the content goes to a temporary file in the target's own folder
 * (same file system, so rename(2) is atomic), is flushed to disk, and only then renamed over
 * the target. A reader sees either the complete old file or the complete new one; an
 * interrupted write (exception, SIGINT, crash, full disk) leaves the old file untouched and at
 * worst a hidden `.NAME.*.tmp` file, which is removed whenever the failure is an exception.
 *
 * Node only (node:fs). Every output the CLI writes goes through here: feature tables
 * (CSV, .bin, .json), report.html, the per-clip cache and model bundles.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { Writable } from 'node:stream';

/** Hidden temporary name next to `path`, unique per process, thread and call. */
export function atomicTempPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${threadId}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Writes `data` to `path` atomically (see the module comment); creates the folder if needed. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await writeAtomicWith(path, async (handle) => {
    await handle.writeFile(data);
  });
}

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename (default true), so a power cut cannot leave the new name
   * pointing at unwritten blocks. Off for many small files whose damage is detected anyway
   * (the verified extraction cache) or that are cheap to regenerate (the synthetic corpus).
   */
  durable?: boolean;
}

/** Synchronous {@link writeFileAtomic}. */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = atomicTempPath(path);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off);
    if (opts.durable !== false) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Streams into `path` atomically: `produce` receives a Writable on the temporary file and
 * resolves when it has written everything (it must not end the stream; this function does).
 * If `produce` throws, the temporary file is removed and the target keeps its old content.
 */
export async function writeStreamAtomic(path: string, produce: (out: Writable) => Promise<void>): Promise<void> {
  await writeAtomicWith(path, async (handle) => {
    const out = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, done) {
        writeAll(handle, chunk).then(() => done(), done);
      },
    });
    let streamError: Error | undefined;
    out.on('error', (err) => (streamError ??= err));
    await produce(out);
    if (streamError) throw streamError;
    await new Promise<void>((resolve, reject) => {
      out.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (streamError) throw streamError;
  });
}

async function writeAll(handle: import('node:fs/promises').FileHandle, chunk: Uint8Array): Promise<void> {
  for (let off = 0; off < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, off, chunk.byteLength - off);
    off += bytesWritten;
  }
}

async function writeAtomicWith(path: string, body: (handle: import('node:fs/promises').FileHandle) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = atomicTempPath(path);
  const handle = await open(tmp, 'wx');
  let closed = false;
  try {
    await body(handle);
    await handle.sync();
    await handle.close();
    closed = true;
    await rename(tmp, path);
  } catch (err) {
    if (!closed) await handle.close().catch(() => {});
    await rm(tmp, { force: true });
    throw err;
  }
}
