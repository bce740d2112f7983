import { beforeAll, describe, expect, it } from 'vitest';
import { DspError } from '../src/dsp/errors.js';
import { frameCount } from '../src/dsp/types.js';
import { createWasmDsp, type WasmDsp } from '../src/wasm/dsp.js';
import { createReferenceDsp } from '../src/reference/index.js';
import type { MfccOptions, Real } from '../src/dsp/types.js';
import { Random } from '../src/util/random.js';
import { fixtureArray, fixtureSignals, HAVE_LIBROSA, LIBROSA_OUT } from './helpers/fixtures.js';
import { LIBROSA_PARITY_BY_FIXTURE } from './helpers/parity-tolerances.js';

let dsp: WasmDsp;
beforeAll(async () => {
  dsp = await createWasmDsp();
});

/** A fixture array in row-major order (the shared reader transposes Fortran-order files). */
function fixtureRowMajor(signal: string, name: string): Float32Array | Float64Array {
  return fixtureArray(signal, name).data as Float32Array | Float64Array;
}

function worstAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function magnitude(re: ArrayLike<number>, im: ArrayLike<number>): Float64Array {
  const out = new Float64Array(re.length);
  for (let i = 0; i < re.length; i++) out[i] = Math.hypot(re[i]!, im[i]!);
  return out;
}

// Allowed worst error per fixture array: test/helpers/parity-tolerances.ts (shared with reference-parity.test.ts).

describe.skipIf(!HAVE_LIBROSA)('WASM DSP vs librosa 0.10.2 fixtures', () => {
  for (const signal of fixtureSignals()) {
    it(`${signal}: every array within tolerance`, () => {
      const y = fixtureArray(signal, 'y').data as Float32Array;
      const ours: Record<string, ArrayLike<number>> = {};
      const X = dsp.stft(y);
      ours.stft_re = X.re;
      ours.stft_im = X.im;
      ours.stft_mag_constant = dsp.spectrogram(y).data;
      ours.stft_mag_reflect = dsp.spectrogram(y, { padMode: 'reflect' }).data;
      ours.mel_fb = dsp.melFilterbank({ sr: 22050 }).data;
      ours.mel_power = dsp.melSpectrogram(y, { sr: 22050 }).data;
      const melPower = fixtureArray(signal, 'mel_power');
      ours.mel_db = dsp.powerToDb({ data: melPower.data as Float32Array, rows: melPower.shape[0]!, cols: melPower.shape[1]! }).data;
      ours.mfcc20 = dsp.mfcc(y, { sr: 22050, nMfcc: 20 }).data;
      ours.mfcc40 = dsp.mfcc(y, { sr: 22050, nMfcc: 40 }).data;
      ours.zcr = dsp.zeroCrossingRate(y);
      ours.rms = dsp.rms(y);

      const report: string[] = [];
      for (const name of Object.keys(ours)) {
        const expected = fixtureRowMajor(signal, name);
        const err = worstAbs(ours[name]!, expected);
        const scale = maxAbs(expected);
        const tol = LIBROSA_PARITY_BY_FIXTURE[name]!;
        const limit = tol.rel > 0 ? tol.rel * scale : tol.abs;
        report.push(`${name} ${err.toExponential(2)} (scale ${scale.toPrecision(3)}, limit ${limit.toExponential(1)})`);
        expect(err, `${signal} ${name}`).toBeLessThanOrEqual(limit);
      }
      console.log(`[wasm vs librosa] ${signal}: worst abs error\n  ${report.join('\n  ')}`);
    });
  }

  it('fused frameFeatures equals the separate calls', () => {
    const y = fixtureArray('sweep_22050', 'y').data as Float32Array;
    const f = dsp.frameFeatures(y, { sr: 22050, nMfcc: 20 });
    expect(Array.from(f.zcr)).toEqual(Array.from(dsp.zeroCrossingRate(y)));
    expect(Array.from(f.rms)).toEqual(Array.from(dsp.rms(y)));
    expect(Array.from(f.mfcc.data)).toEqual(Array.from(dsp.mfcc(y, { sr: 22050 }).data));
  });
});

