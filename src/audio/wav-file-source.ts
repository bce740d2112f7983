/**
 * A {@link ByteSource} over a file on disk (Node only): positioned reads through one file handle,
 * so src/audio/wav-stream.ts decodes a long WAV block by block without loading it.
 */
import { open } from 'node:fs/promises';
import { AudioError } from './errors.js';
import type { ByteSource } from './wav-stream.js';

/** Opens `path` for positioned reads; failures become AudioError 'READ_FAILED' naming the path. Call close() when done. */
export async function fileSource(path: string): Promise<ByteSource & {
  /** Closes the file handle. */
  close(): Promise<void>;
}> {
  let handle: import('node:fs/promises').FileHandle;
  let size: number;
  try {
    handle = await open(path, 'r');
    const st = await handle.stat();
    if (st.isDirectory()) {
      await handle.close();
      throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    }
    size = st.size;
  } catch (err) {
    const code = (err as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new AudioError(path, 'READ_FAILED', `cannot read: ${reason}`, { cause: err });
  }
  return {
    name: path,
    size,
    async read(position: number, length: number): Promise<Uint8Array> {
      const n = Math.max(0, Math.min(length, size - position));
      const buf = new Uint8Array(n);
      let got = 0;
      try {
        while (got < n) {
          const { bytesRead } = await handle.read(buf, got, n - got, position + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
      } catch (err) {
        throw new AudioError(path, 'READ_FAILED', `cannot read: ${(err as Error).message}`, { cause: err });
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    close: () => handle.close(),
  };
}
