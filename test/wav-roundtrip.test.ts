import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import wavefilePkg from 'wavefile';
import { decodeWav, readWavInfo, type WavSampleFormat } from '../src/audio/wav-decode.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { loadAudio } from '../src/audio/load.js';
import { Random } from '../src/util/random.js';
import { HAVE_LIBROSA, LIBROSA_DIR, fixtureArray, fixtureManifest } from './helpers/fixtures.js';

const { WaveFile } = wavefilePkg;

const FORMATS: WavSampleFormat[] = ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64'];
const RATES = [8000, 11025, 16000, 22050, 44100, 48000, 96000, 192000];
const INT_SCALE: Partial<Record<WavSampleFormat, number>> = { pcm8: 128, pcm16: 32768, pcm24: 8388608, pcm32: 2147483648 };

/** Random samples in [-1, 1] plus the edge values quantisation and clipping care about. */
function testSignal(rng: Random, frames: number): Float32Array {
  const edges = [0, 1, -1, 0.5, -0.5, 1 - 1e-7, -1 + 1e-7, 1.5, -1.5, 1 / 32768, -1 / 32768];
  const x = new Float32Array(frames);
  for (let i = 0; i < frames; i++) x[i] = i < edges.length ? edges[i]! : rng.range(-1, 1);
  return x;
}

/** Asserts `got` is `want` quantised to `format`: within half a step, clipped to the code range. */
function expectQuantised(got: Float32Array, want: Float32Array, format: WavSampleFormat): void {
  expect(got.length).toBe(want.length);
  const scale = INT_SCALE[format];
  if (scale === undefined) {
    expect(Array.from(got)).toEqual(Array.from(want)); // float formats are exact
    return;
  }
  const top = (scale - 1) / scale;
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const clipped = Math.min(Math.max(want[i]!, -1), top);
    worst = Math.max(worst, Math.abs(got[i]! - clipped));
  }
  // Half a quantisation step, plus float32 rounding of the decoded value for pcm32.
  expect(worst).toBeLessThanOrEqual(0.5 / scale + 6e-8);
}

function splitChunks(wav: Uint8Array): { id: string; body: Uint8Array }[] {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const out: { id: string; body: Uint8Array }[] = [];
  for (let p = 12; p + 8 <= wav.length;) {
    const size = view.getUint32(p + 4, true);
    out.push({ id: String.fromCharCode(...wav.subarray(p, p + 4)), body: wav.slice(p + 8, p + 8 + size) });
    p += 8 + size + (size & 1);
  }
  return out;
}

/** Builds a RIFF/WAVE file from chunks; `pad: false` omits pad bytes after odd chunks (a common writer bug). */
function buildRiff(chunks: { id: string; body: Uint8Array }[], opts: { pad?: boolean; riffSize?: number } = {}): Uint8Array {
  const pad = opts.pad ?? true;
  const parts: number[] = [];
  const u32 = (v: number) => parts.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  for (const c of chunks) {
    for (let i = 0; i < 4; i++) parts.push(c.id.charCodeAt(i));
    u32(c.body.length);
    parts.push(...c.body);
    if (pad && c.body.length % 2 === 1) parts.push(0);
  }
  const head = [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45];
  const out = Uint8Array.from([...head, ...parts]);
  new DataView(out.buffer).setUint32(4, opts.riffSize ?? out.length - 8, true);
  return out;
}

