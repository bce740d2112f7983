/**
 * Speech activity detection (assembly/vad.ts, src/wasm/vad.ts, src/reference/vad.ts): WASM against
 * the float64 reference, streaming in any chunking against one call, frame accuracy on synthetic
 * speech + pauses + noise at several SNRs (known layout), bad input, and flat WASM memory.
 */
import { describe, expect, it } from 'vitest';
import { measureVad, scoreFrames, truthFrames, VAD_CASES } from '../bench/vad-accuracy.js';
import { DspError } from '../src/dsp/errors.js';
import { resolveVadOptions } from '../src/dsp/vad-options.js';
import { vadReference } from '../src/reference/vad.js';
import { synthLongRecording } from '../src/synth/long-recording.js';
import { Random } from '../src/util/random.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { detectSpeech, WasmVad } from '../src/wasm/vad.js';

const core = await loadWasmCore();

describe('speech activity: WASM kernel vs float64 reference', () => {
  it('gives the same cues (within float32 FFT error) and the same decisions', () => {
    for (const [sr, snrDb] of [[16000, 10], [22050, 20], [48000, null]] as const) {
      const { y } = synthLongRecording(12, { sampleRate: sr, seed: 5, snrDb });
      const w = detectSpeech(core, y, { sr });
      const r = vadReference(y, { sr });
      expect(w.speech.length).toBe(r.speech.length);
      let worstE = 0;
      let worstF = 0;
      let zcrDiff = 0;
      let rawDiff = 0;
      let diff = 0;
      for (let t = 0; t < r.speech.length; t++) {
        const at = 4 * t;
        worstE = Math.max(worstE, Math.abs(w.features.data[at]! - r.energyDb[t]!));
        worstF = Math.max(worstF, Math.abs(w.features.data[at + 1]! - r.flatnessDb[t]!));
        if (Math.abs(w.features.data[at + 2]! - r.zcr[t]!) > 1e-6) zcrDiff++;
        if (w.features.data[at + 3] !== r.raw[t]) rawDiff++;
        if (w.speech[t] !== r.speech[t]) diff++;
      }
      console.info(`vad ${sr} Hz, SNR ${snrDb ?? '—'}: ${r.speech.length} frames, worst |ΔE| ${worstE.toExponential(2)} dB, |ΔF| ${worstF.toExponential(2)} dB, ` +
        `ZCR differs on ${zcrDiff}, raw decisions on ${rawDiff}, final decisions on ${diff}`);
      expect(worstE).toBeLessThan(1e-3);
      expect(worstF).toBeLessThan(0.05);
      expect(zcrDiff).toBe(0);
      // A cue sitting exactly on a threshold may flip; the hangover absorbs nearly all of that.
      expect(rawDiff).toBeLessThanOrEqual(Math.ceil(0.002 * r.speech.length));
      expect(diff).toBeLessThanOrEqual(Math.ceil(0.002 * r.speech.length));
    }
  });

  it('gives the same decisions whatever the chunking of the stream (delay, back-fill and flush included)', () => {
    const sr = 16000;
    const { y } = synthLongRecording(10, { sampleRate: sr, seed: 8, snrDb: 10, noise: 'pink' });
    const whole = detectSpeech(core, y, { sr }).speech;
    const rng = new Random(3);
    for (const maxChunk of [1, 7, 128, 160, 4096, 50_000]) {
      const vad = new WasmVad(core, { sr });
      const parts: number[] = [];
      for (let at = 0; at < y.length; ) {
        const n = Math.min(y.length - at, 1 + rng.int(0, maxChunk - 1));
        parts.push(...vad.push(y.subarray(at, at + n)));
        at += n;
        // decisions trail the newest complete frame by exactly `delay` frames
        const complete = at >= vad.options.frameLength ? Math.floor((at - vad.options.frameLength) / vad.options.hopLength) + 1 : 0;
        expect(vad.framesDecided).toBe(Math.max(0, complete - vad.options.delay));
      }
      parts.push(...vad.flush());
      expect(Uint8Array.from(parts)).toEqual(whole);
    }
  });

  it('decides short signals (shorter than one frame, or than the decision delay) and silence', () => {
    const sr = 16000;
    for (const n of [1, 100, 511, 512, 700]) {
      const y = new Float32Array(n).map((_, i) => 0.3 * Math.sin(i / 3));
      const w = detectSpeech(core, y, { sr });
      const r = vadReference(y, { sr });
      expect(w.speech.length).toBe(Math.ceil(n / 160));
      expect(w.speech).toEqual(r.speech);
    }
    expect(Array.from(detectSpeech(core, new Float32Array(16000), { sr }).speech).every((v) => v === 0)).toBe(true);
  });
});

