import { describe, expect, it } from 'vitest';
import { AudioError } from '../src/audio/errors.js';
import { decodeWav, MAX_SAMPLE_RATE, MIN_SAMPLE_RATE, type WavSampleFormat } from '../src/audio/wav-decode.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { loadAudioBytes } from '../src/audio/load.js';
import { Random } from '../src/util/random.js';

const CODES = new Set([
  'NOT_RIFF', 'NOT_WAVE', 'UNSUPPORTED_CONTAINER', 'TRUNCATED_HEADER', 'NO_FMT', 'NO_DATA', 'EMPTY_DATA',
  'UNSUPPORTED_ENCODING', 'UNSUPPORTED_BIT_DEPTH', 'ZERO_CHANNELS', 'BAD_SAMPLE_RATE', 'NON_FINITE_SAMPLES',
  'TOO_SHORT', 'BAD_ARGUMENT',
]);
const FILE = 'fuzz.wav';

interface Tally { valid: number; errors: Map<string, number> }

/**
 * Decodes `bytes` with random options. Passes if it either throws a well-formed
 * AudioError or returns consistent, finite audio; anything else fails the test
 * with the seed-reproducible case index in the message.
 */
function check(bytes: Uint8Array, rng: Random, tally: Tally, label: string): void {
  const mono = rng.uniform() < 0.5;
  const start = rng.uniform() < 0.7 ? 0 : rng.int(0, 300);
  const frames = rng.uniform() < 0.5 ? undefined : rng.int(0, 300);
  let out;
  try {
    out = decodeWav(bytes, { file: FILE, mono, start, frames });
  } catch (err) {
    if (!(err instanceof AudioError)) throw new Error(`${label}: non-AudioError ${String(err)}`, { cause: err });
    expect(CODES.has(err.code), `${label}: code ${err.code}`).toBe(true);
    expect(err.message.startsWith(`${FILE}: `)).toBe(true);
    tally.errors.set(err.code, (tally.errors.get(err.code) ?? 0) + 1);
    return;
  }
  tally.valid++;
  const { info } = out;
  expect(info.channels, label).toBeGreaterThan(0);
  expect(info.sampleRate).toBeGreaterThanOrEqual(MIN_SAMPLE_RATE);
  expect(info.sampleRate).toBeLessThanOrEqual(MAX_SAMPLE_RATE);
  expect(info.frames).toBeGreaterThan(0);
  expect(info.dataOffset + info.frames * info.channels * (info.bitsPerSample / 8)).toBeLessThanOrEqual(bytes.length);
  expect(out.start + out.frames).toBeLessThanOrEqual(info.frames);
  expect(out.data.length).toBe(mono ? 1 : info.channels);
  const intFormat = info.format.startsWith('pcm');
  for (const ch of out.data) {
    expect(ch.length).toBe(out.frames);
    for (let i = 0; i < ch.length; i++) {
      const v = ch[i]!;
      if (!Number.isFinite(v) || (intFormat && (v < -1 || v > 1))) throw new Error(`${label}: bad sample ${v} at ${i}`);
    }
  }
}

const FORMATS: WavSampleFormat[] = ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64'];

function seedFile(rng: Random): Uint8Array {
  const format = FORMATS[rng.int(0, FORMATS.length - 1)]!;
  const nch = rng.int(1, 3);
  const frames = rng.int(1, 40);
  const chans = Array.from({ length: nch }, () => Float32Array.from({ length: frames }, () => rng.range(-1, 1)));
  return encodeWav(chans, [8000, 22050, 48000][rng.int(0, 2)]!, { format, extensible: rng.uniform() < 0.3 });
}

