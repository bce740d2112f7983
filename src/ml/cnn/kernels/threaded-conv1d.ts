/**
 * Conv1D forward, input gradient and filter gradient on the kernel threads
 * (build/train.wasm's GEMM, src/ml/cnn/threads/), one product per image:
 *
 *   forward        Y_b  = X̃_b · W                    X̃_b's rows: windows of the zero-padded image
 *   input grad     dX_b = Ď_b · W′                   Ď_b's rows: windows of dY_b padded by fw − 1
 *                                                    zero rows each side; W′ = W with taps reversed
 *                                                    and [C, O] swapped (the "full" convolution)
 *   filter grad    dW  += X̃_bᵀ · dY_b                over the images in order
 *
 * with W the filter [fw × C × O] read as an [fw·C × O] matrix and windows read
 * in place as overlapping rows (no im2col copy). The input gradient as a
 * full convolution needs no col2im scatter, so every product splits across
 * threads; it needs stride 1 (the only stride tfjs-layers' Conv1D models
 * here use), and other strides go to the single-threaded ser.wasm kernels.
 *
 * Why: the sequence CNN's three convolutions ([64, 128, 128] filters, widths
 * 5/5/3) are its training arithmetic; ser.wasm's kernels for them run on one
 * core. Each call hands a whole batch to the threads at once (sgemmBatch):
 * images are too small (~0.1–0.5 ms each) to pay a ~20 µs hand-off apiece. Operands are small (a batch of activations is ~1.5 MB), so copying
 * them into shared memory costs little against the products.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../../tfjs.js';
import { kernelPoolAvailable, MAX_STAGED_BYTES, Staging } from '../threads/kernel-pool.js';

/** Whether the threaded path takes this Conv1D (NHWC one row high, stride 1, dilation 1, window depth ≥ minDepth) on `backend`. */
export function threadedConv1dApplies(backend: BackendWasm, info: tf.backend_util.Conv2DInfo, minDepth: number): boolean {
  const shapeFits = (
    info.dataFormat === 'channelsLast' && info.inHeight === 1 && info.filterHeight === 1 && info.outHeight === 1 &&
    info.dilationWidth === 1 && info.dilationHeight === 1 && info.strideWidth === 1 &&
    info.padInfo.top === 0 && info.padInfo.bottom === 0 && info.filterWidth * info.inChannels >= minDepth &&
    // every input position's windows lie within dY padded by fw − 1 rows each side (valid and same padding)
    info.inWidth + info.padInfo.left < info.outWidth + info.filterWidth
  );
  // padded input, dY (padded for the input gradient), output and filter, as staged
  const g = geometry(info);
  const bytes = 4 * (g.batch * (g.paddedWidth * g.channels + (g.outWidth + 2 * g.taps) * g.filters + g.inWidth * g.channels) + 2 * g.taps * g.channels * g.filters);
  return shapeFits && bytes <= MAX_STAGED_BYTES && kernelPoolAvailable(backend);
}

interface Geometry {
  batch: number;
  inWidth: number;
  outWidth: number;
  channels: number;
  filters: number;
  taps: number;
  padLeft: number;
  /** Rows of the padded image (enough for every window). */
  paddedWidth: number;
}

function geometry(info: tf.backend_util.Conv2DInfo): Geometry {
  const paddedWidth = Math.max(info.padInfo.left + info.inWidth + info.padInfo.right, info.outWidth - 1 + info.filterWidth);
  return {
    batch: info.batchSize, inWidth: info.inWidth, outWidth: info.outWidth, channels: info.inChannels,
    filters: info.outChannels, taps: info.filterWidth, padLeft: info.padInfo.left, paddedWidth,
  };
}

/**
 * Copies `batch` images of `rows` rows × `cols` floats (contiguous in `src`)
 * into a fresh zeroed block where each image has `paddedRows` rows and starts
 * `lead` rows in: the zero-padded layout every product here reads its
 * windows from. Returns the block's address.
 */
function stagePaddedImages(staging: Staging, src: Float32Array, batch: number, rows: number, paddedRows: number, lead: number, cols: number): number {
  const block = staging.output(batch * paddedRows * cols);
  const view = new Float32Array(staging.pool.memory.buffer, block.ptr, batch * paddedRows * cols);
  view.fill(0);
  const image = rows * cols;
  for (let b = 0; b < batch; b++) view.set(src.subarray(b * image, (b + 1) * image), (b * paddedRows + lead) * cols);
  return block.ptr;
}

