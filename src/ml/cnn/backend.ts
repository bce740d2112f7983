/**
 * Picks the TensorFlow.js backend for training and inference:
 * tfjs-node (native libtensorflow) when installed, else the WASM backend
 * (XNNPACK, SIMD) with the training kernels it lacks or runs slowly, else the
 * pure-JS cpu backend.
 *
 * tfjs-node is an optional dependency whose install downloads libtensorflow;
 * it is loaded by a dynamic import inside try/catch so its absence is normal.
 * The WASM binaries are read from the installed package directory (resolved
 * through Node's resolver so this works from src/ under tsx and from dist/),
 * never fetched from a CDN.
 */
import * as tf from '../tfjs.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { conv2dBackpropFilterWasmConfig } from './kernels/conv2d-backprop-filter.js';
import { loadWasmCore } from '../../wasm/load-node.js';
import { fastBatchMatMulConfig } from './kernels/batch-mat-mul.js';
import { fastMaxPoolGradConfig } from './kernels/max-pool-grad.js';
import { fastSumConfig } from './kernels/sum.js';
import { sharedIdentityConfig } from './kernels/identity.js';
import { conv1dBackpropInputConfig, conv1dForwardConfig } from './kernels/conv1d.js';
import { fusedAdamWasmConfig, FUSED_ADAM_KERNEL, SHARED_ADAM_KERNEL, sharedAdamWasmConfig } from './kernels/fused-adam.js';
import { threadedBatchMatMulConfig, threadedFusedMatMulConfig } from './kernels/threaded-mat-mul.js';
import { kernelThreadCount, provideKernelThreads } from './threads/kernel-pool.js';
import { defaultKernelThreads, KernelThreads } from './threads/kernel-threads.js';
import { useKernelCore } from './kernels/kernel-core.js';
import { fastTileConfig } from './kernels/tile.js';
import { fastGatherConfig } from './kernels/gather.js';
import { CONV_RELU_POOL_KERNEL, convReluPoolGradConfig, convReluPoolGradWasmConfig, convReluPoolWasmConfig } from './kernels/conv-relu-pool.js';
import { BATCH_NORM_TRAIN_KERNEL, batchNormTrainGradConfig, batchNormTrainGradWasmConfig, batchNormTrainWasmConfig } from './kernels/batch-norm-train.js';

export type BackendPreference = 'node' | 'wasm' | 'cpu';

export interface BackendInfo {
  /** tfjs backend name actually active: 'tensorflow' (tfjs-node), 'wasm' or 'cpu'. */
  name: string;
  /** Human-readable description (package version, SIMD, extra kernels, why a fallback happened). */
  detail: string;
}

const require = createRequire(import.meta.url);

/** Kernels this module adds to or replaces in the wasm backend (see src/ml/cnn/kernels/). */
export const WASM_KERNELS_ADDED = ['Conv2DBackpropFilter', FUSED_ADAM_KERNEL, SHARED_ADAM_KERNEL, CONV_RELU_POOL_KERNEL, BATCH_NORM_TRAIN_KERNEL] as const;
export const WASM_KERNELS_REPLACED = ['BatchMatMul', '_FusedMatMul (linear/relu)', 'MaxPoolGrad', 'Sum', 'Identity', 'Tile', 'GatherV2', 'Conv2D (Conv1D shapes)', 'Conv2DBackpropInput (Conv1D shapes)'] as const;

/**
 * Registers the training kernels on the 'wasm' backend. Idempotent (tfjs'
 * kernel registry says whether they are there). Must run before the wasm
 * backend is first initialised so the stock setup functions kept in the
 * replacement configs run with it (initBackend takes care of this).
 */
export function registerWasmTrainingKernels(): void {
  if (tf.getKernel(SHARED_ADAM_KERNEL, 'wasm')) return;
  provideKernelThreads({ create: (threads, isLive) => new KernelThreads(threads, isLive), defaultThreads: defaultKernelThreads });
  if (!tf.getKernel(tf.Conv2DBackpropFilter, 'wasm')) tf.registerKernel(conv2dBackpropFilterWasmConfig);
  if (!tf.getKernel(FUSED_ADAM_KERNEL, 'wasm')) tf.registerKernel(fusedAdamWasmConfig); // used by FusedAdamOptimizer
  // The paper CNN's first Conv1D + pool while training (fuse-conv-pool.ts).
  if (!tf.getKernel(CONV_RELU_POOL_KERNEL, 'wasm')) {
    tf.registerKernel(convReluPoolWasmConfig);
    tf.registerKernel(convReluPoolGradWasmConfig);
  }
  if (!tf.getGradient(CONV_RELU_POOL_KERNEL)) tf.registerGradient(convReluPoolGradConfig);
  // Batch normalisation layers while training (fuse-batch-norm.ts).
  if (!tf.getKernel(BATCH_NORM_TRAIN_KERNEL, 'wasm')) {
    tf.registerKernel(batchNormTrainWasmConfig);
    tf.registerKernel(batchNormTrainGradWasmConfig);
  }
  if (!tf.getGradient(BATCH_NORM_TRAIN_KERNEL)) tf.registerGradient(batchNormTrainGradConfig);
  const replace = (name: string, wrap: (stock: tf.KernelConfig) => tf.KernelConfig): void => {
    const stock = tf.getKernel(name, 'wasm');
    if (!stock) throw new Error(`tfjs-backend-wasm has no stock '${name}' kernel to replace`);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(wrap(stock));
  };
  replace(tf.BatchMatMul, (stock) => threadedBatchMatMulConfig(fastBatchMatMulConfig(stock)));
  replace(tf._FusedMatMul, threadedFusedMatMulConfig);
  replace(tf.MaxPoolGrad, fastMaxPoolGradConfig);
  replace(tf.Sum, fastSumConfig);
  replace(tf.Identity, sharedIdentityConfig);
  replace(tf.Tile, fastTileConfig);
  replace(tf.GatherV2, fastGatherConfig);
  replace(tf.Conv2D, conv1dForwardConfig);
  replace(tf.Conv2DBackpropInput, conv1dBackpropInputConfig);
  tf.registerKernel(sharedAdamWasmConfig); // last: its presence marks the whole set as registered
}

