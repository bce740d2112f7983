/**
 * Peer libraries on the same work as the WASM kernels:
 *  - real FFT: fft.js (realTransform, float64 JS radix-4), @echogarden/pffft-wasm (PFFFT
 *    compiled with WASM SIMD, pffft_transform_ordered), webfft (its `fftr`, a complex FFT
 *    of size n on zero-imaginary input, with the sub-library fixed so runs are comparable);
 *  - per-frame MFCC over every frame of the clip: meyda and essentia.js. Their MFCC
 *    definitions differ from librosa's (filterbank, log, DCT scaling), so these rows compare
 *    the cost of a comparable amount of work, not identical numbers.
 * Every FFT peer's output is checked against the float64 reference once before timing, so
 * a row cannot be fast because it computes something else.
 */
import { createRequire } from 'node:module';
import FFT from 'fft.js';
import MeydaModule from 'meyda';
import webfft from 'webfft';
import { rfft as referenceRfft } from '../src/reference/fft.js';
import { measure, type BenchRow, type MeasureOptions } from './measure.js';
import { FFT_SIZES, fftInput, fftKernelName, realFftFlops } from './kernels.js';
import type { BenchClip } from './clip.js';

export interface PeerNote {
  peer: string;
  note: string;
}

export interface PeerResult {
  rows: BenchRow[];
  notes: PeerNote[];
  /** Largest |peer − reference| over the n/2 + 1 bins, relative to the largest reference magnitude. */
  fftCheck: Array<{ peer: string; n: number; relError: number }>;
}

/** Relative max error of bins firstBin .. n/2 against the float64 reference rfft of x. */
function spectrumError(x: Float32Array, re: (k: number) => number, im: (k: number) => number, firstBin = 0): number {
  const ref = referenceRfft(Float64Array.from(x));
  let maxMag = 0;
  let maxErr = 0;
  for (let k = firstBin; k < ref.re.length; k++) {
    maxMag = Math.max(maxMag, Math.hypot(ref.re[k]!, ref.im[k]!));
    maxErr = Math.max(maxErr, Math.hypot(re(k) - ref.re[k]!, im(k) - ref.im[k]!));
  }
  return maxErr / maxMag;
}

/** A peer must reproduce the transform (float32 peers land near 1e-6) before its speed counts. */
const FFT_CHECK_LIMIT = 1e-4;

// ---- @echogarden/pffft-wasm (Emscripten module, no type declarations) ----

interface PffftModule {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, transform: number): number;
  _pffft_transform_ordered(setup: number, input: number, output: number, work: number, direction: number): void;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_simd_size(): number;
}
const PFFFT_REAL = 0;
const PFFFT_FORWARD = 0;

async function loadPffftSimd(): Promise<PffftModule> {
  // A specifier held in a variable: the package ships no .d.ts, so the import is typed here.
  const specifier = '@echogarden/pffft-wasm/simd';
  const mod = (await import(specifier)) as { default: () => Promise<PffftModule> };
  return mod.default();
}

// ---- meyda ----

/**
 * The settings and entry point used here. The package's CommonJS build exports the Meyda
 * object itself while its .d.ts declares an ES default export, so NodeNext types the import
 * as the namespace: the object is typed here instead.
 */
interface MeydaLike {
  bufferSize: number;
  sampleRate: number;
  numberOfMFCCCoefficients: number;
  melBands: number;
  windowingFunction: string;
  extract(feature: 'mfcc', signal: Float32Array): unknown;
}
const Meyda = MeydaModule as unknown as MeydaLike;

// ---- essentia.js (UMD bundle, no type declarations) ----

interface EssentiaVector {
  delete(): void;
}
interface EssentiaApi {
  version: string;
  arrayToVector(a: Float32Array): EssentiaVector;
  vectorToArray(v: EssentiaVector): Float32Array;
  Windowing(frame: EssentiaVector, normalized?: boolean, size?: number, type?: string): { frame: EssentiaVector };
  Spectrum(frame: EssentiaVector, size?: number): { spectrum: EssentiaVector };
  MFCC(
    spectrum: EssentiaVector, dctType?: number, highFrequencyBound?: number, inputSize?: number, liftering?: number,
    logType?: string, lowFrequencyBound?: number, normalize?: string, numberBands?: number, numberCoefficients?: number,
    sampleRate?: number, silenceThreshold?: number, type?: string, warpingFormula?: string, weighting?: string,
  ): { mfcc: EssentiaVector; bands: EssentiaVector };
}

