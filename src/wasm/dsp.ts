/**
 * The WASM DSP backend ('wasm'): typed bindings over the AssemblyScript kernels in
 * assembly/ (fft, window, stft, mel, power_to_db, dct, frame_features, finite_check, delta, yin, trim).
 *
 * Validation: option checks run in JS before anything reaches WASM, with the same
 * validators and messages as the JS reference (src/dsp/validate.ts and the reference's
 * option resolvers), so bad input raises a DspError, never a trap. The per-sample
 * NaN/Infinity check is the one exception to "in JS": the signal is copied into scratch
 * first and scanned there with SIMD (a JS loop cost more than the whole ZCR), and a hit
 * is reported through assertSignal with the usual message.
 *
 * Memory: tables (FFT twiddles, Hann windows, mel filterbanks, DCT bases) are computed
 * once per configuration inside WASM and cached by {@link WasmCore.persistent}; per-call
 * buffers live in a {@link WasmCore.scratch} frame. All results are fresh Float32Arrays
 * (copies, never views into WASM memory). Numbers are float32 throughout.
 *
 * Short signals: with center=true any length >= 1 works. Constant (zero) padding is the
 * librosa >= 0.10 default; 'reflect' follows numpy.pad, which librosa calls: when the
 * signal is shorter than the pad it keeps reflecting (period 2(n-1); a single sample
 * repeats itself).
 */
import type {
  ComplexMatrix, DeltaOptions, DspBackend, FrameOptions, Matrix, MelOptions, MelSpectrogramOptions, MfccOptions,
  PadMode, PowerToDbOptions, PyinOptions, PyinResult, Real, StftOptions, TrimOptions, TrimRange, YinOptions,
} from '../dsp/types.js';
import { DEFAULTS, frameCount } from '../dsp/types.js';
import { DspError } from '../dsp/errors.js';
import {
  planStft, resolveDbOptions, resolveFrameOptions, resolveMelOptions, type ResolvedMelOptions, type StftPlan,
} from '../dsp/options.js';
import {
  resolveDeltaOptions, resolvePyinOptions, resolveTrimOptions, resolveYinOptions, type ResolvedYin,
} from '../dsp/contour-options.js';
import { pyinThresholdPrior, pyinTransitionBand, TINY64 } from '../dsp/pyin-plan.js';
import {
  assertMatrix, assertMfccCount, assertNonNegative, assertPositive,
  assertPowerOfTwo, assertSignalShape,
} from '../dsp/validate.js';
import type { WasmCore } from './core.js';
import { assertCopiedFinite } from './finite.js';
import type { WasmStftPlanes } from './stft-planes.js';
import { CONTOUR_KERNELS, hannTable, requireKernels, rfftTable, type ContourKernels, type DspKernels } from './kernels.js';
// Node-only (reads build/ser.wasm from disk). Imported through a variable because bundlers
// follow literal import() specifiers and fail on node:fs; browsers pass their own core.
const NODE_CORE_LOADER = './load-node.js';

const REQUIRED_KERNELS: Array<keyof DspKernels & string> = [
  'rfftTableFloats', 'rfftInitTable', 'rfftForward', 'rfftInverse', 'hannInit', 'stftWorkFloats', 'stftComplex',
  'stftPower', 'melFilterbankBytes', 'melInitFilterbank', 'melSpectrogramFrames', 'melWorkFloats', 'melFromComplexWorkFloats', 'melFromComplexFrames',
  'powerToDbInPlace', 'dctTableBytes',
  'dctInitBasis', 'dctFrames', 'rmsWorkBytes', 'rmsFrames', 'zcrWorkBytes', 'zcrFrames', 'firstNonFinite',
];

// Pad modes as assembly/stft.ts numbers them.
const PAD_CODE: Record<PadMode, number> = { constant: 0, reflect: 1 };
/** Largest FFT the kernels are built and tested for. */
export const MAX_FFT = 1 << 16;

/** Options of the fused per-clip feature pass (ZCR and RMS use frameLength = nFft). */
export interface FrameFeatureOptions {
  sr?: number; // 22050
  nFft?: number; // 2048
  hopLength?: number; // 512
  nMels?: number; // 128
  nMfcc?: number; // 20
}

export interface FrameFeatures {
  zcr: Float32Array;
  rms: Float32Array;
  mfcc: Matrix<Float32Array>;
}

