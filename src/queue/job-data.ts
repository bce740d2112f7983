/**
 * What travels through Redis between a producer (`ser extract|predict --queue`) and `ser worker`:
 * the job's data (one ExtractTask, the code version it must run with, optionally the audio), its
 * result (the pool's per-file result with the vectors as exact float32 bytes) and the `[CODE] reason`
 * form of a failure. BullMQ stores data and results as JSON, so binary parts travel as base64.
 */
import { cacheKey } from '../extract/cache.js';
import type { ExtractResult, ExtractTask } from '../extract/types.js';

/** Version of the job data and result layout below; a worker refuses a job of another. */
export const JOB_FORMAT = 1;

/** Tries per job for errors that may pass (a file briefly unreadable on shared storage, a crashed worker thread). */
export const JOB_ATTEMPTS = 3;
/** Back-off between those tries: 1 s, then 2 s (BullMQ's exponential back-off doubles from `delay`). */
export const JOB_BACKOFF = { type: 'exponential', delay: 1000 } as const;
/**
 * Finished jobs stay in Redis this long, so an interrupted producer's re-run collects them instead of
 * recomputing; BullMQ evicts older ones when later jobs finish (`ser queue clean` removes them at once).
 */
export const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export interface QueueJobData {
  format: typeof JOB_FORMAT;
  task: ExtractTask;
  /** codeVersion() of the producer: a worker running other code would compute other numbers, so it refuses. */
  code: string;
  /** The file's bytes, base64 (`--send-audio`), for workers that cannot read task.path. */
  audio?: string;
}

export interface QueueJobResult {
  format: typeof JOB_FORMAT;
  key: string;
  versions: string[];
  params: Array<Record<string, number>>;
  clipSamples: number;
  /** versions × dim float32 values, little-endian bytes, base64: exact, unlike decimal JSON. */
  vectors: string;
  cacheHit: boolean;
  cacheRecomputed: number;
  /** The `ser worker` that computed it (host:pid). */
  worker: string;
  /** BullMQ's count of times the job was started: more than 1 after a lost worker or a retry. */
  attemptsStarted: number;
}

type OkResult = Extract<ExtractResult, { ok: true }>;

/** BullMQ job id of a task: its cache key (file bytes, recipe, versions, parameters, seed, key, code version), so equal work has one id. */
export function jobIdFor(task: ExtractTask, fileBytes: Uint8Array, code: string): string {
  return `ser-${cacheKey(task, fileBytes, code)}`; // a letter prefix: BullMQ refuses ids that parse as integers
}

export function encodeResult(r: OkResult & { cacheHit?: boolean; cacheRecomputed?: number }, worker: string, attemptsStarted: number): QueueJobResult {
  return {
    format: JOB_FORMAT,
    key: r.key,
    versions: r.versions,
    params: r.params,
    clipSamples: r.clipSamples,
    vectors: Buffer.from(r.vectors.buffer, r.vectors.byteOffset, r.vectors.byteLength).toString('base64'),
    cacheHit: r.cacheHit === true,
    cacheRecomputed: r.cacheRecomputed ?? 0,
    worker,
    attemptsStarted,
  };
}

/** A stored result that does not fit its task: never turned into numbers. */
export class QueueResultError extends Error {
  override readonly name = 'QueueResultError';
}

/**
 * The pool-shaped result of a finished job, after checking it belongs to `task` (key and versions),
 * has versions × dim finite values and one parameter record per version. Throws
 * {@link QueueResultError} naming the file otherwise.
 */
export function decodeResult(value: unknown, task: ExtractTask): OkResult & { meta: Pick<QueueJobResult, 'cacheHit' | 'cacheRecomputed' | 'worker' | 'attemptsStarted'> } {
  const r = value as Partial<QueueJobResult> | null;
  const bad = (why: string) => new QueueResultError(`${task.path}: result from the queue ${why}`);
  if (!r || typeof r !== 'object' || r.format !== JOB_FORMAT) throw bad(`has format ${JSON.stringify(r?.format)}, expected ${JOB_FORMAT}`);
  if (r.key !== task.key) throw bad(`is for '${String(r.key)}'`);
  if (!Array.isArray(r.versions) || r.versions.join(',') !== task.versions.join(',')) throw bad(`has versions ${JSON.stringify(r.versions)}, expected ${task.versions.join(',')}`);
  if (!Array.isArray(r.params) || r.params.length !== r.versions.length) throw bad('has no parameter record per version');
  if (typeof r.vectors !== 'string' || !Number.isInteger(r.clipSamples)) throw bad('lacks vectors or clipSamples');
  const bytes = Buffer.from(r.vectors, 'base64');
  const expected = r.versions.length * task.recipe.vectorLength * 4;
  if (bytes.byteLength !== expected) throw bad(`has ${bytes.byteLength} bytes of vectors, expected ${expected}`);
  const vectors = new Float32Array(bytes.byteLength / 4);
  new Uint8Array(vectors.buffer).set(bytes);
  for (let i = 0; i < vectors.length; i++) if (!Number.isFinite(vectors[i]!)) throw bad(`has a non-finite value at ${i}`);
  return {
    ok: true, key: r.key, versions: r.versions, params: r.params, clipSamples: r.clipSamples!, vectors,
    meta: { cacheHit: r.cacheHit === true, cacheRecomputed: r.cacheRecomputed ?? 0, worker: String(r.worker ?? ''), attemptsStarted: r.attemptsStarted ?? 1 },
  };
}

/** A job failure as BullMQ stores it (job.failedReason): `[CODE] reason`, the form `ser extract` prints skipped files in. */
export function failureReason(code: string, reason: string): string {
  return `[${code}] ${reason}`;
}

/** Reads {@link failureReason} back; a reason in another form (BullMQ's own, e.g. a job stalled too often) is WORKER_FAILED. */
export function parseFailure(failedReason: string | undefined): { code: string; reason: string } {
  const m = /^\[([A-Z0-9_]+)\] ([\s\S]*)$/.exec(failedReason ?? '');
  return m ? { code: m[1]!, reason: m[2]! } : { code: 'WORKER_FAILED', reason: failedReason || 'job failed without a reason' };
}

/**
 * Failures that say something about the worker or its surroundings rather than the audio: a file not
 * readable there, a worker that died or ran other code. A later run tries such a job again; every
 * other code is a verdict on the file's content (the same bytes fail the same way) and is final.
 */
const CIRCUMSTANTIAL = new Set(['READ_FAILED', 'RESAMPLE_FAILED', 'WORKER_FAILED', 'VERSION_MISMATCH', 'BAD_JOB', 'BAD_RESULT']);

export function isFinalFailure(code: string): boolean {
  return !CIRCUMSTANTIAL.has(code);
}

/** Codes a worker retries with back-off within one run (the others fail the job at once). */
export function isRetryable(code: string): boolean {
  return code === 'READ_FAILED' || code === 'WORKER_FAILED';
}
