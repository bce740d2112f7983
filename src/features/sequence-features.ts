/**
 * One clip → the frame-major row of a {@link SequenceRecipe} (see that file for
 * the channels, framing, trimming and normalisation). Works with any backend
 * that has the librosa kernels it needs: the WASM one in production, the
 * float64 reference in tests.
 */
import { DspError } from '../dsp/errors.js';
import type { DspBackend, Matrix, Real, TrimOptions, TrimRange, YinOptions } from '../dsp/types.js';
import { sequenceChannelOffsets, sequenceValuesPerFrame, type SequenceRecipe } from './sequence-recipe.js';

/** What the sequence features need from a DSP backend (WasmDsp and ReferenceDsp both have it). */
export interface SequenceDsp extends Pick<DspBackend, 'melSpectrogram' | 'powerToDb' | 'rms' | 'delta'> {
  /** librosa.effects.trim: [start, end) samples of the non-silent part. */
  trim(y: Real, opts?: TrimOptions): TrimRange;
  /** librosa.yin F0 (Hz) and the YIN aperiodicity, one value per frame each, from one pass. */
  yinTrack(y: Real, opts: YinOptions): { f0: Real; aperiodicity: Real };
}

/** The clip after silence trimming (a view; the whole clip when nothing is above the threshold). */
export function trimForRecipe(dsp: SequenceDsp, y: Real, recipe: SequenceRecipe): Real {
  if (recipe.trimTopDb === null) return y;
  const { start, end } = dsp.trim(y, { topDb: recipe.trimTopDb, frameLength: recipe.nFft, hopLength: recipe.hopLength >> 1 });
  return end > start ? y.subarray(start, end) : y;
}

/**
 * Per-frame channels of a clip already loaded at recipe.sr, before normalisation and
 * cropping: [naturalFrames × valuesPerFrame], frame-major.
 */
export function sequenceFrames(dsp: SequenceDsp, y: Real, recipe: SequenceRecipe): { data: Float32Array; frames: number } {
  const yt = trimForRecipe(dsp, y, recipe);
  if (yt.length < 2) throw new DspError(`clip too short for sequence features (${yt.length} samples after trimming)`);
  const { nFft, hopLength, sr, nMels } = recipe;
  const at = sequenceChannelOffsets(recipe);
  const width = sequenceValuesPerFrame(recipe.channels, nMels);
  let logmel: Matrix | null = null;
  let delta: Matrix | null = null;
  let frames = -1;
  if (at.logmel !== undefined || at.delta !== undefined) {
    logmel = dsp.powerToDb(dsp.melSpectrogram(yt, { sr, nFft, hopLength, nMels }), { ref: 1, topDb: null });
    frames = logmel.cols;
    if (at.delta !== undefined) {
      // librosa's default width 9 needs 9 frames; shorter clips get the widest odd window they hold.
      const width = Math.min(9, frames % 2 === 1 ? frames : frames - 1);
      delta = width >= 3 ? dsp.delta(logmel, { width, order: 1 }) : { data: new Float32Array(logmel.data.length), rows: nMels, cols: frames };
    }
  }
  const rms = at.rms !== undefined ? dsp.rms(yt, { frameLength: nFft, hopLength, center: true }) : null;
  const needsYin = at.pitch !== undefined || at.voicing !== undefined;
  const track = needsYin
    ? dsp.yinTrack(yt, { fmin: recipe.pitch.fmin, fmax: recipe.pitch.fmax, sr, frameLength: nFft, hopLength, center: true })
    : null;
  // Centred frames of one length and hop: every kernel gives 1 + floor(len / hop) frames.
  for (const n of [rms?.length, track?.f0.length]) {
    if (n === undefined) continue;
    if (frames >= 0 && n !== frames) throw new DspError(`sequence features: frame counts differ (${frames} vs ${n})`);
    frames = n;
  }
  const out = new Float32Array(frames * width);
  const pitch = track ? interpolatedLogPitch(track.f0, track.aperiodicity, recipe.pitch.voicedBelow) : null;
  for (let t = 0; t < frames; t++) {
    const base = t * width;
    if (logmel && at.logmel !== undefined) for (let m = 0; m < nMels; m++) out[base + at.logmel + m] = logmel.data[m * frames + t]!;
    if (delta && at.delta !== undefined) for (let m = 0; m < nMels; m++) out[base + at.delta + m] = delta.data[m * frames + t]!;
    if (rms) out[base + at.rms!] = 20 * Math.log10(Math.max(rms[t]!, 1e-5));
    if (pitch && at.pitch !== undefined) out[base + at.pitch] = pitch[t]!;
    if (track && at.voicing !== undefined) out[base + at.voicing] = Math.min(1, Math.max(0, 1 - track.aperiodicity[t]!));
  }
  return { data: out, frames };
}

