import { InvalidArgumentError, type Command } from 'commander';
import { printJson } from '../json-output.js';
import { parsePathOption } from '../options.js';

/**
 * `ser download ravdess [--out DIR]`: the RAVDESS speech archive from Zenodo (record 1188976),
 * resumable, checked against its published size and MD5, unpacked into DIR (default
 * ~/.cache/ser-wasm/ravdess, or $SER_WASM_CACHE/ravdess), ready for `--data DIR`.
 * Exit code 1 on any failure (HTTP error, broken transfer, wrong checksum, full disk, bad zip);
 * running the command again resumes a broken transfer.
 */

const DATASETS = ['ravdess'] as const;

function md5Option(value: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(value)) throw new InvalidArgumentError(`--md5 must be 32 hexadecimal digits, got '${value}'`);
  return value.toLowerCase();
}

function bytesOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError(`--bytes must be a positive integer, got '${value}'`);
  return n;
}

function urlOption(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`--url must be an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`--url must be an http(s) URL, got '${value}'`);
  return url.href;
}

function megabytes(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

export function registerDownload(program: Command): void {
  program
    .command('download')
    .description('download a corpus and unpack it for --data: RAVDESS speech (Zenodo record 1188976, 208 MB, 1,440 WAV files)')
    .argument('<dataset>', `one of: ${DATASETS.join(', ')}`)
    .option('--out <dir>', 'target folder (default: $SER_WASM_CACHE/ravdess, else ~/.cache/ser-wasm/ravdess)', parsePathOption('--out'))
    .option('--url <url>', 'fetch the same archive from this URL instead (a mirror)', urlOption)
    .option('--md5 <hex>', 'expected MD5 of the archive (default: the one Zenodo publishes)', md5Option)
    .option('--bytes <n>', 'expected size of the archive in bytes (default: Zenodo\'s, unless --url and --md5 are given)', bytesOption)
    .option('--keep-zip', 'keep the zip after unpacking')
    .option('--json', 'print a JSON summary on stdout (folder, files, bytes, MD5, whether anything was fetched)')
    .option('--quiet', 'no progress bar')
    .addHelpText('after', '\nAn interrupted download resumes where it stopped when the command is run again. Exit code 1: nothing usable was written.')
    .action(async (dataset: string, o) => {
      if (!(DATASETS as readonly string[]).includes(dataset)) {
        throw new InvalidArgumentError(`unknown dataset '${dataset}'; expected one of ${DATASETS.join(', ')}`);
      }
      const { downloadRavdess, RAVDESS_NOTICE } = await import('../../download/ravdess.js');
      process.stderr.write(`${RAVDESS_NOTICE}\n`);
      const started = performance.now();
      const { default: cliProgress } = await import('cli-progress');
      const showBar = !o.quiet && process.stderr.isTTY;
      const bar = showBar
        ? new cliProgress.SingleBar(
            { format: 'download [{bar}] {percentage}% {done}/{all} {speed} ETA {eta_formatted}', stream: process.stderr, etaBuffer: 50 },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let barStarted = false;
      let lastLine = 0;
      try {
        const result = await downloadRavdess({
          dir: o.out, url: o.url, md5: o.md5, bytes: o.bytes, keepZip: o.keepZip,
          onProgress: ({ done, total }) => {
            const seconds = (performance.now() - started) / 1000;
            const speed = `${megabytes(done / Math.max(seconds, 1e-3))}/s`;
            if (bar) {
              if (!barStarted) bar.start(total ?? done, done, { done: megabytes(done), all: total ? megabytes(total) : '?', speed });
              barStarted = true;
              if (total) bar.setTotal(total);
              bar.update(done, { done: megabytes(done), all: total ? megabytes(total) : '?', speed });
            } else if (!o.quiet && (seconds - lastLine >= 10 || (total !== undefined && done === total && lastLine >= 0))) {
              // Not a terminal: a line every 10 s (and at the end) instead of a bar.
              lastLine = total !== undefined && done === total ? -1 : seconds;
              process.stderr.write(`download: ${megabytes(done)}${total ? ` of ${megabytes(total)}` : ''} (${speed})\n`);
            }
          },
          onUnzip: (done, total) => {
            if (done === total && !o.quiet) process.stderr.write(`unpacked ${done} files\n`);
          },
        });
        bar?.stop();
        const seconds = (performance.now() - started) / 1000;
        process.stderr.write(result.downloaded
          ? `RAVDESS speech: ${result.files} files in ${result.dir} (${megabytes(result.bytes)}, MD5 ${result.md5} verified` +
              `${result.resumedFrom > 0 ? `, resumed at ${megabytes(result.resumedFrom)}` : ''}, ${seconds.toFixed(1)} s)\n`
          : `RAVDESS speech is already in ${result.dir} (${result.files} files, MD5 ${result.md5}); nothing to do\n`);
        process.stderr.write(`use it with: ser extract --data ${result.dir} … (or train, evaluate, pipeline)\n`);
        if (o.json) {
          printJson('download', {
            dataset, dir: result.dir, downloaded: result.downloaded, files: result.files, bytes: result.bytes, md5: result.md5,
            resumedFrom: Math.max(0, result.resumedFrom), seconds: Number(seconds.toFixed(3)),
          });
        }
      } finally {
        bar?.stop();
      }
    });
}
