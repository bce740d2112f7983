/**
 * Speech activity detection, float64 reference of assembly/vad.ts (the algorithm is described
 * there and in src/dsp/vad-options.ts). Whole signal at once; its end is padded with zeros so that
 * every frame starting inside the signal is decided, as the streaming binding does at its end.
 */
import { resolveVadOptions, vadFrameCount, type ResolvedVad, type VadOptions } from '../dsp/vad-options.js';
import type { Real } from '../dsp/types.js';
import { assertSignal } from '../dsp/validate.js';
import { rfft } from './fft.js';
import { hannPeriodic } from './window.js';

export interface VadResult {
  /** 1 = speech, per frame (after hangover smoothing). */
  speech: Uint8Array;
  /** Per-frame cues: energy (dB), band flatness (dB), zero-crossing rate, raw decision (0/1). */
  energyDb: Float64Array;
  flatnessDb: Float64Array;
  zcr: Float64Array;
  raw: Uint8Array;
  frameLength: number;
  hopLength: number;
  sr: number;
}

/** The detector's state machine, fed one raw decision at a time (shared by nothing: the kernel has its own copy). */
class Hangover {
  private mode = 0;
  private runSpeech = 0;
  private runSilence = 0;
  private readonly pending: number[] = [];
  readonly out: number[] = [];

  constructor(private readonly o: ResolvedVad) {}

  push(raw: boolean): void {
    const { minRun, hangFrames, delay } = this.o;
    let decision = 0;
    if (this.mode === 1) {
      this.runSilence = raw ? 0 : this.runSilence + 1;
      if (this.runSilence >= hangFrames) {
        this.mode = 0;
        this.runSpeech = 0;
      } else {
        decision = 1;
      }
    } else {
      this.runSpeech = raw ? this.runSpeech + 1 : 0;
      if (this.runSpeech >= minRun) {
        this.mode = 1;
        this.runSilence = 0;
        decision = 1;
        for (let i = 0; i < this.pending.length; i++) this.pending[i] = 1; // the run and the pre-roll
      }
    }
    this.pending.push(decision);
    if (this.pending.length > delay) this.out.push(this.pending.shift()!);
  }

  flush(): void {
    this.out.push(...this.pending);
    this.pending.length = 0;
  }
}

/**
 * Speech activity of a whole mono signal at opts.sr, float64 (the reference of {@link WasmVad} and
 * detectSpeech): per-frame decisions and cues, frames of frameLength every hopLength, not centred.
 */
export function vadReference(y: Real, opts: VadOptions): VadResult {
  assertSignal(y, 'signal');
  const o = resolveVadOptions(opts);
  const { frameLength: N, hopLength: H } = o;
  const nFrames = vadFrameCount(y.length, H);
  const window = hannPeriodic(N);
  const energyDb = new Float64Array(nFrames);
  const flatnessDb = new Float64Array(nFrames);
  const zcr = new Float64Array(nFrames);
  const raw = new Uint8Array(nFrames);
  const machine = new Hangover(o);
  let noiseE = 0;
  let noiseF = 0;
  let noiseZ = 0;
  const frame = new Float64Array(N);
  for (let t = 0; t < nFrames; t++) {
    for (let j = 0; j < N; j++) {
      const i = t * H + j;
      // The kernel reads float32 samples.
      frame[j] = i < y.length ? Math.fround(y[i]!) : 0;
    }
    let s = 0;
    for (let j = 0; j < N; j++) s += frame[j]! * frame[j]!;
    const e = 10 * Math.log10(s / N + 1e-10);
    let crossings = 0;
    for (let j = 1; j < N; j++) crossings += Number((frame[j]! < 0) !== (frame[j - 1]! < 0));
    const z = crossings / N;
    const { re, im } = rfft(frame.map((v, j) => v * window[j]!));
    let sum = 0;
    let sumLog = 0;
    for (let k = o.kLo; k <= o.kHi; k++) {
      const p = re[k]! * re[k]! + im[k]! * im[k]!;
      sum += p;
      sumLog += Math.log10(p + 1e-20);
    }
    const count = o.kHi - o.kLo + 1;
    const fl = sum <= 0 ? 0 : 10 * (sumLog / count - Math.log10(sum / count + 1e-20));
    if (t === 0) {
      noiseE = e;
      noiseF = fl;
      noiseZ = z;
    } else {
      noiseE = Math.min(e, noiseE + o.rise);
      if (e - noiseE <= o.nearDb) {
        noiseF += o.alpha * (fl - noiseF);
        noiseZ += o.alpha * (z - noiseZ);
      }
    }
    const above = e - noiseE;
    const loud = e >= o.gateDb;
    const r = loud && (noiseF - fl > o.flatnessMarginDb || (above > o.energyMarginDb && Math.abs(z - noiseZ) > o.zcrMargin) || above > o.strongDb);
    energyDb[t] = e;
    flatnessDb[t] = fl;
    zcr[t] = z;
    raw[t] = r ? 1 : 0;
    machine.push(r);
  }
  machine.flush();
  return { speech: Uint8Array.from(machine.out), energyDb, flatnessDb, zcr, raw, frameLength: N, hopLength: H, sr: o.sr };
}