interface DbParams {
  refDb: number;
  amin: number;
  topDb: number; // < 0: no floor
}

/** librosa.power_to_db options, validated as the reference does. */
function resolveDb(opts: PowerToDbOptions): DbParams {
  const { amin, ref, topDb } = resolveDbOptions(opts);
  // librosa subtracts the reference level from the float32 array in float32.
  return { refDb: Math.fround(10 * Math.log10(Math.max(amin, ref))), amin, topDb: topDb ?? -1 };
}

function resolveFrame(y: Real, opts: FrameOptions): { frameLength: number; hop: number; center: boolean; frames: number } {
  assertSignalShape(y);
  const { frameLength, hopLength, center, frames } = resolveFrameOptions(y, opts);
  return { frameLength, hop: hopLength, center, frames };
}

function resolvePower(power: number | undefined, fallback: number): number {
  const p = power ?? fallback;
  assertPositive(p, 'power');
  return p;
}

/** F0 and the YIN aperiodicity per frame (WasmDsp.yinTrack). */
export interface YinTrack<T extends Real = Float32Array> {
  /** F0 in Hz per frame (librosa.yin). */
  f0: T;
  /** CMNDF at the chosen lag per frame (see WasmDsp.yinAperiodicity). */
  aperiodicity: T;
}

export class WasmDsp implements DspBackend {
  readonly name = 'wasm';
  private readonly k: DspKernels;
  private contourK: ContourKernels | null = null;

  constructor(readonly core: WasmCore) {
    this.k = requireKernels<DspKernels>(core, REQUIRED_KERNELS, 'DSP');
  }

  // ---- cached tables (computed in WASM once per configuration) ----

  /** rfft twiddle table for size n (layout documented in assembly/fft.ts). */
  rfftTable(n: number): number {
    return rfftTable(this.core, this.k, n);
  }

  private hann(n: number): number {
    return hannTable(this.core, this.k, n);
  }

  private melBank(m: ResolvedMelOptions): number {
    const key = `mel:${m.sr}:${m.nFft}:${m.nMels}:${m.fmin}:${m.fmax}:${m.htk}:${m.norm}`;
    return this.core.persistent(key, this.k.melFilterbankBytes(m.nFft, m.nMels), (ptr) =>
      this.k.melInitFilterbank(m.sr, m.nFft, m.nMels, m.fmin, m.fmax, m.htk ? 1 : 0, m.norm === 'slaney' ? 1 : 0, ptr),
    );
  }

  private dctBasis(nIn: number, nOut: number, lifter: number): number {
    return this.core.persistent(`dct:${nIn}:${nOut}:${lifter}`, this.k.dctTableBytes(nIn, nOut), (ptr) =>
      this.k.dctInitBasis(nIn, nOut, lifter, ptr),
    );
  }

  // ---- raw FFT (for callers that need it directly, e.g. benchmarks) ----

  /** numpy.fft.rfft of a power-of-two-length frame (2 .. 65536): n/2 + 1 bins. */
  rfft(x: Real): { re: Float32Array; im: Float32Array } {
    assertSignalShape(x, 'rfft input');
    const n = x.length;
    assertPowerOfTwo(n, 'rfft length', 2, MAX_FFT);
    const table = this.rfftTable(n);
    const bins = n / 2 + 1;
    return this.core.scratch((alloc) => {
      const inp = this.writeSignal(alloc, x, 'rfft input');
      const re = alloc(bins * 4);
      const im = alloc(bins * 4);
      this.k.rfftForward(n, table, inp, re, im);
      return { re: this.core.readF32(re, bins), im: this.core.readF32(im, bins) };
    });
  }

  /** numpy.fft.irfft for even n (imaginary parts of bins 0 and n/2 ignored). */
  irfft(re: Real, im: Real): Float32Array {
    const bins = re.length;
    const n = 2 * (bins - 1);
    assertSignalShape(re, 'irfft real part');
    assertSignalShape(im, 'irfft imaginary part');
    if (im.length !== bins) throw new DspError(`irfft needs real and imaginary parts of equal length, got ${bins} and ${im.length}`);
    assertPowerOfTwo(n, 'irfft length', 2, MAX_FFT);
    const table = this.rfftTable(n);
    return this.core.scratch((alloc) => {
      const pr = this.writeSignal(alloc, re, 'irfft real part');
      const pi = this.writeSignal(alloc, im, 'irfft imaginary part');
      const out = alloc(n * 4);
      const work = alloc(n * 4);
      this.k.rfftInverse(n, table, pr, pi, out, work);
      return this.core.readF32(out, n);
    });
  }

