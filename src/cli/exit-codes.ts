/**
 * Exit codes of every `ser` command, in one place:
 *   0  everything asked for was done;
 *   1  usage error (bad option, missing argument) or a fatal error: nothing (complete) was produced;
 *   2  done, but some inputs were skipped (each is listed on stderr with its reason).
 * A non-finite result (NaN) is never reported as a success.
 *
 * Commands call {@link setExitCode} rather than process.exit(), so output streams flush and a
 * more severe code set earlier is never overwritten by a milder one (1 outranks 2 outranks 0).
 */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_PARTIAL = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILURE | typeof EXIT_PARTIAL;

const SEVERITY: Record<ExitCode, number> = { [EXIT_OK]: 0, [EXIT_PARTIAL]: 1, [EXIT_FAILURE]: 2 };

/** Raises process.exitCode to `code` unless a more severe code is already set. */
export function setExitCode(code: ExitCode): void {
  const current = (process.exitCode ?? EXIT_OK) as ExitCode;
  const currentSeverity = SEVERITY[current] ?? SEVERITY[EXIT_FAILURE];
  if (SEVERITY[code] > currentSeverity) process.exitCode = code;
}

/** `ser --help` epilogue (also the README's "Exit codes" section). */
export const EXIT_CODES_HELP = `
Exit codes:
  0  everything done
  1  usage error or fatal error (nothing complete was written)
  2  done, but some inputs were skipped (each is listed on stderr with its reason)`;
