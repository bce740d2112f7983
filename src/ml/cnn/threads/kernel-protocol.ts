/**
 * The control block shared by the kernel threads (one SharedArrayBuffer):
 * how the thread that runs tfjs hands a kernel call to the others and waits
 * for them, without messages (a tfjs kernel is a synchronous function, so
 * the caller blocks in Atomics.wait while the others work).
 *
 * Int32 slots: GENERATION is bumped once per call (threads sleep on it),
 * PENDING counts threads still working on the call, OP names the kernel,
 * FAILED is set by a thread whose part threw, ARGS.. hold integer arguments
 * (byte pointers, sizes). Float64 arguments live after the Int32 area.
 */

export const SLOT = {
  GENERATION: 0,
  PENDING: 1,
  OP: 2,
  FAILED: 3,
  READY: 4,
  ARGS: 8,
} as const;

export const INT_ARGS = 24;
export const FLOAT_ARGS = 8;
const INT_BYTES = (SLOT.ARGS + INT_ARGS) * 4;
export const CONTROL_BYTES = INT_BYTES + FLOAT_ARGS * 8;

export function controlViews(buffer: SharedArrayBuffer): { ints: Int32Array; floats: Float64Array } {
  return { ints: new Int32Array(buffer, 0, INT_BYTES / 4), floats: new Float64Array(buffer, INT_BYTES, FLOAT_ARGS) };
}

/** Kernels the threads can run; each takes (…args, part, parts) and computes its own part. */
export const OP = {
  EXIT: 0,
  SGEMM: 1,
  ADAM: 2,
  SGEMM_BATCH: 3,
  CONV_RELU_POOL: 4,
  CONV_RELU_POOL_GRAD: 5,
} as const;

/** What a kernel thread receives at start-up (worker_threads workerData). */
export interface KernelThreadData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  /** This thread's part index (1 … parts − 1; the calling thread is part 0). */
  part: number;
  parts: number;
  /** Byte address of this thread's scratch area. */
  scratch: number;
}

/** Instantiates build/train.wasm on the shared memory (same imports on every thread). */
export function instantiateTrainModule(module: WebAssembly.Module, memory: WebAssembly.Memory): TrainKernels {
  const instance = new WebAssembly.Instance(module, {
    env: {
      memory,
      abort: () => {
        throw new Error('train.wasm aborted');
      },
    },
  });
  return instance.exports as unknown as TrainKernels;
}

/** The exports of build/train.wasm (assembly/train/index.ts). */
export interface TrainKernels {
  heapBase(): number;
  sgemmScratchBytes(): number;
  sgemm(
    transA: number, transB: number, m: number, n: number, k: number,
    a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
    accumulate: number, scratch: number, part: number, parts: number,
  ): void;
  sgemmBatch(
    transA: number, transB: number, m: number, n: number, k: number,
    a: number, lda: number, aStride: number, b: number, ldb: number, bStride: number, c: number, ldc: number, cStride: number,
    count: number, sumIntoC: number, scratch: number, part: number, parts: number,
  ): void;
  adamUpdate(
    x: number, m: number, v: number, g: number, n: number,
    beta1: number, beta2: number, oneMinusBeta1: number, oneMinusBeta2: number,
    epsilon: number, negLearningRate: number, oneMinusAccBeta1: number, oneMinusAccBeta2: number,
    part: number, parts: number,
  ): void;
  convReluPoolWorkBytes(width: number): number;
  convReluPoolPart(
    x: number, w: number, bias: number, y: number, work: number,
    batch: number, width: number, taps: number, channels: number, pool: number, outWidth: number,
    part: number, parts: number,
  ): void;
  convReluPoolGradPart(
    x: number, w: number, bias: number, dy: number, partials: number, work: number,
    batch: number, width: number, taps: number, channels: number, pool: number, outWidth: number,
    part: number, parts: number,
  ): void;
}

/** Runs part `part` of the call described in the control block. */
export function runPart(kernels: TrainKernels, ints: Int32Array, floats: Float64Array, scratch: number, part: number, parts: number): void {
  const a = SLOT.ARGS;
  switch (ints[SLOT.OP]) {
    case OP.SGEMM:
      kernels.sgemm(
        ints[a]!, ints[a + 1]!, ints[a + 2]!, ints[a + 3]!, ints[a + 4]!,
        ints[a + 5]!, ints[a + 6]!, ints[a + 7]!, ints[a + 8]!, ints[a + 9]!, ints[a + 10]!,
        ints[a + 11]!, scratch, part, parts,
      );
      return;
    case OP.SGEMM_BATCH:
      kernels.sgemmBatch(
        ints[a]!, ints[a + 1]!, ints[a + 2]!, ints[a + 3]!, ints[a + 4]!,
        ints[a + 5]!, ints[a + 6]!, ints[a + 7]!, ints[a + 8]!, ints[a + 9]!, ints[a + 10]!, ints[a + 11]!, ints[a + 12]!, ints[a + 13]!,
        ints[a + 14]!, ints[a + 15]!, scratch, part, parts,
      );
      return;
    case OP.ADAM:
      kernels.adamUpdate(
        ints[a]!, ints[a + 1]!, ints[a + 2]!, ints[a + 3]!, ints[a + 4]!,
        floats[0]!, floats[1]!, floats[2]!, floats[3]!, floats[4]!, floats[5]!, floats[6]!, floats[7]!,
        part, parts,
      );
      return;
    case OP.CONV_RELU_POOL:
      kernels.convReluPoolPart(
        ints[a]!, ints[a + 1]!, ints[a + 2]!, ints[a + 3]!, ints[a + 4]!,
        ints[a + 5]!, ints[a + 6]!, ints[a + 7]!, ints[a + 8]!, ints[a + 9]!, ints[a + 10]!,
        part, parts,
      );
      return;
    case OP.CONV_RELU_POOL_GRAD:
      kernels.convReluPoolGradPart(
        ints[a]!, ints[a + 1]!, ints[a + 2]!, ints[a + 3]!, ints[a + 4]!, ints[a + 5]!,
        ints[a + 6]!, ints[a + 7]!, ints[a + 8]!, ints[a + 9]!, ints[a + 10]!, ints[a + 11]!,
        part, parts,
      );
      return;
    default:
      throw new Error(`kernel threads: unknown op ${ints[SLOT.OP]}`);
  }
}
