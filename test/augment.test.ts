import { beforeAll, describe, expect, it } from 'vitest';
import {
  AUGMENT_VERSIONS, NOTEBOOK_AUGMENT_PARAMS, PAPER_AUGMENT_PARAMS, addNoise,
  augmentClip, augmentationSeed, drawShift, maxShiftSamples, randomShift, referenceAugmentBackend, roll,
  type AugmentBackend,
} from '../src/augment/index.js';
import { DspError } from '../src/dsp/errors.js';
import type { ComplexMatrix } from '../src/dsp/types.js';
import { istftReference } from '../src/reference/istft.js';
import { planPitchShift } from '../src/dsp/phase-vocoder-plan.js';
import { roundHalfEven } from '../src/dsp/round-half-even.js';
import { phaseVocoderReference, pitchShiftReference, timeStretchReference } from '../src/reference/phase-vocoder.js';
import { stft } from '../src/reference/stft.js';
import { Random } from '../src/util/random.js';
import { createWasmAugmentBackend, istft, phaseVocoder, pitchShift, timeStretch } from '../src/wasm/augment.js';
import type { WasmCore } from '../src/wasm/core.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HAVE_LIBROSA, LIBROSA_OUT, fixtureArray } from './helpers/fixtures.js';

const SR = 22050;
let core: WasmCore;
let wasm: AugmentBackend;
beforeAll(async () => {
  core = await loadWasmCore();
  wasm = createWasmAugmentBackend(core);
});

// ---------------------------------------------------------------------------------------------
// Helpers

/** A speech-like test clip: two gliding harmonic tones, an amplitude envelope and a little noise. */
function synthClip(n: number, seed = 7): Float32Array {
  const rng = new Random(seed);
  const y = new Float32Array(n);
  let p1 = 0, p2 = 0;
  for (let i = 0; i < n; i++) {
    const t = i / SR;
    p1 += (2 * Math.PI * (180 + 60 * Math.sin(2 * Math.PI * 1.5 * t))) / SR;
    p2 += (2 * Math.PI * (1200 + 400 * t)) / SR;
    const env = 0.5 * (1 - Math.cos(2 * Math.PI * Math.min(1, t / 0.3))) * (0.6 + 0.4 * Math.sin(2 * Math.PI * 3 * t));
    y[i] = env * (0.4 * Math.sin(p1) + 0.15 * Math.sin(2 * p1) + 0.1 * Math.sin(p2)) + 0.003 * rng.gaussian();
  }
  return y;
}

