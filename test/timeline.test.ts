/**
 * Emotion over time (src/timeline/, src/wasm/stream-resample.ts, src/audio/wav-stream.ts,
 * `ser predict --timeline`): the streaming resampler and WAV reader against their one-shot
 * versions, window layout and coverage, speech gaps, chunking invariance, smoothing, transductive
 * context, bounded memory, the CLI's outputs and errors, and the stream API against the CLI.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AudioError } from '../src/audio/errors.js';
import { loadAudio } from '../src/audio/load.js';
import { decodeWav, readWavInfo } from '../src/audio/wav-decode.js';
import { encodeWav } from '../src/audio/wav-encode.js';
import { bytesSource, openWavStream } from '../src/audio/wav-stream.js';
import { fileSource } from '../src/audio/wav-file-source.js';
import type { FeatureRecipe } from '../src/features/feature-recipe.js';
import { makeRecipe } from '../src/features/recipe.js';
import { makeSequenceRecipe } from '../src/features/sequence-recipe.js';
import type { EmotionModel, ModelMeta } from '../src/models/emotion-model.js';
import type { RowContext } from '../src/models/preprocess.js';
import { synthLongRecording } from '../src/synth/long-recording.js';
import { timelineDocument } from '../src/timeline/format.js';
import { EmotionStream, type TimelineWindow } from '../src/timeline/stream.js';
import { speechSegments } from '../src/timeline/summary.js';
import { Random } from '../src/util/random.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { resampleReference } from '../src/reference/resample.js';
import { resample, resampleDirect } from '../src/wasm/resample.js';
import { StreamResampler } from '../src/wasm/stream-resample.js';

const core = await loadWasmCore();
const run = promisify(execFile);
/** A paper-recipe CNN (2.5 s window at 22.05 kHz): the format-1 bundle kept as a fixture; its window and classes are what these CLI checks spell out. */
const PAPER_MODEL = 'test/fixtures/bundle-v1';
const CLASSES = ['neutral', 'happy', 'sad'];

/** A model that needs no training: probabilities from the row's mean (deterministic), and a log of its calls. */
function stubModel(opts: { transductive?: boolean; recipe?: FeatureRecipe } = {}): EmotionModel & { calls: Array<{ rows: number; ctx?: RowContext }> } {
  const recipe = opts.recipe ?? makeRecipe();
  const calls: Array<{ rows: number; ctx?: RowContext }> = [];
  const meta = { classes: CLASSES, recipe } as unknown as ModelMeta;
  return {
    meta,
    training: [],
    transductive: opts.transductive ?? false,
    calls,
    predictProba(X: Float32Array, rows: number, ctx?: RowContext): Float32Array {
      calls.push({ rows, ctx });
      const dim = recipe.vectorLength;
      const P = new Float32Array(rows * 3);
      for (let r = 0; r < rows; r++) {
        let m = 0;
        for (let j = 0; j < dim; j++) m += X[r * dim + j]!;
        const a = Math.abs(Math.sin(m / dim));
        P.set([a / 2, (1 - a) / 2, 0.5], r * 3);
      }
      return P;
    },
    toBundle: async () => { throw new Error('stub'); },
    dispose() {},
  };
}

function streamAll(model: EmotionModel, y: Float32Array, sr: number, chunk: number | (() => number), opts: Record<string, unknown> = {}): { windows: TimelineWindow[]; stream: EmotionStream } {
  const stream = new EmotionStream(model, { core, ...opts });
  const windows: TimelineWindow[] = [];
  for (let at = 0; at < y.length; ) {
    const n = typeof chunk === 'number' ? chunk : chunk();
    windows.push(...stream.push(y.subarray(at, Math.min(y.length, at + n)), sr));
    at += n;
  }
  windows.push(...stream.end());
  return { windows, stream };
}