describe('bad input raises DspError before reaching WASM', () => {
  const y = new Float32Array(4096).map((_, i) => Math.sin(i / 10));
  const cases: Array<[string, () => unknown]> = [
    ['empty signal', () => dsp.mfcc(new Float32Array(0))],
    ['NaN sample', () => dsp.stft(Float32Array.from([0, 1, NaN, 2]))],
    ['Infinity sample', () => dsp.rms(Float64Array.from([0, Infinity]))],
    ['value beyond float32 range', () => dsp.mfcc(Float64Array.from([0, 1e39, 0]))],
    ['not a typed array', () => dsp.zeroCrossingRate([1, 2, 3] as unknown as Float32Array)],
    ['nFft 1000 (not a power of two)', () => dsp.stft(y, { nFft: 1000 })],
    ['nFft 2^17 (too large)', () => dsp.spectrogram(y, { nFft: 1 << 17 })],
    ['hop 0', () => dsp.stft(y, { hopLength: 0 })],
    ['hop -512', () => dsp.mfcc(y, { hopLength: -512 })],
    ['hop 1.5', () => dsp.melSpectrogram(y, { hopLength: 1.5 })],
    ['nMfcc 50 > nMels 40', () => dsp.mfcc(y, { nMfcc: 50, nMels: 40 })],
    ['nMels 0', () => dsp.melFilterbank({ nMels: 0 })],
    ['fmin >= fmax', () => dsp.melSpectrogram(y, { fmin: 4000, fmax: 3000 })],
    ['negative fmin', () => dsp.melFilterbank({ fmin: -1 })],
    ['sr 0', () => dsp.melFilterbank({ sr: 0 })],
    ['power 0', () => dsp.spectrogram(y, { power: 0 })],
    ['unknown pad mode', () => dsp.stft(y, { padMode: 'wrap' as 'reflect' })],
    ['center=false, signal shorter than a frame', () => dsp.stft(y.subarray(0, 100), { center: false })],
    ['ZCR frameLength 0', () => dsp.zeroCrossingRate(y, { frameLength: 0 })],
    ['RMS hop 0', () => dsp.rms(y, { hopLength: 0 })],
    ['negative topDb', () => dsp.mfcc(y, { topDb: -1 })],
    ['amin 0', () => dsp.powerToDb({ data: new Float32Array(4), rows: 2, cols: 2 }, { amin: 0 })],
    ['matrix shape mismatch', () => dsp.powerToDb({ data: new Float32Array(5), rows: 2, cols: 2 })],
    ['NaN in power spectrogram', () => dsp.powerToDb({ data: Float32Array.from([1, NaN]), rows: 1, cols: 2 })],
    ['negative lifter', () => dsp.mfcc(y, { lifter: -2 })],
    ['fused pass, nMfcc > nMels', () => dsp.frameFeatures(y, { nMfcc: 30, nMels: 20 })],
    ['rfft of 1000 samples', () => dsp.rfft(new Float32Array(1000))],
  ];
  for (const [label, call] of cases) {
    it(label, () => {
      let caught: unknown;
      try {
        call();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DspError);
      expect(caught).not.toBeInstanceOf(WebAssembly.RuntimeError);
      expect((caught as Error).message.length).toBeGreaterThan(10);
    });
  }

  it('names the problem in the message', () => {
    expect(() => dsp.stft(y, { nFft: 1000 })).toThrow(/nFft.*power of two.*1000/);
    expect(() => dsp.stft(y, { hopLength: 0 })).toThrow(/hopLength.*positive integer/);
    expect(() => dsp.mfcc(y, { nMfcc: 50, nMels: 40 })).toThrow(/nMfcc \(50\).*nMels \(40\)/);
    expect(() => dsp.mfcc(new Float32Array(0))).toThrow(/empty/);
    expect(() => dsp.stft(Float32Array.from([0, 1, NaN]))).toThrow(/non-finite.*sample 2/);
  });
});

