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
import {
  firstStageInputEnd, firstStageLength, runFirstStage, runSecondStage, twoStageGeometry, type FftResamplePlan, type TwoStageGeometry,
} from './resample-fft.js';

export class TwoStageStream {
  private readonly g: TwoStageGeometry;
  /** Input from padded index xStart on (padded index = input index + lead). */
  private x: Float32Array;
  private xStart = 0;
  /** First-stage output from index zStart on. */
  private z = new Float32Array(0);
  private zStart = 0;
  private blocks = 0;
  private received = 0;
  private next = 0;

  constructor(private readonly core: WasmCore, private readonly plan: FftResamplePlan, private readonly srIn: number, private readonly srOut: number) {
    this.g = twoStageGeometry(plan, srIn / srOut);
    this.x = new Float32Array(this.g.lead); // the one-shot call's zeros in front of the signal
  }

  get produced(): number {
    return this.next;
  }

  push(x: Float32Array): Float32Array {
    this.received += x.length;
    const joined = new Float32Array(this.x.length + x.length);
    joined.set(this.x);
    joined.set(x, this.x.length);
    this.x = joined;
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
    // Drop first-stage samples no later output reads.
    const drop = Math.min(this.z.length, Math.max(0, g.zOffset + g.zIndex(this.next) - this.zStart));
    if (drop > 0) {
      this.z = this.z.slice(drop);
      this.zStart += drop;
    }
    return out;
  }

  /** First-stage blocks this.blocks .. blocks - 1, appended to z; input before the next block is dropped. */
  private runBlocks(blocks: number, final: boolean): void {
    const { plan, g, core } = this;
    const from = (this.blocks * g.perBlock) / plan.up; // padded index where the first new block starts
    const end = firstStageInputEnd(plan, g, blocks); // and where the last one's input ends
    const count = blocks - this.blocks;
    const fresh = core.scratch((alloc) => {
      const xPtr = alloc((end - from) * 4);
      const offset = from - this.xStart;
      if (offset < 0) throw new Error('resampler: internal error, input of a pending block was dropped');
      const have = Math.max(0, Math.min(this.x.length - offset, end - from));
      if (have < end - from && !final) throw new Error('resampler: internal error, block needs input not yet received');
      const base = xPtr >> 2;
      core.f32.set(this.x.subarray(offset, offset + have), base);
      core.f32.fill(0, base + have, base + (end - from));
      const zPtr = alloc(count * g.perBlock * 4);
      runFirstStage(core, plan, g, alloc, xPtr, zPtr, count);
      return core.readF32(zPtr, count * g.perBlock);
    });
    const joined = new Float32Array(this.z.length + fresh.length);
    joined.set(this.z);
    joined.set(fresh, this.z.length);
    this.z = joined;
    this.blocks = blocks;
    const nextFrom = (blocks * g.perBlock) / plan.up;
    const drop = Math.min(this.x.length, Math.max(0, nextFrom - this.xStart));
    this.x = this.x.slice(drop);
    this.xStart += drop;
  }

  private interpolate(k0: number, count: number): Float32Array {
    const { core, plan, g } = this;
    return core.scratch((alloc) => {
      const zPtr = alloc(this.z.length * 4);
      core.writeF32(zPtr, this.z);
      const outPtr = alloc(count * 4);
      runSecondStage(core, plan, g, zPtr, this.zStart, k0, count, outPtr);
      return core.readF32(outPtr, count);
    });
  }
}