  /** The validated request (src/dsp/options.ts planStft) and its cached tables, for stft() and spectrogram(). */
  private stftRequest(y: Real, opts: StftOptions): { o: StftPlan; table: number; window: number } {
    assertSignalShape(y);
    const o = planStft(y.length, opts);
    return { o, ...this.stftTables(o.nFft) };
  }

  // ---- DspBackend ----

  stft(y: Real, opts: StftOptions = {}): ComplexMatrix<Float32Array> {
    const { o, table, window } = this.stftRequest(y, opts);
    const { frames, bins } = o;
    return this.core.scratch((alloc) => {
      const yp = this.writeSignal(alloc, y);
      const work = alloc(this.k.stftWorkFloats(o.nFft) * 4);
      const re = alloc(bins * frames * 4);
      const im = alloc(bins * frames * 4);
      this.k.stftComplex(yp, y.length, o.nFft, o.hopLength, frames, o.padLeft, PAD_CODE[o.padMode], window, table, work, re, im, frames, 1);
      return { re: this.core.readF32(re, bins * frames), im: this.core.readF32(im, bins * frames), rows: bins, cols: frames };
    });
  }

  spectrogram(y: Real, opts: StftOptions & { power?: number } = {}): Matrix<Float32Array> {
    const { o, table, window } = this.stftRequest(y, opts);
    const { frames, bins } = o;
    const power = resolvePower(opts.power, 1);
    return this.core.scratch((alloc) => {
      const yp = this.writeSignal(alloc, y);
      const work = alloc(this.k.stftWorkFloats(o.nFft) * 4);
      const out = alloc(bins * frames * 4);
      this.k.stftPower(yp, y.length, o.nFft, o.hopLength, frames, o.padLeft, PAD_CODE[o.padMode], window, table, work, power, out, frames, 1);
      return { data: this.core.readF32(out, bins * frames), rows: bins, cols: frames };
    });
  }

  melFilterbank(opts: MelOptions = {}): Matrix<Float32Array> {
    const m = resolveMelOptions(opts);
    const fb = this.melBank(m);
    const bins = m.nFft / 2 + 1;
    return { data: this.core.readF32(fb, m.nMels * bins), rows: m.nMels, cols: bins };
  }

  melSpectrogram(y: Real, opts: MelSpectrogramOptions = {}): Matrix<Float32Array> {
    assertSignalShape(y);
    const power = resolvePower(opts.power, 2);
    const mel = resolveMelOptions(opts);
    const o = planStft(y.length, opts);
    const { table, window } = this.stftTables(o.nFft);
    const fb = this.melBank(mel);
    const frames = o.frames;
    return this.core.scratch((alloc) => {
      const yp = this.writeSignal(alloc, y);
      const work = alloc(this.k.melWorkFloats(o.nFft) * 4);
      const out = alloc(mel.nMels * frames * 4);
      this.k.melSpectrogramFrames(
        yp, y.length, o.nFft, o.hopLength, frames, o.padLeft, PAD_CODE[o.padMode], window, table, work, power,
        fb, mel.nMels, out, frames, 1,
      );
      return { data: this.core.readF32(out, mel.nMels * frames), rows: mel.nMels, cols: frames };
    });
  }

  powerToDb(S: Matrix, opts: PowerToDbOptions = {}): Matrix<Float32Array> {
    assertMatrix(S, 'power spectrogram');
    assertSignalShape(S.data, 'power spectrogram');
    const db = resolveDb(opts);
    const len = S.data.length;
    return this.core.scratch((alloc) => {
      const p = this.writeSignal(alloc, S.data, 'power spectrogram');
      this.k.powerToDbInPlace(p, len, db.refDb, db.amin, db.topDb);
      return { data: this.core.readF32(p, len), rows: S.rows, cols: S.cols };
    });
  }

