import type { Command } from 'commander';
import { EXIT_PARTIAL, setExitCode } from '../exit-codes.js';
import { printJson } from '../json-output.js';

/**
 * `ser report RESULTS_DIR`: re-renders RESULTS_DIR/report.html and RESULTS_DIR/figures/
 * (SVG + PNG of every figure) from RESULTS_DIR/results.json and the display.json beside it,
 * as `ser pipeline` does at the end. Reads nothing else: the corpus may have moved.
 * A damaged or missing results.json or display.json fails with exit 1 and the reason; a
 * figure left out (an older results.json without display data) gives exit 2.
 */

interface ReportCliOptions {
  json?: boolean;
  quiet?: boolean;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write report.html and figures/ (SVG + PNG) from a pipeline results directory (results.json + display.json)')
    .argument('<results-dir>', 'directory holding results.json and display.json (written by `ser pipeline`)')
    .option('-q, --quiet', 'no progress messages')
    .option('--json', 'print a JSON summary on stdout (report.html, figure files, notes, omitted figures)')
    .action(async (dir: string, opts: ReportCliOptions) => {
      // vega, vega-lite and resvg load only when a report is written: `ser --help` stays instant.
      const { writeReport } = await import('../../report/index.js');
      const started = performance.now();
      const log = opts.quiet ? undefined : (m: string) => process.stderr.write(`report: ${m}\n`);
      const result = await writeReport(dir, { log });
      for (const note of result.notes) process.stderr.write(`report: note: ${note}\n`);
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      if (opts.json) {
        printJson('report', { ok: result.omitted.length === 0, html: result.html, figures: result.figures, notes: result.notes, omitted: result.omitted, seconds: Number(secs) });
      } else {
        process.stdout.write(`wrote ${result.html} and ${result.figures.length} figure files in ${secs} s\n`);
      }
      if (result.omitted.length) {
        process.stderr.write(`report: ${result.omitted.length} figure(s) omitted (see the notes above)\n`);
        setExitCode(EXIT_PARTIAL);
      }
    });
}