const text = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('encodeWav → decodeWav round trip', () => {
  const rng = new Random(20240601);
  for (const format of FORMATS) {
    for (const extensible of [false, true]) {
      it(`${format}${extensible ? ' extensible' : ''}: 1/2/6 channels at every rate`, () => {
        for (const rate of RATES) {
          for (const nch of [1, 2, 6]) {
            const frames = 257 + rng.int(0, 64);
            const chans = Array.from({ length: nch }, () => testSignal(rng, frames));
            const wav = encodeWav(nch === 1 ? chans[0]! : chans, rate, { format, extensible });
            const out = decodeWav(wav);
            expect(out.info).toMatchObject({ sampleRate: rate, channels: nch, frames, format, extensible, truncated: false });
            expect(out.data.length).toBe(nch);
            for (let c = 0; c < nch; c++) expectQuantised(out.data[c]!, chans[c]!, format);
            // Decoded values re-encode to the identical file: the encoder inverts the decoder's scaling.
            expect(encodeWav(out.data, rate, { format, extensible })).toEqual(wav);
          }
        }
      });
    }
  }

  it('mono mix is the float32 mean of the channels', () => {
    const a = testSignal(rng, 300);
    const b = testSignal(rng, 300);
    const c = testSignal(rng, 300);
    const mixed = decodeWav(encodeWav([a, b, c], 16000, { format: 'float32' }), { mono: true });
    expect(mixed.data.length).toBe(1);
    for (let i = 0; i < 300; i++) {
      expect(mixed.data[0]![i]).toBe(Math.fround(Math.fround(Math.fround(a[i]! + b[i]!) + c[i]!) / 3));
    }
  });

  it('decodes a frame range without the rest, identical to the same slice of a full decode', () => {
    const chans = [testSignal(rng, 1000), testSignal(rng, 1000)];
    for (const format of FORMATS) {
      const wav = encodeWav(chans, 44100, { format });
      const full = decodeWav(wav);
      const part = decodeWav(wav, { start: 123, frames: 456 });
      expect(part.start).toBe(123);
      expect(part.frames).toBe(456);
      for (let c = 0; c < 2; c++) expect(part.data[c]).toEqual(full.data[c]!.subarray(123, 579));
      expect(decodeWav(wav, { start: 900, frames: 500 }).frames).toBe(100); // clamped at the end
      expect(decodeWav(wav, { start: 5000 }).frames).toBe(0);
    }
  });

  it('reads the pcm8 code points exactly as (x - 128) / 128', () => {
    const wav = encodeWav(new Float32Array(256), 8000, { format: 'pcm8' });
    const info = readWavInfo(wav);
    for (let i = 0; i < 256; i++) wav[info.dataOffset + i] = i;
    const y = decodeWav(wav).data[0]!;
    for (let i = 0; i < 256; i++) expect(y[i]).toBe((i - 128) / 128);
  });
});

describe('tolerated container quirks', () => {
  const rng = new Random(7);
  const x = testSignal(rng, 101);
  const y = testSignal(rng, 101);
  const base = encodeWav([x, y], 22050, { format: 'pcm16' });
  const [fmt, data] = splitChunks(base);
  const reference = decodeWav(base).data;
  const list = { id: 'LIST', body: Uint8Array.from([...text('INFOINAM'), 6, 0, 0, 0, ...text('title'), 0]) };
  const bext = { id: 'bext', body: new Uint8Array(602) };
  const junk = { id: 'JUNK', body: new Uint8Array(28) };
  const odd = { id: 'odd ', body: text('abcde') };
  const fact = { id: 'fact', body: Uint8Array.of(101, 0, 0, 0) };

  const cases: [string, Uint8Array][] = [
    ['LIST, bext and JUNK before fmt', buildRiff([junk, list, bext, fmt!, data!])],
    ['chunks between fmt and data, and after data', buildRiff([fmt!, fact, list, odd, data!, list, odd])],
    ['odd-sized chunk with its pad byte', buildRiff([fmt!, odd, odd, data!])],
    ['odd-sized chunk without its pad byte', buildRiff([fmt!, odd, data!], { pad: false })],
    ['RIFF size 0', buildRiff([fmt!, data!], { riffSize: 0 })],
    ['RIFF size 0xFFFFFFFF', buildRiff([fmt!, data!], { riffSize: 0xffffffff })],
    ['data before fmt', buildRiff([data!, fmt!])],
  ];
  for (const [name, wav] of cases) {
    it(name, () => {
      const out = decodeWav(wav);
      expect(out.info.frames).toBe(101);
      expect(out.data).toEqual(reference);
    });
  }

  it('missing pad byte is found even when the padded position is printable text', () => {
    // 65 frames of 8-bit mono: data size 0x41 ('A'), so "ata" + "A" at the padded position also looks like an id.
    const z = testSignal(rng, 65);
    const [zfmt, zdata] = splitChunks(encodeWav(z, 8000, { format: 'pcm8' }));
    const out = decodeWav(buildRiff([zfmt!, odd, zdata!], { pad: false }));
    expect(out.frames).toBe(65);
    expectQuantised(out.data[0]!, z, 'pcm8');
  });

  it('odd-sized data chunk (8-bit mono, odd frame count) is padded and read back', () => {
    const z = testSignal(rng, 77);
    const wav = encodeWav(z, 8000, { format: 'pcm8' });
    expect(wav.length % 2).toBe(0);
    expectQuantised(decodeWav(buildRiff([...splitChunks(wav), list])).data[0]!, z, 'pcm8');
  });

  it('data size overrunning the file is clamped to the whole frames present', () => {
    for (const declared of [0xffffffff, data!.body.length + 4, data!.body.length + 1000]) {
      const wav = base.slice();
      new DataView(wav.buffer).setUint32(readWavInfo(base).dataOffset - 4, declared, true);
      const out = decodeWav(wav);
      expect(out.info.truncated).toBe(true);
      expect(out.data).toEqual(reference);
    }
    // File cut mid-frame: 50 whole stereo frames plus 3 stray bytes.
    const cut = base.slice(0, readWavInfo(base).dataOffset + 50 * 4 + 3);
    const out = decodeWav(cut);
    expect(out.frames).toBe(50);
    expect(out.data[0]).toEqual(reference[0]!.subarray(0, 50));
    expect(out.data[1]).toEqual(reference[1]!.subarray(0, 50));
  });

  it('works on a Uint8Array view at an odd byte offset (unaligned samples)', () => {
    for (const format of ['pcm16', 'pcm32', 'float32', 'float64'] as const) {
      const wav = encodeWav([x, y], 48000, { format });
      const shifted = new Uint8Array(wav.length + 3);
      shifted.set(wav, 3);
      expect(decodeWav(shifted.subarray(3)).data).toEqual(decodeWav(wav).data);
    }
  });
});

