/**
 * Emotion over time in the demo's worker: the live microphone and whole dropped files, both through
 * the library's EmotionStream (src/timeline/stream.ts: resampling, speech detection, features and
 * the model, all here in the worker). The live session also computes what the page scrolls: a
 * waveform envelope and mel frames of the model-rate audio.
 *
 * Audio path: AudioWorklet (recorder-worklet.ts) → MessagePort → this worker; the page's main thread
 * never touches samples.
 */
import {
  bytesSource, EmotionStream, encodeWav, openWavStream, type EmotionModel, type TimelineWindow, type WasmDsp,
} from '../src/browser/index.js';
import { CAPTURE_SECONDS, type LiveReply, type TimelineUpdate, type WindowLite } from './protocol.js';

export interface LiveEngine {
  dsp: WasmDsp;
  model: EmotionModel;
}

type Post = (message: LiveReply, transfer?: Transferable[]) => void;

/** Waveform columns per second in the live view. */
const WAVE_RATE = 100;
/** Mel bands of the live spectrogram. */
const LIVE_MELS = 64;
/** Post an update after this much new audio (seconds). */
const UPDATE_SECONDS = 0.1;

export function lite(w: TimelineWindow, classes: readonly string[]): WindowLite {
  return { start: w.start, end: w.end, speech: w.speech, emotion: w.emotion, p: w.probabilities ? classes.map((c) => w.probabilities![c]!) : null };
}

function msPerWindow(s: EmotionStream): number {
  return s.stats.classified ? (s.stats.featuresMs + s.stats.predictMs) / s.stats.classified : 0;
}

export class LiveSession {
  private readonly stream: EmotionStream;
  private readonly classes: readonly string[];
  private readonly capture: Float32Array;
  private captured = 0;
  private received = 0;
  private windows: WindowLite[] = [];
  // display state at the model's rate
  private readonly sr: number;
  private readonly waveHop: number;
  private waveLo = Infinity;
  private waveHi = -Infinity;
  private waveFill = 0;
  private waveColumn = 0;
  private wave: number[] = [];
  private readonly nFft: number;
  private readonly melHop: number;
  private readonly melBuf: Float32Array;
  private melHave = 0;
  private melFrame = 0;
  private mel: Float32Array[] = [];
  private sinceUpdate = 0;
  private waveFrom = 0;
  private melFrom = 0;
  private stopped = false;

  constructor(private readonly engine: LiveEngine, private readonly port: MessagePort, private readonly sampleRate: number, private readonly post: Post) {
    const { model, dsp } = engine;
    this.classes = model.meta.classes;
    this.sr = model.meta.recipe.sr;
    this.waveHop = Math.round(this.sr / WAVE_RATE);
    this.nFft = 1024;
    this.melHop = 512;
    this.melBuf = new Float32Array(this.nFft + this.melHop * 8);
    this.capture = new Float32Array(Math.round(CAPTURE_SECONDS * sampleRate));
    this.stream = new EmotionStream(model, {
      core: dsp.core,
      name: 'microphone',
      onWindow: (w) => this.windows.push(lite(w, this.classes)),
      onAudio: (y) => this.display(y),
    });
    port.onmessage = (e: MessageEvent<Float32Array>) => this.push(e.data);
  }

  private push(chunk: Float32Array): void {
    if (this.stopped || !(chunk instanceof Float32Array) || chunk.length === 0) return;
    const keep = Math.min(chunk.length, this.capture.length - this.captured);
    if (keep > 0) {
      this.capture.set(chunk.subarray(0, keep), this.captured);
      this.captured += keep;
    }
    this.received += chunk.length;
    this.stream.push(chunk, this.sampleRate);
    this.sinceUpdate += chunk.length;
    if (this.sinceUpdate >= UPDATE_SECONDS * this.sampleRate) this.flushUpdate();
  }

