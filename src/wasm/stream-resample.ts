/**
 * Resampling a stream in blocks with exactly the output of one {@link resample} call over the whole
 * signal (same filter, same float32 arithmetic per output sample, same length ceil(n · srOut / srIn)),
 * in bounded memory: JS keeps only the input the next outputs still need (about one filter length,
 * plus the newest chunk).
 *
 * Output k is the band-limited input at time k / srOut (src/dsp/resample-design.ts). Two ways,
 * following the one-shot call:
 *  - two-stage (every rate pair whose low-pass fits the first stage's FFT, i.e. all but the most
 *    extreme ratios): {@link TwoStageStream} runs the one-shot call's FFT blocks as their input
 *    arrives, so outputs trail the input by up to one block (4096 input samples at 48 → 16 kHz,
 *    ~85 ms) until end() zero-pads the tail;
 *  - direct form (the rest, as the one-shot call's fallback): output k needs the input around
 *    k · srIn / srOut up to half the filter length later, and JS keeps about one filter length:
 *     - polyphase mode: blocks start at a multiple of the reduced `up`, where the kernel's phase is
 *       0, and run the one-shot kernel (resamplePolyphase) on the block;
 *     - interpolated mode: the grid is filled once per rate pair (a cached table, as the one-shot
 *       call fills it per call) and resampleInterpolatedFrom (assembly/stream_resample.ts)
 *       continues the one-shot arithmetic from any output index.
 */
import { DspError } from '../dsp/errors.js';
import {
  PROTOTYPE_SAMPLES_PER_UNIT, PROTOTYPE_TABLE_LENGTH, RESAMPLE_QUALITY, assertResampleRates, designResampler, resampledLength,
  type ResamplerDesign,
} from '../dsp/resample-design.js';
import type { WasmCore } from './core.js';
import { requireKernels } from './kernels.js';
import { polyphaseBank, prototype, type resample } from './resample.js';
import { planFftResample } from './resample-fft.js';
import { TwoStageStream } from './stream-resample-fft.js';
import { SampleWindow } from './sample-window.js';

interface StreamResampleKernels {
  resamplePolyphase(xPtr: number, outPtr: number, outLen: number, bankPtr: number, taps: number, up: number, down: number): void;
  resampleFillGrid(protoPtr: number, protoLen: number, scale: number, phases: number, taps: number, firstTap: number, gridPtr: number): void;
  resampleInterpolatedFrom(
    xPtr: number, base: number, outPtr: number, k0: number, outLen: number, gridPtr: number, taps: number, phases: number, step: number,
  ): void;
}

const KERNELS: Array<keyof StreamResampleKernels & string> = ['resamplePolyphase', 'resampleFillGrid', 'resampleInterpolatedFrom'];

export class StreamResampler {
  readonly srIn: number;
  readonly srOut: number;
  private readonly design: ResamplerDesign | null;
  private readonly k: StreamResampleKernels | null;
  private readonly table: number;
  /** Input not yet consumed, by padded index (padded index = input index + lead). */
  private input = new SampleWindow();
  /** Input samples pushed so far. */
  private received = 0;
  /** Next output index. */
  private next = 0;
  private ended = false;
  private readonly twoStage: TwoStageStream | null = null;

  constructor(private readonly core: WasmCore, srIn: number, srOut: number) {
    assertResampleRates(srIn, srOut);
    this.srIn = srIn;
    this.srOut = srOut;
    if (srIn === srOut) {
      this.design = null;
      this.k = null;
      this.table = 0;
      return;
    }
    const plan = planFftResample(core, Math.min(1, srOut / srIn), { srIn, srOut });
    if (plan) {
      this.twoStage = new TwoStageStream(core, plan, srIn, srOut);
      this.design = null;
      this.k = null;
      this.table = 0;
      return;
    }
    const design = designResampler(srIn, srOut);
    this.design = design;
    this.k = requireKernels<StreamResampleKernels>(core, KERNELS, 'streaming resampler');
    if (design.mode === 'polyphase') {
      this.table = polyphaseBank(core, design);
    } else {
      const proto = prototype(core);
      const k = this.k;
      this.table = core.persistent(`resample:${RESAMPLE_QUALITY}:grid:${srIn}:${srOut}`, design.rows * design.taps * 4, (grid) =>
        k.resampleFillGrid(proto, PROTOTYPE_TABLE_LENGTH, design.bandScale * PROTOTYPE_SAMPLES_PER_UNIT, design.phases, design.taps, design.firstTap, grid));
    }
    // The one-shot resampler pads `lead` zeros in front of the signal.
    this.input = new SampleWindow(-design.firstTap);
  }

