/**
 * Speech activity detection in WASM (assembly/vad.ts; options in src/dsp/vad-options.ts; float64
 * reference in src/reference/vad.ts).
 *
 * {@link WasmVad} is incremental: push() takes samples in chunks of any size and returns the
 * decisions that became final (one per frame, oldest first, `delay` frames behind the newest
 * frame), flush() pads the end with zeros and returns the rest. The detector's state (noise floor,
 * background flatness and ZCR, hangover machine) lives in a small JS array that is copied into
 * scratch for each call, so nothing stays allocated in WASM memory between calls: after warm-up,
 * any number of calls leaves linear memory where it was (test/vad.test.ts). JS keeps only the
 * samples of frames not yet complete (under one frame plus one chunk).
 */
import { DspError } from '../dsp/errors.js';
import { resolveVadOptions, vadFrameCount, vadParamBlock, type ResolvedVad, type VadOptions } from '../dsp/vad-options.js';
import { assertSignal } from '../dsp/validate.js';
import type { WasmCore } from './core.js';
import { hannTable, requireKernels, rfftTable, type SpectralKernels } from './kernels.js';
import { concatTyped } from '../util/concat.js';

interface VadKernels extends SpectralKernels {
  vadWorkFloats(nFft: number): number;
  vadFrames(
    y: number, nFrames: number, nFft: number, hop: number, window: number, table: number, work: number, kLo: number, kHi: number,
    params: number, state: number, out: number, feats: number,
  ): number;
  vadFlush(params: number, state: number, out: number): number;
}

const VAD_KERNELS: Array<keyof VadKernels & string> = ['rfftTableFloats', 'rfftInitTable', 'hannInit', 'vadWorkFloats', 'vadFrames', 'vadFlush'];
const STATE_COUNT = 8;

/** Per-frame cues the kernel can report: energy dB, flatness dB, ZCR, raw decision, 4 values per frame. */
export interface VadFeatures {
  data: Float32Array;
  frames: number;
}

export class WasmVad {
  readonly options: ResolvedVad;
  private readonly k: VadKernels;
  private readonly params: Float64Array;
  private readonly state = new Float64Array(STATE_COUNT);
  /** Samples from the start of the next frame on. */
  private tail = new Float32Array(0);
  private processed = 0;
  private emitted = 0;
  private samples = 0;
  private finished = false;
  /** Cues of every processed frame, when asked for (tests, plots): grows with the stream. */
  private readonly featureLog: Float32Array[] | null;

  constructor(readonly core: WasmCore, opts: VadOptions, extra: { keepFeatures?: boolean } = {}) {
    this.options = resolveVadOptions(opts);
    this.k = requireKernels<VadKernels>(core, VAD_KERNELS, 'speech activity');
    this.params = vadParamBlock(this.options);
    this.featureLog = extra.keepFeatures ? [] : null;
  }

  /** Frames whose decision has been returned so far. */
  get framesDecided(): number {
    return this.emitted;
  }

  /** Samples pushed so far. */
  get samplesSeen(): number {
    return this.samples;
  }

  /** Feeds samples; returns the decisions that became final (1 = speech), oldest first. */
  push(y: Float32Array | Float64Array): Uint8Array {
    if (this.finished) throw new DspError('speech activity: push() after flush()');
    if (y.length === 0) return new Uint8Array(0);
    assertSignal(y, 'speech activity input');
    this.samples += y.length;
    const buf = new Float32Array(this.tail.length + y.length);
    buf.set(this.tail);
    buf.set(y, this.tail.length);
    const { frameLength: N, hopLength: H } = this.options;
    const frames = buf.length >= N ? Math.floor((buf.length - N) / H) + 1 : 0;
    const out = this.run(buf, frames);
    this.tail = buf.slice(frames * H);
    return out;
  }

  /** Ends the stream: decides every frame that starts before its end (zeros after it) and returns the remaining decisions. */
  flush(): Uint8Array {
    if (this.finished) return new Uint8Array(0);
    this.finished = true;
    const { frameLength: N, hopLength: H } = this.options;
    const total = vadFrameCount(this.samples, H);
    const frames = total - this.processed;
    const rest: Uint8Array[] = [];
    if (frames > 0) {
      const buf = new Float32Array((frames - 1) * H + N);
      buf.set(this.tail.subarray(0, Math.min(this.tail.length, buf.length)));
      rest.push(this.run(buf, frames));
    }
    this.tail = new Float32Array(0);
    rest.push(this.core.scratch((alloc) => {
      const p = alloc(this.params.length * 8);
      const s = alloc(STATE_COUNT * 8);
      const o = alloc(this.options.delay + 1);
      this.core.writeF64(p, this.params);
      this.core.writeF64(s, this.state);
      const n = this.k.vadFlush(p, s, o);
      this.state.set(this.core.readF64(s, STATE_COUNT));
      return new Uint8Array(this.core.exports.memory.buffer, o, n).slice();
    }));
    const out = concatTyped(rest, Uint8Array);
    this.emitted += out.length;
    return out;
  }

  /** Per-frame cues of every processed frame (only with keepFeatures). */
  features(): VadFeatures {
    if (!this.featureLog) throw new DspError('speech activity: features were not kept (pass keepFeatures: true)');
    const data = concatTyped(this.featureLog, Float32Array);
    return { data, frames: data.length / 4 };
  }

  private run(buf: Float32Array, frames: number): Uint8Array {
    if (frames === 0) return new Uint8Array(0);
    const { frameLength: N, hopLength: H, kLo, kHi } = this.options;
    // Cached tables first: they may not be created inside a scratch frame.
    const table = rfftTable(this.core, this.k, N);
    const window = hannTable(this.core, this.k, N);
    const used = (frames - 1) * H + N;
    const out = this.core.scratch((alloc) => {
      const yp = alloc(used * 4);
      const work = alloc(this.k.vadWorkFloats(N) * 4);
      const p = alloc(this.params.length * 8);
      const s = alloc(STATE_COUNT * 8);
      const o = alloc(frames);
      const f = this.featureLog ? alloc(frames * 16) : 0;
      this.core.writeF32(yp, buf.subarray(0, used));
      this.core.writeF64(p, this.params);
      this.core.writeF64(s, this.state);
      const n = this.k.vadFrames(yp, frames, N, H, window, table, work, kLo, kHi, p, s, o, f);
      this.state.set(this.core.readF64(s, STATE_COUNT));
      if (this.featureLog) this.featureLog.push(this.core.readF32(f, frames * 4));
      return new Uint8Array(this.core.exports.memory.buffer, o, n).slice();
    });
    this.processed += frames;
    this.emitted += out.length;
    return out;
  }
}

/** Speech / non-speech per frame of a whole signal (frame t starts at t · hopLength; the end is zero-padded). */
export function detectSpeech(core: WasmCore, y: Float32Array | Float64Array, opts: VadOptions): { speech: Uint8Array; features: VadFeatures; options: ResolvedVad } {
  const vad = new WasmVad(core, opts, { keepFeatures: true });
  const a = vad.push(y);
  const b = vad.flush();
  return { speech: concatTyped([a, b], Uint8Array), features: vad.features(), options: vad.options };
}

