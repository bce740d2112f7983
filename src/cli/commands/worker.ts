import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { parseQueueUrl } from '../../queue/connection.js';
import { MAX_WORKERS_PER_CORE, maxWorkers } from '../../extract/worker-limits.js';

/** A duration option in milliseconds, at least `min`. */
function parseMillis(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer of at least ${min} ms, got '${value}'`);
    return n;
  };
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('Run extraction jobs from a Redis queue (BullMQ) until stopped: start one per machine, then `ser extract --queue` or `ser predict --queue` anywhere')
    .requiredOption('--queue <url>', 'Redis URL, redis://HOST:PORT (rediss:// for TLS, redis://:PASSWORD@HOST:PORT/DB)', parseQueueUrl)
    .option('--concurrency <n>', 'jobs at once, one pool thread each, 1 to 4 × available cores (default: available cores)', (v) => {
      const n = Number(v);
      if (v.trim() === '' || !Number.isInteger(n) || n < 1 || n > maxWorkers()) {
        throw new InvalidArgumentError(`--concurrency must be an integer from 1 to ${maxWorkers()} (${MAX_WORKERS_PER_CORE} × the available cores), got '${v}'`);
      }
      return n;
    })
    .option('--cache <dir>', 'per-clip cache directory on this machine (a re-delivered or re-submitted file is then not recomputed)', '.ser-cache')
    .option('--no-cache', 'disable the cache')
    .option('--lock-duration <ms>', 'a job whose worker stops renewing its lock this long goes to another worker', parseMillis('--lock-duration', 500), 30_000)
    .option('--stalled-interval <ms>', 'how often this worker looks for jobs whose worker was lost', parseMillis('--stalled-interval', 100), 30_000)
    .option('--verbose', 'one line per job started and finished')
    .addHelpText('after', '\nLogs go to stderr. SIGINT or SIGTERM: finish the active jobs, then exit 0 (a second signal exits at once; its jobs go to other workers when their locks expire).')
    .action(async (o) => {
      const { startQueueWorker } = await import('../../queue/queue-worker.js');
      const log = (line: string) => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
      const worker = await startQueueWorker({
        url: o.queue,
        concurrency: o.concurrency ?? availableParallelism(),
        cacheDir: o.cache === false ? null : resolve(o.cache),
        lockDurationMs: o.lockDuration,
        stalledIntervalMs: o.stalledInterval,
        verbose: o.verbose,
        log,
      });
      await new Promise<void>((done) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          if (stopping) {
            log(`${signal} again: exiting now`);
            process.exit(1);
          }
          stopping = true;
          log(`${signal}: finishing the active jobs, then stopping (${signal} again to exit at once)`);
          worker.close().then(done, (err: Error) => {
            log(`error while stopping: ${err.message}`);
            done();
          });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
