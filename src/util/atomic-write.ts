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

/** Options of {@link writeStreamAtomic}. */
export interface StreamAtomicOptions {
  /**
   * Start an fdatasync in the background after every this many bytes (default: never): the
   * final flush before the rename then has little left to write, instead of all of a large file.
   */
  flushEveryBytes?: number;
}

/**
 * Streams into `path` atomically: `produce` receives a Writable on the temporary file and
 * resolves when it has written everything (it must not end the stream; this function does).
 * If `produce` throws, the temporary file is removed and the target keeps its old content.
 */
export async function writeStreamAtomic(path: string, produce: (out: Writable) => Promise<void>, opts: StreamAtomicOptions = {}): Promise<void> {
  await writeAtomicWith(path, async (handle) => {
    const every = opts.flushEveryBytes ?? Infinity;
    let unflushed = 0;
    let flushing: Promise<void> = Promise.resolve();
    const out = new Writable({
      highWaterMark: 1 << 16,
      write(chunk: Buffer, _enc, done) {
        writeAll(handle, chunk).then(() => {
          unflushed += chunk.byteLength;
          if (unflushed >= every) {
            unflushed = 0;
            // One flush at a time, not awaited here: writing goes on while the disk catches up.
            flushing = flushing.then(() => handle.datasync());
            flushing.catch(() => {}); // a failed flush is reported after the last write, below
          }
          done();
        }, done);
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
    await flushing;
  });
}

/**
 * A file written atomically while its content arrives (what writeStreamAtomic does for content
 * known up front): `add` queues work on the writer state (made by `start` from the stream on the
 * temporary file), run one after another; `commit` runs `finish` after all of it, then the file
 * is flushed and renamed into place; `abort` drops the temporary file. The temporary file (and
 * its folder) are created by the first add or commit, so an abandoned write that never added
 * anything leaves nothing behind. The first failure of any queued work is kept and rejects the
 * commit.
 */
export interface AtomicStream<S> {
  add(work: (state: S) => Promise<void> | void): void;
  commit(finish: (state: S) => Promise<void> | void): Promise<void>;
  abort(): Promise<void>;
}

export function openAtomicStream<S>(path: string, start: (out: Writable) => S, opts: StreamAtomicOptions = {}): AtomicStream<S> {
  let settle!: { finish: (f: (state: S) => Promise<void> | void) => void; fail: (err: Error) => void };
  const decided = new Promise<(state: S) => Promise<void> | void>((finish, fail) => (settle = { finish, fail }));
  decided.catch(() => {}); // an abort before the file is open is not an unhandled rejection
  let opened!: (state: S) => void;
  const ready = new Promise<S>((resolve) => (opened = resolve));
  let chain: Promise<unknown> = ready;
  let failure: Error | undefined;
  let written: Promise<void> | undefined;
  const begin = (): Promise<void> => {
    written ??= writeStreamAtomic(path, async (out) => {
      const state = start(out);
      opened(state);
      const finish = await decided;
      await chain;
      if (failure) throw failure;
      await finish(state);
    }, opts);
    written.catch(() => {}); // reported by commit
    return written;
  };
  return {
    add(work) {
      begin();
      chain = chain.then(async (): Promise<void> => {
        if (!failure) await work(await ready);
      }).catch((err: Error) => {
        failure ??= err;
      });
    },
    async commit(finish) {
      settle.finish(finish);
      await begin();
    },
    async abort() {
      settle.fail(new Error(`${path}: write abandoned`));
      await written?.catch(() => {});
    },
  };
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