describe('speech activity: frame accuracy against the known layout', () => {
  it('finds the utterances of synthetic speech in white and pink noise at several SNRs', () => {
    const floor: Record<string, number> = { 'white:—': 0.93, 'white:30': 0.93, 'white:20': 0.92, 'white:10': 0.9, 'white:5': 0.85, 'white:0': 0.65, 'pink:20': 0.88, 'pink:10': 0.88, 'pink:5': 0.87 };
    const rows: string[] = [];
    for (const c of VAD_CASES) {
      const m = measureVad(core, c, { seconds: 30, sr: 16000, seed: 29 });
      const key = `${c.noise}:${c.snrDb ?? '—'}`;
      rows.push(`${key.padEnd(9)} accuracy ${(100 * m.wasm.accuracy).toFixed(1)} %, recall ${(100 * m.wasm.recall).toFixed(1)} %, false alarms ${(100 * m.wasm.falseAlarm).toFixed(1)} %`);
      expect(m.wasm.accuracy, key).toBeGreaterThanOrEqual(floor[key]!);
    }
    console.info(`vad frame accuracy (30 s per case, 16 kHz, seed 29):\n  ${rows.join('\n  ')}`);
  });

  it('marks a gap of silence between two utterances as non-speech', () => {
    const sr = 16000;
    const rec = synthLongRecording(8, { sampleRate: sr, seed: 2, snrDb: 20, pause: [2, 2], lead: 1 });
    const w = detectSpeech(core, rec.y, { sr });
    const truth = truthFrames(rec.segments, w.speech.length, w.options.frameLength, w.options.hopLength);
    expect(scoreFrames(w.speech, truth).accuracy).toBeGreaterThan(0.9);
    // the middle of the 2 s pause after the first utterance
    const mid = rec.segments[0]!.end + sr;
    const t = Math.floor(mid / w.options.hopLength);
    expect(Array.from(w.speech.subarray(t - 20, t + 20)).every((v) => v === 0)).toBe(true);
  });
});

describe('speech activity: bad input and memory', () => {
  it('rejects bad options and non-finite samples with a DspError', () => {
    expect(() => resolveVadOptions({ sr: 0 })).toThrow(DspError);
    expect(() => resolveVadOptions({ sr: 16000, frameLength: 500 })).toThrow(/power of two/);
    expect(() => resolveVadOptions({ sr: 16000, hopLength: 1024, frameLength: 512 })).toThrow(/must not exceed/);
    expect(() => resolveVadOptions({ sr: 16000, fmin: 5000, fmax: 4000 })).toThrow(/speech band/);
    expect(() => resolveVadOptions({ sr: 16000, minSpeech: 1 })).toThrow(/at most/);
    expect(() => resolveVadOptions({ sr: 16000, hangover: -1 })).toThrow(/>= 0/);
    const vad = new WasmVad(core, { sr: 16000 });
    expect(() => vad.push(Float32Array.of(0, NaN))).toThrow(/non-finite/);
    vad.flush();
    expect(() => vad.push(new Float32Array(10))).toThrow(/after flush/);
  });

  it('10,000 pushes of 0.25 s chunks do not grow WASM memory', () => {
    const sr = 16000;
    const { y } = synthLongRecording(5, { sampleRate: sr, seed: 4, snrDb: 10 });
    const vad = new WasmVad(core, { sr });
    const chunk = 4000;
    const step = (i: number) => vad.push(y.subarray((i * chunk) % (y.length - chunk), ((i * chunk) % (y.length - chunk)) + chunk));
    step(0);
    step(1);
    const warm = core.memoryBytes;
    let speech = 0;
    for (let i = 0; i < 10_000; i++) speech += step(i).reduce((a, b) => a + b, 0);
    expect(core.memoryBytes).toBe(warm);
    expect(speech).toBeGreaterThan(0);
    expect(vad.framesDecided).toBeGreaterThan(10_000 * 24);
  }, 120_000);
});
