import { readFileSync } from 'node:fs';
import { isAudioError } from '../audio/errors.js';
import { loadAudioBytes, type Resampler } from '../audio/load.js';
import { augmentClipVersions, type AppliedAugmentation, augmentationSeed } from '../augment/index.js';
import { DspError } from '../dsp/errors.js';
import { featureVector, isSequenceRecipe, recipeLoadOptions } from '../features/feature-recipe.js';
import type { FrameFeatures } from '../features/frame-features.js';
import { assemblePaperVector, recipeFrameOptions } from '../features/paper-vector.js';
import type { WasmStftPlanes } from '../wasm/stft-planes.js';
import { TOOL_VERSION } from '../version.js';
import { createWasmAugmentBackend } from '../wasm/augment.js';
import { createWasmDsp, type WasmDsp } from '../wasm/dsp.js';
import { loadWasmCore, wasmPath } from '../wasm/load-node.js';
import { wasmResampler } from '../wasm/resample.js';
import type { AugmentBackend } from '../augment/index.js';
import { cacheKey, codeVersion, FeatureCache } from './cache.js';
import type { DrawnParams, ExtractResult, ExtractTask } from './types.js';


interface ThreadContext {
  dsp: WasmDsp;
  augment: AugmentBackend;
  resampler: Resampler;
}

// One WASM instance per thread, created on the first task and kept: worker
// start-up cost is paid once, not per file.
let context: Promise<ThreadContext> | undefined;
const caches = new Map<string, { run: string | undefined; cache: FeatureCache }>();

/**
 * Starts this thread's WASM instance now rather than on the first task (a worker calls it as it
 * loads, so the instance is ready by the time the first file arrives).
 */
export function prepareThread(): void {
  threadContext().catch(() => {}); // a failure surfaces again, with its task, on first use
}

function threadContext(): Promise<ThreadContext> {
  context ??= (async () => {
    const core = await loadWasmCore();
    return {
      dsp: await createWasmDsp(core),
      augment: createWasmAugmentBackend(core),
      resampler: wasmResampler(core),
    };
  })();
  return context;
}

/**
 * One clip → one feature vector per requested version. Per-file problems
 * (unreadable, malformed, too short, NaN samples…) come back as `ok: false`
 * with a code and a reason rather than as exceptions, so the batch goes on.
 * `audio`, when given, is the file's bytes (a queue job that carries them), read instead of task.path.
 * With `deferCachePut`, a computed result is not written to the cache here but returned with its
 * `cacheKey`, for the caller to write (the pool does it from its main thread). `cacheRun` names
 * the run the task belongs to: the first task of a new run re-reads the cache's packs (entries
 * written since, by this process or another, become visible); without it one view is kept.
 */
export async function processTask(
  task: ExtractTask, cacheDir: string | null, audio?: Uint8Array, opts: { deferCachePut?: boolean; cacheRun?: string } = {},
): Promise<ExtractResult & { cacheHit?: boolean; cacheKey?: string }> {
  let bytes: Uint8Array;
  if (audio) {
    bytes = audio; // shipped with the job (`--send-audio`): this machine may not see task.path
  } else {
    try {
      // Synchronous: a ~0.4 MB read from the page cache costs less than the four thread-pool round
      // trips (open, fstat, read, close) of the promise API, and this thread only computes anyway.
      bytes = readFileSync(task.path);
    } catch (err) {
      return { ok: false, key: task.key, code: 'READ_FAILED', reason: `${task.path}: ${(err as Error).message}` };
    }
  }
  const cache = cacheDir ? cacheFor(cacheDir, opts.cacheRun) : null;
  const hash = cache ? cacheKey(task, bytes, codeVersion(wasmPath(), TOOL_VERSION)) : '';
  const hit = cache?.get(hash);
  if (hit) return { ...hit, cacheHit: true };

  try {
    const ctx = await threadContext();
    const { recipe } = task;
    const { y } = await loadAudioBytes(bytes, { file: task.path, ...recipeLoadOptions(recipe), resampler: ctx.resampler });
    const dim = recipe.vectorLength;
    const vectors = new Float32Array(task.versions.length * dim);
    const params: DrawnParams[] = [];
    // Every version at once: the stretch and pitch versions share one STFT of the clip, and with
    // the paper's features the original's MFCCs reuse it too (the same numbers, no forward FFTs).
    const seeds = task.versions.map((version) => augmentationSeed(task.seed, task.key, version));
    const original = task.versions.indexOf('original');
    const plan = original >= 0 && !isSequenceRecipe(recipe) ? ctx.dsp.planFrameFeatures(y.length, recipeFrameOptions(recipe)) : null;
    let originalFrames: FrameFeatures | null = null;
    const onAnalysis = plan ? (stft: unknown) => (originalFrames = ctx.dsp.frameFeaturesFromStft(stft as WasmStftPlanes, plan)) : undefined;
    augmentClipVersions(task.versions, y, recipe.sr, seeds, task.augmentParams, ctx.augment, { onAnalysis }).forEach(({ y: yv, applied }, v) => {
      const vector = v === original && originalFrames
        ? assemblePaperVector(originalFrames, recipe.vectorLength)
        : featureVector(ctx.dsp, yv, recipe);
      vectors.set(vector, v * dim);
      params.push(drawn(applied));
    });
    const result = { ok: true as const, key: task.key, vectors, versions: task.versions.slice(), params, clipSamples: y.length };
    if (cache && opts.deferCachePut) return { ...result, cacheKey: hash };
    cache?.put(hash, result);
    return result;
  } catch (err) {
    if (isAudioError(err)) return { ok: false, key: task.key, code: err.code, reason: err.message };
    if (err instanceof DspError) return { ok: false, key: task.key, code: 'DSP_ERROR', reason: `${task.path}: ${err.message}` };
    throw err; // a bug, not bad input: let the pool's retry/report machinery see it
  }
}

function cacheFor(dir: string, run: string | undefined): FeatureCache {
  const held = caches.get(dir);
  if (held && held.run === run) return held.cache;
  held?.cache.close();
  const cache = new FeatureCache(dir);
  caches.set(dir, { run, cache });
  return cache;
}

function drawn(applied: AppliedAugmentation): DrawnParams {
  const out: DrawnParams = { seed: applied.seed };
  for (const k of ['noiseFactor', 'shiftSamples', 'rate', 'nSteps'] as const) {
    if (applied[k] !== undefined) out[k] = applied[k]!;
  }
  return out;
}
