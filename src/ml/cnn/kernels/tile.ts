/**
 * Tile for the tfjs WASM backend, as block copies.
 *
 * Why: tfjs-core's BatchNormalization gradient broadcasts the per-channel
 * scale, mean and variance to the whole activation with tf.tile, and the
 * stock wasm Tile computes a source index per output element: for the
 * sequence CNN ([32, 96, 1, 128] activations, three normalised layers) that
 * was ~40 ms of each ~120 ms training batch (tf.profile, 2-core AMD EPYC).
 *
 * Here each axis, innermost first, is tiled by copying the block already
 * written and doubling it (TypedArray.copyWithin, a memmove), so the cost is
 * that of writing the output once plus one small copy per input row.
 * Output layout and values are exactly the stock kernel's.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type Writable = Float32Array | Int32Array | Uint8Array;

/** Copies out[at ..+ length] `times` times end to end (the first copy is already there). */
function repeatBlock(out: Writable, at: number, length: number, times: number): void {
  const total = length * times;
  for (let written = length; written < total; ) {
    const n = Math.min(written, total - written);
    out.copyWithin(at + written, at, at + n);
    written += n;
  }
}

/** Writes tile(x, reps) into out (row-major, shapes as tfjs: out[i] = x[i mod shape]). */
export function tileInto(x: Writable, shape: readonly number[], reps: readonly number[], out: Writable): void {
  const rank = shape.length;
  if (rank === 0) {
    out.set(x.subarray(0, 1));
    return;
  }
  const outShape = shape.map((s, i) => s * reps[i]!);
  const outStride = new Array<number>(rank);
  const inStride = new Array<number>(rank);
  outStride[rank - 1] = 1;
  inStride[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) {
    outStride[a] = outStride[a + 1]! * outShape[a + 1]!;
    inStride[a] = inStride[a + 1]! * shape[a + 1]!;
  }
  if (outShape.some((s) => s === 0)) return;
  const fill = (outAt: number, inAt: number, axis: number): void => {
    if (axis === rank - 1) {
      out.set(x.subarray(inAt, inAt + shape[axis]!) as never, outAt);
    } else {
      for (let i = 0; i < shape[axis]!; i++) fill(outAt + i * outStride[axis]!, inAt + i * inStride[axis]!, axis + 1);
    }
    // The axis' first copy (shape[axis] rows of the tiled inner axes) is written: repeat it reps[axis] times.
    repeatBlock(out, outAt, shape[axis]! * outStride[axis]!, reps[axis]!);
  };
  fill(0, 0, 0);
}

export function fastTileConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { reps } = args.attrs as unknown as tf.TileAttrs;
    if (x.dtype === 'string' || x.dtype === 'complex64' || reps.length !== x.shape.length) return stock.kernelFunc(args as never) as tf.TensorInfo;
    const out = backend.makeOutput(x.shape.map((s, i) => s * reps[i]!), x.dtype);
    // Views after makeOutput, which may grow (and so detach) the heap.
    tileInto(backend.typedArrayFromHeap(x) as Writable, x.shape, reps, backend.typedArrayFromHeap(out) as Writable);
    return out;
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
