/**
 * Emotion over time, as a stream (Node and browsers): audio chunks of any size and any sample rate
 * go in, one result per window comes out as soon as the window is complete.
 *
 *   audio chunk (any rate, mono or planar channels)
 *     → channel mean → StreamResampler (exactly the one-shot WASM resampler) → model rate
 *     → ring buffer of the newest samples ──────────────────────┐
 *     → WasmVad (speech / non-speech per 10 ms frame) → ring ───┤
 *                                                               └→ window complete: speech? → featureVector (WASM) → model
 *
 * Windows have the model's input length (the paper recipe's duration, or a sequence recipe's
 * frames × hop) and start every `hop` seconds; a window is classified when it holds at least
 * `minSpeech` seconds of speech and reported with `speech: false` otherwise. At end() the last
 * window (shorter) reaches the end of the stream, so the windows cover it in order.
 *
 * Memory is bounded: the rings hold about one window plus two hops of audio and the matching
 * decisions, the resampler and the detector keep under one filter length / frame each, and
 * nothing else is kept per window (except with `deferTransductive`, below). The same audio gives
 * the same windows whatever the chunking; `ser predict --timeline` runs this same class over a
 * streamed file, so the CLI and the API agree exactly.
 *
 * Transductive models (speaker normalisation) need other clips of the same speaker: a stream is
 * one speaker; each window is predicted together with the previous `speakerContext` speech windows
 * (their rows are the speaker's statistics), so memory stays bounded. With `deferTransductive`
 * (the CLI's choice for a file) every speech window of the stream is kept and all are predicted at
 * end() as one speaker: all results then arrive at end().
 */
import { mixToMono } from '../audio/wav-decode.js';
import { DspError } from '../dsp/errors.js';
import type { VadOptions } from '../dsp/vad-options.js';
import { featureVector, isSequenceRecipe, type FeatureRecipe } from '../features/feature-recipe.js';
import type { EmotionModel } from '../models/emotion-model.js';
import type { WasmCore } from '../wasm/core.js';
import { WasmDsp } from '../wasm/dsp.js';
import { StreamResampler } from '../wasm/stream-resample.js';
import { WasmVad } from '../wasm/vad.js';
import { Float32Ring, Uint8Ring } from './ring.js';

export interface EmotionStreamOptions {
  /** The WASM instance for DSP, resampling and speech detection (the model's, for KNN). */
  core: WasmCore;
  /** Seconds between window starts (default 0.5; at most the window length). */
  hop?: number;
  /** Average the probabilities of the last `smooth` classified windows of a speech stretch (default 1: off). */
  smooth?: number;
  /** Speech a window needs to be classified, seconds (default 0.5). */
  minSpeech?: number;
  /** Speech-activity options (the sample rate is the model's). */
  vad?: Omit<VadOptions, 'sr'>;
  /** Transductive models: previous speech windows whose rows form the speaker's statistics (default 16). */
  speakerContext?: number;
  /** Transductive models: keep every speech window and predict them all as one speaker at end(). */
  deferTransductive?: boolean;
  /** Windows classified per model call (default 1: each as soon as it is complete). */
  batch?: number;
  /** Name for error messages (a file name, 'microphone', …). */
  name?: string;
  /** Called with every window result, in order. */
  onWindow?: (w: TimelineWindow) => void;
  /** Called with the model-rate audio as it arrives (e.g. for a scrolling display). */
  onAudio?: (samples: Float32Array, position: number) => void;
  /** Called with speech decisions per detector frame as they become final (frame t starts at t · vadHop samples). */
  onSpeechFrames?: (decisions: Uint8Array, firstFrame: number) => void;
}

export interface TimelineWindow {
  index: number;
  /** Seconds from the start of the stream. */
  start: number;
  end: number;
  speech: boolean;
  /** Seconds of speech frames inside the window. */
  speechSeconds: number;
  /** Most probable class (after smoothing), null for a window without speech. */
  emotion: string | null;
  /** Class probabilities in the model's class order (float32 values; smoothed when `smooth` > 1). */
  probabilities: Record<string, number> | null;
}

export interface TimelineStats {
  windows: number;
  classified: number;
  /** Model-rate samples seen. */
  samples: number;
  /** Milliseconds spent in resampling + speech detection, features, and the model. */
  signalMs: number;
  featuresMs: number;
  predictMs: number;
}

/** Samples of the model's input window at its rate. */
export function windowSamples(recipe: FeatureRecipe): number {
  return isSequenceRecipe(recipe) ? recipe.frames * recipe.hopLength : Math.floor(recipe.duration * recipe.sr + 1e-9);
}