/** SNR of `a` against the reference `b`, in dB, over b's length. */
function snrDb(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let se = 0, sb = 0;
  for (let i = 0; i < b.length; i++) {
    const e = a[i]! - b[i]!;
    se += e * e;
    sb += b[i]! * b[i]!;
  }
  return 10 * Math.log10(sb / se);
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Largest complex error relative to the largest magnitude of `ref`, and the relative RMS error. */
function complexErrors(D: ComplexMatrix, refRe: ArrayLike<number>, refIm: ArrayLike<number>): { maxRel: number; rmsRel: number } {
  let maxMag = 0, maxErr = 0, se = 0, sm = 0;
  for (let i = 0; i < refRe.length; i++) {
    const m2 = refRe[i]! ** 2 + refIm[i]! ** 2;
    const e2 = (D.re[i]! - refRe[i]!) ** 2 + (D.im[i]! - refIm[i]!) ** 2;
    maxMag = Math.max(maxMag, Math.sqrt(m2));
    maxErr = Math.max(maxErr, Math.sqrt(e2));
    se += e2;
    sm += m2;
  }
  return { maxRel: maxErr / maxMag, rmsRel: Math.sqrt(se / sm) };
}

// ---------------------------------------------------------------------------------------------
// Noise and shift

describe('noise augmentation', () => {
  const y = synthClip(40000);
  const peak = maxAbs(y);

  it('adds Gaussian noise with std = factor * max|y| and keeps the shape', () => {
    const out = addNoise(y, 1234, { factor: 0.005 });
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(y.length);
    let s = 0, s2 = 0;
    for (let i = 0; i < y.length; i++) {
      const d = out[i]! - y[i]!;
      s += d;
      s2 += d * d;
    }
    const mean = s / y.length;
    const std = Math.sqrt(s2 / y.length - mean * mean);
    const expected = 0.005 * peak;
    console.log(`[augment] noise: std ${std.toExponential(4)} vs factor*peak ${expected.toExponential(4)}, mean ${mean.toExponential(2)}`);
    // 40 000 draws: the sample std is within ~0.4% (1 sigma) of the true one; 3% is > 7 sigma.
    expect(Math.abs(std / expected - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean)).toBeLessThan((5 * expected) / Math.sqrt(y.length));
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(addNoise(y, 99)).toEqual(addNoise(y, 99));
    expect(addNoise(y, 99)).not.toEqual(addNoise(y, 100));
    expect(addNoise(y, new Random(5))).toEqual(addNoise(y, 5));
  });

  it('uniformFactor draws one amplitude in [0, factor) per clip', () => {
    const rng = new Random(3);
    const amp = rng.uniform() * 0.005;
    const out = addNoise(y, 3, { factor: 0.005, uniformFactor: true });
    let s2 = 0;
    for (let i = 0; i < y.length; i++) s2 += (out[i]! - y[i]!) ** 2;
    const std = Math.sqrt(s2 / y.length);
    expect(Math.abs(std / (amp * peak) - 1)).toBeLessThan(0.03);
  });

  it('rejects a bad factor or signal with DspError', () => {
    expect(() => addNoise(y, 1, { factor: -1 })).toThrow(DspError);
    expect(() => addNoise(y, 1, { factor: Number.NaN })).toThrow(/factor must be a finite number/);
    expect(() => addNoise(new Float32Array(0), 1)).toThrow(/empty/);
  });
});

describe('shift augmentation', () => {
  const y = synthClip(22050);

  it('roll follows np.roll', () => {
    const x = Float32Array.of(1, 2, 3, 4, 5);
    expect(Array.from(roll(x, 2))).toEqual([4, 5, 1, 2, 3]);
    expect(Array.from(roll(x, -1))).toEqual([2, 3, 4, 5, 1]);
    expect(Array.from(roll(x, 7))).toEqual([4, 5, 1, 2, 3]);
    expect(Array.from(roll(x, 0))).toEqual([1, 2, 3, 4, 5]);
  });

  it('is a pure rotation by |k| <= 5 ms * sr, covering both directions', () => {
    const K = maxShiftSamples(SR, { maxShiftMs: 5 });
    expect(K).toBe(110);
    const seen = new Set<number>();
    for (let seed = 0; seed < 40; seed++) {
      const k = drawShift(new Random(seed), SR);
      expect(Math.abs(k)).toBeLessThanOrEqual(K);
      seen.add(Math.sign(k));
      const out = randomShift(y, SR, seed);
      expect(out.length).toBe(y.length);
      expect(out).toEqual(roll(y, k));
      for (let i = 0; i < y.length; i++) {
        if (out[(i + k + y.length) % y.length] !== y[i]) throw new Error(`seed ${seed}: sample ${i} not rotated by ${k}`);
      }
    }
    expect(seen.has(1) && seen.has(-1)).toBe(true);
  });

  it('is deterministic and validates its parameters', () => {
    expect(randomShift(y, SR, 11)).toEqual(randomShift(y, SR, 11));
    expect(() => randomShift(y, SR, 1, { maxShiftMs: -5 })).toThrow(DspError);
    expect(() => roll(y, 1.5)).toThrow(/integer number of samples/);
  });
});

// ---------------------------------------------------------------------------------------------
// The recipe

describe('augmentation recipe', () => {
  const y = synthClip(SR);

  it('lists the paper versions and parameters', () => {
    expect(AUGMENT_VERSIONS).toEqual(['original', 'noise', 'shift', 'stretch', 'pitch']);
    expect(PAPER_AUGMENT_PARAMS.noise.factor).toBe(0.005);
    expect(PAPER_AUGMENT_PARAMS.shift.maxShiftMs).toBe(5);
  });

  it('draws ranged parameters per clip inside their ranges and records the seed', () => {
    for (let seed = 0; seed < 20; seed++) {
      const s = augmentClip('stretch', y, SR, seed, PAPER_AUGMENT_PARAMS, wasm);
      expect(s.applied.seed).toBe(seed);
      expect(s.applied.rate).toBeGreaterThanOrEqual(0.8);
      expect(s.applied.rate).toBeLessThan(1.2);
      expect(s.y.length).toBe(roundHalfEven(y.length / s.applied.rate!));
      const p = augmentClip('pitch', y, SR, seed, PAPER_AUGMENT_PARAMS, wasm);
      expect(Math.abs(p.applied.nSteps!)).toBeLessThanOrEqual(2);
      expect(p.y.length).toBe(y.length);
    }
  });

  it('reproduces every version bit for bit from the recorded seed', () => {
    const run = new Random(2024);
    for (const version of AUGMENT_VERSIONS) {
      const first = augmentClip(version, y, SR, run, PAPER_AUGMENT_PARAMS, wasm);
      const again = augmentClip(version, y, SR, first.applied.seed, PAPER_AUGMENT_PARAMS, wasm);
      expect(again.applied).toEqual(first.applied);
      expect(again.y).toEqual(first.y);
      expect(augmentClip(version, y, SR, first.applied.seed, PAPER_AUGMENT_PARAMS, wasm).y).toEqual(first.y);
    }
    expect(augmentClip('original', y, SR, 1, PAPER_AUGMENT_PARAMS, wasm).y).toEqual(y);
  });

  it('uses fixed values when configured (notebook variant)', () => {
    const s = augmentClip('stretch', y, SR, 1, NOTEBOOK_AUGMENT_PARAMS, wasm);
    expect(s.applied.rate).toBe(0.8);
    const p = augmentClip('pitch', y, SR, 1, NOTEBOOK_AUGMENT_PARAMS, wasm);
    expect(p.applied.nSteps).toBe(0.7);
    expect(p.applied.rate).toBeCloseTo(2 ** (-0.7 / 12), 15);
  });

  it('derives order-independent seeds per clip and version', () => {
    const a = augmentationSeed(1, '03-01-05-01-01-01-12.wav', 'pitch');
    expect(a).toBe(augmentationSeed(1, '03-01-05-01-01-01-12.wav', 'pitch'));
    expect(a).not.toBe(augmentationSeed(1, '03-01-05-01-01-01-12.wav', 'stretch'));
    expect(a).not.toBe(augmentationSeed(2, '03-01-05-01-01-01-12.wav', 'pitch'));
  });

  it('rejects unknown versions and bad ranges', () => {
    expect(() => augmentClip('reverb' as never, y, SR, 1, PAPER_AUGMENT_PARAMS, wasm)).toThrow(/unknown augmentation 'reverb'/);
    expect(() => augmentClip('stretch', y, SR, 1, { ...PAPER_AUGMENT_PARAMS, stretch: { rate: { min: 1.2, max: 0.8 } } }, wasm))
      .toThrow(DspError);
    expect(() => augmentClip('stretch', y, SR, 1, { ...PAPER_AUGMENT_PARAMS, stretch: { rate: -1 } }, wasm))
      .toThrow(/rate must be > 0/);
  });
});

// ---------------------------------------------------------------------------------------------
// Phase vocoder, ISTFT, time stretch, pitch shift: self-consistency (no fixtures needed)

describe('ISTFT, time stretch and pitch shift without fixtures', () => {
  const y = synthClip(30000);

  it('istft(stft(y)) reconstructs y (Hann, hop n_fft/4), WASM and reference', () => {
    const D = stft(y);
    const ref = istftReference(D, { length: y.length });
    const w = istft(core, D, { length: y.length });
    const errRef = maxAbsDiff(ref, y);
    const errWasm = maxAbsDiff(w, y);
    console.log(`[augment] istft(stft(y)) max error: reference ${errRef.toExponential(2)}, wasm ${errWasm.toExponential(2)} (peak ${maxAbs(y).toFixed(3)})`);
    expect(errRef).toBeLessThan(1e-12);
    expect(errWasm).toBeLessThan(2e-6);
    // Without `length`: everything the frames cover, minus the centring pad.
    expect(istft(core, D).length).toBe(2048 + 512 * (D.cols - 1) - 2048);
  });

  it('rate 1 is the identity up to the float32 phase accumulator', () => {
    // Exact algorithm (float64 accumulator): stft -> vocoder -> istft gives y back.
    expect(maxAbsDiff(timeStretchReference(y, 1, { precision: 'float64' }), y)).toBeLessThan(1e-12);
    // librosa's float32 accumulator rounds phases of up to ~1e5 rad to 0.008 rad steps.
    const sWasm = snrDb(timeStretch(core, y, 1), y);
    const sRef = snrDb(timeStretchReference(y, 1), y);
    console.log(`[augment] time stretch rate 1 vs input: SNR wasm ${sWasm.toFixed(1)} dB, reference (float32 accumulator) ${sRef.toFixed(1)} dB`);
    expect(sWasm).toBeGreaterThan(70);
    expect(sRef).toBeGreaterThan(70);
  });

  it('WASM time stretch and pitch shift agree with the float64 reference', () => {
    for (const rate of [0.8, 1.1, 1.25]) {
      const w = timeStretch(core, y, rate);
      const r = timeStretchReference(y, rate);
      expect(w.length).toBe(r.length);
      const snr = snrDb(w, r);
      console.log(`[augment] time stretch ${rate}: wasm vs reference SNR ${snr.toFixed(1)} dB`);
      expect(snr).toBeGreaterThan(60);
    }
    for (const n of [-1.5, 2]) {
      const w = pitchShift(core, y, SR, n);
      const r = pitchShiftReference(y, SR, n);
      expect(w.length).toBe(y.length);
      const snr = snrDb(w, r);
      console.log(`[augment] pitch shift ${n}: wasm vs reference SNR ${snr.toFixed(1)} dB`);
      expect(snr).toBeGreaterThan(60);
    }
  });

  it('pitch shift moves a tone by the requested interval', () => {
    const n = 16384;
    const f0 = 440;
    const tone = Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f0 * i) / SR));
    const shifted = pitchShift(core, tone, SR, 2);
    // Dominant frequency from the zero crossings of the middle part (away from the edges).
    let crossings = 0;
    const a = 2048, b = n - 2048;
    for (let i = a + 1; i < b; i++) if (shifted[i - 1]! < 0 && shifted[i]! >= 0) crossings++;
    const f = (crossings * SR) / (b - a);
    expect(Math.abs(f / (f0 * 2 ** (2 / 12)) - 1)).toBeLessThan(0.01);
  });

  it('memory stops growing when every clip draws a new stretch rate and pitch', () => {
    const clip = synthClip(20000, 3);
    const rng = new Random(77);
    for (let i = 0; i < 3; i++) {
      timeStretch(core, clip, rng.range(0.8, 1.2));
      pitchShift(core, clip, SR, rng.range(-2, 2));
    }
    const before = core.memoryBytes;
    for (let i = 0; i < 20; i++) {
      timeStretch(core, clip, rng.range(0.8, 1.2));
      pitchShift(core, clip, SR, rng.range(-2, 2));
    }
    expect(core.memoryBytes).toBe(before);
  });

  it('both backends reject bad input with the same DspError', () => {
    const cases: Array<[string, (b: 'wasm' | 'ref') => unknown]> = [
      ['rate 0', (b) => (b === 'wasm' ? timeStretch(core, y, 0) : timeStretchReference(y, 0))],
      ['rate NaN', (b) => (b === 'wasm' ? timeStretch(core, y, Number.NaN) : timeStretchReference(y, Number.NaN))],
      ['huge rate', (b) => (b === 'wasm' ? timeStretch(core, y, 1e9) : timeStretchReference(y, 1e9))],
      ['empty', (b) => (b === 'wasm' ? timeStretch(core, new Float32Array(0), 1) : timeStretchReference(new Float32Array(0), 1))],
      ['NaN sample', (b) => (b === 'wasm' ? timeStretch(core, Float32Array.of(0, Number.NaN), 1) : timeStretchReference(Float32Array.of(0, Number.NaN), 1))],
      ['pitch sr', (b) => (b === 'wasm' ? pitchShift(core, y, 22050.5, 1) : pitchShiftReference(y, 22050.5, 1))],
      ['pitch steps', (b) => (b === 'wasm' ? pitchShift(core, y, SR, Number.POSITIVE_INFINITY) : pitchShiftReference(y, SR, Number.POSITIVE_INFINITY))],
    ];
    for (const [name, call] of cases) {
      let wasmMessage = '';
      let refMessage = '';
      try { call('wasm'); } catch (e) { expect(e, name).toBeInstanceOf(DspError); wasmMessage = (e as Error).message; }
      try { call('ref'); } catch (e) { expect(e, name).toBeInstanceOf(DspError); refMessage = (e as Error).message; }
      expect(wasmMessage, name).not.toBe('');
      expect(wasmMessage, name).toBe(refMessage);
    }
    const bad = { re: new Float32Array(10), im: new Float32Array(10), rows: 1025, cols: 3 };
    expect(() => phaseVocoder(core, bad, 1)).toThrow(/expected rows\*cols/);
    expect(() => istft(core, bad)).toThrow(/expected rows\*cols/);
    expect(() => istft(core, { re: new Float32Array(7 * 2), im: new Float32Array(7 * 2), rows: 7, cols: 2 })).toThrow(/power of two/);
  });
});

