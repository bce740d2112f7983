/**
 * The baseline the training bench compares our kernels with: tfjs-backend-wasm
 * with its own kernels, plus only the one it lacks for training a Conv1D
 * (Conv2DBackpropFilter, our plain-JS loop; no ser.wasm, no threads).
 *
 * Kernel registrations are process-wide, so this runs in its own process
 * (bench/cnn-train.ts --stock-kernels, started by benchStockInChild) and
 * refuses to run where our kernels are already registered.
 */
import * as tf from '../src/ml/tfjs.js';
import { packageVersion, useInstalledWasmBinaries, type BackendInfo } from '../src/ml/cnn/backend.js';
import { conv2dBackpropFilterWasmConfig } from '../src/ml/cnn/kernels/conv2d-backprop-filter.js';
import { SHARED_ADAM_KERNEL } from '../src/ml/cnn/kernels/fused-adam.js';

export async function initStockWasmBackend(log: (line: string) => void): Promise<BackendInfo> {
  if (tf.getKernel(SHARED_ADAM_KERNEL, 'wasm')) {
    throw new Error('stock wasm baseline: our training kernels are already registered in this process (run it in its own process)');
  }
  if (!tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) tf.registerKernel(conv2dBackpropFilterWasmConfig);
  useInstalledWasmBinaries();
  if (!(await tf.setBackend('wasm'))) throw new Error('stock wasm baseline: tfjs-backend-wasm failed to initialise');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const info: BackendInfo = {
    name: 'wasm',
    detail: `tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')}, ${simd ? 'SIMD' : 'no SIMD'}, stock kernels + JS Conv2DBackpropFilter (baseline)`,
  };
  log(`[ser-wasm] TensorFlow.js backend: ${info.name} — ${info.detail}`);
  return info;
}
