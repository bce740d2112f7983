/**
 * The two-stage resampler (src/wasm/resample-fft.ts) on a stream: the same first-stage FFT blocks
 * at the same positions and the same second-stage sums as one `resample` call over the whole
 * signal (src/wasm/resample.ts), so the samples are identical bit for bit, in bounded memory. A first-stage block is
 * computed once all the input it reads has arrived (at end(), with the one-shot call's zeros after
 * the signal); an output, once the first-stage samples it reads exist. JS keeps the input of the
 * next block (one FFT, n / up samples) and the first-stage samples of the next outputs (the
 * interpolator's span).
 */
import { resampledLength } from '../dsp/resample-design.js';
import type { WasmCore } from './core.js';
import { SampleWindow } from './sample-window.js';
import {
  firstStageInputEnd, firstStageLength, runFirstStage, runSecondStage, twoStageGeometry, type FftResamplePlan, type TwoStageGeometry,
} from './resample-fft.js';

export class TwoStageStream {
  private readonly g: TwoStageGeometry;
  /** Input by padded index (padded index = input index + lead). */
  private readonly x: SampleWindow;
  /** First-stage output by index. */
  private readonly z = new SampleWindow();
  private blocks = 0;
  private received = 0;
  private next = 0;

  constructor(private readonly core: WasmCore, private readonly plan: FftResamplePlan, private readonly srIn: number, private readonly srOut: number) {
    this.g = twoStageGeometry(plan, srIn / srOut);
    this.x = new SampleWindow(this.g.lead); // the one-shot call's zeros in front of the signal
  }

  get produced(): number {
    return this.next;
  }

  push(x: Float32Array): Float32Array {
    this.received += x.length;
    this.x.append(x);
    return this.produce(false);
  }

  end(): Float32Array {
    return this.produce(true);
  }

  private produce(final: boolean): Float32Array {
    const { plan, g } = this;
    const total = resampledLength(this.received, this.srIn, this.srOut);
    // Blocks: every block whose input has all arrived, or at the end as many as the one-shot call runs.
    const blocks = final
      ? Math.max(this.blocks, Math.ceil(firstStageLength(plan, g, total) / g.perBlock))
      : Math.max(this.blocks, Math.floor(((this.received + g.lead) * plan.up - plan.n) / g.perBlock) + 1);
    if (blocks > this.blocks) this.runBlocks(blocks, final);
    // Outputs whose interpolator span lies inside the first-stage samples computed so far.
    let last = this.next;
    if (final) {
      last = total;
    } else {
      const have = this.blocks * g.perBlock;
      let k = Math.max(this.next, Math.floor((have - g.zOffset - plan.interpolator.taps - 1) / g.stepZ));
      while (k >= this.next && g.zOffset + g.zIndex(k) + plan.interpolator.taps + 1 > have) k--;
      last = k + 1;
    }
    if (last <= this.next) return new Float32Array(0);
    const out = this.interpolate(this.next, last - this.next);
    this.next = last;
    this.z.dropBefore(g.zOffset + g.zIndex(this.next)); // first-stage samples no later output reads
    return out;
  }

  /** First-stage blocks this.blocks .. blocks - 1, appended to z; input before the next block is dropped. */
  private runBlocks(blocks: number, final: boolean): void {
    const { plan, g, core } = this;
    const from = (this.blocks * g.perBlock) / plan.up; // padded index where the first new block starts
    const end = firstStageInputEnd(plan, g, blocks); // and where the last one's input ends
    const count = blocks - this.blocks;
    this.z.append(core.scratch((alloc) => {
      const xPtr = alloc((end - from) * 4);
      this.x.copyTo(core, xPtr, from, end, final);
      const zPtr = alloc(count * g.perBlock * 4);
      runFirstStage(core, plan, g, alloc, xPtr, zPtr, count);
      return core.readF32(zPtr, count * g.perBlock);
    }));
    this.blocks = blocks;
    this.x.dropBefore((blocks * g.perBlock) / plan.up);
  }

  private interpolate(k0: number, count: number): Float32Array {
    const { core, plan, g, z } = this;
    return core.scratch((alloc) => {
      const zPtr = alloc((z.end - z.first) * 4);
      z.copyTo(core, zPtr, z.first, z.end, false);
      const outPtr = alloc(count * 4);
      runSecondStage(core, plan, g, zPtr, z.first, k0, count, outPtr);
      return core.readF32(outPtr, count);
    });
  }
}