interface Pending {
  window: TimelineWindow;
  row: Float32Array | null;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export class EmotionStream {
  readonly model: EmotionModel;
  readonly recipe: FeatureRecipe;
  readonly classes: readonly string[];
  readonly sampleRate: number;
  /** Window length and hop in model-rate samples. */
  readonly windowLength: number;
  readonly hopLength: number;
  readonly vad: WasmVad;
  readonly stats: TimelineStats = { windows: 0, classified: 0, samples: 0, signalMs: 0, featuresMs: 0, predictMs: 0 };
  private readonly dsp: WasmDsp;
  private readonly opts: EmotionStreamOptions;
  private readonly name: string;
  private readonly minSpeech: number;
  private readonly smooth: number;
  private readonly batch: number;
  private readonly context: number;
  private readonly defer: boolean;
  private readonly audio: Float32Ring;
  private readonly speech: Uint8Ring;
  private readonly windowBuf: Float32Array;
  private resampler: StreamResampler | null = null;
  private inputRate = 0;
  private nextWindow = 0;
  private lastEnd = 0;
  private ended = false;
  /** Classified windows waiting for the model (batching) or for end() (deferred transductive). */
  private queue: Pending[] = [];
  private queuedRows = 0;
  /** Transductive context: rows of the previous speech windows (newest last). */
  private readonly speakerRows: Float32Array[] = [];
  /** Probabilities of the current speech stretch's last windows, for smoothing. */
  private readonly recent: Float32Array[] = [];

  constructor(model: EmotionModel, opts: EmotionStreamOptions) {
    this.model = model;
    this.opts = opts;
    this.recipe = model.meta.recipe;
    this.classes = model.meta.classes;
    this.name = opts.name ?? 'stream';
    this.sampleRate = this.recipe.sr;
    this.windowLength = windowSamples(this.recipe);
    const hop = opts.hop ?? 0.5;
    const windowSeconds = this.windowLength / this.sampleRate;
    if (!(Number.isFinite(hop) && hop > 0)) throw new DspError(`${this.name}: hop must be a positive number of seconds, got ${hop}`);
    this.hopLength = Math.max(1, Math.round(hop * this.sampleRate));
    if (this.hopLength > this.windowLength) {
      throw new DspError(`${this.name}: hop ${hop} s is longer than the model's ${windowSeconds.toFixed(3)} s window; windows would leave gaps`);
    }
    this.minSpeech = opts.minSpeech ?? 0.5;
    if (!(Number.isFinite(this.minSpeech) && this.minSpeech >= 0)) throw new DspError(`${this.name}: minSpeech must be >= 0 seconds, got ${opts.minSpeech}`);
    this.smooth = opts.smooth ?? 1;
    if (!(Number.isInteger(this.smooth) && this.smooth >= 1)) throw new DspError(`${this.name}: smooth must be a positive integer number of windows, got ${opts.smooth}`);
    this.batch = opts.batch ?? 1;
    if (!(Number.isInteger(this.batch) && this.batch >= 1)) throw new DspError(`${this.name}: batch must be a positive integer, got ${opts.batch}`);
    this.context = opts.speakerContext ?? 16;
    if (!(Number.isInteger(this.context) && this.context >= 0)) throw new DspError(`${this.name}: speakerContext must be an integer >= 0, got ${opts.speakerContext}`);
    this.defer = model.transductive && opts.deferTransductive === true;
    this.dsp = new WasmDsp(opts.core);
    this.vad = new WasmVad(opts.core, { ...opts.vad, sr: this.sampleRate });
    const { frameLength, hopLength, delay } = this.vad.options;
    // A window, two hops (one being filled, one piece), and the detector's look-ahead.
    const capacity = this.windowLength + 2 * this.hopLength + frameLength + hopLength * (delay + 2);
    this.audio = new Float32Ring(capacity);
    this.speech = new Uint8Ring(Math.ceil(capacity / hopLength) + delay + 4);
    this.windowBuf = new Float32Array(this.windowLength);
  }

  /** Seconds of audio per window and between window starts. */
  get windowSeconds(): number {
    return this.windowLength / this.sampleRate;
  }

  get hopSeconds(): number {
    return this.hopLength / this.sampleRate;
  }

  /** Rate of the pushed audio (0 before the first push). */
  get inputSampleRate(): number {
    return this.inputRate;
  }

  /**
   * Feeds a chunk (mono, or planar channels of equal length, mixed to their mean) at `sampleRate`
   * (the same for the whole stream). Returns the windows completed by it, in order.
   */
  push(chunk: Float32Array | readonly Float32Array[], sampleRate: number): TimelineWindow[] {
    if (this.ended) throw new DspError(`${this.name}: push() after end()`);
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new DspError(`${this.name}: sampleRate must be a positive integer in Hz, got ${sampleRate}`);
    if (this.inputRate === 0) {
      this.resampler = new StreamResampler(this.opts.core, sampleRate, this.sampleRate);
      this.inputRate = sampleRate;
    } else if (sampleRate !== this.inputRate) {
      throw new DspError(`${this.name}: the sample rate changed from ${this.inputRate} Hz to ${sampleRate} Hz mid-stream; start a new stream`);
    }
    const mono = toMono(chunk, this.name);
    const out: TimelineWindow[] = [];
    // Pieces of at most one hop keep the rings bounded whatever the chunk size.
    const piece = Math.max(1, Math.round((this.hopLength * this.inputRate) / this.sampleRate));
    for (let at = 0; at < mono.length; at += piece) {
      const t0 = now();
      const y = this.resampler!.push(mono.subarray(at, Math.min(mono.length, at + piece)));
      this.stats.signalMs += now() - t0;
      this.ingest(y, out);
    }
    return out;
  }

  /** Ends the stream: flushes the resampler and the detector, completes the last windows and returns them. */
  end(): TimelineWindow[] {
    if (this.ended) return [];
    const out: TimelineWindow[] = [];
    if (this.resampler) {
      const t0 = now();
      const y = this.resampler.end();
      this.stats.signalMs += now() - t0;
      this.ingest(y, out);
    }
    this.ended = true;
    const t0 = now();
    const last = this.vad.flush();
    this.stats.signalMs += now() - t0;
    if (last.length) {
      this.opts.onSpeechFrames?.(last, this.speech.total);
      this.speech.write(last);
    }
    this.emitReady(true, out);
    this.drain(out, true);
    return out;
  }

  private ingest(y: Float32Array, out: TimelineWindow[]): void {
    for (let at = 0; at < y.length; at += this.hopLength) {
      const piece = y.subarray(at, Math.min(y.length, at + this.hopLength));
      this.opts.onAudio?.(piece, this.audio.total);
      this.audio.write(piece);
      this.stats.samples += piece.length;
      const t0 = now();
      const decisions = this.vad.push(piece);
      this.stats.signalMs += now() - t0;
      if (decisions.length) {
        this.opts.onSpeechFrames?.(decisions, this.speech.total);
        this.speech.write(decisions);
      }
      this.emitReady(false, out);
    }
  }

  /** Detector frames whose centre lies in [s, e). */
  private frameRange(s: number, e: number): [number, number] {
    const { frameLength, hopLength } = this.vad.options;
    const first = Math.max(0, Math.ceil((s - frameLength / 2) / hopLength));
    return [first, Math.max(first, Math.ceil((e - frameLength / 2) / hopLength))];
  }

  private emitReady(final: boolean, out: TimelineWindow[]): void {
    for (;;) {
      const s = this.nextWindow * this.hopLength;
      let e = s + this.windowLength;
      const n = this.audio.total;
      if (e > n) {
        if (!final) return;
        // The last, shorter window reaches the end of the stream (or is the only one of a short stream).
        if (s >= n || (this.nextWindow > 0 && this.lastEnd >= n)) return;
        e = n;
      }
      const [f0, f1] = this.frameRange(s, e);
      if (!final && this.speech.total < f1) return;
      this.classifyWindow(s, e, f0, Math.min(f1, this.speech.total), out);
      this.nextWindow++;
      this.lastEnd = e;
      if (e === n && final) return;
    }
  }

  private classifyWindow(s: number, e: number, f0: number, f1: number, out: TimelineWindow[]): void {
    const sr = this.sampleRate;
    const speechFrames = f1 > f0 ? this.speech.sum(f0, f1) : 0;
    const speechSeconds = (speechFrames * this.vad.options.hopLength) / sr;
    const window: TimelineWindow = {
      index: this.nextWindow,
      start: s / sr,
      end: e / sr,
      speech: speechFrames > 0 && speechSeconds >= this.minSpeech,
      speechSeconds,
      emotion: null,
      probabilities: null,
    };
    this.stats.windows++;
    let row: Float32Array | null = null;
    if (window.speech) {
      const t0 = now();
      const y = this.audio.read(s, e, this.windowBuf).subarray(0, e - s);
      row = featureVector(this.dsp, y, this.recipe);
      this.stats.featuresMs += now() - t0;
    }
    this.queue.push({ window, row });
    if (row) this.queuedRows++;
    // Emit as soon as the model has a full batch, or at once when nothing waits for the model.
    if (!this.defer && (this.queuedRows >= this.batch || this.queuedRows === 0)) this.drain(out, false);
  }

  /** Predicts the queued speech windows and emits the queue in order. */
  private drain(out: TimelineWindow[], final: boolean): void {
    if (this.queue.length === 0) return;
    if (this.defer && !final) return;
    const items = this.queue;
    this.queue = [];
    this.queuedRows = 0;
    const speech = items.filter((q) => q.row);
    if (speech.length > 0) {
      const probs = this.predict(speech.map((q) => q.row!));
      speech.forEach((q, i) => (q.row = probs[i]!));
    }
    for (const q of items) {
      const w = q.window;
      if (w.speech) {
        const p = q.row!;
        this.recent.push(p);
        if (this.recent.length > this.smooth) this.recent.shift();
        const avg = this.smooth === 1 ? p : averageRows(this.recent);
        let best = 0;
        for (let c = 1; c < avg.length; c++) if (avg[c]! > avg[best]!) best = c;
        w.emotion = this.classes[best]!;
        w.probabilities = Object.fromEntries(this.classes.map((c, k) => [c, avg[k]!]));
        this.stats.classified++;
      } else {
        this.recent.length = 0; // smoothing never reaches across a stretch without speech
      }
      this.opts.onWindow?.(w);
      out.push(w);
    }
  }

  /** Class probabilities for feature rows (in order); transductive models get their speaker context. */
  private predict(rows: Float32Array[]): Float32Array[] {
    const dim = this.recipe.vectorLength;
    const nc = this.classes.length;
    const t0 = now();
    let result: Float32Array[];
    if (!this.model.transductive) {
      const X = new Float32Array(rows.length * dim);
      rows.forEach((r, i) => X.set(r, i * dim));
      const P = this.model.predictProba(X, rows.length);
      result = rows.map((_, i) => P.slice(i * nc, (i + 1) * nc));
    } else if (this.defer) {
      // Every speech window of the stream as one speaker, in one call.
      const X = new Float32Array(rows.length * dim);
      rows.forEach((r, i) => X.set(r, i * dim));
      const P = this.model.predictProba(X, rows.length, { speakers: rows.map(() => this.name) });
      result = rows.map((_, i) => P.slice(i * nc, (i + 1) * nc));
    } else {
      result = rows.map((row) => {
        this.speakerRows.push(row);
        if (this.speakerRows.length > this.context + 1) this.speakerRows.shift();
        const k = this.speakerRows.length;
        const X = new Float32Array(k * dim);
        this.speakerRows.forEach((r, i) => X.set(r, i * dim));
        const P = this.model.predictProba(X, k, { speakers: this.speakerRows.map(() => this.name) });
        return P.slice((k - 1) * nc, k * nc);
      });
    }
    this.stats.predictMs += now() - t0;
    return result;
  }
}

/** The model-rate, channel-mean, finite-checked samples of a chunk. */
function toMono(chunk: Float32Array | readonly Float32Array[], name: string): Float32Array {
  let mono: Float32Array;
  if (chunk instanceof Float32Array) {
    mono = chunk;
  } else if (Array.isArray(chunk) && chunk.length > 0 && chunk.every((c) => c instanceof Float32Array)) {
    const n = chunk[0]!.length;
    if (chunk.some((c) => c.length !== n)) throw new DspError(`${name}: channels of one chunk differ in length (${chunk.map((c) => c.length).join(', ')})`);
    mono = chunk.length === 1 ? chunk[0]! : mixToMono(chunk as Float32Array[], n);
  } else {
    throw new DspError(`${name}: a chunk must be a Float32Array or an array of Float32Array channels`);
  }
  for (let i = 0; i < mono.length; i++) {
    if (!Number.isFinite(mono[i]!)) throw new DspError(`${name}: non-finite sample (${mono[i]}) in a chunk at index ${i}`);
  }
  return mono;
}

function averageRows(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows[0]!.length);
  for (let c = 0; c < out.length; c++) {
    let s = 0;
    for (const r of rows) s += r[c]!;
    out[c] = s / rows.length;
  }
  return out;
}