describe('streaming resampler', () => {
  it('gives exactly the one-shot resampler\'s samples for any chunking (two-stage rate pairs, and the direct form of both modes), within 1e-6 between the forms', () => {
    const rng = new Random(9);
    const y = Float32Array.from({ length: 30011 }, (_, i) => 0.4 * Math.sin(i * 0.03) + rng.range(-0.2, 0.2));
    // The last two ratios are too extreme for the two-stage path's FFT: resample falls back to the
    // direct form (polyphase, then interpolated mode), and so does the stream.
    for (const [a, b] of [[48000, 16000], [48000, 22050], [44100, 22050], [8000, 16000], [16000, 16000], [44099, 22050], [11025, 12000], [192000, 2000], [44099, 441]]) {
      const whole = resample(core, y, a!, b!);
      const direct = resampleDirect(core, y, a!, b!);
      expect(direct.length).toBe(whole.length);
      let apart = 0;
      for (let i = 0; i < whole.length; i++) apart = Math.max(apart, Math.abs(direct[i]! - whole[i]!));
      expect(apart, `${a} → ${b}: two-stage vs direct form`).toBeLessThanOrEqual(1e-6);
      if (a! / b! >= 96) expect(whole, `${a} → ${b} falls back to the direct form`).toEqual(direct);
      for (const max of [1, 333, 8192]) {
        const s = new StreamResampler(core, a!, b!);
        const parts: number[] = [];
        for (let at = 0; at < y.length; ) {
          const n = 1 + rng.int(0, max - 1);
          parts.push(...s.push(y.subarray(at, at + n)));
          at += n;
        }
        parts.push(...s.end());
        expect(Float32Array.from(parts), `${a} → ${b}, chunks ≤ ${max}`).toEqual(whole);
      }
      // and, like the one-shot kernel, within float32 error of the float64 reference
      const ref = resampleReference(y, a!, b!);
      let worst = 0;
      for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - whole[i]!));
      expect(worst, `${a} → ${b} vs reference`).toBeLessThan(2e-5);
    }
  });
});

describe('streamed WAV decoding', () => {
  it('decodes block by block exactly what decodeWav + the channel mean give, with any block size', async () => {
    const rng = new Random(4);
    const left = Float32Array.from({ length: 5000 }, () => rng.range(-0.9, 0.9));
    const right = Float32Array.from({ length: 5000 }, () => rng.range(-0.9, 0.9));
    for (const format of ['pcm16', 'pcm24', 'float32'] as const) {
      const bytes = encodeWav([left, right], 44100, { format });
      const whole = decodeWav(bytes, { mono: true }).data[0]!;
      for (const blockFrames of [1, 777, 65536]) {
        const wav = await openWavStream(bytesSource(bytes, 'x.wav'), { blockFrames });
        const parts: number[] = [];
        for await (const b of wav.blocks()) parts.push(...b);
        expect(Float32Array.from(parts), `${format}, blocks of ${blockFrames}`).toEqual(whole);
        expect(wav.info.frames).toBe(5000);
      }
    }
  });

  it('agrees with decodeWav on 2,000 mutated files: the same samples, or an AudioError with the same code', async () => {
    const rng = new Random(77);
    const formats = ['pcm8', 'pcm16', 'pcm24', 'pcm32', 'float32', 'float64'] as const;
    let valid = 0;
    for (let c = 0; c < 2000; c++) {
      const nch = rng.int(1, 3);
      const frames = rng.int(1, 60);
      const chans = Array.from({ length: nch }, () => Float32Array.from({ length: frames }, () => rng.range(-1, 1)));
      const b = Uint8Array.from(encodeWav(chans, 16000, { format: formats[rng.int(0, formats.length - 1)]! }));
      const kind = rng.int(0, 3);
      let bytes: Uint8Array = b;
      if (kind === 0) for (let k = rng.int(1, 8); k > 0; k--) b[rng.int(0, b.length - 1)]! ^= 1 << rng.int(0, 7);
      else if (kind === 1) bytes = b.subarray(0, rng.int(0, b.length));
      else if (kind === 2) for (let k = rng.int(1, 4); k > 0; k--) b[rng.int(0, Math.min(b.length - 1, 80))] = rng.int(0, 255);
      let expected: Float32Array | string;
      try {
        expected = decodeWav(bytes, { mono: true, file: 'm.wav' }).data[0]!;
      } catch (e) {
        expected = (e as { code: string }).code;
      }
      let got: Float32Array | string;
      try {
        const w = await openWavStream(bytesSource(bytes, 'm.wav'), { blockFrames: rng.int(1, 50) });
        const parts: number[] = [];
        for await (const blk of w.blocks()) parts.push(...blk);
        got = Float32Array.from(parts);
      } catch (e) {
        expect(e, `case ${c}`).toBeInstanceOf(AudioError);
        got = (e as AudioError).code;
      }
      expect(got, `case ${c}`).toEqual(expected);
      if (typeof got !== 'string') valid++;
    }
    expect(valid).toBeGreaterThan(300);
  });

  it('reads a header longer than the first read, warns about truncation, and names the file and frame of a NaN', async () => {
    const pcm = encodeWav(new Float32Array(3000).fill(0.25), 16000, { format: 'pcm16' });
    // A 100 kB LIST chunk between "fmt " and "data".
    const list = new Uint8Array(8 + 100_000);
    list.set([0x4c, 0x49, 0x53, 0x54]);
    new DataView(list.buffer).setUint32(4, 100_000, true);
    const withList = new Uint8Array(pcm.length + list.length);
    withList.set(pcm.subarray(0, 36));
    withList.set(list, 36);
    withList.set(pcm.subarray(36), 36 + list.length);
    new DataView(withList.buffer).setUint32(4, withList.length - 8, true);
    const wav = await openWavStream(bytesSource(withList, 'list.wav'), { blockFrames: 1000 });
    expect(wav.info.frames).toBe(3000);
    // Truncated: the data chunk claims more than the file holds.
    const cut = pcm.subarray(0, pcm.length - 1001);
    const t = await openWavStream(bytesSource(cut, 'cut.wav'));
    for await (const _ of t.blocks()) void _;
    expect(t.info.frames).toBe(2499);
    expect(t.warnings().join()).toMatch(/truncated/);
    // NaN in block 2 of a float file: the error names the file and the frame in the file.
    const y = new Float32Array(3000).fill(0.1);
    y[2500] = NaN;
    const floatBytes = encodeWavUnchecked(y, 16000);
    const f = await openWavStream(bytesSource(floatBytes, 'nan.wav'), { blockFrames: 1000 });
    await expect((async () => { for await (const _ of f.blocks()) void _; })()).rejects.toThrow(/nan\.wav: non-finite sample NaN at frame 2500/);
    await expect(fileSource('/nonexistent/x.wav')).rejects.toThrow(/x\.wav: cannot read: file not found/);
  });
});