function loadEssentia(): EssentiaApi {
  const require = createRequire(import.meta.url);
  const lib = require('essentia.js') as { EssentiaWASM: unknown; Essentia: new (wasm: unknown) => EssentiaApi };
  return new lib.Essentia(lib.EssentiaWASM);
}

// ---- FFT peers ----

export async function benchFftPeers(timing: MeasureOptions, log: (s: string) => void): Promise<PeerResult> {
  const result: PeerResult = { rows: [], notes: [], fftCheck: [] };
  const check = (peer: string, n: number, relError: number): boolean => {
    result.fftCheck.push({ peer, n, relError });
    if (relError <= FFT_CHECK_LIMIT) return true;
    result.notes.push({ peer, note: `n=${n}: output differs from the reference by ${relError.toExponential(2)} (relative); not timed` });
    return false;
  };

  let pffft: PffftModule | undefined;
  try {
    pffft = await loadPffftSimd();
    result.notes.push({ peer: 'pffft-wasm', note: `SIMD build (@echogarden/pffft-wasm/simd, SIMD width ${pffft._pffft_simd_size()}), pffft_transform_ordered, buffers in its heap prepared once` });
  } catch (err) {
    result.notes.push({ peer: 'pffft-wasm', note: `could not load the SIMD build: ${err instanceof Error ? err.message : String(err)}` });
  }
  const webfftLibs = ['kissWasm', 'indutnyModifiedJavascript'] as const;
  result.notes.push({
    peer: 'webfft',
    note: `sub-library fixed (no auto-profiling): ${webfftLibs.join(', ')} (the library's own "quick" candidates); fftr runs a complex FFT of size n on zero-imaginary input and allocates per call`,
  });
  result.notes.push({ peer: 'fft.js', note: 'realTransform into a preallocated array (left half only, float64)' });

  for (const n of FFT_SIZES) {
    const kernel = fftKernelName(n);
    const flopsPerOp = realFftFlops(n);
    const x = fftInput(n);
    log(`  ${kernel} peers`);

    // fft.js: realTransform fills bins 0 .. n/2 of an interleaved complex array.
    const fftjs = new FFT(n);
    const fftjsOut = fftjs.createComplexArray() as number[];
    const fftjsIn = Float64Array.from(x);
    fftjs.realTransform(fftjsOut, fftjsIn);
    if (check('fft.js', n, spectrumError(x, (k) => fftjsOut[2 * k]!, (k) => fftjsOut[2 * k + 1]!))) {
      result.rows.push(measure({ kernel, impl: 'fft.js', role: 'peer', flopsPerOp, fn: () => fftjs.realTransform(fftjsOut, fftjsIn) }, timing));
    }

    if (pffft) {
      // Ordered real output: [X0.re, X(n/2).re, X1.re, X1.im, ..., X(n/2-1).re, X(n/2-1).im].
      const p = pffft;
      const setup = p._pffft_new_setup(n, PFFFT_REAL);
      const inPtr = p._pffft_aligned_malloc(n * 4);
      const outPtr = p._pffft_aligned_malloc(n * 4);
      const workPtr = p._pffft_aligned_malloc(n * 4);
      p.HEAPF32.set(x, inPtr >> 2);
      p._pffft_transform_ordered(setup, inPtr, outPtr, workPtr, PFFFT_FORWARD);
      const out = p.HEAPF32.slice(outPtr >> 2, (outPtr >> 2) + n);
      const re = (k: number) => (k === 0 ? out[0]! : k === n / 2 ? out[1]! : out[2 * k]!);
      const im = (k: number) => (k === 0 || k === n / 2 ? 0 : out[2 * k + 1]!);
      if (check('pffft-wasm', n, spectrumError(x, re, im))) {
        result.rows.push(measure({
          kernel, impl: 'pffft-wasm (SIMD)', role: 'peer', flopsPerOp,
          fn: () => p._pffft_transform_ordered(setup, inPtr, outPtr, workPtr, PFFFT_FORWARD),
        }, timing));
      }
    }

    for (const lib of webfftLibs) {
      const f = new webfft(n, lib);
      // fftr returns interleaved bins n/2 .. n-1 of the size-n transform; bin n/2 + j is
      // conj(X[n/2 - j]) for real input, which maps it back onto bins 1 .. n/2.
      const out = (f as unknown as { fftr(x: Float32Array): Float32Array }).fftr(x);
      // Bin 0 is not in the returned half, so the check covers bins 1 .. n/2.
      const err = spectrumError(x, (k) => out[2 * (n / 2 - k)]!, (k) => -out[2 * (n / 2 - k) + 1]!, 1);
      if (check(`webfft/${lib}`, n, err)) {
        result.rows.push(measure({
          kernel, impl: `webfft (${lib})`, role: 'peer', flopsPerOp,
          fn: () => (f as unknown as { fftr(x: Float32Array): Float32Array }).fftr(x),
        }, timing));
      }
      f.dispose();
    }
  }
  return result;
}

