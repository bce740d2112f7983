/**
 * Plain-text reports. `formatClassificationReport` reproduces the layout of
 * sklearn.metrics.classification_report character for character: names
 * right-aligned to max(longest name, len('weighted avg')), numeric columns 9
 * wide separated by a space, values printed with Python's rounding (exact
 * binary value, halfway cases to even).
 */
import { MlError } from './dataset.js';
import { classificationMetrics, type ClassificationMetrics } from './metrics.js';

const COLUMN = 9;
const HEADERS = ['precision', 'recall', 'f1-score', 'support'];

/**
 * x with `digits` decimals as Python's '{:.Nf}' prints it. JS toFixed rounds
 * an exact halfway value (e.g. 0.125 → '0.13') up; Python rounds it to even
 * ('0.12'). Halfway cases are read off the exact decimal expansion.
 */
export function formatFixed(x: number, digits: number): string {
  const rounded = x.toFixed(digits);
  if (!Number.isFinite(x) || Math.abs(x) >= 1e20) return rounded;
  const exact = Math.abs(x).toFixed(100); // exact for every double ≥ 2^-47 in magnitude
  const point = exact.indexOf('.');
  const rest = exact.slice(point + 1 + digits);
  if (!/^50*$/.test(rest)) return rounded;
  const truncated = (x < 0 ? '-' : '') + exact.slice(0, digits === 0 ? point : point + 1 + digits);
  const lastDigit = Number(truncated[truncated.length - 1]);
  return lastDigit % 2 === 0 ? truncated : rounded;
}

/** The text of sklearn's classification_report for these metrics (ends with a newline). */
export function formatClassificationReport(metrics: ClassificationMetrics, classNames: string[], digits = 2): string {
  if (classNames.length !== metrics.nClasses) {
    throw new MlError(`classification report: ${classNames.length} class names for ${metrics.nClasses} classes`);
  }
  if (!Number.isInteger(digits) || digits < 0) throw new MlError(`digits must be a non-negative integer, got ${digits}`);
  const width = Math.max(...classNames.map((n) => n.length), 'weighted avg'.length, digits);
  const num = (v: number) => ' ' + formatFixed(v, digits).padStart(COLUMN);
  const int = (v: number) => ' ' + String(v).padStart(COLUMN);
  const row = (name: string, p: number, r: number, f: number, s: number) => name.padStart(width) + ' ' + num(p) + num(r) + num(f) + int(s) + '\n';

  let text = ''.padStart(width) + ' ' + HEADERS.map((h) => ' ' + h.padStart(COLUMN)).join('') + '\n\n';
  for (let c = 0; c < metrics.nClasses; c++) {
    text += row(classNames[c]!, metrics.precision[c]!, metrics.recall[c]!, metrics.f1[c]!, metrics.support[c]!);
  }
  text += '\n';
  const total = metrics.macro.support;
  text += 'accuracy'.padStart(width) + ' ' + ' '.repeat(2 * (COLUMN + 1)) + num(metrics.accuracy) + int(total) + '\n';
  text += row('macro avg', metrics.macro.precision, metrics.macro.recall, metrics.macro.f1, total);
  text += row('weighted avg', metrics.weighted.precision, metrics.weighted.recall, metrics.weighted.f1, total);
  return text;
}

/** Shorthand: metrics of (yTrue, yPred) over classes 0..classNames.length−1, formatted. */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, classNames: string[], digits = 2): string {
  return formatClassificationReport(classificationMetrics(yTrue, yPred, classNames.length), classNames, digits);
}

/** Confusion matrix as a table: rows = true class, columns = predicted class. */
export function formatConfusionMatrix(confusion: number[][], classNames: string[]): string {
  const n = classNames.length;
  if (confusion.length !== n || confusion.some((r) => r.length !== n)) {
    throw new MlError(`confusion matrix must be ${n} × ${n} to match the class names`);
  }
  const corner = 'true \\ pred';
  const rowHead = Math.max(corner.length, ...classNames.map((s) => s.length));
  const cell = Math.max(...classNames.map((s) => s.length), ...confusion.flat().map((v) => String(v).length));
  const lines = [corner.padStart(rowHead) + classNames.map((s) => ' ' + s.padStart(cell)).join('')];
  confusion.forEach((r, t) => lines.push(classNames[t]!.padStart(rowHead) + r.map((v) => ' ' + String(v).padStart(cell)).join('')));
  return lines.join('\n') + '\n';
}
