import { InvalidArgumentError } from 'commander';
import { MAX_WORKERS_PER_CORE, maxWorkers } from '../extract/worker-limits.js';

/** Commander option parser for integers, with a message that names the bad value. */
export function parseIntOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError(`'${value}' is not an integer`);
  return n;
}

export function parseFloatOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`'${value}' is not a number`);
  return n;
}

/** Seeds are unsigned 32-bit (xoshiro128** state is seeded from a uint32): 0 … 2^32 − 1, nothing that would wrap. */
export function parseSeedOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new InvalidArgumentError(`--seed must be an integer from 0 to 4294967295 (2^32 − 1), got '${value}'`);
  }
  return n;
}

/** --workers: an integer from 0 (run on the main thread) to {@link maxWorkers} (4 × available cores). */
export function parseWorkersOption(value: string): number {
  const n = Number(value);
  const max = maxWorkers();
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > max) {
    throw new InvalidArgumentError(
      `--workers must be an integer from 0 to ${max} (${MAX_WORKERS_PER_CORE} × the available cores; 0 = run on this thread), got '${value}'`,
    );
  }
  return n;
}

/** A path option that must name something: '' (or blanks) would silently mean the current folder. */
export function parsePathOption(name: string) {
  return (value: string): string => {
    if (value.trim() === '') throw new InvalidArgumentError(`${name} must not be empty`);
    return value;
  };
}

/**
 * Base path of a feature table from `--out`: `x`, `x.csv`, `x.bin`, `x.json` and `x.parquet` all
 * name the table x.{csv,bin,json,parquet} (so `--out x.bin` does not write x.bin.bin). Refuses an
 * empty name and a name that is only a folder.
 */
export function featureTableBase(out: string): string {
  const base = out.replace(/\.(csv|bin|json|parquet)$/i, '');
  if (out.trim() === '' || base === '' || /[\\/]$/.test(base) || /(^|[\\/])\.{1,2}$/.test(base)) {
    throw new InvalidArgumentError(`--out must name a file (e.g. features.csv), got '${out}'`);
  }
  return base;
}