  /** Waveform columns and mel frames of new model-rate audio. */
  private display(y: Float32Array): void {
    for (let i = 0; i < y.length; i++) {
      const v = y[i]!;
      if (v < this.waveLo) this.waveLo = v;
      if (v > this.waveHi) this.waveHi = v;
      if (++this.waveFill === this.waveHop) {
        this.wave.push(this.waveLo, this.waveHi);
        this.waveLo = Infinity;
        this.waveHi = -Infinity;
        this.waveFill = 0;
        this.waveColumn++;
      }
    }
    // Non-centred mel frames of nFft samples every melHop, computed in WASM as soon as they are complete.
    let at = 0;
    while (at < y.length) {
      const take = Math.min(y.length - at, this.melBuf.length - this.melHave);
      this.melBuf.set(y.subarray(at, at + take), this.melHave);
      this.melHave += take;
      at += take;
      if (this.melHave >= this.nFft) {
        const frames = Math.floor((this.melHave - this.nFft) / this.melHop) + 1;
        const seg = this.melBuf.subarray(0, (frames - 1) * this.melHop + this.nFft);
        const S = this.engine.dsp.melSpectrogram(seg, { sr: this.sr, nFft: this.nFft, hopLength: this.melHop, nMels: LIVE_MELS, center: false });
        const db = this.engine.dsp.powerToDb(S, { ref: 1, topDb: null });
        for (let t = 0; t < db.cols; t++) {
          const col = new Float32Array(LIVE_MELS);
          for (let m = 0; m < LIVE_MELS; m++) col[m] = db.data[m * db.cols + t]!;
          this.mel.push(col);
        }
        this.melFrame += db.cols;
        this.melBuf.copyWithin(0, frames * this.melHop, this.melHave);
        this.melHave -= frames * this.melHop;
      }
    }
  }

  private flushUpdate(): void {
    this.sinceUpdate = 0;
    const wave = Float32Array.from(this.wave);
    const mel = new Float32Array(this.mel.length * LIVE_MELS);
    this.mel.forEach((c, i) => mel.set(c, i * LIVE_MELS));
    this.post({
      type: 'live', samples: this.received, sampleRate: this.sampleRate,
      wave, waveRate: this.sr / this.waveHop, waveFrom: this.waveFrom,
      mel, melRows: LIVE_MELS, melRate: this.sr / this.melHop, melFrom: this.melFrom,
      windows: this.windows, msPerWindow: msPerWindow(this.stream),
    }, [wave.buffer, mel.buffer]);
    this.waveFrom = this.waveColumn;
    this.melFrom = this.melFrame;
    this.wave = [];
    this.mel = [];
    this.windows = [];
  }

  /** Ends the stream; posts the last update and the captured audio. */
  stop(): void {
    if (this.stopped) return;
    this.flushUpdate();
    this.stopped = true;
    this.port.onmessage = null;
    this.port.close();
    const windows = this.received > 0 ? this.stream.end().map((w) => lite(w, this.classes)) : [];
    let wav: ArrayBuffer | null = null;
    if (this.captured > 0) {
      const bytes = encodeWav(this.capture.subarray(0, this.captured), this.sampleRate, { format: 'float32' });
      wav = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    }
    this.post({ type: 'live-stopped', windows, wav, msPerWindow: msPerWindow(this.stream) }, wav ? [wav] : []);
  }
}

/** The whole timeline of a dropped file, streamed block by block; windows are posted in batches as they come. */
export async function fileTimeline(engine: LiveEngine, id: number, name: string, bytes: Uint8Array, post: Post): Promise<void> {
  const { model, dsp } = engine;
  const classes = model.meta.classes;
  const wav = await openWavStream(bytesSource(bytes, name), { blockFrames: 32768 });
  const duration = wav.info.frames / wav.info.sampleRate;
  const stream = new EmotionStream(model, { core: dsp.core, name, batch: 8 });
  let pending: WindowLite[] = [];
  const send = (done: boolean): void => {
    const msg: TimelineUpdate = { type: 'timeline', id, name, windows: pending, duration, hop: stream.hopSeconds, done, msPerWindow: msPerWindow(stream) };
    post(msg);
    pending = [];
  };
  for await (const block of wav.blocks()) {
    for (const w of stream.push(block, wav.info.sampleRate)) pending.push(lite(w, classes));
    if (pending.length >= 20) send(false);
  }
  for (const w of stream.end()) pending.push(lite(w, classes));
  send(true);
}
