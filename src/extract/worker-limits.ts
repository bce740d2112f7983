import { availableParallelism } from 'node:os';

// The bounds of a worker count, apart from the pool itself so that the CLI's option parsing can
// check `--workers` without loading Piscina (and the cache's hashing) on every start.

/** Upper bound of `workers`: this many threads per available core (more only adds memory and contention). */
export const MAX_WORKERS_PER_CORE = 4;

/** The largest accepted `workers` value on this machine: {@link MAX_WORKERS_PER_CORE} × availableParallelism(). */
export function maxWorkers(): number {
  return MAX_WORKERS_PER_CORE * availableParallelism();
}

/** Throws a RangeError naming `workers` unless it is an integer in [0, maxWorkers()]. */
export function checkWorkers(workers: number): number {
  const max = maxWorkers();
  if (!Number.isInteger(workers) || workers < 0 || workers > max) {
    throw new RangeError(`workers must be an integer from 0 to ${max} (${MAX_WORKERS_PER_CORE} × ${availableParallelism()} available cores), got ${workers}`);
  }
  return workers;
}
