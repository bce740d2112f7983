#!/usr/bin/env node
import { Command } from 'commander';
import { TOOL_VERSION } from '../version.js';
import { commands } from './commands/index.js';
import { EXIT_CODES_HELP, EXIT_FAILURE, setExitCode } from './exit-codes.js';
import { printJson } from './json-output.js';

// A closed pipe (`ser features x.wav --json | head -c 10`) is the reader saying it has enough:
// stop quietly, with the exit code set so far, instead of an EPIPE stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit();
    throw err;
  });
}

// `ser` — one subcommand per file in ./commands, each exporting register(program).
const program = new Command();
program
  .name('ser')
  .description('Speech emotion recognition with librosa-compatible DSP in WebAssembly')
  .version(TOOL_VERSION)
  .showHelpAfterError()
  .addHelpText('after', EXIT_CODES_HELP);

for (const register of commands) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`ser: ${message}\n`);
  setExitCode(EXIT_FAILURE);
  // --json: a failure is an object too, so a script reads stdout the same way either way.
  if (process.argv.includes('--json')) {
    const code = (err as { code?: unknown }).code;
    printJson(process.argv[2] ?? '', {
      ok: false,
      error: { name: err instanceof Error ? err.name : 'Error', ...(typeof code === 'string' ? { code } : {}), message },
    });
  }
});