describe('short signals', () => {
  for (const n of [1, 10, 100, 1000]) {
    it(`${n} samples: centred frames with zero and reflect padding`, () => {
      const y = new Float32Array(n).map((_, i) => Math.cos(0.3 * i) * 0.5);
      const frames = frameCount(n, 2048, 512, true);
      expect(frames).toBe(1 + Math.floor(n / 512));
      const X = dsp.stft(y);
      expect([X.rows, X.cols]).toEqual([1025, frames]);
      const reflect = dsp.spectrogram(y, { padMode: 'reflect' });
      expect([reflect.rows, reflect.cols]).toEqual([1025, frames]);
      const M = dsp.mfcc(y);
      expect([M.rows, M.cols]).toEqual([20, frames]);
      const zcr = dsp.zeroCrossingRate(y);
      const rms = dsp.rms(y);
      expect(zcr.length).toBe(frames);
      expect(rms.length).toBe(frames);
      for (const a of [X.re, X.im, reflect.data, M.data, zcr, rms]) expect(a.every(Number.isFinite)).toBe(true);
      // DC bin of the centred first frame = sum of window * signal (zero padding)
      let dc = 0;
      for (let i = 0; i < n; i++) dc += y[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 1024)) / 2048));
      expect(X.re[0]).toBeCloseTo(dc, 4);
      // RMS of the first centred frame: sum of squares of the samples it covers over 2048
      let ss = 0;
      for (let i = 0; i < Math.min(n, 1024); i++) ss += y[i]! * y[i]!;
      expect(rms[0]).toBeCloseTo(Math.sqrt(ss / 2048), 6);
    });
  }
});

describe('raw FFT', () => {
  it('forward matches a direct DFT and the inverse restores the input, n = 2 .. 8192', () => {
    for (let n = 2; n <= 8192; n *= 2) {
      const x = new Float32Array(n).map((_, i) => Math.sin(0.37 * i) + ((i * 7919) % 13) / 13 - 0.5);
      const { re, im } = dsp.rfft(x);
      // direct DFT in float64 on a few bins (all bins for small n)
      const step = Math.max(1, Math.floor(n / 64));
      let scale = 0;
      let err = 0;
      for (let k = 0; k <= n / 2; k += step) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < n; j++) {
          const a = (-2 * Math.PI * ((j * k) % n)) / n;
          sr += x[j]! * Math.cos(a);
          si += x[j]! * Math.sin(a);
        }
        scale = Math.max(scale, Math.hypot(sr, si));
        err = Math.max(err, Math.abs(re[k]! - sr), Math.abs(im[k]! - si));
      }
      expect(err, `n=${n}`).toBeLessThan(1e-6 * Math.max(1, scale) * Math.log2(n) + 1e-6);
      const back = dsp.irfft(re, im);
      let backErr = 0;
      for (let i = 0; i < n; i++) backErr = Math.max(backErr, Math.abs(back[i]! - x[i]!));
      expect(backErr, `inverse n=${n}`).toBeLessThan(2e-6);
    }
  });
});

/**
 * WASM (float32) against the pure-JS float64 reference on seeded random signals, from a
 * single sample to several seconds, under three option sets. Criterion per array:
 * max |wasm - reference| <= limit, with limits relative to the array's largest magnitude
 * (float32 rounding) except for the dB-valued MFCC, and ZCR exact (same input samples).
 */
