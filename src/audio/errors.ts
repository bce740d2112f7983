/**
 * The one error type for reading, decoding and writing audio. The batch
 * extractor catches it per file and reports `code` + `file`, so every failure
 * mode of a WAV file (and of our own arguments) has a stable code here.
 */
export type AudioErrorCode =
  /** First four bytes are not "RIFF" (also used for non-audio files). */
  | 'NOT_RIFF'
  /** RIFF container whose form type is not "WAVE" (e.g. AVI, RMI). */
  | 'NOT_WAVE'
  /** A RIFF variant we do not read: big-endian RIFX, RF64/BW64, Sony Wave64. */
  | 'UNSUPPORTED_CONTAINER'
  /** The file ends inside the RIFF header, a chunk header or the fmt chunk. */
  | 'TRUNCATED_HEADER'
  /** No "fmt " chunk. */
  | 'NO_FMT'
  /** No "data" chunk. */
  | 'NO_DATA'
  /** A data chunk that holds not even one whole frame. */
  | 'EMPTY_DATA'
  /** A format tag other than PCM / IEEE float (μ-law, A-law, ADPCM, MPEG, …); the message names it. */
  | 'UNSUPPORTED_ENCODING'
  /** PCM not 8/16/24/32-bit or float not 32/64-bit. */
  | 'UNSUPPORTED_BIT_DEPTH'
  | 'ZERO_CHANNELS'
  /** Sample rate outside 8 000–192 000 Hz (or zero). */
  | 'BAD_SAMPLE_RATE'
  /** NaN or ±Inf in a float file (or in samples handed to the encoder). */
  | 'NON_FINITE_SAMPLES'
  /** Nothing left to read after applying offset/duration. */
  | 'TOO_SHORT'
  /** The file could not be read from disk (missing, permissions, …). */
  | 'READ_FAILED'
  /** The file could not be written to disk. */
  | 'WRITE_FAILED'
  /** Resampling was requested but is not available or failed. */
  | 'RESAMPLE_FAILED'
  /** A caller argument is invalid (negative offset, channels of unequal length, …). */
  | 'BAD_ARGUMENT';

/** Placeholder file name when decoding bytes that did not come from a path. */
export const BYTES_SOURCE = '<bytes>';

export class AudioError extends Error {
  override readonly name = 'AudioError';
  /** Path of the file, or '<bytes>' for in-memory input. */
  readonly file: string;
  readonly code: AudioErrorCode;
  /** The reason without the file prefix (handy for per-file reports). */
  readonly reason: string;

  constructor(file: string, code: AudioErrorCode, reason: string, options?: { cause?: unknown }) {
    super(`${file}: ${reason}`, options);
    this.file = file;
    this.code = code;
    this.reason = reason;
  }
}

/** True when `err` is an {@link AudioError} (type guard). */
export function isAudioError(err: unknown): err is AudioError {
  return err instanceof AudioError;
}
