import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioError, type AudioErrorCode } from '../src/audio/errors.js';
import { decodeWav, readWavInfo } from '../src/audio/wav-decode.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { loadAudio } from '../src/audio/load.js';

const FILE = 'corpus/broken.wav';

/** Runs `fn`, asserts it throws an AudioError with `code` whose message starts with the file name, returns it. */
function expectAudioError(fn: () => unknown, code: AudioErrorCode, file = FILE): AudioError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected AudioError ${code}`).toBeInstanceOf(AudioError);
  const err = caught as AudioError;
  expect(err.code, err.message).toBe(code);
  expect(err.file).toBe(file);
  expect(err.message.startsWith(`${file}: `)).toBe(true);
  return err;
}

const decode = (b: Uint8Array) => () => decodeWav(b, { file: FILE });

/** A plain 44-byte-header PCM16 mono file with `frames` samples. */
function pcm16(frames = 8): Uint8Array {
  const x = new Float32Array(frames).map((_, i) => Math.sin(i) / 2);
  return encodeWav(x, 16000, { format: 'pcm16' });
}

/** Copy of `wav` with the fmt fields patched (plain 16-byte fmt chunk at byte 20). */
function patchFmt(wav: Uint8Array, fields: { tag?: number; channels?: number; rate?: number; bits?: number; fmtSize?: number }): Uint8Array {
  const out = wav.slice();
  const v = new DataView(out.buffer);
  if (fields.fmtSize !== undefined) v.setUint32(16, fields.fmtSize, true);
  if (fields.tag !== undefined) v.setUint16(20, fields.tag, true);
  if (fields.channels !== undefined) v.setUint16(22, fields.channels, true);
  if (fields.rate !== undefined) v.setUint32(24, fields.rate, true);
  if (fields.bits !== undefined) v.setUint16(34, fields.bits, true);
  return out;
}

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  out.set(ascii(id));
  new DataView(out.buffer).setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function riff(...chunks: Uint8Array[]): Uint8Array {
  const total = 12 + chunks.reduce((s, c) => s + c.length, 0);
  const out = new Uint8Array(total);
  out.set(ascii('RIFF'));
  new DataView(out.buffer).setUint32(4, total - 8, true);
  out.set(ascii('WAVE'), 8);
  let p = 12;
  for (const c of chunks) { out.set(c, p); p += c.length; }
  return out;
}

describe('not a WAV file', () => {
  it('text, PNG and MP3 bytes → NOT_RIFF naming what was found', () => {
    expect(expectAudioError(decode(ascii('hello, world')), 'NOT_RIFF').message).toContain('"hell"');
    expectAudioError(decode(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0)), 'NOT_RIFF');
    expectAudioError(decode(ascii('ID3\x04\x00\x00\x00\x00\x00\x00')), 'NOT_RIFF');
    expectAudioError(decode(ascii('RI')), 'TRUNCATED_HEADER'); // could still become RIFF
    expectAudioError(decode(ascii('RX')), 'NOT_RIFF');
  });

  it('RIFX, RF64 and Wave64 → UNSUPPORTED_CONTAINER', () => {
    for (const magic of ['RIFX', 'RF64', 'BW64', 'riff']) {
      const wav = pcm16();
      wav.set(ascii(magic));
      expectAudioError(decode(wav), 'UNSUPPORTED_CONTAINER');
    }
  });

  it('RIFF of another form type (AVI) → NOT_WAVE', () => {
    const wav = pcm16();
    wav.set(ascii('AVI '), 8);
    expect(expectAudioError(decode(wav), 'NOT_WAVE').message).toContain('"AVI "');
  });
});

describe('truncation at every byte of the header', () => {
  // Layout of the plain file: RIFF header 0–11, fmt chunk header 12–19, fmt body 20–35,
  // data chunk header 36–43, samples from 44 (2 bytes per frame).
  function expectedCode(length: number): AudioErrorCode | null {
    if (length < 12) return 'TRUNCATED_HEADER';
    if (length === 12) return 'NO_FMT';
    if (length < 36) return 'TRUNCATED_HEADER';
    if (length === 36) return 'NO_DATA';
    if (length < 44) return 'TRUNCATED_HEADER';
    if (length < 46) return 'EMPTY_DATA';
    return null;
  }
  it('PCM16 mono: each prefix gives its code, the first whole frame decodes', () => {
    const wav = pcm16();
    for (let len = 0; len <= 46; len++) {
      const code = expectedCode(len);
      const prefix = wav.slice(0, len);
      if (code === null) expect(decodeWav(prefix).frames).toBe(1);
      else expectAudioError(decode(prefix), code);
    }
  });

  it('extensible and float headers: every prefix is an AudioError, never another exception', () => {
    const x = new Float32Array(4).fill(0.25);
    for (const wav of [encodeWav(x, 48000, { format: 'pcm24', extensible: true }), encodeWav(x, 48000, { format: 'float32' }), encodeWav(x, 48000, { format: 'float64', extensible: true })]) {
      const header = readWavInfo(wav).dataOffset;
      for (let len = 0; len < header; len++) {
        expect(() => decodeWav(wav.slice(0, len))).toThrow(AudioError);
      }
      expect(decodeWav(wav.slice(0, header + (wav.length - header) / 4)).frames).toBe(1);
    }
  });
});

describe('unsupported encodings', () => {
  const cases: [number, string][] = [
    [0x0007, 'μ-law'],
    [0x0006, 'A-law'],
    [0x0002, 'Microsoft ADPCM'],
    [0x0011, 'IMA ADPCM'],
    [0x0050, 'MPEG-1 audio'],
    [0x0055, 'MPEG Layer 3 (MP3)'],
    [0x0031, 'GSM 6.10'],
    [0x1234, 'unknown encoding'],
  ];
  for (const [tag, name] of cases) {
    it(`format tag 0x${tag.toString(16).padStart(4, '0')} → UNSUPPORTED_ENCODING naming ${name}`, () => {
      const err = expectAudioError(decode(patchFmt(pcm16(), { tag, bits: 8 })), 'UNSUPPORTED_ENCODING');
      expect(err.message).toContain(name);
      expect(err.message).toContain(`0x${tag.toString(16).padStart(4, '0')}`);
    });
  }

  it('WAVE_FORMAT_EXTENSIBLE with a μ-law subformat or a foreign GUID', () => {
    const ext = encodeWav(new Float32Array(8), 16000, { format: 'pcm16', extensible: true });
    const mulaw = ext.slice();
    new DataView(mulaw.buffer).setUint16(20 + 24, 0x0007, true); // SubFormat's first field
    expect(expectAudioError(decode(mulaw), 'UNSUPPORTED_ENCODING').message).toContain('μ-law');
    const foreign = ext.slice();
    foreign[20 + 24 + 8] = 0x12; // break the KSDATAFORMAT GUID tail
    expect(expectAudioError(decode(foreign), 'UNSUPPORTED_ENCODING').message).toContain('GUID');
  });
});

describe('bad fmt fields', () => {
  it('zero channels → ZERO_CHANNELS', () => {
    expectAudioError(decode(patchFmt(pcm16(), { channels: 0 })), 'ZERO_CHANNELS');
  });

  it('sample rate 0, 4000, 7999, 192001, 2^32-1 → BAD_SAMPLE_RATE; 8000 and 192000 accepted', () => {
    for (const rate of [0, 4000, 7999, 192001, 0xffffffff]) {
      expect(expectAudioError(decode(patchFmt(pcm16(), { rate })), 'BAD_SAMPLE_RATE').message).toContain(`${rate} Hz`);
    }
    for (const rate of [8000, 192000]) expect(decodeWav(patchFmt(pcm16(), { rate })).info.sampleRate).toBe(rate);
  });

  it('12-bit, 20-bit, 0-bit PCM and 16-bit float → UNSUPPORTED_BIT_DEPTH', () => {
    for (const bits of [12, 20, 0, 64]) {
      expect(expectAudioError(decode(patchFmt(pcm16(), { bits })), 'UNSUPPORTED_BIT_DEPTH').message).toContain(`${bits}-bit PCM`);
    }
    const float = encodeWav(new Float32Array(8), 16000, { format: 'float32' });
    const f16 = float.slice();
    new DataView(f16.buffer).setUint16(34, 16, true);
    expect(expectAudioError(decode(f16), 'UNSUPPORTED_BIT_DEPTH').message).toContain('16-bit IEEE float');
  });

  it('fmt chunk shorter than 16 bytes, or an extensible one shorter than 40 → TRUNCATED_HEADER', () => {
    const wav = pcm16();
    expectAudioError(decode(riff(chunk('fmt ', wav.slice(20, 34)), chunk('data', new Uint8Array(4)))), 'TRUNCATED_HEADER');
    const ext = encodeWav(new Float32Array(8), 16000, { format: 'pcm16', extensible: true });
    expectAudioError(decode(riff(chunk('fmt ', ext.slice(20, 38)), chunk('data', new Uint8Array(4)))), 'TRUNCATED_HEADER');
  });
});

describe('missing or empty chunks', () => {
  const fmtBody = pcm16().slice(20, 36);
  it('no fmt chunk → NO_FMT', () => {
    expectAudioError(decode(riff(chunk('data', new Uint8Array(16)))), 'NO_FMT');
    expectAudioError(decode(riff(chunk('LIST', ascii('INFO')), chunk('data', new Uint8Array(16)))), 'NO_FMT');
  });

  it('no data chunk → NO_DATA', () => {
    expectAudioError(decode(riff(chunk('fmt ', fmtBody))), 'NO_DATA');
    expectAudioError(decode(riff(chunk('fmt ', fmtBody), chunk('LIST', ascii('INFO')), chunk('JUNK', new Uint8Array(3)))), 'NO_DATA');
  });

  it('empty data chunk, or less than one frame → EMPTY_DATA', () => {
    expectAudioError(decode(riff(chunk('fmt ', fmtBody), chunk('data', new Uint8Array(0)))), 'EMPTY_DATA');
    expectAudioError(decode(riff(chunk('fmt ', fmtBody), chunk('data', new Uint8Array(1)))), 'EMPTY_DATA');
    expectAudioError(decode(encodeWav(new Float32Array(0), 16000)), 'EMPTY_DATA');
  });
});

describe('non-finite float samples', () => {
  for (const format of ['float32', 'float64'] as const) {
    for (const [label, bad] of [['NaN', NaN], ['+Inf', Infinity], ['-Inf', -Infinity]] as const) {
      it(`${format} with ${label} at frame 17 of channel 1 → NON_FINITE_SAMPLES naming frame and channel`, () => {
        const ok = encodeWav([new Float32Array(40), new Float32Array(40)], 22050, { format });
        const info = readWavInfo(ok);
        const bytesPer = format === 'float32' ? 4 : 8;
        const at = info.dataOffset + (17 * 2 + 1) * bytesPer;
        const v = new DataView(ok.buffer);
        if (format === 'float32') v.setFloat32(at, bad, true); else v.setFloat64(at, bad, true);
        const err = expectAudioError(decode(ok), 'NON_FINITE_SAMPLES');
        expect(err.message).toContain(label);
        expect(err.message).toContain('frame 17, channel 1');
        // Frames before the bad one decode fine: only the requested range is checked.
        expect(decodeWav(ok, { frames: 17 }).frames).toBe(17);
      });
    }
  }

  it('a finite float64 that overflows float32 is reported as such', () => {
    const ok = encodeWav(new Float32Array(10), 22050, { format: 'float64' });
    new DataView(ok.buffer).setFloat64(readWavInfo(ok).dataOffset + 3 * 8, 1e300, true);
    expect(expectAudioError(decode(ok), 'NON_FINITE_SAMPLES').message).toContain('overflows float32');
  });
});

describe('encoder and argument errors', () => {
  const enc = (fn: () => unknown, code: AudioErrorCode) => expectAudioError(fn, code, '<encode>');
  it('rejects NaN, unequal channels, no channels, bad rates, unknown formats', () => {
    enc(() => encodeWav(Float32Array.of(0, NaN), 16000), 'NON_FINITE_SAMPLES');
    enc(() => encodeWav([new Float32Array(3), new Float32Array(4)], 16000), 'BAD_ARGUMENT');
    enc(() => encodeWav([], 16000), 'ZERO_CHANNELS');
    enc(() => encodeWav(new Float32Array(3), 0), 'BAD_SAMPLE_RATE');
    enc(() => encodeWav(new Float32Array(3), 22050.5), 'BAD_SAMPLE_RATE');
    enc(() => encodeWav(new Float32Array(3), 16000, { format: 'mp3' as never }), 'BAD_ARGUMENT');
    enc(() => encodeWav(new Float32Array(3), 16000, { format: 'toString' as never }), 'BAD_ARGUMENT');
    // 8192 float64 channels make a 65536-byte frame, one more than the 16-bit nBlockAlign field holds.
    enc(() => encodeWav(Array.from({ length: 8192 }, () => new Float32Array(1)), 16000, { format: 'float64' }), 'BAD_ARGUMENT');
    expect(decodeWav(encodeWav(Array.from({ length: 8191 }, () => new Float32Array(1)), 16000, { format: 'float64' })).info.channels).toBe(8191);
  });

  it('decodeWav rejects negative or fractional frame ranges', () => {
    expectAudioError(() => decodeWav(pcm16(), { file: FILE, start: -1 }), 'BAD_ARGUMENT');
    expectAudioError(() => decodeWav(pcm16(), { file: FILE, frames: 1.5 }), 'BAD_ARGUMENT');
  });
});

describe('errors from a path name the path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ser-wav-errors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('broken file on disk, missing file, directory', async () => {
    const broken = join(dir, 'mulaw.wav');
    writeFileSync(broken, patchFmt(pcm16(), { tag: 7, bits: 8 }));
    const e1 = await loadAudio(broken, { sr: null }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(AudioError);
    expect((e1 as AudioError).code).toBe('UNSUPPORTED_ENCODING');
    expect((e1 as AudioError).file).toBe(broken);
    expect((e1 as AudioError).message.startsWith(`${broken}: `)).toBe(true);

    const missing = join(dir, 'nope.wav');
    const e2 = await loadAudio(missing).catch((e: unknown) => e);
    expect((e2 as AudioError).code).toBe('READ_FAILED');
    expect((e2 as AudioError).message).toBe(`${missing}: cannot read: file not found`);

    const e3 = await loadAudio(dir).catch((e: unknown) => e);
    expect((e3 as AudioError).code).toBe('READ_FAILED');
    expect((e3 as AudioError).file).toBe(dir);
  });
});
