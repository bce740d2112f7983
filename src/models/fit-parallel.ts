/**
 * Ensemble members trained side by side on worker threads, one member per
 * thread at a time (Node only). tfjs-backend-wasm cannot use threads in Node
 * (tfjs issue #3830), so an ensemble is where the cores pay off without
 * touching any kernel: members are independent, and each gets exactly the
 * seed and validation group it would get on one thread (fit-model.ts), so the
 * trained ensemble is the same whatever the thread count.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { memoryReader, type BundleFiles } from './bundle-files.js';
import { loadModelFrom } from './bundle-format.js';
import type { EmotionModel } from './emotion-model.js';
import type { TrainingData } from './fit-model.js';
import type { MemberJob } from './member-worker.js';
import type { MemberSpec } from './model-spec.js';
import type { BatchProgress } from '../ml/cnn/train.js';
import type { ValidationBy } from '../ml/validation-speakers.js';

/** The compiled worker (threads need JavaScript; from TypeScript sources the dist/ build is used). */
export function memberWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const candidate = here.endsWith('.ts')
    ? here.replace(/[\\/]src[\\/]models[\\/]fit-parallel\.ts$/, '/dist/src/models/member-worker.js')
    : here.replace(/fit-parallel\.js$/, 'member-worker.js');
  if (!existsSync(candidate)) throw new Error(`training threads: compiled worker not found at ${candidate}; run \`npm run build\``);
  return candidate;
}

/** A copy of the table whose feature matrix lives in shared memory, so every thread reads the same bytes without a copy. */
function shareData(data: TrainingData): TrainingData {
  const shared = new Float32Array(new SharedArrayBuffer(data.X.byteLength));
  shared.set(data.X);
  return { ...data, X: shared };
}

export interface MemberTask {
  spec: MemberSpec;
  seed: number;
  member: number;
}

/** Trains `tasks` on up to `threads` worker threads; resolves with the members in task order. */
export async function fitMembersOnThreads(
  tasks: MemberTask[],
  data: TrainingData,
  rows: Int32Array,
  opts: {
    threads: number; recipeName?: string; validationSeed: number; validateBy?: ValidationBy; log?: (line: string) => void;
    /** Each member's training progress ('progress' messages of its worker, sent only when this is given). */
    onBatch?: (member: number, progress: BatchProgress) => void;
  },
): Promise<EmotionModel[]> {
  const file = memberWorkerFile();
  const shared = shareData(data);
  const results: Array<EmotionModel | undefined> = new Array(tasks.length);
  let next = 0;
  let failure: Error | null = null;
  const runOne = (task: MemberTask): Promise<void> =>
    new Promise((resolve, reject) => {
      const job: MemberJob = { spec: task.spec, data: shared, rows, seed: task.seed, member: task.member, validationSeed: opts.validationSeed, validateBy: opts.validateBy, recipeName: opts.recipeName, progress: opts.onBatch !== undefined };
      const worker = new Worker(file, { workerData: job });
      let settled = false;
      worker.on('message', (msg: { type: string; line?: string; progress?: BatchProgress; files?: BundleFiles; message?: string }) => {
        if (msg.type === 'log') opts.log?.(`[member ${task.member + 1}] ${msg.line}`);
        else if (msg.type === 'progress') opts.onBatch?.(task.member, msg.progress!);
        else if (msg.type === 'done') {
          settled = true;
          loadModelFrom(memoryReader(msg.files!, `member ${task.member + 1}`))
            .then((m) => {
              results[task.member] = m;
              resolve();
            }, reject)
            .finally(() => void worker.terminate());
        } else if (msg.type === 'error') {
          settled = true;
          void worker.terminate();
          reject(new Error(`training member ${task.member + 1}: ${msg.message}`));
        }
      });
      worker.on('error', (err) => {
        if (!settled) reject(err);
      });
      worker.on('exit', (code) => {
        if (!settled) reject(new Error(`training member ${task.member + 1}: worker exited with code ${code}`));
      });
    });
  const lane = async (): Promise<void> => {
    while (next < tasks.length && !failure) {
      const task = tasks[next++]!;
      try {
        await runOne(task);
      } catch (e) {
        failure ??= e as Error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.threads, tasks.length)) }, lane));
  if (failure) {
    for (const m of results) m?.dispose();
    throw failure;
  }
  return results as EmotionModel[];
}