// ---- MFCC peers ----

export const MFCC_PEER_KERNEL = 'MFCC chain (y → MFCC-20)';

/** Start offsets of librosa's centred frames (n_fft 2048, hop 512) in the zero-padded clip. */
function centredFrames(y: Float32Array, nFft: number, hop: number): { padded: Float32Array; starts: number[] } {
  const pad = nFft / 2;
  const padded = new Float32Array(y.length + 2 * pad);
  padded.set(y, pad);
  const frames = 1 + Math.floor((padded.length - nFft) / hop);
  return { padded, starts: Array.from({ length: frames }, (_, t) => t * hop) };
}

export function benchMfccPeers(clip: BenchClip, timing: MeasureOptions, log: (s: string) => void): PeerResult {
  const result: PeerResult = { rows: [], notes: [], fftCheck: [] };
  const nFft = 2048;
  const hop = 512;
  const { padded, starts } = centredFrames(clip.y, nFft, hop);
  const frames = starts.map((s) => padded.subarray(s, s + nFft));
  const kernel = MFCC_PEER_KERNEL;
  // A peer is timed only if it returns 20 finite coefficients for a speech frame.
  const usable = (peer: string, out: ArrayLike<number> | null | undefined): boolean => {
    const ok = !!out && out.length === 20 && Array.from(out).every(Number.isFinite);
    if (!ok) result.notes.push({ peer, note: `not timed: a frame gave ${out ? `${out.length} values (non-finite or wrong count)` : 'no output'}` });
    return ok;
  };

  log('  MFCC peers');
  Meyda.bufferSize = nFft;
  Meyda.sampleRate = clip.sr;
  Meyda.numberOfMFCCCoefficients = 20;
  Meyda.melBands = 128; // librosa's default band count, so the filterbank work matches
  Meyda.windowingFunction = 'hanning';
  const meydaFrame = (f: Float32Array) => Meyda.extract('mfcc', f) as unknown as ArrayLike<number> | null;
  if (usable('meyda', meydaFrame(frames[frames.length >> 1]!))) {
    result.rows.push(measure({
      kernel, impl: 'meyda', role: 'peer',
      fn: () => frames.map(meydaFrame),
      note: `Meyda.extract('mfcc') per frame, ${frames.length} frames, 128 bands; different MFCC definition`,
    }, timing));
  }

  try {
    const ess = loadEssentia();
    const mfccFrame = (f: Float32Array): Float32Array => {
      const v = ess.arrayToVector(f);
      const w = ess.Windowing(v, false, nFft, 'hann'); // librosa does not normalise the window
      const s = ess.Spectrum(w.frame, nFft);
      // Closest essentia settings to librosa's: Slaney mel, 128 bands, power spectrum, dB, DCT-II.
      const m = ess.MFCC(s.spectrum, 2, clip.sr / 2, nFft / 2 + 1, 0, 'dbpow', 0, 'unit_tri', 128, 20, clip.sr, 1e-10, 'power', 'slaneyMel', 'warping');
      const out = ess.vectorToArray(m.mfcc);
      // Emscripten vectors live in essentia's heap until deleted.
      v.delete(); w.frame.delete(); s.spectrum.delete(); m.mfcc.delete(); m.bands.delete();
      return out;
    };
    if (usable('essentia.js', mfccFrame(frames[frames.length >> 1]!))) {
      result.rows.push(measure({
        kernel, impl: `essentia.js ${ess.version}`, role: 'peer',
        fn: () => frames.map(mfccFrame),
        note: `Windowing + Spectrum + MFCC per frame, ${frames.length} frames, 128 bands; different MFCC definition`,
      }, timing));
    }
  } catch (err) {
    result.notes.push({ peer: 'essentia.js', note: `not timed: ${err instanceof Error ? err.message : String(err)}` });
  }
  result.notes.push({
    peer: 'meyda, essentia.js',
    note: 'their MFCCs are not librosa\'s (filterbank normalisation, log and DCT scaling differ); the rows compare cost for the same frames, not values',
  });
  return result;
}