/** One random edit: byte flips (mostly in the header), truncation, insertion, deletion or an extreme 32/16-bit field. */
function mutate(src: Uint8Array, rng: Random): Uint8Array {
  let b = src.slice();
  const edits = rng.int(1, 4);
  for (let e = 0; e < edits; e++) {
    if (b.length === 0) break;
    const kind = rng.int(0, 5);
    const pos = rng.uniform() < 0.8 ? rng.int(0, Math.min(b.length, 80) - 1) : rng.int(0, b.length - 1);
    if (kind === 0) b[pos] = rng.int(0, 255);
    else if (kind === 1) b[pos] = b[pos]! ^ (1 << rng.int(0, 7));
    else if (kind === 2) b = b.slice(0, rng.int(0, b.length));
    else if (kind === 3) b = Uint8Array.from([...b.subarray(0, pos), ...Array.from({ length: rng.int(1, 9) }, () => rng.int(0, 255)), ...b.subarray(pos)]);
    else if (kind === 4) b = Uint8Array.from([...b.subarray(0, pos), ...b.subarray(pos + rng.int(1, 9))]);
    else if (pos + 4 <= b.length) {
      const extreme = [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0xfffe, 3][rng.int(0, 6)]!;
      if (rng.uniform() < 0.5) new DataView(b.buffer).setUint32(pos, extreme, true);
      else new DataView(b.buffer).setUint16(pos, extreme & 0xffff, true);
    }
  }
  return b;
}

/** "RIFF....WAVE" followed by random chunk headers with random sizes and ids drawn from real ones. */
function randomChunks(rng: Random): Uint8Array {
  const ids = ['fmt ', 'data', 'LIST', 'fact', 'JUNK', 'zzzz'];
  const parts: number[] = [...'RIFF'].map((c) => c.charCodeAt(0));
  parts.push(rng.int(0, 255), rng.int(0, 255), 0, 0, ...[...'WAVE'].map((c) => c.charCodeAt(0)));
  const n = rng.int(0, 5);
  for (let i = 0; i < n; i++) {
    parts.push(...[...ids[rng.int(0, ids.length - 1)]!].map((c) => c.charCodeAt(0)));
    const size = rng.uniform() < 0.2 ? rng.int(0, 0xffffffff) : rng.int(0, 48);
    parts.push(size & 0xff, (size >>> 8) & 0xff, (size >>> 16) & 0xff, size >>> 24);
    const body = Math.min(size, rng.int(0, 48));
    for (let j = 0; j < body; j++) parts.push(rng.uniform() < 0.5 ? rng.int(0, 255) : [1, 0, 3, 16, 32, 0x40, 0x1f, 0xac, 0x44][rng.int(0, 8)]!);
  }
  return Uint8Array.from(parts);
}

describe('WAV decoder fuzzing (seeded)', () => {
  it('random bytes, random chunk soups and mutated valid files: only AudioError or valid audio', async () => {
    const rng = new Random(0x5eed_0003);
    const tally: Tally = { valid: 0, errors: new Map() };
    let cases = 0;
    for (let i = 0; i < 500; i++, cases++) {
      const b = Uint8Array.from({ length: rng.int(0, 120) }, () => rng.int(0, 255));
      check(b, rng, tally, `random #${i}`);
    }
    for (let i = 0; i < 1500; i++, cases++) check(randomChunks(rng), rng, tally, `chunks #${i}`);
    for (let i = 0; i < 3000; i++, cases++) check(mutate(seedFile(rng), rng), rng, tally, `mutated #${i}`);
    // The byte path of loadAudio (no resampling) on more mutants, with random offsets/durations.
    for (let i = 0; i < 500; i++, cases++) {
      const b = mutate(seedFile(rng), rng);
      try {
        const r = await loadAudioBytes(b, { sr: null, file: FILE, offset: rng.range(0, 0.004), duration: rng.uniform() < 0.5 ? null : rng.range(0, 0.01) });
        expect(r.y.length).toBeGreaterThan(0);
        for (const v of r.y) expect(Number.isFinite(v)).toBe(true);
        tally.valid++;
      } catch (err) {
        if (!(err instanceof AudioError)) throw new Error(`load #${i}: non-AudioError ${String(err)}`, { cause: err });
        tally.errors.set(err.code, (tally.errors.get(err.code) ?? 0) + 1);
      }
    }
    // Not vacuous: both outcomes occur and the corpus reaches many distinct error paths.
    expect(cases).toBe(5500);
    expect(tally.valid).toBeGreaterThan(300);
    expect(tally.errors.size).toBeGreaterThanOrEqual(10);
    console.info(`fuzz: ${cases} cases, ${tally.valid} valid, errors ${JSON.stringify(Object.fromEntries(tally.errors))}`);
  });
});
