/**
 * Fuzz worker thread: builds a FuzzHarness, then runs cases from, from + step, … below `to`,
 * posting one message per case. The runner watches the gaps between messages (a hang) and the
 * thread's exit (a crash) and restarts a fresh worker after the offending case.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FuzzHarness, type TargetName } from './targets.js';

export interface FuzzWorkerData {
  seed: number;
  targets: TargetName[];
  from: number;
  to: number;
  step: number;
  work: string;
}

export type FuzzWorkerMessage =
  | { type: 'ready' }
  | { type: 'result'; result: import('./targets.js').CaseResult }
  | { type: 'done' };

const data = workerData as FuzzWorkerData;
const port = parentPort!;
const harness = await FuzzHarness.create(data.work);
port.postMessage({ type: 'ready' } satisfies FuzzWorkerMessage);
for (let i = data.from; i < data.to; i += data.step) {
  const result = await harness.run(data.seed, i, data.targets);
  port.postMessage({ type: 'result', result } satisfies FuzzWorkerMessage);
}
port.postMessage({ type: 'done' } satisfies FuzzWorkerMessage);