/** Float32 WAV bytes without the encoder's finite check (to plant a NaN). */
function encodeWavUnchecked(y: Float32Array, sr: number): Uint8Array {
  const bytes = encodeWav(new Float32Array(y.length), sr, { format: 'float32' });
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  const at = readWavInfo(out).dataOffset;
  y.forEach((v, i) => view.setFloat32(at + 4 * i, v, true));
  return out;
}

describe('EmotionStream', () => {
  const sr = 48000;
  // 4 s of noise, then utterances separated by 4 s pauses: whole windows fit inside the gaps.
  const rec = synthLongRecording(24, { sampleRate: sr, seed: 6, snrDb: 20, pause: [4, 4], lead: 4 });

  it('covers the stream in order with windows of the model\'s length, marks silence gaps, and is independent of chunking', () => {
    const model = stubModel();
    const a = streamAll(model, rec.y, sr, 4096);
    const duration = rec.y.length / sr;
    const { windowSeconds, hopSeconds } = a.stream;
    expect(windowSeconds).toBe(2.5);
    a.windows.forEach((w, k) => {
      expect(w.index).toBe(k);
      expect(w.start).toBeCloseTo(k * hopSeconds, 9);
      if (k < a.windows.length - 1) expect(w.end).toBeCloseTo(w.start + windowSeconds, 9);
      if (w.speech) {
        const sum = Object.values(w.probabilities!).reduce((s, p) => s + p, 0);
        expect(sum).toBeCloseTo(1, 5);
        expect(CLASSES).toContain(w.emotion);
      } else {
        expect(w.probabilities).toBeNull();
        expect(w.emotion).toBeNull();
      }
    });
    expect(a.windows.at(-1)!.end).toBeCloseTo(duration, 6);
    expect(a.windows.at(-2)!.end).toBeLessThan(duration);
    // Windows wholly inside a pause (0.3 s margins for the detector's hangover) have no speech; windows around the middle of an utterance do.
    const inGap = (w: TimelineWindow): boolean => {
      const bounds = [0, ...rec.segments.flatMap((s) => [s.start / sr, s.end / sr]), duration];
      for (let i = 0; i + 1 < bounds.length; i += 2) if (w.start >= bounds[i]! + (i ? 0.3 : 0) && w.end <= bounds[i + 1]! - 0.3) return true;
      return false;
    };
    const gaps = a.windows.filter(inGap);
    expect(gaps.length).toBeGreaterThanOrEqual(4);
    for (const w of gaps) expect(w.speech, `window ${w.start}–${w.end} s lies in a pause`).toBe(false);
    for (const s of rec.segments) {
      const mid = (s.start + s.end) / 2 / sr;
      const w = a.windows.find((x) => Math.abs((x.start + x.end) / 2 - mid) <= 0.25)!;
      expect(w.speech, `window around ${mid.toFixed(2)} s`).toBe(true);
    }
    // Same windows, bit for bit, whatever the chunks (1 sample to 3 s), and in planar stereo.
    const rng = new Random(2);
    expect(streamAll(model, rec.y, sr, () => 1 + rng.int(0, 150_000)).windows).toEqual(a.windows);
    expect(streamAll(model, rec.y, sr, 128).windows).toEqual(a.windows);
    const stereo = new EmotionStream(model, { core });
    const w2: TimelineWindow[] = [];
    for (let at = 0; at < rec.y.length; at += 9000) {
      const c = rec.y.subarray(at, at + 9000);
      w2.push(...stereo.push([c, c], sr));
    }
    w2.push(...stereo.end());
    expect(w2).toEqual(a.windows);
  });

  it('classifies exactly the clip featureVector gives for the window (same audio as loadAudio of the file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ser-tl-'));
    try {
      const path = join(dir, 'r.wav');
      await writeFile(path, encodeWav(rec.y, sr, { format: 'float32' }));
      const { y } = await loadAudio(path, { sr: 22050 });
      const model = stubModel();
      const rows: Float32Array[] = [];
      const spy: EmotionModel = { ...model, predictProba: (X, n, ctx) => { rows.push(X.slice()); return model.predictProba(X, n, ctx); } };
      const { windows } = streamAll(spy, rec.y, sr, 5000);
      const { featureVector } = await import('../src/features/feature-recipe.js');
      const { createWasmDsp } = await import('../src/wasm/dsp.js');
      const dsp = await createWasmDsp(core);
      const k = windows.findIndex((w) => w.speech);
      const w = windows[k]!;
      const clip = y.subarray(Math.round(w.start * 22050), Math.round(w.end * 22050));
      expect(rows[0]).toEqual(featureVector(dsp, clip, model.meta.recipe));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('smooths within a speech stretch only', () => {
    const model = stubModel();
    const raw = streamAll(model, rec.y, sr, 8000).windows;
    const smooth = streamAll(model, rec.y, sr, 8000, { smooth: 3 }).windows;
    let run: TimelineWindow[] = [];
    raw.forEach((w, i) => {
      if (!w.speech) {
        run = [];
        expect(smooth[i]!.speech).toBe(false);
        return;
      }
      run.push(w);
      const last = run.slice(-3);
      for (const c of CLASSES) {
        expect(smooth[i]!.probabilities![c]).toBe(Math.fround(last.reduce((s, x) => s + x.probabilities![c]!, 0) / last.length));
      }
    });
  });

  it('gives a transductive model its speaker context: the last N speech windows, or every window at end()', () => {
    const live = stubModel({ transductive: true });
    const a = streamAll(live, rec.y, sr, 8000, { speakerContext: 4, name: 'mic' });
    const classified = a.windows.filter((w) => w.speech).length;
    expect(live.calls.length).toBe(classified);
    live.calls.forEach((c, i) => {
      expect(c.rows).toBe(Math.min(i + 1, 5));
      expect(c.ctx!.speakers).toEqual(Array(c.rows).fill('mic'));
    });
    const deferred = stubModel({ transductive: true });
    const emitted: number[] = [];
    const s = new EmotionStream(deferred, { core, deferTransductive: true, name: 'f.wav' });
    for (let at = 0; at < rec.y.length; at += 8000) emitted.push(s.push(rec.y.subarray(at, at + 8000), sr).length);
    expect(emitted.every((n) => n === 0)).toBe(true);
    const all = s.end();
    expect(all.length).toBe(a.windows.length);
    expect(deferred.calls).toHaveLength(1);
    expect(deferred.calls[0]!.rows).toBe(classified);
  });

  it('keeps memory bounded over a long stream: fixed rings, nothing queued, WASM memory flat', () => {
    const model = stubModel();
    const s = new EmotionStream(model, { core });
    const internal = s as unknown as { audio: { capacity: number }; speech: { capacity: number }; queue: unknown[]; recent: unknown[]; speakerRows: unknown[] };
    const cap = [internal.audio.capacity, internal.speech.capacity];
    const chunk = rec.y.subarray(0, 48000 * 4);
    for (let i = 0; i < 3; i++) s.push(rec.y.subarray(i * 48000 * 4, (i + 1) * 48000 * 4), sr);
    const warm = core.memoryBytes;
    let windows = 0;
    for (let i = 0; i < 60; i++) windows += s.push(i % 2 ? chunk : rec.y.subarray(48000 * 8, 48000 * 12), sr).length; // 4 minutes
    expect(windows).toBeGreaterThan(450);
    expect(core.memoryBytes).toBe(warm);
    expect([internal.audio.capacity, internal.speech.capacity]).toEqual(cap);
    expect(internal.queue.length).toBe(0);
    expect(internal.recent.length).toBeLessThanOrEqual(1);
    expect(internal.speakerRows.length).toBe(0);
  }, 60_000);

  it('uses a sequence recipe\'s window (frames × hop of audio) and its trimmed, centred row', async () => {
    const recipe = makeSequenceRecipe();
    const model = stubModel({ recipe });
    const rows: Float32Array[] = [];
    const spy: EmotionModel = { ...model, predictProba: (X, n, ctx) => { rows.push(X.slice()); return model.predictProba(X, n, ctx); } };
    const { windows, stream } = streamAll(spy, rec.y, sr, 7000);
    expect(stream.windowLength).toBe(96 * 512);
    expect(stream.windowSeconds).toBeCloseTo(3.072, 9);
    expect(windows[0]!.end).toBeCloseTo(3.072, 9);
    expect(rows.length).toBe(windows.filter((w) => w.speech).length);
    const { featureVector } = await import('../src/features/feature-recipe.js');
    const { createWasmDsp } = await import('../src/wasm/dsp.js');
    const { y } = { y: resample(core, rec.y, sr, 16000) };
    const w = windows.find((x) => x.speech)!;
    expect(rows[0]).toEqual(featureVector(await createWasmDsp(core), y.subarray(Math.round(w.start * 16000), Math.round(w.end * 16000)), recipe));
  });

  it('rejects bad options and input with errors naming the stream', () => {
    const model = stubModel();
    expect(() => new EmotionStream(model, { core, hop: 3 })).toThrow(/longer than the model's 2\.500 s window/);
    expect(() => new EmotionStream(model, { core, hop: 0 })).toThrow(/hop must be a positive number/);
    expect(() => new EmotionStream(model, { core, smooth: 1.5 })).toThrow(/smooth/);
    const s = new EmotionStream(model, { core, name: 'mic' });
    expect(() => s.push(Float32Array.of(0, NaN), 16000)).toThrow(/mic: non-finite sample/);
    s.push(new Float32Array(100), 16000);
    expect(() => s.push(new Float32Array(100), 44100)).toThrow(/mic: the sample rate changed from 16000 Hz to 44100 Hz/);
    expect(() => s.push([new Float32Array(3), new Float32Array(4)], 16000)).toThrow(/channels of one chunk differ/);
    s.end();
    expect(() => s.push(new Float32Array(1), 16000)).toThrow(/after end/);
  });

  it('summarises speech segments without overlap, with the dominant emotion', () => {
    const model = stubModel();
    const { windows } = streamAll(model, rec.y, sr, 8000);
    const segs = speechSegments(windows, CLASSES, 0.5, rec.y.length / sr);
    expect(segs.length).toBeGreaterThanOrEqual(rec.segments.length - 1);
    for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBeGreaterThanOrEqual(segs[i - 1]!.end);
    for (const s of segs) expect(CLASSES).toContain(s.emotion);
  });
});

describe('ser predict --timeline', () => {
  let dir: string;
  let wav: string;
  const cli = (...args: string[]) => run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'predict', ...args], { timeout: 120_000, maxBuffer: 1 << 26 });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ser-tlcli-'));
    wav = join(dir, 'talk.wav');
    const r = synthLongRecording(16, { sampleRate: 44100, seed: 12, snrDb: 25, pause: [3.5, 3.5], lead: 3 });
    await writeFile(wav, encodeWav(r.y, 44100, { format: 'pcm16' }));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('--json: the documented object, the same windows as the streaming API (exactly), and a summary on stderr', async () => {
    const { stdout, stderr } = await cli(PAPER_MODEL, wav, '--timeline', '--json');
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(expect.arrayContaining(['file', 'sampleRate', 'duration', 'hop', 'windows']));
    expect(doc).toMatchObject({ file: wav, sampleRate: 44100, hop: 0.5, window: 2.5 });
    expect(doc.duration).toBeCloseTo(16, 6);
    for (const w of doc.windows) {
      if (w.speech) expect(Object.values(w.probabilities as Record<string, number>).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      else expect([w.emotion, w.probabilities]).toEqual([null, null]);
    }
    expect(doc.windows.some((w: { speech: boolean }) => !w.speech)).toBe(true);
    expect(stderr).toMatch(/speech segments? in 16\.0 s — /);
    expect(stderr).toMatch(/× real time/);

    // The streaming API on the same audio, fed in 0.1 s chunks at the file's rate.
    const { initBackend } = await import('../src/ml/cnn/backend.js');
    const { loadBundle } = await import('../src/models/bundle.js');
    await initBackend('wasm', { log: () => {} });
    const model = await loadBundle(PAPER_MODEL, { core });
    try {
      const { y } = await loadAudio(wav, { sr: null });
      const { windows, stream } = streamAll(model, y, 44100, 4410);
      const mine = timelineDocument({
        file: wav, sampleRate: 44100, duration: y.length / 44100, hop: stream.hopSeconds, window: stream.windowSeconds, modelSampleRate: 22050,
        smooth: 1, classes: model.meta.classes, windows, segments: speechSegments(windows, model.meta.classes, stream.hopSeconds, y.length / 44100),
      });
      expect(mine.windows).toEqual(doc.windows);
      expect(mine.segments).toEqual(doc.segments);
    } finally {
      model.dispose();
    }
  });

  it('--csv rows, --plot svg/png, and usage errors', async () => {
    const csv = (await cli(PAPER_MODEL, wav, '--timeline', '--csv', '--hop', '1', '--smooth', '2')).stdout.trim().split('\n');
    expect(csv[0]).toBe('file,start,end,speech,emotion,p_neutral,p_happy,p_sad,p_angry,p_fearful,p_disgust,p_surprised');
    expect(csv.length - 1).toBe(1 + Math.ceil((16 - 2.5) / 1));
    const svg = join(dir, 'tl.svg');
    const png = join(dir, 'tl.png');
    await cli(PAPER_MODEL, wav, '--timeline', '--plot', svg);
    await cli(PAPER_MODEL, wav, '--timeline', '--plot', png);
    expect((await readFile(svg, 'utf8')).startsWith('<svg')).toBe(true);
    expect(Array.from((await readFile(png)).subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47]);
    for (const [args, message] of [
      [['--hop', '1'], /--hop needs --timeline/],
      [['--timeline', '--json', '--csv'], /cannot be combined/],
      [['--timeline', '--plot', join(dir, 'x.pdf')], /--plot must name an \.svg or \.png file/],
      [['--timeline', '--hop', '4'], /longer than the model's 2\.500 s window/],
    ] as const) {
      const err = await cli(PAPER_MODEL, wav, ...args).then(() => null, (e: { code: number; stderr: string }) => e);
      expect(err, args.join(' ')).not.toBeNull();
      expect(err!.code).toBe(1);
      expect(err!.stderr).toMatch(message);
    }
    const bad = join(dir, 'bad.wav');
    await writeFile(bad, 'not audio');
    const err = await cli(PAPER_MODEL, bad, '--timeline').then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err!.code).toBe(1);
    expect(err!.stderr).toContain(`${bad}: [NOT_RIFF]`);
  }, 180_000);
});
