import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioError } from '../src/audio/errors.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { loadAudio, loadAudioBytes, loadAudioRanges, type Resampler } from '../src/audio/load.js';
import { Random } from '../src/util/random.js';
import { HAVE_LIBROSA, LIBROSA_DIR, fixtureArray, fixtureManifest } from './helpers/fixtures.js';

const RAMP_SCALE = 2 ** 24; // i / 2^24 is exact in float32 for i < 2^24, so a sample names its frame

/** A float32 file whose sample i on channel c is (i + c · 1e6) / 2^24. */
function rampWav(seconds: number, sr: number, channels = 1): Uint8Array {
  const n = Math.round(seconds * sr);
  const chans = Array.from({ length: channels }, (_, c) => Float32Array.from({ length: n }, (_, i) => (i + c * 1e6) / RAMP_SCALE));
  return encodeWav(chans, sr, { format: 'float32' });
}

const frameOf = (v: number) => Math.round(v * RAMP_SCALE);

async function loadError(p: Promise<unknown>): Promise<AudioError> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(AudioError);
  return err as AudioError;
}

async function wasmResamplerAvailable(): Promise<boolean> {
  try {
    const { loadWasmCore } = await import('../src/wasm/load-node.js');
    await import('../src/wasm/resample.js');
    const core = await loadWasmCore();
    return typeof core.exports.resamplePolyphase === 'function';
  } catch {
    return false;
  }
}
const HAVE_RESAMPLER = await wasmResamplerAvailable();

describe('offset and duration follow librosa.load (int(t · native rate) frames)', () => {
  // Expected frames computed with Python's int(offset * sr): products that land just
  // below an integer (16079.999…, 15434.999…) must truncate, not round.
  const cases: [number, number, number][] = [
    [0.6, 22050, 13230],
    [2.5, 22050, 55125],
    [2.01, 8000, 16079],
    [1.4, 11025, 15434],
    [2.28, 11025, 25136],
    [0.28, 11025, 3087],
    [0.6, 48000, 28800],
  ];
  for (const [t, sr, frames] of cases) {
    it(`offset ${t} s and duration ${t} s at ${sr} Hz → ${frames} frames`, async () => {
      const wav = rampWav(6, sr);
      const fromOffset = await loadAudioBytes(wav, { sr: null, offset: t, duration: 0.01 });
      expect(frameOf(fromOffset.y[0]!)).toBe(frames);
      const fromDuration = await loadAudioBytes(wav, { sr: null, offset: 0, duration: t });
      expect(fromDuration.y.length).toBe(frames);
      expect(frameOf(fromDuration.y[frames - 1]!)).toBe(frames - 1);
    });
  }

  it('a file shorter than offset + duration gives the frames that exist', async () => {
    const r = await loadAudioBytes(rampWav(1, 22050), { sr: null, offset: 0.6, duration: 2.5 });
    expect(r.y.length).toBe(22050 - 13230);
    expect(frameOf(r.y[0]!)).toBe(13230);
    expect(frameOf(r.y[r.y.length - 1]!)).toBe(22049);
  });

  it('no duration reads to the end; no offset starts at frame 0', async () => {
    const r = await loadAudioBytes(rampWav(0.5, 16000), { sr: null });
    expect(r.y.length).toBe(8000);
    expect(frameOf(r.y[0]!)).toBe(0);
  });

  it('offset at or past the end, or a duration under one frame → TOO_SHORT; bad arguments → BAD_ARGUMENT', async () => {
    const wav = rampWav(1, 16000);
    for (const offset of [1, 1.5, 1000]) {
      const err = await loadError(loadAudioBytes(wav, { sr: null, offset, file: 'x.wav' }));
      expect(err.code).toBe('TOO_SHORT');
      expect(err.message).toMatch(/^x\.wav: offset .* past the end/);
    }
    expect((await loadError(loadAudioBytes(wav, { sr: null, duration: 1e-5 }))).code).toBe('TOO_SHORT');
    expect((await loadError(loadAudioBytes(wav, { sr: null, duration: 0 }))).code).toBe('TOO_SHORT');
    for (const opts of [{ offset: -0.1 }, { offset: NaN }, { duration: -1 }, { duration: Infinity }, { sr: 0 }, { sr: 22050.5 }, { sr: -16000 }]) {
      expect((await loadError(loadAudioBytes(wav, opts))).code).toBe('BAD_ARGUMENT');
    }
  });
});

