/**
 * A kernel thread: instantiates build/train.wasm on the shared memory, then
 * sleeps on the control block's generation counter and computes its part of
 * each call (see kernel-protocol.ts). It never uses its event loop after
 * start-up, so the owning process unrefs it and exits without shutting it down.
 */
import { workerData } from 'node:worker_threads';
import { controlViews, instantiateTrainModule, OP, runPart, SLOT, type KernelThreadData } from './kernel-protocol.js';

const data = workerData as KernelThreadData;
const kernels = instantiateTrainModule(data.module, data.memory);
const { ints, floats } = controlViews(data.control);

let seen = Atomics.load(ints, SLOT.GENERATION);
Atomics.add(ints, SLOT.READY, 1);
Atomics.notify(ints, SLOT.READY);
for (;;) {
  Atomics.wait(ints, SLOT.GENERATION, seen);
  seen = Atomics.load(ints, SLOT.GENERATION);
  if (ints[SLOT.OP] === OP.EXIT) break;
  try {
    runPart(kernels, ints, floats, data.scratch, data.part, data.parts);
  } catch (e) {
    Atomics.store(ints, SLOT.FAILED, data.part);
    process.stderr.write(`[ser-wasm] kernel thread ${data.part} failed: ${(e as Error).message}\n`);
  }
  if (Atomics.sub(ints, SLOT.PENDING, 1) === 1) Atomics.notify(ints, SLOT.PENDING);
}
