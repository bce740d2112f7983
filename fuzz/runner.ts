/**
 * Runs fuzz cases on worker threads with a per-case time limit. Case i is fully determined by
 * (seed, i) — target and mutations — so any failure is reproduced with
 * `npm run fuzz -- --seed S --from i --cases 1`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { TARGETS, type CaseResult, type TargetName } from './targets.js';
import type { FuzzWorkerData, FuzzWorkerMessage } from './worker.js';

export interface FuzzOptions {
  cases: number;
  seed: number;
  /** First case index (default 0). */
  from?: number;
  /** A case taking longer than this is a hang (default 10 s). */
  timeoutMs?: number;
  /** Worker threads running cases in parallel (default 1). */
  jobs?: number;
  targets?: TargetName[];
  /** Called after every case (progress). */
  onCase?: (r: CaseResult | FailureRecord, done: number) => void;
}

export interface FailureRecord {
  index: number;
  target: TargetName;
  kind: 'untyped' | 'invalid' | 'hang' | 'crash';
  detail: string;
  mutations: string[];
}

export interface TargetTally {
  cases: number;
  valid: number;
  /** Typed errors by class (and AudioError code), e.g. "AudioError NOT_RIFF". */
  typed: Record<string, number>;
  untyped: number;
  invalid: number;
  hangs: number;
  crashes: number;
  /** Slowest case in ms. */
  maxMs: number;
}

export interface FuzzReport {
  seed: number;
  from: number;
  cases: number;
  timeoutMs: number;
  jobs: number;
  seconds: number;
  targets: Partial<Record<TargetName, TargetTally>>;
  failures: FailureRecord[];
}

/** The compiled worker (worker threads need JavaScript; under vitest/tsx it is taken from dist/). */
export function fuzzWorkerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.ts') ? here.replace(/[\\/]fuzz[\\/]runner\.ts$/, '/dist/fuzz/worker.js') : here.replace(/runner\.js$/, 'worker.js');
  if (!existsSync(file)) throw new Error(`fuzz: compiled worker not found at ${file}; run \`npm run build:ts\``);
  return file;
}

