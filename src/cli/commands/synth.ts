import { InvalidArgumentError, type Command } from 'commander';
import cliProgress from 'cli-progress';
import {
  DEFAULT_SYNTH_ACTORS,
  DEFAULT_SYNTH_RATE,
  DEFAULT_SYNTH_SEED,
  writeSynthCorpus,
} from '../../synth/corpus-writer.js';
import { printJson } from '../json-output.js';
import { parsePathOption } from '../options.js';

/**
 * `ser synth --out DIR [--actors N] [--seed S] [--sr HZ]`: writes the built-in synthetic
 * emotional-speech corpus in RAVDESS layout (DIR/Actor_XX/03-01-EE-II-SS-RR-AA.wav,
 * 60 files per actor, 16-bit PCM) so every command that takes a RAVDESS folder can be
 * tried without the real data. Same seed, same bytes.
 */

function integer(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got '${value}'`);
    }
    return n;
  };
}

interface SynthCliOptions {
  json?: boolean;
  out: string;
  actors: number;
  seed: number;
  sr: number;
}

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('write the built-in synthetic emotional-speech corpus (RAVDESS layout and naming, 60 files per actor)')
    .requiredOption('--out <dir>', 'output folder (created if missing)', parsePathOption('--out'))
    .option('--actors <n>', 'number of actors, 1..24 (odd male, even female)', integer('--actors', 1, 24), DEFAULT_SYNTH_ACTORS)
    .option('--seed <s>', 'random seed (unsigned 32-bit)', integer('--seed', 0, 0xffffffff), DEFAULT_SYNTH_SEED)
    .option('--sr <hz>', 'sample rate in Hz, 8000..48000', integer('--sr', 8000, 48000), DEFAULT_SYNTH_RATE)
    .option('--json', 'print a JSON summary on stdout (folder, files, actors, audio seconds, rate, seed)')
    .action((opts: SynthCliOptions) => {
      const bar = process.stderr.isTTY
        ? new cliProgress.SingleBar({ format: 'synth [{bar}] {value}/{total} files', stream: process.stderr }, cliProgress.Presets.shades_classic)
        : undefined;
      const started = performance.now();
      bar?.start(opts.actors * 60, 0);
      try {
        const summary = writeSynthCorpus({
          out: opts.out,
          actors: opts.actors,
          seed: opts.seed,
          sampleRate: opts.sr,
          onProgress: (done) => bar?.update(done),
        });
        bar?.stop();
        const secs = ((performance.now() - started) / 1000).toFixed(1);
        if (opts.json) {
          printJson('synth', { ...summary, audioSeconds: summary.seconds, seconds: Number(secs) });
          return;
        }
        process.stdout.write(
          `wrote ${summary.files} files (${summary.actors} actors, ${(summary.seconds / 60).toFixed(1)} min of audio at ${summary.sampleRate} Hz, seed ${summary.seed}) to ${summary.out} in ${secs} s\n`,
        );
      } finally {
        bar?.stop();
      }
    });
}
