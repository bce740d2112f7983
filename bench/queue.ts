/**
 * `node dist/bench/queue.js [--data DIR] [--actors Actor_01,Actor_02,…] [--out FILE]`
 *
 * Throughput of `ser extract --queue` with 1, 2 and 3 local `ser worker` processes (one job at a
 * time each) against the local pool (`ser extract --workers 1` and `--workers 2`) on the same
 * RAVDESS actors, every run without the per-clip cache, the paper augmentation (5 versions per
 * file). Each queue run starts from an empty queue on a private redis-server and its table must
 * equal the local one byte for byte (checked, not assumed). Prints a Markdown table with the
 * machine and its load average (before and after: the machine may be shared) and writes the raw
 * numbers to bench/results-queue.json (or --out).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { corpusSubset } from './cli-extract.js';
import { packageRoot } from './package-root.js';
import { RedisServer } from './redis-server.js';
import { killLeftovers, SerProcess } from './ser-process.js';

interface QueueBenchRow {
  setup: string;
  /** Extraction threads in total (pool threads, or workers × 1 job each). */
  threads: number;
  files: number;
  /** Spawn of the extract command to its exit (worker start-up excluded: they wait for jobs beforehand). */
  wallSeconds: number;
  /** The command's own "in X s" (pool, or queue: hashing, submitting, waiting for every result). */
  runSeconds: number;
  filesPerSec: number;
  sameTable: boolean;
}

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** Runs one `ser extract`, returns its row; throws with its stderr if it fails. */
async function timedExtract(setup: string, threads: number, args: string[], out: string, reference?: Buffer): Promise<QueueBenchRow> {
  const t0 = performance.now();
  const p = new SerProcess(['extract', ...args, '--out', out, '--no-cache', '--no-csv', '--quiet', '--json']);
  const code = await p.exited;
  const wallSeconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`bench: ${setup}: ser extract exited with ${code}: ${p.stderr.trim()}`);
  const { files, seconds } = JSON.parse(p.stdout) as { files: number; seconds: number };
  const bin = readFileSync(`${out}.bin`);
  return { setup, threads, files, wallSeconds, runSeconds: seconds, filesPerSec: files / seconds, sameTable: reference ? bin.equals(reference) : true };
}

async function main(): Promise<void> {
  const ravdess = option('--data', '/work/shared/data/ravdess');
  const actors = option('--actors', 'Actor_01,Actor_02,Actor_03,Actor_04').split(',');
  const outFile = option('--out', join(packageRoot(), 'bench', 'results-queue.json'));
  const corpus = corpusSubset(ravdess, actors);
  const tmp = mkdtempSync(join(process.env.TMPDIR ?? '/tmp', 'ser-bench-queue-'));
  const loadStart = loadavg();
  const log = (line: string) => void process.stderr.write(`${line}\n`);
  const rows: QueueBenchRow[] = [];
  const redis = await RedisServer.start();
  try {
    log(`corpus: ${corpus.files} files of ${actors.join(', ')}; redis-server on ${redis.url}`);
    for (const threads of [1, 2]) {
      log(`local pool, ${threads} thread(s)`);
      rows.push(await timedExtract(`local pool (ser extract --workers ${threads})`, threads, ['--data', corpus.dir, '--workers', String(threads)], join(tmp, `local${threads}`)));
    }
    const reference = readFileSync(join(tmp, 'local1.bin'));
    rows.forEach((r) => (r.sameTable = readFileSync(join(tmp, `local${r.threads}.bin`)).equals(reference)));
    for (const n of [1, 2, 3]) {
      // An empty queue each time: a fresh server keeps earlier runs' results from being reused.
      await redis.restart();
      const workers = Array.from({ length: n }, () => new SerProcess(['worker', '--queue', redis.url, '--concurrency', '1', '--no-cache']));
      await Promise.all(workers.map((w) => w.waitForStderr(/job\(s\) at a time/)));
      log(`queue, ${n} worker(s)`);
      rows.push(await timedExtract(`queue, ${n} × ser worker --concurrency 1`, n, ['--data', corpus.dir, '--queue', redis.url], join(tmp, `queue${n}`), reference));
      for (const w of workers) w.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exited));
    }
  } finally {
    await killLeftovers();
    await redis.stop();
    corpus.remove();
    rmSync(tmp, { recursive: true, force: true });
  }
  const machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, node: process.version, os: `${platform()} ${release()}`,
    loadAverageStart: loadStart, loadAverageEnd: loadavg(), date: new Date().toISOString(),
  };
  writeFileSync(outFile, `${JSON.stringify({ machine, actors, rows }, null, 1)}\n`);
  const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  process.stdout.write(
    `${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, ${machine.os}; ${machine.date}. ` +
      `Load average ${fmt(machine.loadAverageStart)} at start, ${fmt(machine.loadAverageEnd)} at end.\n\n` +
      `${actors.join(', ')}: ${rows[0]!.files} files, paper augmentation (5 versions each), no cache, binary table only.\n\n` +
      '| setup | extraction threads | files/s | run (s) | wall (s) | table equals local |\n|---|---:|---:|---:|---:|---|\n' +
      rows.map((r) => `| ${r.setup} | ${r.threads} | ${r.filesPerSec.toFixed(1)} | ${r.runSeconds.toFixed(2)} | ${r.wallSeconds.toFixed(2)} | ${r.sameTable ? 'yes' : 'NO'} |`).join('\n') +
      '\n',
  );
  if (rows.some((r) => !r.sameTable)) process.exitCode = 1;
}

main().catch((err: Error) => {
  process.stderr.write(`bench/queue: ${err.message}\n`);
  process.exitCode = 1;
});