describe('channels', () => {
  const rng = new Random(42);
  const left = Float32Array.from({ length: 1000 }, () => rng.range(-1, 1));
  const right = Float32Array.from({ length: 1000 }, () => rng.range(-1, 1));
  const stereo = encodeWav([left, right], 22050, { format: 'float32' });

  it('mono (default) is the float32 mean of left and right', async () => {
    const r = await loadAudioBytes(stereo);
    expect(r.channels).toBe(2);
    expect(r.sr).toBe(22050);
    expect(r.y).toEqual(Float32Array.from(left, (l, i) => Math.fround(l + right[i]!) / 2));
  });

  it('mono: false returns every channel (one array even for a mono file)', async () => {
    const r = await loadAudioBytes(stereo, { mono: false, offset: 0.01 });
    expect(r.y.length).toBe(2);
    expect(r.y[0]).toEqual(left.subarray(220));
    expect(r.y[1]).toEqual(right.subarray(220));
    const six = await loadAudioBytes(rampWav(0.1, 8000, 6), { sr: null, mono: false });
    expect(six.y.map((ch) => frameOf(ch[5]!))).toEqual([5, 1e6 + 5, 2e6 + 5, 3e6 + 5, 4e6 + 5, 5e6 + 5]);
    const one = await loadAudioBytes(encodeWav(left, 22050), { mono: false });
    expect(one.y.length).toBe(1);
  });

  it('6-channel mono mix divides the float32 channel sum by 6', async () => {
    const r = await loadAudioBytes(rampWav(0.1, 8000, 6), { sr: null });
    // Sum of (i + c·1e6)/2^24 over c = (6i + 15e6)/2^24, exact in float32 here; then / 6.
    for (const i of [0, 1, 17, 799]) expect(r.y[i]).toBe(Math.fround((6 * i + 15e6) / RAMP_SCALE / 6));
  });
});

describe('resampling hook', () => {
  const wav = rampWav(2, 48000, 2);

  it('mixes and cuts before resampling, then hands each channel to the resampler', async () => {
    const calls: { n: number; first: number; srIn: number; srOut: number }[] = [];
    const decimate: Resampler = (y, srIn, srOut) => {
      calls.push({ n: y.length, first: y[0]!, srIn, srOut });
      return y.filter((_, i) => i % 3 === 0);
    };
    const mono = await loadAudioBytes(wav, { sr: 16000, offset: 0.5, duration: 1, resampler: decimate });
    expect(calls).toEqual([{ n: 48000, first: Math.fround((24000 + 24000 + 1e6) / RAMP_SCALE / 2), srIn: 48000, srOut: 16000 }]);
    expect(mono).toMatchObject({ sr: 16000, nativeSr: 48000, channels: 2 });
    expect(mono.y.length).toBe(16000);
    const multi = await loadAudioBytes(wav, { sr: 16000, mono: false, resampler: decimate });
    expect(calls.length).toBe(3);
    expect(multi.y.map((ch) => ch.length)).toEqual([32000, 32000]);
  });

  it('a failing resampler becomes RESAMPLE_FAILED; the native rate skips resampling', async () => {
    const broken: Resampler = () => { throw new Error('boom'); };
    const err = await loadError(loadAudioBytes(wav, { sr: 16000, resampler: broken, file: 'r.wav' }));
    expect(err.code).toBe('RESAMPLE_FAILED');
    expect(err.message).toBe('r.wav: resampling 48000 Hz → 16000 Hz failed: boom');
    const same = await loadAudioBytes(wav, { sr: 48000, resampler: broken });
    expect(same.y.length).toBe(96000);
  });

  it.skipIf(!HAVE_RESAMPLER)('default WASM resampler: librosa length ceil(n · sr / native)', async () => {
    const r = await loadAudioBytes(rampWav(1.001, 48000), { sr: 22050 });
    expect(r.y.length).toBe(Math.ceil((48048 * 22050) / 48000));
    const s = await loadAudioBytes(rampWav(0.3, 16000), { sr: 22050 });
    expect(s.y.length).toBe(Math.ceil((4800 * 22050) / 16000));
  });
});

