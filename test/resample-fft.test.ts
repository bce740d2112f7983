// The two-stage resampler's pieces (src/wasm/resample-fft.ts): the overlap-save FFT filter
// (assembly/fft_filter.ts) against a float64 direct convolution, the first stage's taps, the
// quarter-band interpolator's response, and the tables it caches. The whole path against the
// float64 reference and librosa lives in test/resample.test.ts; the streaming form in
// test/timeline.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { filterShape, lowpassResponse, quarterBandInterpolator, QUARTER_BAND_PASS, resamplerBank } from '../src/dsp/resample-design.js';
import type { WasmCore } from '../src/wasm/core.js';
import { rfftTable, type SpectralKernels } from '../src/wasm/kernels.js';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { resample, resampleRatio } from '../src/wasm/resample.js';
import { firstStageTaps, planFftResample } from '../src/wasm/resample-fft.js';
import { gaussian } from './helpers/arrays.js';

let core: WasmCore;
beforeAll(async () => {
  core = await loadWasmCore();
});

type FftFilter = (
  n: number, up: number, half: number, tableN: number, tableHalf: number, specRe: number, specIm: number,
  x: number, out: number, outLen: number, work: number,
) => void;

/** out[i] = Σ_j h[j] · xu[i + half − j] in float64, xu = x zero-stuffed by up. */
function directFilter(x: Float32Array, h: Float32Array, up: number, half: number, outLen: number): Float64Array {
  const out = new Float64Array(outLen);
  for (let i = 0; i < outLen; i++) {
    let acc = 0;
    for (let j = -half; j <= half; j++) {
      const u = i + half - j;
      if (u % up !== 0) continue;
      const q = u / up;
      if (q < x.length) acc += h[j + half]! * x[q]!;
    }
    out[i] = acc;
  }
  return out;
}

describe('fftFilter (overlap-save through the real FFT)', () => {
  for (const [n, up, half, outLen] of [[64, 1, 9, 301], [64, 2, 9, 301], [256, 1, 50, 1001], [256, 2, 63, 777], [4096, 2, 214, 9000]] as const) {
    it(`n ${n}, up ${up}, ${2 * half + 1} taps, ${outLen} outputs: the direct convolution within 2e-6 of the signal's peak`, () => {
      const k = core.exports as unknown as SpectralKernels & { fftFilter: FftFilter };
      const h = gaussian(2 * half + 1, n + half, 0.2);
      const perBlock = n - 2 * half;
      const blocks = Math.ceil(outLen / perBlock);
      const xLen = ((blocks - 1) * perBlock + n) / up;
      const x = gaussian(xLen, outLen, 0.5);
      const expected = directFilter(x, h, up, half, outLen);
      const tableN = rfftTable(core, k, n);
      const tableHalf = up === 2 ? rfftTable(core, k, n / 2) : 0;
      const got = core.scratch((alloc) => {
        const bins = ((n >> 1) + 1 + 3) & ~3;
        const hPtr = alloc(n * 4);
        const spec = alloc(2 * bins * 4);
        const wrapped = new Float32Array(n);
        for (let j = -half; j <= half; j++) wrapped[(j + n) % n] = h[j + half]!;
        core.writeF32(hPtr, wrapped);
        core.f32.fill(0, spec >> 2, (spec >> 2) + 2 * bins);
        k.rfftForward(n, tableN, hPtr, spec, spec + bins * 4);
        const xPtr = alloc(xLen * 4);
        core.writeF32(xPtr, x);
        const out = alloc(blocks * perBlock * 4);
        k.fftFilter(n, up, half, tableN, tableHalf, spec, spec + bins * 4, xPtr, out, outLen, alloc((3 * n + 8) * 4));
        return core.readF32(out, outLen);
      });
      let err = 0;
      let peak = 0;
      for (let i = 0; i < outLen; i++) {
        err = Math.max(err, Math.abs(got[i]! - expected[i]!));
        peak = Math.max(peak, Math.abs(expected[i]!));
      }
      expect(err / peak).toBeLessThanOrEqual(2e-6);
    });
  }
});