// ---------------------------------------------------------------------------------------------
// Parity with librosa 0.10.2

const SIGNALS = ['speech_espeak', 'ravdess_A02_angry', 'sweep_22050'];

// Measured (see console output): the phase vocoder on librosa's own STFT differs from librosa's
// by single float32 steps of its phase accumulator (ulp = 0.0078-0.0156 rad at phases ~1e5), at most
// 2.2e-3 of the largest magnitude (sweep, rate 0.8), 3e-4 relative RMS.
const PV_MAX_REL = 4e-3;
const PV_RMS_REL = 6e-4;
// Waveforms from the input clip: the float64 reference is >= 73 dB from librosa, the float32 WASM
// path >= 57 dB (its float32 STFT moves more accumulator roundings); pitch shift adds the resampler.
const REF_STRETCH_SNR = 70;
const WASM_STRETCH_SNR = 54;
const REF_PITCH_SNR = 70;
const WASM_PITCH_SNR = 54;

describe.skipIf(!HAVE_LIBROSA)('parity with librosa.effects (librosa 0.10.2 fixtures)', () => {
  for (const signal of SIGNALS) {
    describe(signal, () => {
      const f = (name: string) => fixtureArray(signal, name).data as Float32Array;

      it('phase vocoder on librosa\'s STFT matches pv_r0.8 / pv_r1.25', () => {
        const reArr = fixtureArray(signal, 'stft_re');
        const D = { re: reArr.data as Float32Array, im: f('stft_im'), rows: reArr.shape[0]!, cols: reArr.shape[1]! };
        for (const rate of ['0.8', '1.25']) {
          const expRe = fixtureArray(signal, `augment/pv_r${rate}_re`);
          const expIm = f(`augment/pv_r${rate}_im`);
          const ref = phaseVocoderReference(D, Number(rate));
          const w = phaseVocoder(core, D, Number(rate));
          expect([ref.rows, ref.cols]).toEqual(expRe.shape);
          expect([w.rows, w.cols]).toEqual(expRe.shape);
          const eRef = complexErrors(ref, expRe.data as Float32Array, expIm);
          const eWasm = complexErrors(w, expRe.data as Float32Array, expIm);
          const e64 = complexErrors(phaseVocoderReference(D, Number(rate), { precision: 'float64' }), expRe.data as Float32Array, expIm);
          console.log(`[augment] ${signal} pv r${rate}: max err / max |D|: reference ${eRef.maxRel.toExponential(2)}, wasm ${eWasm.maxRel.toExponential(2)}, ` +
            `float64 accumulator ${e64.maxRel.toExponential(2)}; relative RMS ${eRef.rmsRel.toExponential(2)} / ${eWasm.rmsRel.toExponential(2)}`);
          for (const e of [eRef, eWasm]) {
            expect(e.maxRel).toBeLessThan(PV_MAX_REL);
            expect(e.rmsRel).toBeLessThan(PV_RMS_REL);
          }
          // librosa's inverse of its own vocoder output, through our ISTFT.
          const expected = f(`augment/time_stretch_r${rate}`);
          const inv = istft(core, { re: expRe.data as Float32Array, im: expIm, rows: expRe.shape[0]!, cols: expRe.shape[1]! }, { length: expected.length });
          const invSnr = snrDb(inv, expected);
          console.log(`[augment] ${signal} istft(librosa pv r${rate}) vs time_stretch: SNR ${invSnr.toFixed(1)} dB, max err ${maxAbsDiff(inv, expected).toExponential(2)}`);
          expect(invSnr).toBeGreaterThan(120);
        }
      });

      it('time stretch matches time_stretch_r0.8 / r1.25 (length exact)', () => {
        const y = f('augment/input');
        const manifest = augmentManifest(signal);
        expect(y.length).toBe(manifest.len);
        for (const rate of ['0.8', '1.25']) {
          const expected = f(`augment/time_stretch_r${rate}`);
          const ref = timeStretchReference(y, Number(rate));
          const w = timeStretch(core, y, Number(rate));
          expect(ref.length).toBe(expected.length);
          expect(w.length).toBe(expected.length);
          const sRef = snrDb(ref, expected);
          const sWasm = snrDb(w, expected);
          console.log(`[augment] ${signal} time_stretch r${rate}: SNR reference ${sRef.toFixed(1)} dB (max err ${maxAbsDiff(ref, expected).toExponential(2)}), ` +
            `wasm ${sWasm.toFixed(1)} dB (max err ${maxAbsDiff(w, expected).toExponential(2)}), peak ${maxAbs(expected).toFixed(3)}`);
          expect(sRef).toBeGreaterThan(REF_STRETCH_SNR);
          expect(sWasm).toBeGreaterThan(WASM_STRETCH_SNR);
        }
      });

      it('pitch shift: the time-stretch stage (pitch_ts_n*) and the result (pitch_shift_n*)', () => {
        const y = f('augment/input');
        const manifest = augmentManifest(signal);
        for (const n of ['0.7', '-2', '2']) {
          const info = manifest.outputs[`pitch_shift_n${n}`];
          const plan = planPitchShift(y.length, SR, Number(n));
          expect(plan.rate).toBeCloseTo(info.stretch_rate, 14);
          expect(SR / plan.rate).toBeCloseTo(info.resample_orig_sr, 8);
          const stage = f(`augment/pitch_ts_n${n}`);
          const wStage = timeStretch(core, y, plan.rate);
          expect(wStage.length).toBe(stage.length);
          const sStage = snrDb(wStage, stage);
          const expected = f(`augment/pitch_shift_n${n}`);
          const ref = pitchShiftReference(y, SR, Number(n));
          const w = pitchShift(core, y, SR, Number(n));
          expect(ref.length).toBe(expected.length);
          expect(w.length).toBe(expected.length);
          const sRef = snrDb(ref, expected);
          const sWasm = snrDb(w, expected);
          console.log(`[augment] ${signal} pitch n${n}: stretch stage wasm SNR ${sStage.toFixed(1)} dB; pitch_shift SNR reference ${sRef.toFixed(1)} dB, wasm ${sWasm.toFixed(1)} dB`);
          expect(sStage).toBeGreaterThan(WASM_STRETCH_SNR);
          expect(sRef).toBeGreaterThan(REF_PITCH_SNR);
          expect(sWasm).toBeGreaterThan(WASM_PITCH_SNR);
        }
      });

      it('noise and shift fixtures: same shape as ours', () => {
        const y = f('augment/input');
        expect(fixtureArray(signal, 'augment/noise_0.005_seed0').shape).toEqual([addNoise(y, 0).length]);
        expect(fixtureArray(signal, 'augment/shift_seed0').shape).toEqual([randomShift(y, SR, 0).length]);
      });
    });
  }

  it('the JS reference backend of the recipe gives the reference results', () => {
    const y = f32(fixtureArray('speech_espeak', 'augment/input').data as Float32Array);
    expect(referenceAugmentBackend.timeStretch(y, 1.25)).toEqual(Float32Array.from(timeStretchReference(y, 1.25)));
  });
});

/** <signal>/augment/manifest.json: lengths and the rates librosa used. */
function augmentManifest(signal: string): any {
  return JSON.parse(readFileSync(join(LIBROSA_OUT, signal, 'augment/manifest.json'), 'utf8'));
}

function f32(a: ArrayLike<number>): Float32Array {
  return Float32Array.from(a);
}
