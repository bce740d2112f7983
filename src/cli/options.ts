import { InvalidArgumentError } from 'commander';

/** Commander option parser for integers, with a message that names the bad value. */
export function parseIntOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`'${value}' is not an integer`);
  return n;
}

export function parseFloatOption(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n)) throw new InvalidArgumentError(`'${value}' is not a number`);
  return n;
}
