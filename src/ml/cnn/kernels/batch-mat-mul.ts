/**
 * BatchMatMul for the tfjs WASM backend with fast transposed products.
 *
 * tfjs-backend-wasm 4.22 sends a matmul to XNNPACK only when neither operand
 * is transposed (batch_mat_mul_impl.cc: `!transpose_a && !transpose_b`);
 * otherwise it runs a scalar blocked triple loop. Backprop through a Dense
 * layer needs exactly the transposed forms (dW = xᵀ·dy, dx = dy·Wᵀ), and for
 * the paper's CNN (75,968 → 64) those two products took ~130 ms each per batch
 * of 32 against ~37 ms for the forward product.
 *
 * This wrapper materialises the transposes with the backend's own Transpose
 * kernel and then calls the stock kernel without transpose flags, choosing
 * between C = op(A)·op(B) and C = (op(B)ᵀ·op(A)ᵀ)ᵀ by the number of floats
 * that must be moved (XNNPACK also repacks its right-hand operand on every
 * call, since weights change every step). Only rank-2 products (what Dense
 * layers emit) are rewritten; everything else goes to the stock kernel.
 */
import * as tf from '../../tfjs.js';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap };

function size(t: tf.TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

/** Wraps the stock wasm BatchMatMul (`stock`) with the transpose rewrite. */
export function fastBatchMatMulConfig(stock: tf.KernelConfig): tf.KernelConfig {
  const stockFunc = stock.kernelFunc;
  const transposeKernel = (): tf.KernelFunc => {
    const k = tf.getKernel(tf.Transpose, 'wasm');
    if (!k) throw new Error('tfjs wasm backend has no Transpose kernel');
    return k.kernelFunc;
  };

  const kernelFunc = (args: KernelArgs): tf.TensorInfo => {
    const backend = args.backend as BackendWasm;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
    const rank2 = a.shape.length === 2 && b.shape.length === 2 && a.dtype === 'float32' && b.dtype === 'float32';
    if (!rank2 || (!transposeA && !transposeB)) return stockFunc(args as never) as tf.TensorInfo;

    const t = transposeKernel();
    const temps: tf.TensorInfo[] = [];
    const tr = (x: tf.TensorInfo): tf.TensorInfo => {
      const y = t({ inputs: { x }, backend: backend as never, attrs: { perm: [1, 0] } }) as tf.TensorInfo;
      temps.push(y);
      return y;
    };
    const mm = (x: tf.TensorInfo, y: tf.TensorInfo): tf.TensorInfo =>
      stockFunc({ inputs: { a: x, b: y }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as tf.TensorInfo;

    const outSize = (transposeA ? a.shape[1]! : a.shape[0]!) * (transposeB ? b.shape[0]! : b.shape[1]!);
    // Floats moved: explicit transposes + the right operand XNNPACK packs (+ final transpose when swapped).
    const costDirect = (transposeA ? size(a) : 0) + (transposeB ? size(b) : 0) + size(b);
    const costSwapped = (transposeB ? 0 : size(b)) + (transposeA ? 0 : size(a)) + size(a) + outSize;

    let out: tf.TensorInfo;
    try {
      if (costDirect <= costSwapped) {
        out = mm(transposeA ? tr(a) : a, transposeB ? tr(b) : b);
      } else {
        // (op(B)ᵀ · op(A)ᵀ)ᵀ: op(B)ᵀ is B itself when transposeB, likewise for A.
        const ct = mm(transposeB ? b : tr(b), transposeA ? a : tr(a));
        temps.push(ct);
        out = t({ inputs: { x: ct }, backend: backend as never, attrs: { perm: [1, 0] } }) as tf.TensorInfo;
      }
    } finally {
      for (const tmp of temps) backend.disposeData(tmp.dataId);
    }
    return out;
  };

  return { ...stock, kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