describe('several ranges of one file, decoded once', () => {
  const wav = rampWav(2, 48000, 2);
  const halve: Resampler = (y) => y.filter((_, i) => i % 2 === 0);

  it('gives each request what loadAudioBytes gives it alone, in its own arrays', async () => {
    const requests = [{ sr: 24000, offset: 0.6, duration: 0.5 }, { sr: 24000, duration: 30 }, { sr: null, offset: 1.5, mono: false }] as const;
    const together = await loadAudioRanges(wav, requests, { resampler: halve, file: 'x.wav' });
    const alone = await Promise.all(requests.map((r) => loadAudioBytes(wav, { ...r, resampler: halve, file: 'x.wav' })));
    expect(together).toEqual(alone);
    expect(together[0]!.y).not.toBe(together[1]!.y);
    const [first] = together;
    (first!.y as Float32Array).fill(0); // must not show through in the other results
    expect(together[1]).toEqual(alone[1]);
  });

  it('checks every request as loadAudioBytes does', async () => {
    const err = await loadError(loadAudioRanges(wav, [{ sr: null }, { offset: 5 }], { file: 'x.wav' }));
    expect(err.code).toBe('TOO_SHORT');
    expect(await loadAudioRanges(wav, [])).toEqual([]);
  });
});

describe('warnings for tolerated damage (issue 12, row 13)', () => {
  it('float samples beyond ±1 are kept and reported; in-range audio has no warnings', async () => {
    const y = Float32Array.from({ length: 22050 }, (_, i) => 0.5 * Math.sin(i / 10));
    expect((await loadAudioBytes(encodeWav(y, 22050, { format: 'float32' }), { sr: null })).warnings).toBeUndefined();
    y[100] = 1.5;
    y[200] = -2.25;
    const loud = await loadAudioBytes(encodeWav(y, 22050, { format: 'float32' }), { sr: null });
    expect(loud.y[100]).toBe(1.5); // not clipped: librosa keeps them too
    expect(loud.warnings).toEqual(['2 float sample(s) exceed ±1 (peak 2.250): kept as they are, as librosa does']);
    // Also seen on one channel of a stereo file whose mono mix is in range.
    const left = Float32Array.from({ length: 1000 }, () => 0.1);
    const right = left.slice();
    left[5] = 1.8;
    right[5] = -1.6;
    const stereo = await loadAudioBytes(encodeWav([left, right], 22050, { format: 'float32' }), { sr: null });
    expect(Math.abs(stereo.y[5]!)).toBeLessThan(1);
    expect(stereo.warnings?.[0]).toMatch(/^2 float sample\(s\) exceed ±1 \(peak 1\.800\)/);
  });

  it('a data chunk cut short by the end of the file is read up to the end, with a warning', async () => {
    const wav = encodeWav(Float32Array.from({ length: 8000 }, (_, i) => Math.sin(i / 7) * 0.3), 8000, { format: 'pcm16' });
    const cut = wav.subarray(0, wav.length - 1000);
    const r = await loadAudioBytes(cut, { sr: null });
    expect(r.y).toHaveLength(7500);
    expect(r.warnings).toEqual(['data chunk declares 16000 bytes (8000 frames) but the file holds 7500 frames: the file is truncated; read the frames present']);
  });
});

describe('paths', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ser-load-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a path and its bytes load identically; file is the path', async () => {
    const wav = rampWav(0.5, 22050, 2);
    const path = join(dir, 'ramp.wav');
    writeFileSync(path, wav);
    const a = await loadAudio(path, { offset: 0.1 });
    const b = await loadAudioBytes(wav, { offset: 0.1 });
    expect(a.file).toBe(path);
    expect(b.file).toBe('<bytes>');
    expect(a.y).toEqual(b.y);
  });
});

const RESAMPLED = ['sweep_48000', 'ravdess_A01_calm_stereo', 'ravdess_A02_angry', 'ravdess_A03_sad', 'tones_noise_16000'];

describe.skipIf(!HAVE_LIBROSA || !HAVE_RESAMPLER)('end to end against librosa.load on resampled fixtures', () => {
  for (const signal of RESAMPLED) {
    const manifest = HAVE_LIBROSA ? fixtureManifest(signal) : undefined;
    const wavPath = manifest ? join(LIBROSA_DIR, manifest.wav) : '';
    it.skipIf(!existsSync(wavPath))(`${signal}: same length as y.npy and SNR above 60 dB`, async () => {
      // Resampler accuracy is tested with the resampler; this checks the wiring (offset taken at
      // the native rate, mono mix before resampling): a wrong frame offset collapses the SNR.
      const { y, nativeSr } = await loadAudio(wavPath, { offset: 0.6, duration: 2.5 });
      expect(nativeSr).not.toBe(22050);
      const want = fixtureArray(signal, 'y').data as Float32Array;
      expect(y.length).toBe(want.length);
      let err = 0;
      let ref = 0;
      for (let i = 0; i < want.length; i++) {
        err += (y[i]! - want[i]!) ** 2;
        ref += want[i]! ** 2;
      }
      expect(10 * Math.log10(ref / err)).toBeGreaterThan(60);
    });
  }
});
