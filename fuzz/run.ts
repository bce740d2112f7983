/**
 * `npm run fuzz -- --cases 10000 --seed S [--from I] [--timeout-ms 10000] [--jobs 1] [--targets a,b] [--json FILE]`
 *
 * Mutated inputs (byte flips, truncation, extension, insertions, JSON field edits) through the
 * WAV decoder, loadAudio + the paper's features, the feature-table reader and the model bundle
 * reader; see fuzz/targets.ts for what counts as a pass. Exit code 0 when every case passed,
 * 1 when any failed (the failures are listed with their case index), 1 on a usage error.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { formatFuzzReport, runFuzz } from './runner.js';
import { TARGETS, type TargetName } from './targets.js';

const USAGE = `usage: npm run fuzz -- [--cases N] [--seed S] [--from I] [--timeout-ms MS] [--jobs J] [--targets ${TARGETS.join(',')}] [--json FILE]
  --cases N        number of cases (default 1000)
  --seed S         seed, 0 … 2^32 − 1 (default 1); case i depends only on (S, i)
  --from I         first case index (default 0): --from I --cases 1 reproduces case I
  --timeout-ms MS  a case taking longer is a hang (default 10000)
  --jobs J         worker threads (default 1)
  --targets LIST   comma-separated subset of ${TARGETS.join(', ')}
  --json FILE      also write the full report as JSON`;

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        cases: { type: 'string' }, seed: { type: 'string' }, from: { type: 'string' }, 'timeout-ms': { type: 'string' },
        jobs: { type: 'string' }, targets: { type: 'string' }, json: { type: 'string' }, help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    process.stderr.write(`fuzz: ${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let opts;
  try {
    const targets = values.targets ? values.targets.split(',').map((t) => t.trim()) : [...TARGETS];
    const unknown = targets.filter((t) => !(TARGETS as readonly string[]).includes(t));
    if (unknown.length || targets.length === 0) throw new Error(`--targets: unknown ${unknown.join(', ') || '(none)'}; expected some of ${TARGETS.join(', ')}`);
    opts = {
      cases: int('cases', values.cases, 1000, 1, 10_000_000),
      seed: int('seed', values.seed, 1, 0, 0xffffffff),
      from: int('from', values.from, 0, 0, Number.MAX_SAFE_INTEGER),
      timeoutMs: int('timeout-ms', values['timeout-ms'], 10_000, 10, 3_600_000),
      jobs: int('jobs', values.jobs, 1, 1, 64),
      targets: targets as TargetName[],
    };
  } catch (err) {
    process.stderr.write(`fuzz: ${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const every = Math.max(1, Math.floor(opts.cases / 20));
  const report = await runFuzz({
    ...opts,
    onCase: (_r, done) => {
      if (done % every === 0 || done === opts.cases) process.stderr.write(`fuzz: ${done}/${opts.cases}\n`);
    },
  });
  process.stdout.write(`${formatFuzzReport(report)}\n`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify(report, null, 1)}\n`);
  return report.failures.length === 0 ? 0 : 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`fuzz: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