  mfcc(y: Real, opts: MfccOptions = {}): Matrix<Float32Array> {
    assertSignalShape(y);
    const c = this.checkMfcc(y.length, opts);
    return this.core.scratch((alloc) => {
      const yp = this.writeSignal(alloc, y);
      const out = this.mfccInto(alloc, yp, y.length, c);
      return { data: this.core.readF32(out, c.nMfcc * c.frames), rows: c.nMfcc, cols: c.frames };
    });
  }

  zeroCrossingRate(y: Real, opts: FrameOptions = {}): Float32Array {
    return this.frameFeature('zcr', y, opts);
  }

  rms(y: Real, opts: FrameOptions = {}): Float32Array {
    return this.frameFeature('rms', y, opts);
  }

  private frameFeature(kind: 'zcr' | 'rms', y: Real, opts: FrameOptions): Float32Array {
    const f = resolveFrame(y, opts);
    return this.core.scratch((alloc) => {
      const yp = this.writeSignal(alloc, y);
      const out = this.frameKernelInto(alloc, kind, yp, y.length, f.frameLength, f.hop, f.frames, f.center);
      return this.core.readF32(out, f.frames);
    });
  }

  // ---- contours for emotion features: delta, YIN, trim (assembly/delta.ts, yin.ts, trim.ts) ----

  /**
   * librosa.feature.delta(data, width=9, order=1, axis=-1, mode='interp'): the Savitzky-Golay
   * derivative (polynomial of degree `order`) along time, i.e. along each row of a row-major
   * [features, frames] matrix (librosa's layout, e.g. an MFCC matrix).
   *
   * @param data  [rows, cols] = [features, frames]; cols >= width.
   * @param opts  width: odd >= 3 (9); order: 1 = delta, 2 = delta-delta (1).
   * @returns     [rows, cols] float32, the same layout. The first and last width / 2 frames
   *              repeat the nearest full-window value (scipy's 'interp' edge fit, which for
   *              polyorder = deriv is exactly that).
   */
  delta(data: Matrix, opts: DeltaOptions = {}): Matrix<Float32Array> {
    const { width, order } = resolveDeltaOptions(data, opts);
    assertSignalShape(data.data, 'delta input');
    const k = this.contourKernels();
    const weights = this.core.persistent(`delta:${width}:${order}`, width * 8, (p) => k.deltaInitWeights(width, order, p));
    const { rows, cols } = data;
    return this.core.scratch((alloc) => {
      const inp = this.writeSignal(alloc, data.data, 'delta input');
      const out = alloc(rows * cols * 4);
      k.deltaRows(inp, rows, cols, width, weights, out);
      return { data: this.core.readF32(out, rows * cols), rows, cols };
    });
  }

  /**
   * librosa.yin(y, fmin, fmax, sr=22050, frame_length=2048, win_length=frame_length // 2,
   * hop_length=frame_length // 4, trough_threshold=0.1, center=True, pad_mode='constant').
   *
   * @param y     mono signal, float32 or float64 (computed in float32).
   * @param opts  fmin, fmax (Hz, required; 0 < fmin < fmax <= sr / 2), sr, frameLength (any
   *              length up to 65536; the FFT runs at the next power of two), winLength,
   *              hopLength, troughThreshold, center.
   * @returns     F0 in Hz per frame, shape [frames], frames = 1 + floor(len / hop) when centred
   *              (1 + floor((len - frameLength) / hop) otherwise). Every frame gets a value,
   *              as in librosa: unvoiced frames are not marked (see yinAperiodicity).
   */
  yin(y: Real, opts: YinOptions): Float32Array {
    return this.yinTrack(y, opts).f0;
  }

  /**
   * Voicing measure from YIN, per frame (same options and frames as yin()): the cumulative mean
   * normalised difference at the lag yin() picks, YIN's aperiodicity. About 0 for a clean
   * periodic frame, below troughThreshold when yin() found a thresholded trough, around 1
   * (up to ~2) for noise. Frames whose difference function is zero at every lag up to the
   * picked one (digital silence, or a level under librosa's 1e-6 energy floor, where the CMNDF
   * is 0 / tiny = 0) get 1, not 0. 1 - aperiodicity is a simple voicing score.
   */
  yinAperiodicity(y: Real, opts: YinOptions): Float32Array {
    return this.yinTrack(y, opts).aperiodicity;
  }

