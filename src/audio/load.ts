/**
 * `librosa.load` for WAV files (librosa 0.10, soundfile backend):
 *  1. seek to int(offset · nativeSr) frames and read int(duration · nativeSr)
 *     frames (fewer if the file ends first; everything when duration is null);
 *  2. mix to mono (float32 mean of channels) unless `mono: false`;
 *  3. resample to `sr` (default 22050; null keeps the native rate).
 * Only the requested frame range is decoded.
 *
 * Deliberate difference: where librosa returns an empty array (offset at or
 * past the end, or a duration shorter than one frame) we throw AudioError
 * 'TOO_SHORT', because an empty clip only fails later with a vaguer error.
 *
 * Everything here works on bytes and is browser-safe, except
 * {@link readAudioFile}, the one function that touches the file system
 * (node:fs is imported on demand), and the default resampler, which loads the
 * WASM module from disk; browser code passes its own `resampler`.
 */
import { AudioError, BYTES_SOURCE } from './errors.js';
import { decodeWav, frameBytes, mixToMono, readWavInfo, type WavInfo } from './wav-decode.js';

// Node-only modules, imported through variables: bundlers follow literal import() specifiers
// even in code a browser never runs, and fail on node:fs (see test/browser-entry.test.ts).
const NODE_FS = 'node:fs/promises';
const NODE_CORE_LOADER = '../wasm/load-node.js';

export const DEFAULT_SR = 22050;

export interface LoadAudioOptions {
  /** Target rate in Hz (positive integer); default 22050; null keeps the file's rate. */
  sr?: number | null;
  /** Start time in seconds (default 0). */
  offset?: number;
  /** Length in seconds; null/undefined reads to the end. */
  duration?: number | null;
  /** Mix channels down to one (default true). With false, `y` is one array per channel, even for a mono file. */
  mono?: boolean;
}

export interface LoadBytesOptions extends LoadAudioOptions {
  /** Name for error messages (default '<bytes>'). */
  file?: string;
  /** Replaces the default WASM resampler (needed in browsers, where the module is not read from disk). */
  resampler?: Resampler;
}

/** Resamples one channel; must return a new array. It may also offer {@link Resampler.pcm16}. */
export interface Resampler {
  (y: Float32Array, srIn: number, srOut: number): Float32Array | Promise<Float32Array>;
  /**
   * The same resampling of a mono 16-bit PCM signal given as its little-endian bytes, returning
   * exactly what the resampler returns for the float32 signal int16 / 32768 (the WAV reader's
   * values). When present, loadAudio hands a mono 16-bit file's bytes straight to it, skipping
   * the float decode in JS.
   */
  pcm16?: (bytes: Uint8Array, srIn: number, srOut: number) => Float32Array | Promise<Float32Array>;
}

export interface LoadedAudio<Y extends Float32Array | Float32Array[] = Float32Array> {
  /** Mono signal, or one array per channel with `mono: false`. */
  y: Y;
  /** Rate of `y` (the requested `sr`, or the native rate when `sr` is null). */
  sr: number;
  /** Rate stored in the file. */
  nativeSr: number;
  /** Channel count stored in the file. */
  channels: number;
  /** Path, or the `file` name given for bytes, or '<bytes>'. */
  file: string;
  /**
   * Things that were tolerated but deserve a word, present only when there are any: a data chunk
   * that claims more bytes than the file holds (read up to the end, as soundfile does), float
   * samples beyond ±1 (kept as they are, as librosa does). The CLI prints them on stderr.
   */
  warnings?: string[];
}

type MonoOptions = { mono?: true };
type MultiOptions = { mono: false };

/** Reads a WAV file (path) or WAV bytes like librosa.load; see the module comment. */
export function loadAudio(source: string | Uint8Array, opts?: LoadAudioOptions & MonoOptions): Promise<LoadedAudio<Float32Array>>;
export function loadAudio(source: string | Uint8Array, opts: LoadAudioOptions & MultiOptions): Promise<LoadedAudio<Float32Array[]>>;
export function loadAudio(source: string | Uint8Array, opts?: LoadAudioOptions): Promise<LoadedAudio<Float32Array | Float32Array[]>>;
export async function loadAudio(
  source: string | Uint8Array,
  opts: LoadAudioOptions = {},
): Promise<LoadedAudio<Float32Array | Float32Array[]>> {
  if (typeof source === 'string') {
    const bytes = await readAudioFile(source);
    return loadAudioBytes(bytes, { ...opts, file: source });
  }
  return loadAudioBytes(source, opts);
}

