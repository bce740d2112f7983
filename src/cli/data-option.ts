import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `--data ravdess` on extract, train, evaluate and pipeline: the RAVDESS speech corpus in the
 * download folder (`ser download ravdess`; $SER_WASM_CACHE/ravdess, else ~/.cache/ser-wasm/ravdess).
 * Not there yet: with `--yes` it is downloaded now; on a terminal the user is asked first;
 * otherwise the command fails (exit 1) saying how to get it. A real folder named `ravdess` in the
 * current directory wins. Any other value is returned unchanged.
 */
export async function resolveDataOption(data: string | undefined, opts: { yes?: boolean; quiet?: boolean } = {}): Promise<string | undefined> {
  if (data !== 'ravdess' || existsSync(data)) return data;
  const { defaultCacheDir, downloadRavdess, RAVDESS_NOTICE, RAVDESS_SPEECH } = await import('../download/ravdess.js');
  const { readDownloadMarker } = await import('../download/download.js');
  const dir = join(defaultCacheDir(), 'ravdess');
  if (await readDownloadMarker(dir)) return dir;
  const size = `${Math.round(RAVDESS_SPEECH.bytes / 1e6)} MB`;
  if (!opts.yes) {
    if (!process.stdin.isTTY || !process.stderr.isTTY) {
      throw new Error(`--data ravdess: RAVDESS is not in ${dir} yet; run \`ser download ravdess\` first, or add --yes to download it now (${size})`);
    }
    process.stderr.write(`${RAVDESS_NOTICE}\n`);
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    const answer = await rl.question(`Download RAVDESS speech (${size}) into ${dir}? [y/N] `);
    rl.close();
    if (!/^y(es)?$/i.test(answer.trim())) throw new Error('--data ravdess: not downloaded (run `ser download ravdess` when ready)');
  } else {
    process.stderr.write(`${RAVDESS_NOTICE}\n`);
  }
  let last = 0;
  const result = await downloadRavdess({
    dir,
    onProgress: ({ done, total }) => {
      if (opts.quiet || (done - last < 20e6 && done !== total)) return;
      last = done;
      process.stderr.write(`download: ${(done / 1e6).toFixed(0)}${total ? ` of ${(total / 1e6).toFixed(0)}` : ''} MB\n`);
    },
  });
  process.stderr.write(`RAVDESS speech: ${result.files} files in ${result.dir}\n`);
  return result.dir;
}
