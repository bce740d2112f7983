/**
 * `--json` output of every `ser` command, in one shape: one JSON object on stdout (progress and
 * messages stay on stderr), whose first two fields name the command and the version of its
 * schema, so scripts can check what they parse:
 *
 *   { "command": "extract", "schemaVersion": 1, ... }
 *
 * A field is only ever added within a schema version; renaming or removing one raises it.
 * The fields of each command are listed in the README ("Machine-readable output").
 * (`ser predict --json` predates this and prints an array of per-file objects.)
 */
export const JSON_SCHEMA_VERSION = 1;

/**
 * Writes `{ command, schemaVersion, ...body }` to stdout with a final newline: one-space indented,
 * or on one line with `compact` (large arrays, e.g. `ser features`).
 */
export function printJson(command: string, body: Record<string, unknown>, opts: { compact?: boolean } = {}): void {
  process.stdout.write(`${JSON.stringify({ command, schemaVersion: JSON_SCHEMA_VERSION, ...body }, null, opts.compact ? undefined : 1)}\n`);
}
