/**
 * Streamed WAV decoding: the header is parsed from the start of the file (readWavInfo, with the
 * same checks and errors as a whole-file decode), then the data chunk is read and decoded block by
 * block, so a file of any length costs one block of memory, not the whole file as samples.
 * Blocks come out as mono float32 (the channel mean, exactly decodeWav + mixToMono, i.e. what
 * loadAudio hands to the resampler).
 *
 * Browser-safe: the bytes come from a {@link ByteSource} (in-memory bytes, a Blob/File read in
 * slices, or a file on disk via src/audio/wav-file-source.ts in Node).
 */
import { AudioError, BYTES_SOURCE } from './errors.js';
import { decodeWavFrames, mixToMono, readWavInfo, type WavInfo } from './wav-decode.js';

/** Random-access bytes of one file. */
export interface ByteSource {
  /** Name for error messages (a path, or a file name). */
  readonly name: string;
  readonly size: number;
  /** Up to `length` bytes from `position` (fewer only at the end). */
  read(position: number, length: number): Promise<Uint8Array>;
  /** Releases the source (e.g. a file handle) when it holds one; the caller calls it when done reading. */
  close?(): Promise<void>;
}

/** A ByteSource over bytes already in memory. */
export function bytesSource(bytes: Uint8Array, name: string = BYTES_SOURCE): ByteSource {
  return { name, size: bytes.length, read: async (p, n) => bytes.subarray(p, Math.min(bytes.length, p + n)) };
}

/** A ByteSource over a Blob or File (browser; read slice by slice). */
export function blobSource(blob: Blob, name: string): ByteSource {
  return { name, size: blob.size, read: async (p, n) => new Uint8Array(await blob.slice(p, Math.min(blob.size, p + n)).arrayBuffer()) };
}

export interface WavStreamOptions {
  /** Frames per block (default 65536: 1.4 s at 48 kHz). */
  blockFrames?: number;
}

export interface WavStream {
  /** The header, with `frames` and `truncated` for the whole file. */
  info: WavInfo;
  /** Mono float32 blocks of the whole data chunk, in order. */
  blocks(): AsyncGenerator<Float32Array>;
  /**
   * What loadAudio would warn about: a truncated data chunk (known at once), float samples beyond
   * ±1 (known after the last block).
   */
  warnings(): string[];
}

const HEADER_PREFIXES = [1 << 16, 1 << 20, 1 << 24];

/** Parses the header and prepares block reading. Throws AudioError (naming the file) for a bad header. */
export async function openWavStream(src: ByteSource, opts: WavStreamOptions = {}): Promise<WavStream> {
  const blockFrames = opts.blockFrames ?? 65536;
  if (!Number.isInteger(blockFrames) || blockFrames < 1) throw new AudioError(src.name, 'BAD_ARGUMENT', `blockFrames must be a positive integer, got ${blockFrames}`);
  const info = await readHeader(src);
  const frameBytes = info.channels * (info.bitsPerSample >> 3);
  const float = info.format === 'float32' || info.format === 'float64';
  let over = 0;
  let peak = 0;
  let done = false;
  return {
    info,
    async *blocks() {
      for (let start = 0; start < info.frames; start += blockFrames) {
        const count = Math.min(blockFrames, info.frames - start);
        const bytes = await src.read(info.dataOffset + start * frameBytes, count * frameBytes);
        if (bytes.length < count * frameBytes) {
          throw new AudioError(src.name, 'READ_FAILED', `the file changed while it was read: ${bytes.length} bytes at frame ${start}, ${count * frameBytes} expected`);
        }
        const planar = decodeWavFrames(bytes, info, count, start);
        if (float) {
          for (const ch of planar) {
            for (let i = 0; i < ch.length; i++) {
              const a = Math.abs(ch[i]!);
              if (a > 1) {
                over++;
                if (a > peak) peak = a;
              }
            }
          }
        }
        yield planar.length > 1 ? mixToMono(planar, count) : planar[0]!;
      }
      done = true;
    },
    warnings() {
      const out: string[] = [];
      if (info.truncated) {
        out.push(`data chunk declares ${info.declaredDataBytes} bytes (${Math.floor(info.declaredDataBytes / frameBytes)} frames) ` +
          `but the file holds ${info.frames} frames: the file is truncated; read the frames present`);
      }
      if (over > 0) out.push(`${over} float sample(s) exceed ±1 (peak ${peak.toPrecision(4)}): kept as they are, as librosa does${done ? '' : ' (so far)'}`);
      return out;
    },
  };
}

/** readWavInfo on the start of the file, with frames and truncation computed for the whole file. */
async function readHeader(src: ByteSource): Promise<WavInfo> {
  for (const prefix of [...HEADER_PREFIXES, Infinity]) {
    const length = Math.min(src.size, prefix);
    const bytes = await src.read(0, length);
    let info: WavInfo;
    try {
      info = readWavInfo(bytes, src.name);
    } catch (err) {
      // A header longer than the prefix (a big chunk before the data, or data before fmt): read more.
      if (length < src.size && err instanceof AudioError) continue;
      throw err;
    }
    const frameBytes = info.channels * (info.bitsPerSample >> 3);
    const available = Math.max(0, src.size - info.dataOffset);
    const usable = Math.min(info.declaredDataBytes, available);
    const frames = Math.floor(usable / frameBytes);
    if (frames === 0) {
      throw new AudioError(src.name, 'EMPTY_DATA', info.declaredDataBytes === 0 ? 'data chunk is empty' : `data chunk holds ${usable} bytes, less than one ${frameBytes}-byte frame`);
    }
    return { ...info, frames, truncated: info.declaredDataBytes > available };
  }
  throw new AudioError(src.name, 'TRUNCATED_HEADER', 'could not parse the header');
}