describe('agreement with wavefile', () => {
  const rng = new Random(99);
  for (const [format, bitDepth, scale] of [['pcm16', '16', 32768], ['pcm24', '24', 8388608], ['pcm8', '8', 128], ['float32', '32f', 1]] as const) {
    it(`${format} stereo`, () => {
      const chans = [testSignal(rng, 500), testSignal(rng, 500)];
      const wav = encodeWav(chans, 44100, { format });
      const wf = new WaveFile(wav);
      expect((wf.fmt as { bitsPerSample: number }).bitsPerSample).toBe(bitDepth === '32f' ? 32 : Number(bitDepth));
      const theirs = wf.getSamples(false, Float64Array) as unknown as Float64Array[];
      const ours = decodeWav(wav).data;
      for (let c = 0; c < 2; c++) {
        // wavefile returns raw codes for integer PCM (unsigned for 8-bit), floats as stored.
        const expected = Array.from(theirs[c]!, (v) => (format === 'pcm8' ? (v - 128) / 128 : v / scale));
        expect(Array.from(ours[c]!)).toEqual(expected.map(Math.fround));
      }
    });
  }
});

const SIGNALS_DIR = join(LIBROSA_DIR, 'signals');

describe.skipIf(!HAVE_LIBROSA || !existsSync(SIGNALS_DIR))('librosa fixture WAVs', () => {
  it('float_22050.wav is IEEE float32 and ravdess_A01_calm_stereo.wav is stereo 48 kHz PCM16', () => {
    const f = readWavInfo(readFileSync(join(SIGNALS_DIR, 'float_22050.wav')));
    expect(f).toMatchObject({ format: 'float32', channels: 1, sampleRate: 22050 });
    const s = readWavInfo(readFileSync(join(SIGNALS_DIR, 'ravdess_A01_calm_stereo.wav')));
    expect(s).toMatchObject({ format: 'pcm16', channels: 2, sampleRate: 48000 });
  });

  const native = ['float_22050', 'short_1s_22050', 'silence_tail_22050', 'speech_espeak', 'sweep_22050'];
  for (const signal of native) {
    it(`${signal}: loadAudio(offset 0.6, duration 2.5) equals librosa's y.npy exactly`, async () => {
      const manifest = fixtureManifest(signal);
      expect(manifest.load).toBe('librosa.load(path, duration=2.5, offset=0.6) sr=22050');
      const { y, sr, nativeSr } = await loadAudio(join(LIBROSA_DIR, manifest.wav), { offset: 0.6, duration: 2.5 });
      expect(nativeSr).toBe(22050);
      expect(sr).toBe(22050);
      const want = fixtureArray(signal, 'y');
      expect(want.dtype).toBe('<f4');
      expect(y.length).toBe(manifest.n_samples);
      expect(y).toEqual(want.data);
    });
  }
});