/** The browser-safe core of {@link loadAudio}: WAV bytes in, librosa.load semantics out. */
export function loadAudioBytes(bytes: Uint8Array, opts?: LoadBytesOptions & MonoOptions): Promise<LoadedAudio<Float32Array>>;
export function loadAudioBytes(bytes: Uint8Array, opts: LoadBytesOptions & MultiOptions): Promise<LoadedAudio<Float32Array[]>>;
export function loadAudioBytes(bytes: Uint8Array, opts?: LoadBytesOptions): Promise<LoadedAudio<Float32Array | Float32Array[]>>;
export async function loadAudioBytes(
  bytes: Uint8Array,
  opts: LoadBytesOptions = {},
): Promise<LoadedAudio<Float32Array | Float32Array[]>> {
  const [loaded] = await loadAudioRanges(bytes, [opts], opts);
  return loaded!;
}

/**
 * Several {@link loadAudioBytes} requests on one WAV, decoded once: the union of their frame
 * ranges is decoded, and each request is cut from it, mixed and resampled on its own — the
 * same signals as separate loadAudioBytes calls (mixing is per sample, so cutting first or
 * later gives the same input to the resampler). For a page that wants the analysed clip and a
 * longer view of the same file.
 */
export function loadAudioRanges<const R extends readonly (LoadAudioOptions & MonoOptions)[]>(
  bytes: Uint8Array,
  requests: R,
  opts?: Pick<LoadBytesOptions, 'file' | 'resampler'>,
): Promise<{ -readonly [K in keyof R]: LoadedAudio<Float32Array> }>;
export function loadAudioRanges<const R extends readonly LoadAudioOptions[]>(
  bytes: Uint8Array,
  requests: R,
  opts?: Pick<LoadBytesOptions, 'file' | 'resampler'>,
): Promise<{ -readonly [K in keyof R]: LoadedAudio<Float32Array | Float32Array[]> }>;
export async function loadAudioRanges(
  bytes: Uint8Array,
  requests: readonly LoadAudioOptions[],
  opts: Pick<LoadBytesOptions, 'file' | 'resampler'> = {},
): Promise<Array<LoadedAudio<Float32Array | Float32Array[]>>> {
  const file = opts.file ?? BYTES_SOURCE;
  const info = readWavInfo(bytes, file);
  const plans = requests.map((r) => planRange(r, info, file));
  if (plans.length === 0) return [];
  const only = plans.length === 1 ? plans[0]! : undefined;
  if (only && only.sr !== null && only.sr !== info.sampleRate && info.channels === 1 && info.format === 'pcm16') {
    // The usual speech file (mono, 16-bit, another rate): its bytes go to the resampler as they
    // are when it takes them, the same samples as decoding first (Resampler.pcm16's contract).
    const { pcm16 } = opts.resampler ?? (await defaultResampler(file));
    if (pcm16) {
      const target = only.sr;
      const y = await runResampler(() => pcm16(frameBytes(bytes, info, only.start, only.end - only.start), info.sampleRate, target), info.sampleRate, target, file);
      const warnings = loadWarnings(info, []);
      return [{ y: only.mono ? y : [y], sr: target, nativeSr: info.sampleRate, channels: 1, file, ...(warnings.length ? { warnings } : {}) }];
    }
  }
  const from = Math.min(...plans.map((p) => p.start));
  const to = Math.max(...plans.map((p) => p.end));
  // Decoded per channel so the range check sees every channel; then mixed as decodeWav's mono does.
  const decoded = decodeWav(bytes, { start: from, frames: to - from, mono: false, file });
  const nativeSr = info.sampleRate;
  return Promise.all(plans.map(async (p) => {
    const planar = decoded.data.map((ch) => ch.subarray(p.start - from, p.end - from));
    const warnings = loadWarnings(info, planar);
    const target = p.sr ?? nativeSr;
    // Several requests share the decoded buffer: each gets its own copy, so none can detach or change another's.
    const own = (ch: Float32Array): Float32Array => (plans.length > 1 ? ch.slice() : ch);
    let channels = p.mono && planar.length > 1 ? [mixToMono(planar, p.end - p.start)] : planar.map(own);
    if (target !== nativeSr) {
      const resampler = opts.resampler ?? (await defaultResampler(file));
      channels = await Promise.all(channels.map((ch) => runResampler(() => resampler(ch, nativeSr, target), nativeSr, target, file)));
    }
    return { y: p.mono ? channels[0]! : channels, sr: target, nativeSr, channels: info.channels, file, ...(warnings.length ? { warnings } : {}) };
  }));
}

