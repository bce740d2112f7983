/**
 * Worker-thread entry for training one ensemble member (fit-parallel.ts).
 * Each thread runs its own TensorFlow.js wasm backend and ser.wasm instance;
 * the feature matrix arrives in a SharedArrayBuffer (read-only here), the
 * trained member goes back as bundle files. The member's seed and validation
 * group come from the caller, so the result does not depend on which thread
 * trains it or in which order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../ml/cnn/backend.js';
import { configureKernelThreads } from '../ml/cnn/threads/kernel-pool.js';
import { bundleFilesOf } from './bundle-format.js';
import { fitModel, type TrainingData } from './fit-model.js';
import type { MemberSpec } from './model-spec.js';
import type { ValidationBy } from '../ml/validation-speakers.js';

export interface MemberJob {
  spec: MemberSpec;
  data: TrainingData;
  rows: Int32Array;
  seed: number;
  member: number;
  validationSeed: number;
  validateBy?: ValidationBy;
  recipeName?: string;
  /** Post a 'progress' message after every training batch (FitOptions.onBatch). */
  progress?: boolean;
}

async function main(): Promise<void> {
  const job = workerData as MemberJob;
  // Members already train side by side on the cores: one kernel thread each avoids oversubscribing them.
  configureKernelThreads(1);
  await initBackend('wasm', { log: () => {} });
  const model = await fitModel(job.spec, job.data, job.rows, {
    seed: job.seed,
    member: job.member,
    validationSeed: job.validationSeed,
    validateBy: job.validateBy,
    recipeName: job.recipeName,
    log: (line) => parentPort!.postMessage({ type: 'log', line }),
    onBatch: job.progress ? (_member, progress) => parentPort!.postMessage({ type: 'progress', progress }) : undefined,
  });
  const files = await bundleFilesOf(model);
  model.dispose();
  parentPort!.postMessage({ type: 'done', files });
}

main().catch((err: Error) => parentPort!.postMessage({ type: 'error', message: err.message, stack: err.stack }));
