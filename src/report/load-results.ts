/**
 * Reads RESULTS_DIR/results.json and checks the parts the report relies on, so a
 * truncated or foreign file fails with one clear ReportError instead of a TypeError
 * deep inside a chart.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PipelineResults } from '../pipeline/results.js';
import { ReportError } from './errors.js';

export const RESULTS_FILE = 'results.json';

export async function readResults(resultsDir: string): Promise<PipelineResults> {
  const path = join(resultsDir, RESULTS_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === 'ENOENT' ? 'not found' : (err as Error).message;
    throw new ReportError(`${path}: ${why} (expected the results.json written by \`ser pipeline\`)`, { cause: err });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ReportError(`${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  checkResults(data, path);
  return data;
}

/** Structural checks of a parsed results.json (throws ReportError naming the first problem). */
export function checkResults(data: unknown, source = RESULTS_FILE): asserts data is PipelineResults {
  const fail = (what: string): never => {
    throw new ReportError(`${source}: ${what}`);
  };
  if (!isObject(data)) fail('expected a JSON object');
  const r = data as Record<string, unknown>;
  if (r.tool !== 'ser-wasm') fail(`"tool" is ${JSON.stringify(r.tool)}, expected "ser-wasm"`);
  if (!Array.isArray(r.classes) || r.classes.length === 0 || !r.classes.every((c) => typeof c === 'string')) {
    fail('"classes" must be a non-empty array of class names');
  }
  const classes = r.classes as string[];
  if (typeof r.seed !== 'number') fail('"seed" must be a number');
  if (!isObject(r.corpus) || !isObject((r.corpus as Record<string, unknown>).classCounts)) fail('"corpus.classCounts" is missing');
  if (!Array.isArray((r.corpus as Record<string, unknown>).speakers)) fail('"corpus.speakers" must be an array');
  if (!isObject(r.recipe)) fail('"recipe" is missing');
  if (!isObject(r.augmentation) || !Array.isArray((r.augmentation as Record<string, unknown>).versions)) fail('"augmentation.versions" is missing');
  if (!isObject(r.protocols)) fail('"protocols" must be an object');
  if (!isObject(r.paper)) fail('"paper" must be an object of reported accuracies');
  const display = r.display as Record<string, unknown> | undefined;
  if (display !== undefined && (!isObject(display) || typeof display.file !== 'string' || typeof display.sha256 !== 'string' ||
    typeof display.format !== 'string' || !Array.isArray(display.omitted) || !display.omitted.every((n) => typeof n === 'string'))) {
    fail('"display" must name its file, format and sha256 and list the omitted figures');
  }
  for (const [protocol, p] of Object.entries(r.protocols as Record<string, unknown>)) {
    if (!isObject(p) || !isObject((p as Record<string, unknown>).models)) fail(`protocols.${protocol}.models is missing`);
    for (const [model, m] of Object.entries((p as { models: Record<string, unknown> }).models)) {
      const at = `protocols.${protocol}.models.${model}`;
      if (!isObject(m)) fail(`${at} must be an object`);
      const mr = m as Record<string, unknown>;
      if (typeof mr.testAccuracy !== 'number') fail(`${at}.testAccuracy must be a number`);
      const conf = mr.confusion;
      if (!Array.isArray(conf) || conf.length !== classes.length || !conf.every((row) => Array.isArray(row) && row.length === classes.length)) {
        fail(`${at}.confusion must be ${classes.length} × ${classes.length} (one row and column per class)`);
      }
      if (!Array.isArray(mr.perClass)) fail(`${at}.perClass must be an array`);
      const t = mr.training as Record<string, unknown> | undefined;
      if (t !== undefined && (!isObject(t) || !isObject(t.history) || typeof t.bestEpoch !== 'number')) {
        fail(`${at}.training must have "history" and "bestEpoch"`);
      }
    }
  }
}

function isObject(x: unknown): boolean {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