  /** Output samples produced so far. */
  get produced(): number {
    return this.twoStage ? this.twoStage.produced : this.next;
  }

  /** Feeds input samples; returns the output samples that became computable (possibly none). */
  push(x: Float32Array): Float32Array {
    if (this.ended) throw new DspError('resampler: push() after end()');
    if (x.length === 0) return new Float32Array(0);
    this.received += x.length;
    if (this.twoStage) return this.twoStage.push(x);
    if (!this.design) {
      this.next += x.length;
      return Float32Array.from(x);
    }
    this.input.append(x);
    return this.produce(false);
  }

  /** Ends the stream: the remaining outputs up to ceil(n · srOut / srIn), with zeros after the input. */
  end(): Float32Array {
    if (this.ended) return new Float32Array(0);
    this.ended = true;
    if (this.twoStage) return this.twoStage.end();
    if (!this.design) return new Float32Array(0);
    return this.produce(true);
  }

  private produce(final: boolean): Float32Array {
    const d = this.design!;
    const lead = -d.firstTap;
    const available = this.received + lead; // padded samples that exist
    const total = final ? resampledLength(this.received, this.srIn, this.srOut) : Infinity;
    let last: number; // one past the last output to compute now
    if (d.mode === 'polyphase') {
      if (final) {
        last = total;
      } else {
        // output k needs padded samples up to floor(k · down / up) + taps - 1; blocks end on a multiple of up
        const kMax = Math.floor(((available - d.taps) * d.up) / d.down); // largest computable k (maybe < next)
        last = Math.floor((kMax + 1) / d.up) * d.up;
      }
    } else {
      const step = this.srIn / this.srOut;
      if (final) {
        last = total;
      } else {
        // one more sample of room, as the one-shot call keeps for a rounding of the last product
        let k = Math.max(this.next, Math.floor((available - d.taps - 1) / step));
        while (k >= this.next && Math.floor(k * step) + d.taps + 1 > available) k--;
        last = k + 1;
      }
    }
    if (last <= this.next) return new Float32Array(0);
    const count = last - this.next;
    const out = this.run(this.next, count, final);
    this.next = last;
    // Drop input no later output needs.
    const firstNeeded = d.mode === 'polyphase'
      ? Math.floor((this.next * d.down) / d.up)
      : Math.floor(this.next * (this.srIn / this.srOut));
    this.input.dropBefore(firstNeeded);
    return out;
  }

  private run(k0: number, count: number, final: boolean): Float32Array {
    const d = this.design!;
    const k = this.k!;
    const core = this.core;
    if (d.mode === 'polyphase') {
      const start = Math.floor((k0 * d.down) / d.up);
      const end = Math.floor(((k0 + count - 1) * d.down) / d.up) + d.taps;
      return core.scratch((alloc) => {
        const xPtr = alloc((end - start) * 4);
        const outPtr = alloc(count * 4);
        this.input.copyTo(core, xPtr, start, end, final);
        k.resamplePolyphase(xPtr, outPtr, count, this.table, d.taps, d.up, d.down);
        return core.readF32(outPtr, count);
      });
    }
    const step = this.srIn / this.srOut;
    const start = Math.floor(k0 * step);
    const end = Math.floor((k0 + count - 1) * step) + d.taps + 1;
    return core.scratch((alloc) => {
      const xPtr = alloc((end - start) * 4);
      const outPtr = alloc(count * 4);
      this.input.copyTo(core, xPtr, start, end, final);
      k.resampleInterpolatedFrom(xPtr, start, outPtr, k0, count, this.table, d.taps, d.phases, step);
      return core.readF32(outPtr, count);
    });
  }
}