const SETUP_TIMEOUT_MS = 120_000;

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const from = opts.from ?? 0;
  const to = from + opts.cases;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, opts.cases || 1));
  const targets = opts.targets ?? [...TARGETS];
  const workerFile = fuzzWorkerFile();
  const started = performance.now();
  const tallies: Partial<Record<TargetName, TargetTally>> = {};
  const failures: FailureRecord[] = [];
  let done = 0;
  const tally = (t: TargetName): TargetTally =>
    (tallies[t] ??= { cases: 0, valid: 0, typed: {}, untyped: 0, invalid: 0, hangs: 0, crashes: 0, maxMs: 0 });
  const targetOf = (i: number): TargetName => targets[i % targets.length]!;

  const record = (r: CaseResult): void => {
    const t = tally(r.target);
    t.cases++;
    t.maxMs = Math.max(t.maxMs, r.ms);
    const o = r.outcome;
    if (o.kind === 'valid') t.valid++;
    else if (o.kind === 'typed') {
      const k = o.code ? `${o.error} ${o.code}` : o.error;
      t.typed[k] = (t.typed[k] ?? 0) + 1;
    } else {
      if (o.kind === 'untyped') t.untyped++;
      else t.invalid++;
      failures.push({ index: r.index, target: r.target, kind: o.kind, detail: o.kind === 'untyped' ? `${o.error}: ${o.message}` : o.message, mutations: r.mutations });
    }
    done++;
    opts.onCase?.(r, done);
  };
  const recordLost = (index: number, kind: 'hang' | 'crash', detail: string): void => {
    const target = targetOf(index);
    const t = tally(target);
    t.cases++;
    if (kind === 'hang') t.hangs++;
    else t.crashes++;
    const f: FailureRecord = { index, target, kind, detail, mutations: [] };
    failures.push(f);
    done++;
    opts.onCase?.(f, done);
  };

  /** Runs indices start, start + step, … < to; restarts a fresh worker after a hang or crash. */
  const runJob = async (start: number, step: number, work: string): Promise<void> => {
    let next = start;
    while (next < to) {
      next = await new Promise<number>((resolve, reject) => {
        const data: FuzzWorkerData = { seed: opts.seed, targets, from: next, to, step, work };
        const worker = new Worker(workerFile, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
        let expected = next;
        let ready = false;
        let settled = false;
        let last = performance.now();
        const finish = (resume: number): void => {
          if (settled) return;
          settled = true;
          clearInterval(timer);
          void worker.terminate().finally(() => resolve(resume));
        };
        const timer = setInterval(() => {
          const limit = ready ? timeoutMs : SETUP_TIMEOUT_MS;
          if (performance.now() - last <= limit) return;
          if (!ready) {
            settled = true;
            clearInterval(timer);
            void worker.terminate();
            reject(new Error(`fuzz: worker setup took over ${limit} ms`));
            return;
          }
          recordLost(expected, 'hang', `no result within ${timeoutMs} ms`);
          finish(expected + step);
        }, Math.min(250, timeoutMs / 4));
        worker.on('message', (m: FuzzWorkerMessage) => {
          last = performance.now();
          if (m.type === 'ready') ready = true;
          else if (m.type === 'result') {
            record(m.result);
            expected = m.result.index + step;
          } else finish(to);
        });
        worker.on('error', (err) => {
          if (settled) return;
          if (!ready) {
            settled = true;
            clearInterval(timer);
            reject(err);
            return;
          }
          recordLost(expected, 'crash', `worker died: ${err.message}`);
          finish(expected + step);
        });
        worker.on('exit', (code) => {
          if (settled) return;
          if (!ready) {
            settled = true;
            clearInterval(timer);
            reject(new Error(`fuzz: worker exited during setup (code ${code})`));
            return;
          }
          recordLost(expected, 'crash', `worker exited with code ${code}`);
          finish(expected + step);
        });
      });
    }
  };

  const root = mkdtempSync(join(tmpdir(), 'ser-fuzz-'));
  try {
    await Promise.all(Array.from({ length: jobs }, (_, j) => runJob(from + j, jobs, join(root, `job${j}`))));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  failures.sort((a, b) => a.index - b.index);
  return { seed: opts.seed, from, cases: opts.cases, timeoutMs, jobs, seconds: (performance.now() - started) / 1000, targets: tallies, failures };
}

/** A Markdown table of the report, one row per target, then the failures (at most `maxFailures`). */
export function formatFuzzReport(r: FuzzReport, maxFailures = 20): string {
  const lines = [
    `fuzz: ${r.cases} cases from ${r.from}, seed ${r.seed}, ${r.timeoutMs} ms per case, ${r.jobs} worker(s), ${r.seconds.toFixed(1)} s`,
    '',
    '| target | cases | valid | typed errors | untyped errors | invalid results | hangs | crashes | slowest case |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  let total: [number, number, number, number, number, number, number] = [0, 0, 0, 0, 0, 0, 0];
  for (const [name, t] of Object.entries(r.targets) as Array<[string, TargetTally]>) {
    const typed = Object.values(t.typed).reduce((a, b) => a + b, 0);
    lines.push(`| ${name} | ${t.cases} | ${t.valid} | ${typed} | ${t.untyped} | ${t.invalid} | ${t.hangs} | ${t.crashes} | ${t.maxMs.toFixed(0)} ms |`);
    total = [total[0] + t.cases, total[1] + t.valid, total[2] + typed, total[3] + t.untyped, total[4] + t.invalid, total[5] + t.hangs, total[6] + t.crashes];
  }
  lines.push(`| **all** | ${total.join(' | ')} | |`);
  lines.push('', 'Typed errors by class (and code):');
  for (const [name, t] of Object.entries(r.targets) as Array<[string, TargetTally]>) {
    const parts = Object.entries(t.typed).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`);
    lines.push(`- ${name}: ${parts.join(', ') || 'none'}`);
  }
  if (r.failures.length) {
    lines.push('', `Failures (${r.failures.length}; reproduce one with --seed ${r.seed} --from INDEX --cases 1):`);
    for (const f of r.failures.slice(0, maxFailures)) lines.push(`- #${f.index} ${f.target} ${f.kind}: ${f.detail} [${f.mutations.join(', ')}]`);
    if (r.failures.length > maxFailures) lines.push(`- … ${r.failures.length - maxFailures} more`);
  } else {
    lines.push('', 'No failures: every case gave a valid result or a typed error.');
  }
  return lines.join('\n');
}