/** One request's checked options and its frames [start, end) of the file (librosa.load's arithmetic). */
function planRange(opts: LoadAudioOptions, info: WavInfo, file: string): { sr: number | null; mono: boolean; start: number; end: number } {
  const sr = opts.sr === undefined ? DEFAULT_SR : opts.sr;
  const offset = opts.offset ?? 0;
  const duration = opts.duration ?? null;
  const mono = opts.mono ?? true;
  if (sr !== null && !(Number.isInteger(sr) && sr > 0)) {
    throw new AudioError(file, 'BAD_ARGUMENT', `sr must be a positive integer or null, got ${sr}`);
  }
  if (!(Number.isFinite(offset) && offset >= 0)) {
    throw new AudioError(file, 'BAD_ARGUMENT', `offset must be a finite number of seconds >= 0, got ${offset}`);
  }
  if (duration !== null && !(Number.isFinite(duration) && duration >= 0)) {
    throw new AudioError(file, 'BAD_ARGUMENT', `duration must be a finite number of seconds >= 0 or null, got ${duration}`);
  }
  const nativeSr = info.sampleRate;
  // Python's int() truncates toward zero, as Math.trunc does (both operands are non-negative here).
  const start = Math.trunc(offset * nativeSr);
  const wantFrames = duration === null ? undefined : Math.trunc(duration * nativeSr);
  if (start >= info.frames) {
    throw new AudioError(file, 'TOO_SHORT',
      `offset ${offset} s (frame ${start}) is at or past the end of the audio (${info.frames} frames at ${nativeSr} Hz)`);
  }
  if (wantFrames === 0) {
    throw new AudioError(file, 'TOO_SHORT', `duration ${duration} s is shorter than one frame at ${nativeSr} Hz`);
  }
  return { sr, mono, start, end: Math.min(info.frames, start + (wantFrames ?? info.frames)) };
}

/** What {@link LoadedAudio.warnings} reports for a decoded range. */
function loadWarnings(info: WavInfo, planar: Float32Array[]): string[] {
  const out: string[] = [];
  if (info.truncated) {
    const frameBytes = info.channels * (info.bitsPerSample >> 3);
    out.push(`data chunk declares ${info.declaredDataBytes} bytes (${Math.floor(info.declaredDataBytes / frameBytes)} frames) ` +
      `but the file holds ${info.frames} frames: the file is truncated; read the frames present`);
  }
  if (info.format === 'float32' || info.format === 'float64') {
    let over = 0;
    let peak = 0;
    for (const ch of planar) {
      for (let i = 0; i < ch.length; i++) {
        const a = Math.abs(ch[i]!);
        if (a > 1) {
          over++;
          if (a > peak) peak = a;
        }
      }
    }
    if (over > 0) out.push(`${over} float sample(s) exceed ±1 (peak ${peak.toPrecision(4)}): kept as they are, as librosa does`);
  }
  return out;
}

/** Runs one resampling (`run`), reporting a failure as RESAMPLE_FAILED naming the file and the rates. */
async function runResampler(run: () => Float32Array | Promise<Float32Array>, srIn: number, srOut: number, file: string): Promise<Float32Array> {
  try {
    return await run();
  } catch (err) {
    throw new AudioError(file, 'RESAMPLE_FAILED',
      `resampling ${srIn} Hz → ${srOut} Hz failed: ${(err as Error).message}`, { cause: err });
  }
}

/** The WASM resampler (src/wasm/resample.ts) on this thread's shared module instance. */
async function defaultResampler(file: string): Promise<Resampler> {
  try {
    const [{ wasmResampler }, { loadWasmCore }] = await Promise.all([
      import('../wasm/resample.js'),
      import(/* @vite-ignore */ NODE_CORE_LOADER) as Promise<typeof import('../wasm/load-node.js')>,
    ]);
    return wasmResampler(await loadWasmCore());
  } catch (err) {
    throw new AudioError(file, 'RESAMPLE_FAILED',
      `resampling is needed but the WASM resampler is unavailable (${(err as Error).message}); pass sr: null to keep the native rate`,
      { cause: err });
  }
}

/** Reads a file into memory (Node only). Failures become AudioError 'READ_FAILED' naming the path. */
export async function readAudioFile(path: string): Promise<Uint8Array> {
  const { readFile } = (await import(/* @vite-ignore */ NODE_FS)) as typeof import('node:fs/promises');
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    throw new AudioError(path, 'READ_FAILED', `cannot read: ${reason}`, { cause: err });
  }
}
