/**
 * WAV writer (hand-written: a header and one quantisation loop, no library needed).
 *
 * Quantisation of integer formats uses the same scale the decoder (and
 * libsndfile/soundfile on read) divides by, 2^(bits-1), rounded to nearest and
 * clipped to the code range: for pcm16 a sample x becomes
 * clamp(round(x · 32768), -32768, 32767). So x = 1.0 is clipped to 32767 and
 * any value that came from a 16-bit file is written back bit-exactly. pcm8 is
 * unsigned (offset 128), as the WAV format requires. Float formats are written
 * unchanged (float64 widens exactly). NaN/±Inf are rejected for every format.
 *
 * Layout: "RIFF" header, a 16-byte PCMWAVEFORMAT fmt chunk for PCM, an 18-byte
 * WAVEFORMATEX (cbSize 0) plus a "fact" chunk for IEEE float, or a 40-byte
 * WAVEFORMATEXTENSIBLE (+ "fact" for float) when `extensible` is set; then the
 * data chunk, with a pad byte when its size is odd (RIFF chunks are word aligned).
 */
import { AudioError, type AudioErrorCode } from './errors.js';
import {
  FORMAT_EXTENSIBLE,
  FORMAT_IEEE_FLOAT,
  FORMAT_PCM,
  KSDATAFORMAT_GUID_TAIL,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  type WavSampleFormat,
} from './wav-decode.js';

export interface EncodeWavOptions {
  /** Sample format; default 'pcm16'. */
  format?: WavSampleFormat;
  /** Write WAVE_FORMAT_EXTENSIBLE (subformat GUID) instead of a plain PCM/float header. */
  extensible?: boolean;
}

const ENCODE_SOURCE = '<encode>';

const BYTES_PER_SAMPLE: Record<WavSampleFormat, number> = {
  pcm8: 1,
  pcm16: 2,
  pcm24: 3,
  pcm32: 4,
  float32: 4,
  float64: 8,
};

/** Speaker masks of the usual layouts (Microsoft KSAUDIO_SPEAKER_*); other counts get 0 = unassigned. */
function channelMask(channels: number): number {
  switch (channels) {
    case 1: return 0x4; // front centre
    case 2: return 0x3; // front left | right
    case 4: return 0x33; // quad
    case 6: return 0x3f; // 5.1
    case 8: return 0x63f; // 7.1
    default: return 0;
  }
}

function fail(file: string, code: AudioErrorCode, reason: string): never {
  throw new AudioError(file, code, reason);
}

/**
 * Encodes planar channels (or one mono array) as a WAV file in memory.
 * Throws AudioError (file '<encode>') for unequal channel lengths, no channels,
 * a rate outside 8 000–192 000 Hz (the decoder's range), non-finite samples or
 * a result over the 4 GiB RIFF limit.
 */
export function encodeWav(
  channels: Float32Array | Float32Array[],
  sampleRate: number,
  opts: EncodeWavOptions = {},
): Uint8Array {
  return encodeWavFor(ENCODE_SOURCE, channels, sampleRate, opts);
}

