/**
 * Sum for the tfjs WASM backend with a fast path for reductions over the
 * leading axes (a bias gradient: sum of dy over batch × positions).
 *
 * The stock kernel can only reduce innermost axes, so for axes [0, 1] of the
 * conv output [32, 2374, 64] it first transposes all 4.9 M floats and then
 * reduces (~36 ms per batch). Summing whole rows into a `inner`-long float64
 * accumulator needs no transpose and reads memory in order. Any other
 * reduction goes to the stock kernel.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { WasmCore } from '../../../wasm/core.js';
import { kernelCore } from './kernel-core.js';

type SumRowsF32 = (src: number, rows: number, cols: number, acc: number, out: number) => void;

/** sumLeadingRows in ser.wasm (assembly/sum_rows.ts): the same float64 sums in the same order, SIMD. */
export function sumLeadingRowsWasm(core: WasmCore, x: Float32Array, outer: number, inner: number): Float32Array {
  return core.scratch((alloc) => {
    const src = alloc(outer * inner * 4), acc = alloc(inner * 8), out = alloc(inner * 4);
    core.f32.set(x.subarray(0, outer * inner), src >> 2);
    (core.exports['sumRowsF32'] as SumRowsF32)(src, outer, inner, acc, out);
    return core.readF32(out, inner);
  });
}

/** Sums the leading `outer` rows of a row-major [outer, inner] array. */
export function sumLeadingRows(x: Float32Array, outer: number, inner: number): Float32Array {
  const acc = new Float64Array(inner);
  for (let r = 0; r < outer; r++) {
    const base = r * inner;
    for (let j = 0; j < inner; j++) acc[j]! += x[base + j]!;
  }
  return Float32Array.from(acc);
}

export function fastSumConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as tf.SumAttrs;
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((p, q) => p - q);
    const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
    if (x.dtype !== 'float32' || !leading) return stock.kernelFunc(args as never) as tf.TensorInfo;

    const outer = x.shape.slice(0, axes.length).reduce((p, q) => p * q, 1);
    const innerShape = x.shape.slice(axes.length);
    const inner = innerShape.reduce((p, q) => p * q, 1);
    const values = backend.typedArrayFromHeap(x) as Float32Array;
    const core = kernelCore();
    const sums = core ? sumLeadingRowsWasm(core, values, outer, inner) : sumLeadingRows(values, outer, inner);
    const outShape = keepDims ? [...axes.map(() => 1), ...innerShape] : innerShape;
    const out = backend.makeOutput(outShape, 'float32');
    (backend.typedArrayFromHeap(out) as Float32Array).set(sums);
    return out;
  };
  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
