// The 16-bit PCM path into the resampler (assembly/pcm16.ts, src/wasm/resample.ts resamplePcm16,
// loadAudio's use of Resampler.pcm16): a mono 16-bit file's bytes go straight into WASM memory
// and must give, bit for bit, what decoding to float32 in JS and resampling that gives.
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav-encode.js';
import { loadAudioBytes, type Resampler } from '../src/audio/load.js';
import { DspError } from '../src/dsp/errors.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { resample, resamplePcm16 } from '../src/wasm/resample.js';
import { Random } from '../src/util/random.js';

const core = await loadWasmCore();

/** n random int16 samples, the extremes included, as little-endian bytes at byte `offset` of a larger buffer. */
function pcmBytes(n: number, seed: number, offset = 0): { bytes: Uint8Array; floats: Float32Array } {
  const rng = new Random(seed);
  const buf = new Uint8Array(offset + 2 * n);
  const view = new DataView(buf.buffer);
  const floats = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = i === 0 ? -32768 : i === 1 ? 32767 : rng.int(-32768, 32767);
    view.setInt16(offset + 2 * i, v, true);
    floats[i] = v / 32768; // what the WAV reader makes
  }
  return { bytes: buf.subarray(offset), floats };
}

function sameBits(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  expect(Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))).toBe(true);
}

describe('resamplePcm16', () => {
  it('gives resample of int16 / 32768 bit for bit: odd lengths, unaligned bytes, down, up and equal rates', () => {
    const cases: Array<[number, number, number, number]> = [
      [1, 48000, 22050, 0], [7, 48000, 22050, 1], [8, 48000, 22050, 0], [1001, 44100, 22050, 3],
      [48003, 48000, 22050, 1], [16001, 16000, 22050, 0], [999, 22050, 22050, 1],
    ];
    for (const [n, srIn, srOut, offset] of cases) {
      const { bytes, floats } = pcmBytes(n, n + srIn, offset);
      sameBits(resamplePcm16(core, bytes, srIn, srOut), resample(core, floats, srIn, srOut));
    }
  });

  it('refuses an odd byte count or no samples, as resample refuses an empty signal', () => {
    expect(() => resamplePcm16(core, new Uint8Array(3), 48000, 22050)).toThrow(DspError);
    expect(() => resamplePcm16(core, new Uint8Array(3), 48000, 22050)).toThrow(/not a whole number of samples/);
    expect(() => resamplePcm16(core, new Uint8Array(0), 48000, 22050)).toThrow(/empty/);
  });
});

describe('loadAudio with a resampler that takes 16-bit PCM', () => {
  const plain: Resampler = (y, srIn, srOut) => resample(core, y, srIn, srOut);

  it('loads a mono 16-bit file to the same samples as decoding first, with offset and duration', async () => {
    const { floats } = pcmBytes(48000 * 3 + 17, 5);
    const wav = encodeWav(floats, 48000, { format: 'pcm16' });
    for (const opts of [{}, { offset: 0.6, duration: 2.5 }, { offset: 2.9 }]) {
      const viaPcm = await loadAudioBytes(wav, { ...opts }); // the default resampler offers pcm16
      const viaFloat = await loadAudioBytes(wav, { ...opts, resampler: plain });
      sameBits(viaPcm.y, viaFloat.y);
      expect(viaPcm.sr).toBe(22050);
    }
  });

  it('uses pcm16 only for mono 16-bit files that need resampling', async () => {
    const calls: string[] = [];
    const spy: Resampler = Object.assign((y: Float32Array, srIn: number, srOut: number) => (calls.push('float'), plain(y, srIn, srOut)), {
      pcm16: (bytes: Uint8Array, srIn: number, srOut: number) => (calls.push('pcm16'), resamplePcm16(core, bytes, srIn, srOut)),
    });
    const { floats } = pcmBytes(4800, 9);
    await loadAudioBytes(encodeWav(floats, 48000, { format: 'pcm16' }), { resampler: spy });
    await loadAudioBytes(encodeWav([floats, floats], 48000, { format: 'pcm16' }), { resampler: spy }); // stereo: mixed first
    await loadAudioBytes(encodeWav(floats, 48000, { format: 'pcm24' }), { resampler: spy });
    await loadAudioBytes(encodeWav(floats, 22050, { format: 'pcm16' }), { resampler: spy }); // no resampling at all
    expect(calls).toEqual(['pcm16', 'float', 'float']);
  });
});
