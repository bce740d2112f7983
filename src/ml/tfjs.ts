/**
 * TensorFlow.js as this package uses it, in one place: the `tf` namespace the `@tensorflow/tfjs`
 * umbrella gave (tfjs-core ops and engine, tfjs-layers models, tensor methods such as `x.sub(y)`),
 * without the parts we never load (webgl backend, converter, data, core-js: about 190 MB of
 * node_modules; see CHANGELOG.md). Every module of ser-wasm, its tests, bench, fuzz and demo import
 * `tf` from here.
 *
 * Importing this module registers, as the umbrella did:
 *  - every gradient (tfjs-layers imports tfjs-core's register_all_gradients), so models train;
 *  - the pure-JS 'cpu' backend (@tensorflow/tfjs-backend-cpu), so `tf` works before initBackend;
 *  - the chained tensor methods (`x.add(y)`, `x.reshape(s)`, …) on tfjs-core's Tensor class, which
 *    tfjs-core registers only from an ES-module file that Node cannot load (extensionless imports).
 * Those are side effects: package.json "sideEffects" lists this file so bundlers keep it.
 * The 'wasm' backend and our training kernels are registered by ml/cnn/backend.ts.
 */
import '@tensorflow/tfjs-backend-cpu';
import * as core from '@tensorflow/tfjs-core';
// Types of the chained methods (module augmentation of tfjs-core's Tensor); erased at run time.
import type {} from '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
import { registerReduceGradients } from './gradients/reduce-grads.js';

/** Tensor methods that call the tfjs-core op of the same name with the tensor as first argument. */
const SAME_NAME_METHODS = `
  abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND batchNorm broadcastTo
  cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace depthwiseConv2d dilation2d
  div divNoNan dot elu equal erf euclideanNorm exp expandDims expm1 fft floor floorDiv gather greater greaterEqual
  ifft irfft isFinite isInf isNaN leakyRelu less lessEqual localResponseNormalization log log1p logSigmoid logSoftmax
  logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum mean min minimum mirrorPad mod mul
  neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu relu6 reshape
  reverse rfft round rsqrt selu separableConv2d sigmoid sign sin sinh slice softmax softplus
  spaceToBatchND split sqrt square squaredDifference squeeze step stridedSlice sub sum tan tanh tile topk transpose
  unique unsortedSegmentSum unstack zerosLike
`;

type Op = (...args: unknown[]) => core.Tensor;

function registerChainedOps(): void {
  const proto = core.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = core as unknown as Record<string, Op>;
  const define = (name: string, method: (this: core.Tensor, ...args: any[]) => unknown): void => {
    if (typeof proto[name] === 'function') return; // already there (e.g. the umbrella was loaded too)
    proto[name] = function (this: core.Tensor, ...args: unknown[]) {
      (this as unknown as { throwIfDisposed(): void }).throwIfDisposed();
      return method.apply(this, args);
    };
  };
  for (const name of SAME_NAME_METHODS.split(/\s+/).filter(Boolean)) {
    const op = ops[name];
    if (typeof op !== 'function') throw new Error(`tfjs-core has no op '${name}' for Tensor.prototype.${name}`);
    define(name, function (this: core.Tensor, ...args: unknown[]) {
      return op(this, ...args);
    });
  }
  // The methods whose body is not "same-name op on this" (tfjs-core src/public/chained_ops/*.ts).
  define('asType', function (this: core.Tensor, dtype: core.DataType) { return core.cast(this, dtype); });
  define('as1D', function (this: core.Tensor) { return core.reshape(this, [this.size]); });
  define('as2D', function (this: core.Tensor, a: number, b: number) { return core.reshape(this, [a, b]); });
  define('as3D', function (this: core.Tensor, a: number, b: number, c: number) { return core.reshape(this, [a, b, c]); });
  define('as4D', function (this: core.Tensor, a: number, b: number, c: number, d: number) { return core.reshape(this, [a, b, c, d]); });
  define('as5D', function (this: core.Tensor, a: number, b: number, c: number, d: number, e: number) {
    return core.reshape(this, [a, b, c, d, e]);
  });
  define('asScalar', function (this: core.Tensor) {
    core.util.assert(this.size === 1, () => 'The array must have only 1 element.');
    return core.reshape(this, []);
  });
  define('concat', function (this: core.Tensor, x: core.Tensor | core.Tensor[], axis?: number) {
    return core.concat([this, ...(x instanceof core.Tensor ? [x] : x)], axis);
  });
  define('flatten', function (this: core.Tensor) { return core.reshape(this, [this.size]); });
  define('reshapeAs', function (this: core.Tensor, x: core.Tensor) { return core.reshape(this, x.shape); });
  define('stack', function (this: core.Tensor, x: core.Tensor | core.Tensor[], axis?: number) {
    return core.stack(x instanceof core.Tensor ? [this, x] : [this, ...x], axis);
  });
  define('resizeBilinear', function (this: core.Tensor, ...args: unknown[]) {
    return (core.image.resizeBilinear as unknown as Op)(this, ...args);
  });
  define('resizeNearestNeighbor', function (this: core.Tensor, ...args: unknown[]) {
    return (core.image.resizeNearestNeighbor as unknown as Op)(this, ...args);
  });
  define('toBool', function (this: core.Tensor) { return core.cast(this, 'bool'); });
  define('toFloat', function (this: core.Tensor) { return core.cast(this, 'float32'); });
  define('toInt', function (this: core.Tensor) { return core.cast(this, 'int32'); });
  define('where', function (this: core.Tensor, condition: core.Tensor, x: core.Tensor) { return core.where(condition, this, x); });
}

registerChainedOps();

// After tfjs-layers (imported above) has registered its copy of every gradient.
registerReduceGradients();