/** The installed version of `pkg` ('?' when it cannot be read). */
export function packageVersion(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return '?';
  }
}

async function tryNode(): Promise<BackendInfo | string> {
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const specifier = '@tensorflow/tfjs-node';
    await import(specifier);
    if (!(await tf.setBackend('tensorflow'))) return 'tfjs-node loaded but its backend failed to initialise';
    return { name: 'tensorflow', detail: `tfjs-node ${packageVersion('@tensorflow/tfjs-node')} (native libtensorflow)` };
  } catch (e) {
    return `tfjs-node unavailable (${(e as Error).message.split('\n')[0]})`;
  }
}

/**
 * Points tfjs-backend-wasm at its binaries in the installed package (never a
 * CDN). Harmless to repeat; read when the backend initialises.
 */
export function useInstalledWasmBinaries(): void {
  // Trailing separator: tfjs concatenates prefix + file name.
  setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
}

async function tryWasm(): Promise<BackendInfo | string> {
  try {
    registerWasmTrainingKernels();
    useInstalledWasmBinaries();
    if (!(await tf.setBackend('wasm'))) return 'tfjs-backend-wasm failed to initialise';
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    // Our own module (build/ser.wasm) runs the single-threaded training kernels when present and current.
    let serWasm = 'ser.wasm absent: Conv2DBackpropFilter, MaxPoolGrad and Sum in JS, Conv1D stock';
    try {
      if (useKernelCore(await loadWasmCore())) {
        serWasm = 'Conv1D filter gradient, forward and input gradient (small shapes), MaxPoolGrad (1-D pools) and leading-axis Sum via ser.wasm SIMD';
      } else {
        serWasm = 'ser.wasm lacks training kernels (rebuild with npm run build:wasm): Conv2DBackpropFilter, MaxPoolGrad and Sum in JS, Conv1D stock';
      }
    } catch {
      useKernelCore(null);
    }
    return {
      name: 'wasm',
      detail:
        `tfjs-backend-wasm ${packageVersion('@tensorflow/tfjs-backend-wasm')}, ${simd ? 'SIMD' : 'no SIMD'}, ` +
        `added ${WASM_KERNELS_ADDED.join(', ')}; faster ${WASM_KERNELS_REPLACED.join(', ')}; ${serWasm}; ` +
        `large matrix products, Conv1D and Adam on ${kernelThreadCount()} kernel thread(s) (train.wasm, started on first use)`,
    };
  } catch (e) {
    return `tfjs-backend-wasm unavailable (${(e as Error).message})`;
  }
}

async function useCpu(): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  return { name: 'cpu', detail: `tfjs-backend-cpu ${packageVersion('@tensorflow/tfjs-backend-cpu')} (pure JS)` };
}

/**
 * Activates the best available backend, starting from `preferred`
 * (default order node → wasm → cpu; 'wasm' skips node; 'cpu' forces cpu),
 * logs which one runs, and returns its name and a description.
 */
export async function initBackend(
  preferred: BackendPreference = 'node',
  opts: {
    log?: (message: string) => void;
  } = {},
): Promise<BackendInfo> {
  if (preferred !== 'node' && preferred !== 'wasm' && preferred !== 'cpu') {
    throw new TypeError(`initBackend: preferred must be 'node', 'wasm' or 'cpu', got ${String(preferred)}`);
  }
  // stderr by default: stdout carries results (tables, JSON) that must stay parseable.
  const log = opts.log ?? ((m: string) => void process.stderr.write(`${m}\n`));
  const reasons: string[] = [];
  let info: BackendInfo | undefined;
  if (preferred === 'node') {
    const r = await tryNode();
    if (typeof r === 'string') reasons.push(r);
    else info = r;
  }
  if (!info && preferred !== 'cpu') {
    const r = await tryWasm();
    if (typeof r === 'string') reasons.push(r);
    else info = r;
  }
  info ??= await useCpu();
  if (reasons.length) info = { ...info, detail: `${info.detail}; ${reasons.join('; ')}` };
  await tf.ready();
  log(`[ser-wasm] TensorFlow.js backend: ${info.name} — ${info.detail}`);
  return info;
}