function encodeWavFor(
  file: string,
  channelsIn: Float32Array | Float32Array[],
  sampleRate: number,
  opts: EncodeWavOptions,
): Uint8Array {
  const format = opts.format ?? 'pcm16';
  if (!Object.hasOwn(BYTES_PER_SAMPLE, format)) fail(file, 'BAD_ARGUMENT', `unknown sample format '${String(format)}'`);
  const bytesPerSample = BYTES_PER_SAMPLE[format];
  const channels = channelsIn instanceof Float32Array ? [channelsIn] : channelsIn;
  if (!Array.isArray(channels) || channels.length === 0) fail(file, 'ZERO_CHANNELS', 'no channels to encode');
  // nBlockAlign (channels × bytes per sample) is a 16-bit header field.
  const maxChannels = Math.floor(65535 / bytesPerSample);
  if (channels.length > maxChannels) fail(file, 'BAD_ARGUMENT', `${channels.length} channels of ${format} (a WAV frame holds at most ${maxChannels})`);
  for (const ch of channels) {
    if (!(ch instanceof Float32Array)) fail(file, 'BAD_ARGUMENT', 'every channel must be a Float32Array');
  }
  const frames = channels[0]!.length;
  for (let c = 1; c < channels.length; c++) {
    if (channels[c]!.length !== frames) {
      fail(file, 'BAD_ARGUMENT', `channel ${c} has ${channels[c]!.length} samples, channel 0 has ${frames}`);
    }
  }
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    fail(file, 'BAD_SAMPLE_RATE', `sample rate ${sampleRate} Hz is outside ${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz`);
  }
  for (let c = 0; c < channels.length; c++) {
    const ch = channels[c]!;
    for (let i = 0; i < frames; i++) {
      const v = ch[i]!;
      if (v - v !== 0) fail(file, 'NON_FINITE_SAMPLES', `non-finite sample (${v}) at frame ${i}, channel ${c}`);
    }
  }

  const isFloat = format === 'float32' || format === 'float64';
  const extensible = opts.extensible === true;
  const numChannels = channels.length;
  const blockAlign = numChannels * bytesPerSample;
  const dataBytes = frames * blockAlign;
  const fmtSize = extensible ? 40 : isFloat ? 18 : 16;
  const hasFact = isFloat; // required for every non-PCM format (Microsoft RIFF spec)
  const headerBytes = 12 + 8 + fmtSize + (hasFact ? 12 : 0) + 8;
  const pad = dataBytes & 1;
  const total = headerBytes + dataBytes + pad;
  if (total - 8 > 0xffffffff) fail(file, 'BAD_ARGUMENT', `${dataBytes} bytes of audio exceed the 4 GiB RIFF limit`);

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let p = 0;
  const tag = (s: string): void => {
    for (let i = 0; i < 4; i++) out[p + i] = s.charCodeAt(i);
    p += 4;
  };
  const u16 = (v: number): void => { view.setUint16(p, v, true); p += 2; };
  const u32 = (v: number): void => { view.setUint32(p, v, true); p += 4; };

  tag('RIFF'); u32(total - 8); tag('WAVE');
  tag('fmt '); u32(fmtSize);
  const formatCode = isFloat ? FORMAT_IEEE_FLOAT : FORMAT_PCM;
  u16(extensible ? FORMAT_EXTENSIBLE : formatCode);
  u16(numChannels);
  u32(sampleRate);
  u32(Math.min(sampleRate * blockAlign, 0xffffffff)); // nAvgBytesPerSec: informational, saturates
  u16(blockAlign);
  u16(bytesPerSample * 8);
  if (extensible) {
    u16(22); // cbSize
    u16(bytesPerSample * 8); // valid bits per sample
    u32(channelMask(numChannels));
    u16(formatCode); // subformat GUID: format code, then the KSDATAFORMAT tail
    out.set(KSDATAFORMAT_GUID_TAIL, p);
    p += KSDATAFORMAT_GUID_TAIL.length;
  } else if (isFloat) {
    u16(0); // cbSize
  }
  if (hasFact) { tag('fact'); u32(4); u32(frames); }
  tag('data'); u32(dataBytes);
  writeSamples(out, p, channels, frames, format);
  return out;
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Interleaves and quantises into `out` from byte `start`. */
function writeSamples(out: Uint8Array, start: number, channels: Float32Array[], frames: number, format: WavSampleFormat): void {
  const nc = channels.length;
  if (format === 'pcm8' || format === 'pcm24') {
    const bps = BYTES_PER_SAMPLE[format];
    const stride = nc * bps;
    for (let c = 0; c < nc; c++) {
      const ch = channels[c]!;
      if (format === 'pcm8') {
        for (let i = 0, p = start + c; i < frames; i++, p += stride) out[p] = quantise(ch[i]!, 128) + 128;
      } else {
        for (let i = 0, p = start + 3 * c; i < frames; i++, p += stride) {
          const q = quantise(ch[i]!, 8388608);
          out[p] = q & 0xff;
          out[p + 1] = (q >> 8) & 0xff;
          out[p + 2] = (q >> 16) & 0xff;
        }
      }
    }
    return;
  }
  // Wider formats: fill an interleaved typed array, then copy its bytes (the data offset need
  // not be aligned for the element size, e.g. 58 for plain float files).
  const samples = format === 'pcm16' ? new Int16Array(frames * nc)
    : format === 'pcm32' ? new Int32Array(frames * nc)
      : format === 'float32' ? new Float32Array(frames * nc)
        : new Float64Array(frames * nc);
  const scale = format === 'pcm16' ? 32768 : format === 'pcm32' ? 2147483648 : 0;
  for (let c = 0; c < nc; c++) {
    const ch = channels[c]!;
    if (scale === 0) for (let i = 0, j = c; i < frames; i++, j += nc) samples[j] = ch[i]!;
    else for (let i = 0, j = c; i < frames; i++, j += nc) samples[j] = quantise(ch[i]!, scale);
  }
  const bytes = new Uint8Array(samples.buffer);
  if (HOST_LITTLE_ENDIAN) {
    out.set(bytes, start);
  } else {
    // Byte-swap each element to little-endian.
    const size = samples.BYTES_PER_ELEMENT;
    for (let i = 0; i < bytes.length; i += size) for (let k = 0; k < size; k++) out[start + i + k] = bytes[i + size - 1 - k]!;
  }
}

/** round(x · scale) clipped to [-scale, scale - 1] (two's-complement code range). */
function quantise(x: number, scale: number): number {
  const q = Math.round(x * scale);
  return q >= scale ? scale - 1 : q < -scale ? -scale : q;
}

/**
 * Encodes and writes a WAV file atomically (Node only: node:fs is imported on
 * demand so this module stays usable in browsers). Errors carry the path.
 */
export async function writeWav(
  path: string,
  channels: Float32Array | Float32Array[],
  sampleRate: number,
  opts: EncodeWavOptions = {},
): Promise<void> {
  const bytes = encodeWavFor(path, channels, sampleRate, opts);
  // Through a variable so bundlers do not try to resolve node:fs for browser builds.
  const ATOMIC_WRITE = '../util/atomic-write.js';
  const { writeFileAtomic } = (await import(/* @vite-ignore */ ATOMIC_WRITE)) as typeof import('../util/atomic-write.js');
  try {
    // Temporary file + rename: an interrupted write leaves any previous file at `path` intact.
    await writeFileAtomic(path, bytes);
  } catch (err) {
    throw new AudioError(path, 'WRITE_FAILED', `could not write: ${(err as Error).message}`, { cause: err });
  }
}