/** The input images, padded as the convolution pads them: [batch, paddedWidth, C]. */
function stagePaddedInput(staging: Staging, backend: BackendWasm, x: tf.TensorInfo, g: Geometry): number {
  return stagePaddedImages(staging, backend.typedArrayFromHeap(x) as Float32Array, g.batch, g.inWidth, g.paddedWidth, g.padLeft, g.channels);
}

function readBack(staging: Staging, ptr: number, floats: number, backend: BackendWasm, shape: number[]): tf.TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  staging.copyOut(ptr, out, floats);
  return out;
}

/** Y [batch, 1, outWidth, O]. */
export function conv1dForwardThreaded(backend: BackendWasm, x: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const g = geometry(info);
  return Staging.run(backend, (staging) => {
    const xPtr = stagePaddedInput(staging, backend, x, g);
    const wPtr = staging.input(filter);
    const yFloats = g.batch * g.outWidth * g.filters;
    const y = staging.output(yFloats).ptr;
    staging.pool.sgemmBatch(
      false, false, g.outWidth, g.filters, g.taps * g.channels,
      xPtr, g.channels, g.paddedWidth * g.channels, wPtr, g.filters, 0, y, g.filters, g.outWidth * g.filters,
      g.batch, false,
    );
    return readBack(staging, y, yFloats, backend, info.outShape);
  });
}

/** dX [batch, 1, inWidth, C] from dY [batch, 1, outWidth, O]. */
export function conv1dBackpropInputThreaded(backend: BackendWasm, dy: tf.TensorInfo, filter: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const g = geometry(info);
  const { taps, channels: C, filters: O } = g;
  return Staging.run(backend, (staging) => {
    // Ď_b: fw − 1 zero rows, dY_b, fw − 1 zero rows (rows of O floats).
    const rows = g.outWidth + 2 * (taps - 1);
    const dPad = stagePaddedImages(staging, backend.typedArrayFromHeap(dy) as Float32Array, g.batch, g.outWidth, rows, taps - 1, O);
    // W′[(t′, o), c] = W[fw − 1 − t′, c, o].
    const w = backend.typedArrayFromHeap(filter) as Float32Array;
    const flippedBlock = staging.output(taps * O * C);
    const flipped = new Float32Array(staging.pool.memory.buffer, flippedBlock.ptr, taps * O * C);
    for (let t = 0; t < taps; t++) {
      for (let c = 0; c < C; c++) {
        for (let o = 0; o < O; o++) flipped[((taps - 1 - t) * O + o) * C + c] = w[(t * C + c) * O + o]!;
      }
    }
    const dxFloats = g.batch * g.inWidth * C;
    const dx = staging.output(dxFloats).ptr;
    // Input position q (padded coordinates q + padLeft) gathers dY rows q + padLeft − t, i.e. Ď rows q + padLeft .. + fw − 1.
    staging.pool.sgemmBatch(
      false, false, g.inWidth, C, taps * O,
      dPad + g.padLeft * O * 4, O, rows * O, flippedBlock.ptr, C, 0, dx, C, g.inWidth * C,
      g.batch, false,
    );
    return readBack(staging, dx, dxFloats, backend, info.inShape);
  });
}

/** dW [1, fw, C, O] summed over the batch, images in order. */
export function conv1dBackpropFilterThreaded(backend: BackendWasm, x: tf.TensorInfo, dy: tf.TensorInfo, info: tf.backend_util.Conv2DInfo): tf.TensorInfo {
  const g = geometry(info);
  return Staging.run(backend, (staging) => {
    const xPtr = stagePaddedInput(staging, backend, x, g);
    const dyPtr = staging.input(dy);
    const depth = g.taps * g.channels;
    const dW = staging.output(depth * g.filters).ptr;
    staging.pool.sgemmBatch(
      true, false, depth, g.filters, g.outWidth,
      xPtr, g.channels, g.paddedWidth * g.channels, dyPtr, g.filters, g.outWidth * g.filters, dW, g.filters, 0,
      g.batch, true,
    );
    return readBack(staging, dW, depth * g.filters, backend, info.filterShape);
  });
}