  /** yin() and yinAperiodicity() from one pass. */
  yinTrack(y: Real, opts: YinOptions): YinTrack {
    assertSignalShape(y);
    const o = resolveYinOptions(y, opts);
    const k = this.contourKernels();
    const { m, table } = this.yinFft(o);
    return this.core.scratch((alloc) => {
      const yp = this.writeYinSignal(alloc, y, o);
      const work = alloc(k.yinWorkBytes(m, o.frameLength, o.maxPeriod));
      const f0 = alloc(o.frames * 4);
      const ap = alloc(o.frames * 4);
      k.yinFrames(
        yp, o.frames, o.hopLength, o.frameLength, o.winLength, o.minPeriod, o.maxPeriod, o.sr, o.troughThreshold,
        m, table, work, f0, ap,
      );
      return { f0: this.core.readF32(f0, o.frames), aperiodicity: this.core.readF32(ap, o.frames) };
    });
  }

  /**
   * librosa.pyin(y, fmin, fmax, sr=22050, frame_length=2048, win_length=frame_length // 2,
   * hop_length=frame_length // 4, n_thresholds=100, beta_parameters=(2, 18),
   * boltzmann_parameter=2, resolution=0.1, max_transition_rate=35.92, switch_prob=0.01,
   * no_trough_prob=0.01, fill_na=np.nan, center=True, pad_mode='constant').
   *
   * @param y     mono signal (computed in float32 up to the CMNDF, float64 after).
   * @param opts  the yin() options plus the pYIN priors and HMM (PyinOptions); the pitch grid is
   *              librosa's default 0.1 semitone from fmin, nPitchBins = floor(120 log2(fmax / fmin)) + 1.
   * @returns     per frame (same frames as yin()): f0 in Hz (the decoded pitch bin, fillNa = NaN
   *              where unvoiced), voicedFlag (1 = voiced state on the Viterbi path) and voicedProb
   *              (the probability mass of the voiced states before decoding: a smooth voicing contour).
   */
  pyin(y: Real, opts: PyinOptions): PyinResult<Float32Array> {
    assertSignalShape(y);
    const o = resolvePyinOptions(y, opts);
    const k = this.contourKernels();
    const { m, table } = this.yinFft(o);
    const n = o.nPitchBins;
    const width = o.transitionWidth;
    const lags = o.maxPeriod - o.minPeriod + 1;
    const [a, b] = o.betaParameters;
    const prior = this.core.persistent(`pyin:prior:${o.nThresholds}:${a}:${b}`, (2 * o.nThresholds + 1) * 8, (p) => {
      const { thresholds, betaProbs } = pyinThresholdPrior(o);
      this.core.writeF64(p, thresholds);
      this.core.writeF64(p + (o.nThresholds + 1) * 8, betaProbs);
    });
    const trans = this.core.persistent(`pyin:trans:${n}:${width}:${o.switchProb}`, (2 * n * width + 2 * n) * 8, (p) => {
      // log(p * T[k][j] + tiny) by target j: entry [j * width + q] is the source k = j - half + q
      const band = pyinTransitionBand(n, width);
      const half = width >> 1;
      const byTarget = (q: number): Float64Array => {
        const col = new Float64Array(n * width);
        for (let j = 0; j < n; j++) {
          for (let i = 0; i < width; i++) {
            const k = j - half + i;
            if (k >= 0 && k < n) col[j * width + i] = Math.log(q * band[k * width + (width - 1 - i)]! + TINY64);
          }
        }
        return col;
      };
      const stay = byTarget(1 - o.switchProb);
      const sw = byTarget(o.switchProb);
      // each column's largest entry (entries outside the matrix are 0 > any log here: skip them)
      const colMax = new Float64Array(2 * n).fill(-Infinity);
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < width; i++) {
          const k = j - half + i;
          if (k < 0 || k >= n) continue;
          colMax[j] = Math.max(colMax[j]!, stay[j * width + i]!);
          colMax[n + j] = Math.max(colMax[n + j]!, sw[j * width + i]!);
        }
      }
      this.core.writeF64(p, stay);
      this.core.writeF64(p + n * width * 8, sw);
      this.core.writeF64(p + 2 * n * width * 8, colMax);
    });
    const frames = o.frames;
    return this.core.scratch((alloc) => {
      const yp = this.writeYinSignal(alloc, y, o);
      const work = alloc(Math.max(
        k.yinWorkBytes(m, o.frameLength, o.maxPeriod), k.pyinObservationWorkBytes(lags, n), k.pyinViterbiWorkBytes(n),
      ));
      const cmndf = alloc(frames * lags * 8);
      k.cmndfFrames(yp, frames, o.hopLength, o.frameLength, o.winLength, o.minPeriod, o.maxPeriod, m, table, work, cmndf);
      const obs = alloc(frames * n * 8);
      const vp = alloc(frames * 8);
      k.pyinObservations(
        cmndf, frames, lags, o.minPeriod, o.sr, o.fmin, n, o.binsPerSemitone, prior, prior + (o.nThresholds + 1) * 8,
        o.nThresholds, o.boltzmannParameter, o.noTroughProb, work, obs, vp,
      );
      const ptr = alloc(frames * 2 * n * 4);
      const states = alloc(frames * 4);
      k.pyinViterbi(
        obs, vp, frames, n, width, trans, trans + n * width * 8, trans + 2 * n * width * 8, Math.log(TINY64),
        Math.log(1 / n + TINY64), work, ptr, states,
      );
      const path = new Int32Array(this.core.exports.memory.buffer, states, frames);
      const f0 = new Float32Array(frames);
      const voicedFlag = new Uint8Array(frames);
      for (let t = 0; t < frames; t++) {
        const s = path[t]!;
        voicedFlag[t] = s < n ? 1 : 0;
        f0[t] = s < n || o.fillNa === null ? o.fmin * 2 ** ((s % n) / (12 * o.binsPerSemitone)) : o.fillNa;
      }
      return { f0, voicedFlag, voicedProb: Float32Array.from(this.core.readF64(vp, frames)) };
    });
  }

  /** FFT size (next power of two >= frameLength, at least 4) and its cached rfft table. */
  private yinFft(o: ResolvedYin): { m: number; table: number } {
    const m = Math.max(4, 2 ** Math.ceil(Math.log2(o.frameLength)));
    return { m, table: this.rfftTable(m) };
  }

  /** y in scratch with librosa.yin's zero padding of frameLength / 2 on both sides when centred. */
  private writeYinSignal(alloc: (bytes: number) => number, y: Real, o: ResolvedYin): number {
    const pad = o.center ? o.frameLength >> 1 : 0;
    const total = y.length + 2 * pad;
    const yp = alloc(total * 4);
    const base = yp >> 2;
    this.core.f32.fill(0, base, base + pad);
    this.core.f32.fill(0, base + pad + y.length, base + total);
    this.writeSignalAt(yp + pad * 4, y);
    return yp;
  }

  /**
   * librosa.effects.trim(y, top_db=60, ref=np.max, frame_length=2048, hop_length=512):
   * the [start, end) sample range of the non-silent part. Frames are RMS (centred, zero
   * padding) in dB against the loudest frame; frames above -topDb are kept; start = first
   * kept frame * hop, end = min(len, (last kept frame + 1) * hop); { start: 0, end: 0 } when
   * no frame is kept. A signal of constant RMS (including all zeros) is not trimmed.
   * Take the samples with y.subarray(start, end).
   */
  trim(y: Real, opts: TrimOptions = {}): TrimRange {
    assertSignalShape(y);
    const o = resolveTrimOptions(opts);
    const k = this.contourKernels();
    const frames = frameCount(y.length, o.frameLength, o.hopLength, true);
    return this.core.scratch((alloc) => {
      const yp = this.writeSignal(alloc, y);
      const rms = this.frameKernelInto(alloc, 'rms', yp, y.length, o.frameLength, o.hopLength, frames, true);
      const out = alloc(8);
      k.trimFrames(rms, frames, o.topDb, out);
      const [first, last] = new Int32Array(this.core.exports.memory.buffer, out, 2);
      if (first! < 0) return { start: 0, end: 0 };
      return { start: first! * o.hopLength, end: Math.min(y.length, (last! + 1) * o.hopLength) };
    });
  }

  private contourKernels(): ContourKernels {
    this.contourK ??= requireKernels<ContourKernels>(this.core, CONTOUR_KERNELS, 'delta/yin/trim');
    return this.contourK;
  }

  /**
   * The paper's per-frame features in one pass over WASM: ZCR and RMS (frameLength = nFft,
   * centred) and MFCC (librosa.feature.mfcc defaults otherwise: Slaney mel, power 2,
   * power_to_db ref 1 / amin 1e-10 / top_db 80, DCT-II ortho, no lifter). The signal is
   * copied into WASM once; all three share the frame grid, so they have the same length.
   */
  frameFeatures(y: Real, opts: FrameFeatureOptions = {}): FrameFeatures {
    assertSignalShape(y);
    const c = this.checkMfcc(y.length, opts);
    return this.core.scratch((alloc) => {
      const yp = this.writeSignal(alloc, y);
      const zcr = this.frameKernelInto(alloc, 'zcr', yp, y.length, c.stft.nFft, c.stft.hopLength, c.frames, true);
      const rms = this.frameKernelInto(alloc, 'rms', yp, y.length, c.stft.nFft, c.stft.hopLength, c.frames, true);
      const mfcc = this.mfccInto(alloc, yp, y.length, c);
      return {
        zcr: this.core.readF32(zcr, c.frames),
        rms: this.core.readF32(rms, c.frames),
        mfcc: { data: this.core.readF32(mfcc, c.nMfcc * c.frames), rows: c.nMfcc, cols: c.frames },
      };
    });
  }

  /**
   * The plan {@link frameFeaturesFromStft} needs for a signal of `length` samples: options
   * validated and every table fetched. Call it outside any scratch frame (tables are created on
   * first use), e.g. before the augmentation whose analysis the features will reuse.
   */
  planFrameFeatures(length: number, opts: FrameFeatureOptions = {}): FrameFeaturesPlan {
    const plan: FrameFeaturesPlan = { length };
    mfccPlans.set(plan, { core: this.core, mfcc: this.checkMfcc(length, opts) });
    return plan;
  }

  /**
   * frameFeatures of the signal an STFT in WASM memory was computed from (stretchJobs' analysis,
   * see stft-planes.ts): ZCR and RMS from the signal there, the MFCCs from that STFT instead of a
   * new one, so the original clip's features cost no forward FFT. The numbers are frameFeatures'
   * bit for bit (the same kernels on the same values; test/shared-analysis.test.ts). Returns null
   * when the STFT's framing is not the plan's (n_fft, hop, centring, padding, length; both use
   * the periodic Hann window of n_fft samples), and the caller computes the features itself.
   */
  frameFeaturesFromStft(a: WasmStftPlanes, plan: FrameFeaturesPlan): FrameFeatures | null {
    const made = mfccPlans.get(plan);
    if (!made || made.core !== this.core) throw new DspError('frameFeaturesFromStft: the plan was not made by this backend\'s planFrameFeatures');
    const c = made.mfcc;
    const o = c.stft;
    if (a.core !== this.core || a.n !== plan.length || a.nFft !== o.nFft || a.hop !== o.hopLength || a.frames !== c.frames
      || !o.center || a.padLeft !== o.padLeft || a.padMode !== o.padMode) {
      return null;
    }
    return this.core.scratch((alloc) => {
      const zcr = this.frameKernelInto(alloc, 'zcr', a.y, a.n, o.nFft, o.hopLength, c.frames, true);
      const rms = this.frameKernelInto(alloc, 'rms', a.y, a.n, o.nFft, o.hopLength, c.frames, true);
      const work = alloc(this.k.melFromComplexWorkFloats(o.nFft) * 4);
      const mel = alloc(c.nMels * c.frames * 4);
      this.k.melFromComplexFrames(a.re, a.im, a.stride, c.frames, o.nFft, c.power, c.fb, c.nMels, work, mel, 1, c.nMels);
      const mfcc = this.melToMfccInto(alloc, mel, c);
      return {
        zcr: this.core.readF32(zcr, c.frames),
        rms: this.core.readF32(rms, c.frames),
        mfcc: { data: this.core.readF32(mfcc, c.nMfcc * c.frames), rows: c.nMfcc, cols: c.frames },
      };
    });
  }

  // ---- helpers ----

  private stftTables(nFft: number): { table: number; window: number } {
    return { table: this.rfftTable(nFft), window: this.hann(nFft) };
  }

  /** Validates MFCC options for a signal of `length` samples and fetches every cached table (must happen outside scratch). */
  private checkMfcc(length: number, opts: MfccOptions) {
    const nMfcc = opts.nMfcc ?? DEFAULTS.nMfcc;
    const nMels = opts.nMels ?? DEFAULTS.nMels;
    assertMfccCount(nMfcc, nMels);
    const lifter = opts.lifter ?? 0;
    assertNonNegative(lifter, 'lifter');
    const power = resolvePower(opts.power, 2);
    const mel = resolveMelOptions(opts);
    const stft = planStft(length, opts);
    const db = resolveDb(opts);
    const { table, window } = this.stftTables(stft.nFft);
    return {
      nMfcc, nMels, power, stft, db, table, window,
      fb: this.melBank(mel),
      dct: this.dctBasis(nMels, nMfcc, lifter),
      frames: stft.frames,
    };
  }

  /** y -> mel power (frame-major) -> dB (in place) -> DCT, all in WASM; returns the [nMfcc, frames] pointer. */
  private mfccInto(alloc: (bytes: number) => number, yp: number, n: number, c: MfccPlan): number {
    const { stft: o, frames, nMels, nMfcc } = c;
    const work = alloc(this.k.melWorkFloats(o.nFft) * 4);
    const mel = alloc(nMels * frames * 4);
    this.k.melSpectrogramFrames(
      yp, n, o.nFft, o.hopLength, frames, o.padLeft, PAD_CODE[o.padMode], c.window, c.table, work, c.power,
      c.fb, nMels, mel, 1, nMels,
    );
    return this.melToMfccInto(alloc, mel, c);
  }

  /** Mel power (frame-major, nMels per frame) -> dB in place -> DCT; returns the [nMfcc, frames] pointer. */
  private melToMfccInto(alloc: (bytes: number) => number, mel: number, c: MfccPlan): number {
    const { frames, nMels, nMfcc } = c;
    this.k.powerToDbInPlace(mel, nMels * frames, c.db.refDb, c.db.amin, c.db.topDb);
    const out = alloc(nMfcc * frames * 4);
    this.k.dctFrames(mel, frames, nMels, c.dct, nMfcc, out, frames, 1);
    return out;
  }

  private frameKernelInto(
    alloc: (bytes: number) => number, kind: 'zcr' | 'rms', yp: number, n: number,
    frameLength: number, hop: number, frames: number, center: boolean,
  ): number {
    const out = alloc(frames * 4);
    const left = center ? Math.floor(frameLength / 2) : 0;
    if (kind === 'zcr') {
      const blocks = alloc(this.k.zcrWorkBytes(frameLength, hop, frames));
      this.k.zcrFrames(yp, n, frameLength, hop, frames, left, blocks, out);
    } else {
      const blocks = alloc(this.k.rmsWorkBytes(frameLength, hop, frames));
      this.k.rmsFrames(yp, n, frameLength, hop, frames, left, blocks, out);
    }
    return out;
  }

  /** Copies y as float32 to `p` (room for y.length values) and rejects what writeSignal rejects. */
  private writeSignalAt(p: number, y: Real, what = 'signal'): void {
    this.core.writeF32(p, y);
    assertCopiedFinite(this.core, p, y, what);
  }

  /** Copies y into scratch as float32 and rejects NaN, Infinity and values beyond the float32 range. */
  private writeSignal(alloc: (bytes: number) => number, y: Real, what = 'signal'): number {
    const p = alloc(y.length * 4);
    this.writeSignalAt(p, y, what);
    return p;
  }
}

/** Validated MFCC options of one signal length with its cached tables (WasmDsp.checkMfcc). */
type MfccPlan = ReturnType<WasmDsp['checkMfcc']>;

/** What {@link WasmDsp.frameFeaturesFromStft} needs, made by WasmDsp.planFrameFeatures (its details stay inside the backend). */
export interface FrameFeaturesPlan {
  /** Samples of the signal the plan is for. */
  readonly length: number;
}

// The validated options and table pointers behind each plan, with the core they belong to.
const mfccPlans = new WeakMap<FrameFeaturesPlan, { core: WasmCore; mfcc: MfccPlan }>();

/** The WASM backend on the given core (default: this thread's shared instance of build/ser.wasm). */
export async function createWasmDsp(core?: WasmCore): Promise<WasmDsp> {
  if (core) return new WasmDsp(core);
  const { loadWasmCore } = (await import(/* @vite-ignore */ NODE_CORE_LOADER)) as typeof import('./load-node.js');
  return new WasmDsp(await loadWasmCore());
}