describe('two-stage design', () => {
  it('first-stage taps: h(j / up) with each phase scaled to unit DC gain', () => {
    for (const r of [0.459375, 0.96, 1]) {
      const lowpass = filterShape(r);
      const up = r <= 0.5 ? 1 : 2;
      const half = Math.floor(lowpass.halfWidth * up);
      const taps = firstStageTaps(lowpass, up, half);
      expect(taps.length).toBe(2 * half + 1);
      for (let phase = 0; phase < up; phase++) {
        let sum = 0;
        for (let i = phase; i < taps.length; i += up) sum += taps[i]!;
        expect(sum).toBeCloseTo(1, 14);
      }
      // the shape is h's, up to that per-phase scale (below 1e-6 away from 1)
      const scale = taps[half]! / lowpassResponse(lowpass, 0);
      expect(Math.abs(scale - 1)).toBeLessThan(1e-6);
      expect(Math.abs(taps[half + 14]! / lowpassResponse(lowpass, 14 / up) - scale)).toBeLessThan(1e-12); // same phase as tap 0
    }
  });

  it('the quarter-band interpolator reconstructs sines up to a quarter of the rate within 3e-7, at any fractional position', () => {
    const b = quarterBandInterpolator(64);
    expect(b.taps).toBe(20);
    const rows = resamplerBank(b);
    let worst = 0;
    for (const f of [0, 0.01, 0.1, 0.2, QUARTER_BAND_PASS / 2]) { // cycles per sample, up to rate / 4
      for (let p = 0; p <= b.phases; p += 5) {
        const mu = p / b.phases;
        let acc = 0;
        for (let m = 0; m < b.taps; m++) acc += rows[p * b.taps + m]! * Math.cos(2 * Math.PI * f * (b.firstTap + m) + 0.3);
        worst = Math.max(worst, Math.abs(acc - Math.cos(2 * Math.PI * f * mu + 0.3)));
      }
    }
    expect(worst).toBeLessThan(3e-7);
  });

  it('the quarter-band interpolator: flat to 3e-7 up to a quarter of the rate, at least 130 dB down from three quarters on', () => {
    // Its continuous response B(F) = ∫ b(t) e^(−2πiFt) dt (F in cycles per input sample), by a
    // fine Riemann sum over the window (b is smooth and vanishes at the window's edge).
    const b = quarterBandInterpolator(64);
    const dt = 1 / 128;
    const samples: Array<[number, number]> = [];
    for (let t = -b.halfWidth; t <= b.halfWidth; t += dt) samples.push([t, lowpassResponse(b, t)]);
    const response = (F: number): number => {
      let re = 0;
      let im = 0;
      for (const [t, v] of samples) {
        re += v * Math.cos(2 * Math.PI * F * t);
        im -= v * Math.sin(2 * Math.PI * F * t);
      }
      return Math.hypot(re, im) * dt;
    };
    const dc = response(0);
    let ripple = 0;
    for (let F = 0; F <= 0.25; F += 0.01) ripple = Math.max(ripple, Math.abs(response(F) / dc - 1));
    let leak = 0;
    for (let F = 0.75; F <= 3; F += 0.0125) leak = Math.max(leak, response(F) / dc);
    console.log(`[resample-fft] quarter-band interpolator: pass-band ripple ${ripple.toExponential(2)}, stop band ${(20 * Math.log10(leak)).toFixed(1)} dB`);
    expect(ripple).toBeLessThan(3e-7);
    expect(20 * Math.log10(leak)).toBeLessThan(-130);
  });

  it('plans: up 1 below half the rate, 2 above; null (direct form) when the low-pass outgrows a 65536-point FFT; exact banks for integer pairs', () => {
    expect(planFftResample(core, 22050 / 48000)).toMatchObject({ up: 1, n: 4096 });
    expect(planFftResample(core, 0.96)).toMatchObject({ up: 2, n: 4096 });
    expect(planFftResample(core, 1)).toMatchObject({ up: 2 });
    expect(planFftResample(core, 1 / 96)).toBeNull();
    // integer rate pairs with few fractional output positions get the exact second-stage bank
    expect(planFftResample(core, 22050 / 48000, { srIn: 48000, srOut: 22050 })!.exact).toMatchObject({ phases: 147, advance: 320 });
    expect(planFftResample(core, 22050 / 16000, { srIn: 16000, srOut: 22050 })!.exact).toMatchObject({ phases: 441, advance: 640 });
    expect(planFftResample(core, 22050 / 44099, { srIn: 44099, srOut: 22050 })!.exact).toBeNull();
    expect(planFftResample(core, 0.96)!.exact).toBeNull();
  });

  it('checks the samples in WASM after the copy: NaN as assertSignal words it, float64 values beyond float32 named', () => {
    expect(() => resample(core, Float32Array.of(0, 0.5, NaN), 48000, 22050)).toThrow(/resample input contains a non-finite value \(NaN\) at sample 2/);
    expect(() => resample(core, Float64Array.of(0, 1e39, 0), 48000, 22050)).toThrow(/resample input value 1e\+39 at sample 1 is outside the float32 range/);
    expect(() => resample(core, Float32Array.of(0.1), 48000, Number.NaN)).toThrow(/srOut must be a positive integer/);
  });

  it('allocates nothing new across calls and ratios once its tables exist', () => {
    const y = gaussian(30000, 2, 0.3);
    resample(core, y, 48000, 22050);
    resampleRatio(core, y, 0.96);
    resampleRatio(core, y, 0.9);
    const bytes = core.memoryBytes;
    for (const ratio of [0.97, 0.93, 0.89, 0.96]) resampleRatio(core, y, ratio);
    for (let i = 0; i < 3; i++) resample(core, y, 48000, 22050);
    expect(core.memoryBytes).toBe(bytes);
  });
});
