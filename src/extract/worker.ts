import { Piscina } from 'piscina';
import { takeDamagedEntryCount } from './cache.js';
import { prepareThread, processTask } from './process-task.js';
import type { ExtractResult, ExtractTask } from './types.js';

prepareThread();

/**
 * Piscina worker entry. The WASM module is instantiated once per worker (on its
 * first task, inside processTask) and reused for every later task.
 */
export default async function extractWorker(
  msg: { task: ExtractTask; cacheDir: string | null; audio?: Uint8Array; deferCachePut?: boolean; cacheRun?: string },
): Promise<unknown> {
  const result = await processTask(msg.task, msg.cacheDir, msg.audio, { deferCachePut: msg.deferCachePut, cacheRun: msg.cacheRun });
  // Damaged cache entries met by this task (recomputed, never trusted), for the pool's stats.
  const cacheRecomputed = takeDamagedEntryCount();
  return result.ok ? movable({ ...result, cacheRecomputed }) : { ...result, cacheRecomputed };
}

/**
 * Piscina transfers (rather than structured-clones) what a movable object lists
 * under transferableSymbol, and delivers its valueSymbol: so the vectors' buffer
 * changes owner instead of being copied.
 */
function movable(result: ExtractResult & { ok: true; cacheRecomputed?: number }): unknown {
  return Piscina.move({
    get [Piscina.transferableSymbol]() {
      return [result.vectors.buffer];
    },
    get [Piscina.valueSymbol]() {
      return result;
    },
  } as never);
}
