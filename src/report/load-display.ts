/**
 * Reads display.json, the example and augmentation figures' data that `ser pipeline` wrote
 * beside results.json (pipeline/display-format.ts), and checks it belongs to that
 * results.json (its SHA-256 is recorded there).
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DISPLAY_FORMAT, DisplayDataError, parseDisplayData, sha256, type DisplayData } from '../pipeline/display-format.js';
import type { PipelineResults } from '../pipeline/results.js';
import { ReportError } from './errors.js';

/** Without display data (a results.json from before display.json) the two figures are omitted, with this note. */
export const NO_DISPLAY_NOTE =
  'results.json records no display data (it was written by an older ser-wasm): the example and augmentation figures are omitted. ' +
  'Re-run `ser pipeline` to record them.';

/** The run's display data, or null (with a note) when results.json names none; a damaged or foreign file throws ReportError. */
export async function readDisplayData(resultsDir: string, results: PipelineResults): Promise<{ data: DisplayData | null; notes: string[] }> {
  const ref = results.display;
  if (!ref) return { data: null, notes: [NO_DISPLAY_NOTE] };
  if (ref.format !== DISPLAY_FORMAT) {
    throw new ReportError(`results.json: display format '${ref.format}' is not the one this version reads ('${DISPLAY_FORMAT}'); re-run \`ser pipeline\``);
  }
  // Only a plain file name beside results.json: the directory moves as one piece.
  const path = join(resultsDir, basename(ref.file));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    throw new ReportError(`${path}: ${code === 'ENOENT' ? 'not found' : (err as Error).message} (results.json names it; it is written by \`ser pipeline\`)`, { cause: err });
  }
  if (sha256(text) !== ref.sha256) {
    throw new ReportError(`${path}: does not belong to this results.json (SHA-256 differs from the one recorded); re-run \`ser pipeline\``);
  }
  try {
    return { data: parseDisplayData(text), notes: [...ref.omitted] };
  } catch (err) {
    if (err instanceof DisplayDataError) throw new ReportError(`${path}: ${err.message}`, { cause: err });
    throw err;
  }
}
