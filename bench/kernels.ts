/**
 * WASM kernels against the project's pure-JS float64 reference, on the same inputs in the
 * same run: real FFT, STFT, mel spectrogram, MFCC chain, ZCR, RMS, delta, YIN, pYIN, trim,
 * resampling, time stretch and pitch shift (the peers of the FFT and MFCC rows live in bench/peers.ts).
 */
import type { WasmCore } from '../src/wasm/core.js';
import type { WasmDsp } from '../src/wasm/dsp.js';
import { createReferenceDsp } from '../src/reference/index.js';
import { rfft as referenceRfft } from '../src/reference/fft.js';
import { resample, resampleDirect } from '../src/wasm/resample.js';
import { resampleReference } from '../src/reference/resample.js';
import { pitchShift, timeStretch } from '../src/wasm/augment.js';
import { pitchShiftReference, timeStretchReference } from '../src/reference/phase-vocoder.js';
import { Random } from '../src/util/random.js';
import { measure, type BenchRow, type MeasureOptions } from './measure.js';
import type { BenchClip } from './clip.js';

export const FFT_SIZES = [512, 1024, 2048, 4096] as const;

/** FFTW's benchFFT convention for a real transform of size N: 2.5 N log2 N flops. */
export function realFftFlops(n: number): number {
  return 2.5 * n * Math.log2(n);
}

export function fftKernelName(n: number): string {
  return `real FFT n=${n}`;
}

/** One frame of seeded noise per FFT size, shared by every implementation. */
export function fftInput(n: number, seed = 7): Float32Array {
  const rng = new Random(seed).fork(n);
  return Float32Array.from({ length: n }, () => rng.range(-1, 1));
}

interface RfftKernel {
  rfftForward(n: number, table: number, input: number, outRe: number, outIm: number): void;
}

/**
 * Real-FFT rows: the exported AS kernel on buffers prepared once (kernel only, no copies),
 * the public WasmDsp.rfft (validation + copy in + copy out), and the float64 reference.
 */
export function benchFft(core: WasmCore, dsp: WasmDsp, timing: MeasureOptions, log: (s: string) => void): BenchRow[] {
  const k = core.exports as unknown as RfftKernel;
  const rows: BenchRow[] = [];
  for (const n of FFT_SIZES) {
    const x = fftInput(n);
    const bins = n / 2 + 1;
    const table = dsp.rfftTable(n);
    // Long-lived buffers for the kernel-only row: a cached block per size (input, re, im).
    const io = core.persistent(`bench:rfft-io:${n}`, (n + 2 * (bins + 3)) * 4, () => {});
    const inPtr = io;
    const rePtr = io + n * 4;
    const imPtr = rePtr + (bins + 3) * 4;
    core.writeF32(inPtr, x);
    const x64 = Float64Array.from(x);
    const kernel = fftKernelName(n);
    const flopsPerOp = realFftFlops(n);
    log(`  ${kernel}`);
    rows.push(
      measure({ kernel, impl: 'wasm (kernel)', role: 'wasm', flopsPerOp, fn: () => k.rfftForward(n, table, inPtr, rePtr, imPtr),
        note: 'exported rfftForward on buffers prepared once' }, timing),
      measure({ kernel, impl: 'wasm (WasmDsp.rfft)', role: 'wasm', flopsPerOp, fn: () => dsp.rfft(x),
        note: 'public API: validation, copy in, copy out' }, timing),
      measure({ kernel, impl: 'js-reference', role: 'reference', flopsPerOp, fn: () => referenceRfft(x64),
        note: 'float64 radix-2, src/reference/fft.ts' }, timing),
    );
  }
  return rows;
}

