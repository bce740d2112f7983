import type { Command } from 'commander';
import { parseQueueUrl } from '../../queue/connection.js';
import { printJson } from '../json-output.js';
import { parseIntOption } from '../options.js';

export function registerQueue(program: Command): void {
  const queue = program.command('queue').description('Inspect or tidy the Redis job queue of `ser worker`');
  queue
    .command('status <url>')
    .description('Jobs waiting, active, delayed (for a retry), completed and failed; connected workers; the latest failures')
    .option('--failed <n>', 'how many of the latest failed jobs to list', parseIntOption, 10)
    .option('--json', 'print the status as JSON')
    .action(async (url: string, o) => {
      const { queueStatus } = await import('../../queue/status.js');
      const s = await queueStatus(parseQueueUrl(url), Math.max(0, o.failed));
      if (o.json) {
        printJson('queue status', { ok: true, ...s });
        return;
      }
      const c = s.counts;
      process.stdout.write(`queue '${s.queue}' at ${s.url}\n`);
      process.stdout.write(`waiting ${c.waiting}, active ${c.active}, delayed ${c.delayed}, completed ${c.completed}, failed ${c.failed}\n`);
      process.stdout.write(`workers (${s.workers.length}): ${s.workers.join(', ') || 'none connected'}\n`);
      for (const f of s.failed) process.stdout.write(`failed ${f.path || f.key}: [${f.code}] ${f.reason} (${f.attempts} attempt(s))\n`);
    });
  queue
    .command('clean <url>')
    .description('Remove finished jobs (completed and failed) now, instead of after 7 days; later runs then recompute those files')
    .option('--json', 'print the counts as JSON')
    .action(async (url: string, o) => {
      const { cleanQueue } = await import('../../queue/status.js');
      const removed = await cleanQueue(parseQueueUrl(url));
      if (o.json) printJson('queue clean', { ok: true, removed });
      else process.stdout.write(`removed ${removed.completed} completed and ${removed.failed} failed job(s)\n`);
    });
}