/**
 * log2(F0 / 100 Hz) with unvoiced frames filled by linear interpolation between the
 * nearest voiced frames (held constant before the first and after the last; 0 when
 * no frame is voiced), so the contour has no jumps to 0 that a convolution would
 * read as pitch movement.
 */
export function interpolatedLogPitch(f0: Real, aperiodicity: Real, voicedBelow: number): Float32Array {
  const n = f0.length;
  const out = new Float32Array(n);
  const voiced: number[] = [];
  for (let t = 0; t < n; t++) if (aperiodicity[t]! < voicedBelow && f0[t]! > 0) voiced.push(t);
  if (voiced.length === 0) return out;
  const logF0 = (t: number): number => Math.log2(f0[t]! / 100);
  let k = 0;
  for (let t = 0; t < n; t++) {
    while (k < voiced.length && voiced[k]! < t) k++;
    if (k < voiced.length && voiced[k] === t) {
      out[t] = logF0(t);
    } else if (k === 0) {
      out[t] = logF0(voiced[0]!);
    } else if (k === voiced.length) {
      out[t] = logF0(voiced[voiced.length - 1]!);
    } else {
      const a = voiced[k - 1]!;
      const b = voiced[k]!;
      out[t] = logF0(a) + ((logF0(b) - logF0(a)) * (t - a)) / (b - a);
    }
  }
  return out;
}

/** Per-utterance normalisation in place over the real frames; the voicing channel is left as is. */
export function normalizeSequenceFrames(data: Float32Array, frames: number, recipe: SequenceRecipe): void {
  if (recipe.utteranceNorm === 'off' || frames === 0) return;
  const width = sequenceValuesPerFrame(recipe.channels, recipe.nMels);
  const voicing = sequenceChannelOffsets(recipe).voicing;
  for (let c = 0; c < width; c++) {
    if (c === voicing) continue;
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += data[t * width + c]!;
    const mean = sum / frames;
    let scale = 1;
    if (recipe.utteranceNorm === 'meanvar') {
      let sq = 0;
      for (let t = 0; t < frames; t++) sq += (data[t * width + c]! - mean) ** 2;
      const sd = Math.sqrt(sq / frames);
      if (sd > 1e-6) scale = 1 / sd;
    }
    for (let t = 0; t < frames; t++) data[t * width + c] = (data[t * width + c]! - mean) * scale;
  }
}

/**
 * Centre crop (longer clips) or centre in padding (shorter clips) to recipe.frames: the
 * middle of an utterance is kept, and a short clip sits in the middle of its window.
 * Padding frames hold the clip's own channel means — 0 after per-utterance
 * normalisation, and an "average frame" of the clip without it (a constant such as 0
 * would be a loud, tonal frame in raw log-mel dB).
 */
export function fitFrames(data: Float32Array, frames: number, recipe: SequenceRecipe): Float32Array {
  const width = sequenceValuesPerFrame(recipe.channels, recipe.nMels);
  const out = new Float32Array(recipe.vectorLength);
  if (frames >= recipe.frames) {
    const start = (frames - recipe.frames) >> 1;
    out.set(data.subarray(start * width, (start + recipe.frames) * width));
    return out;
  }
  const start = (recipe.frames - frames) >> 1;
  if (recipe.utteranceNorm === 'off' && frames > 0) {
    const mean = new Float64Array(width);
    for (let t = 0; t < frames; t++) for (let c = 0; c < width; c++) mean[c]! += data[t * width + c]!;
    for (let t = 0; t < recipe.frames; t++) for (let c = 0; c < width; c++) out[t * width + c] = mean[c]! / frames;
  }
  out.set(data.subarray(0, frames * width), start * width);
  return out;
}

/** The recipe's row for a clip loaded at recipe.sr: frames → normalisation → crop/pad; NaN/±∞ → 0. */
export function sequenceVector(dsp: SequenceDsp, y: Real, recipe: SequenceRecipe): Float32Array {
  const { data, frames } = sequenceFrames(dsp, y, recipe);
  normalizeSequenceFrames(data, frames, recipe);
  const out = fitFrames(data, frames, recipe);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i]!)) out[i] = 0;
  return out;
}