/** Per-clip feature rows at librosa defaults (n_fft 2048, hop 512, 128 mels, 20 MFCCs). */
export function benchFeatures(dsp: WasmDsp, clip: BenchClip, timing: MeasureOptions, log: (s: string) => void): BenchRow[] {
  const ref = createReferenceDsp();
  const y = clip.y;
  const sr = clip.sr;
  const rows: BenchRow[] = [];
  const pair = (kernel: string, wasm: () => unknown, reference: () => unknown, wasmNote?: string): void => {
    log(`  ${kernel}`);
    rows.push(
      measure({ kernel, impl: 'wasm', role: 'wasm', fn: wasm, ...(wasmNote ? { note: wasmNote } : {}) }, timing),
      measure({ kernel, impl: 'js-reference', role: 'reference', fn: reference }, timing),
    );
  };
  pair('STFT (2.5 s clip)', () => dsp.stft(y), () => ref.stft(y));
  pair('mel spectrogram', () => dsp.melSpectrogram(y, { sr }), () => ref.melSpectrogram(y, { sr }));
  pair('MFCC chain (y → MFCC-20)', () => dsp.mfcc(y, { sr, nMfcc: 20 }), () => ref.mfcc(y, { sr, nMfcc: 20 }));
  pair('ZCR', () => dsp.zeroCrossingRate(y), () => ref.zeroCrossingRate(y));
  pair('RMS', () => dsp.rms(y), () => ref.rms(y));
  pair(
    'ZCR + RMS + MFCC-20 (paper features)',
    () => dsp.frameFeatures(y, { sr, nMfcc: 20 }),
    () => [ref.zeroCrossingRate(y), ref.rms(y), ref.mfcc(y, { sr, nMfcc: 20 })],
    'fused WasmDsp.frameFeatures vs the three reference calls',
  );
  const mfcc = dsp.mfcc(y, { sr, nMfcc: 20 });
  pair('delta (MFCC-20, width 9)', () => dsp.delta(mfcc), () => ref.delta(mfcc));
  const yinOpts = { fmin: 60, fmax: 500, sr };
  pair(
    'YIN F0 + aperiodicity (fmin 60, fmax 500)',
    () => dsp.yinTrack(y, yinOpts),
    () => ref.yinTrack(y, yinOpts),
    'float32 FFT correlation (3 real FFTs per frame); the reference sums the correlation directly in float64',
  );
  pair(
    'pYIN (fmin 60, fmax 500)',
    () => dsp.pyin(y, yinOpts),
    () => ref.pyin(y, yinOpts),
    'banded Viterbi over 2 x 368 states; the reference decodes the dense matrix as librosa does',
  );
  pair('trim (top_db 60)', () => dsp.trim(y), () => ref.trim(y));
  return rows;
}

/** Resampling 48 kHz → 22.05 kHz of a 2.5 s clip, time stretch ×0.8 and pitch shift +2 semitones. */
export function benchAugment(core: WasmCore, clip: BenchClip, timing: MeasureOptions, log: (s: string) => void): BenchRow[] {
  const y = clip.y;
  const sr = clip.sr;
  // A band-limited 48 kHz version of the same 2.5 s (120,000 samples), made once.
  const y48 = resample(core, y, sr, 48000);
  const rows: BenchRow[] = [];
  const pair = (kernel: string, wasm: () => unknown, reference: () => unknown): void => {
    log(`  ${kernel}`);
    rows.push(
      measure({ kernel, impl: 'wasm', role: 'wasm', fn: wasm }, timing),
      measure({ kernel, impl: 'js-reference', role: 'reference', fn: reference }, timing),
    );
  };
  pair('resample 48k → 22.05k (2.5 s)', () => resample(core, y48, 48000, 22050), () => resampleReference(y48, 48000, 22050));
  // The same filter applied in direct form (every output a 456-tap dot product), for the two-stage path's gain.
  rows.push(measure({
    kernel: 'resample 48k → 22.05k (2.5 s)', impl: 'wasm (direct form)', role: 'wasm', fn: () => resampleDirect(core, y48, 48000, 22050),
    note: 'resampleDirect: the polyphase bank applied output by output; the wasm row is the two-stage path (FFT low-pass + 20-tap interpolator)',
  }, timing));
  pair('time stretch ×0.8 (2.5 s)', () => timeStretch(core, y, 0.8), () => timeStretchReference(y, 0.8));
  pair('pitch shift +2 st (2.5 s)', () => pitchShift(core, y, sr, 2), () => pitchShiftReference(y, sr, 2));
  return rows;
}