describe('WASM vs the float64 JS reference on seeded random signals', () => {
  const reference = createReferenceDsp();
  const LENGTHS = [1, 2, 7, 100, 511, 1000, 1024, 2047, 2048, 2049, 5000, 22050, 55125];
  const OPTION_SETS: Array<{ label: string; opts: MfccOptions }> = [
    { label: 'librosa defaults', opts: { sr: 22050 } },
    {
      label: 'nFft 512, hop 128, reflect, 40 HTK mels without norm, 13 MFCC, lifter 22',
      opts: { sr: 16000, nFft: 512, hopLength: 128, padMode: 'reflect', nMels: 40, htk: true, norm: null, fmin: 50, fmax: 7000, nMfcc: 13, lifter: 22 },
    },
    { label: 'tiny FFTs: nFft 16, hop 5, 6 mels at 8 kHz', opts: { sr: 8000, nFft: 16, hopLength: 5, nMels: 6, nMfcc: 6 } },
    { label: 'tiny FFTs: nFft 4, hop 3, reflect, 2 mels', opts: { sr: 8000, nFft: 4, hopLength: 3, nMels: 2, nMfcc: 2, padMode: 'reflect' } },
    { label: 'center=false, nFft 1024, hop 300, topDb off', opts: { sr: 22050, nFft: 1024, hopLength: 300, center: false, topDb: null, nMels: 64 } },
  ];

  function compare(label: string, ours: ArrayLike<number>, ref: ArrayLike<number>, relLimit: number, absLimit = 0): number {
    expect(ours.length, label).toBe(ref.length);
    const err = worstAbs(ours, ref);
    expect(err, label).toBeLessThanOrEqual(relLimit * maxAbs(ref) + absLimit);
    return err;
  }

  for (const { label, opts } of OPTION_SETS) {
    it(label, () => {
      const rng = new Random(hashLabel(label));
      const worst: Record<string, number> = {};
      const note = (name: string, e: number) => (worst[name] = Math.max(worst[name] ?? 0, e));
      for (const n of LENGTHS) {
        // mixture of noise and a tone, alternating Float32Array / Float64Array input
        const freq = rng.range(0.01, 0.4);
        const f32 = new Float32Array(n).map((_, i) => 0.3 * Math.sin(freq * i) + rng.range(-0.2, 0.2));
        const y: Real = n % 2 === 0 ? f32 : Float64Array.from(f32);
        const frameOpts = { frameLength: opts.nFft ?? 2048, hopLength: opts.hopLength ?? 512, center: opts.center ?? true };
        const tooShort = opts.center === false && n < (opts.nFft ?? 2048);
        if (tooShort) {
          // both backends refuse, with the same message
          expect(() => reference.mfcc(y, opts)).toThrow(DspError);
          let msg = '';
          try { reference.mfcc(y, opts); } catch (e) { msg = (e as Error).message; }
          expect(() => dsp.mfcc(y, opts)).toThrow(msg);
          continue;
        }
        const tag = `${label}, n=${n}`;
        const Xw = dsp.stft(y, opts);
        const Xr = reference.stft(y, opts);
        expect([Xw.rows, Xw.cols], tag).toEqual([Xr.rows, Xr.cols]);
        const scale = Math.max(maxAbs(Xr.re), maxAbs(Xr.im));
        note('stft', compare(`${tag} stft re`, Xw.re, Xr.re, 0, 1e-6 * scale));
        note('stft', compare(`${tag} stft im`, Xw.im, Xr.im, 0, 1e-6 * scale));
        note('magnitude', compare(`${tag} |stft|`, dsp.spectrogram(y, opts).data, reference.spectrogram(y, opts).data, 0, 1e-6 * scale));
        // float32 FFT rounding puts ~1e-7 * scale of leakage in bins that are exactly 0 in
        // float64 (e.g. a 1-sample signal: only the lowest bins are nonzero), hence the floor.
        note('mel power', compare(`${tag} mel`, dsp.melSpectrogram(y, opts).data, reference.melSpectrogram(y, opts).data, 2e-6, 1e-12 * scale * scale));
        // dB-valued; the lifter scales coefficient k by up to 1 + lifter/2, and so its error
        note('mfcc', compare(`${tag} mfcc`, dsp.mfcc(y, opts).data, reference.mfcc(y, opts).data, 0, 1e-3 * (1 + (opts.lifter ?? 0) / 2)));
        note('zcr', compare(`${tag} zcr`, dsp.zeroCrossingRate(y, frameOpts), reference.zeroCrossingRate(y, frameOpts), 0));
        note('rms', compare(`${tag} rms`, dsp.rms(y, frameOpts), reference.rms(y, frameOpts), 5e-7));
      }
      note('mel_fb', compare(`${label} filterbank`, dsp.melFilterbank(opts).data, reference.melFilterbank(opts).data, 1e-6));
      const S = reference.melSpectrogram(new Float32Array(4000).map(() => rng.range(-1, 1)), opts);
      note('power_to_db', compare(`${label} power_to_db`, dsp.powerToDb(S, opts).data, reference.powerToDb(S, opts).data, 0, 1e-4));
      console.log(`[wasm vs reference] ${label}: worst abs error ${Object.entries(worst).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}`);
    });
  }
});

function hashLabel(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h;
}
