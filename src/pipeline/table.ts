import { formatClassificationReport, formatConfusionMatrix } from '../ml/classification-report.js';
import type { ClassificationMetrics } from '../ml/metrics.js';
import { MODEL_NAMES, PROTOCOL_NAMES, PROTOCOL_TITLES, modelLabel, type ModelName, type ProtocolName } from './names.js';
import type { ModelResult, PipelineResults } from './results.js';


const pct = (x: number | undefined): string => (x === undefined ? '—' : `${(100 * x).toFixed(1)} %`);

/**
 * The paper's Table 4 (test accuracy per model) with one column per protocol beside the
 * paper's figure; balanced accuracy (UAR) in brackets, and for cross-validated protocols
 * the mean ± sd of the per-fold accuracies.
 */
export function formatTable4(r: PipelineResults): string {
  const protocols = PROTOCOL_NAMES.filter((p) => r.protocols[p]);
  const header = ['Model', 'Paper (reported)', ...protocols.map((p) => `${PROTOCOL_TITLES[p]} protocol${r.protocols[p]!.folds ? ` (${r.protocols[p]!.folds!.length} folds)` : ''}`)];
  const cell = (p: ProtocolName, m: ModelName): string => {
    const mr = r.protocols[p]!.models[m];
    if (!mr) return '—';
    const s = r.protocols[p]!.foldSummary?.[m];
    return `${pct(mr.testAccuracy)} (${pct(mr.balancedAccuracy)})${s ? `, folds ${(100 * s.accuracy.mean).toFixed(1)} ± ${(100 * s.accuracy.sd).toFixed(1)}` : ''}`;
  };
  const rows = MODEL_NAMES
    .filter((m) => protocols.some((p) => r.protocols[p]!.models[m]))
    .map((m) => [modelLabel(r, m), pct(r.paper[m]), ...protocols.map((p) => cell(p, m))]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** scikit-learn-style classification report + confusion matrix for one model under one protocol. */
export function formatModelReport(m: ModelResult, classes: string[]): string {
  const metrics: ClassificationMetrics = {
    nClasses: classes.length,
    accuracy: m.testAccuracy,
    balancedAccuracy: m.balancedAccuracy,
    confusion: m.confusion,
    precision: m.perClass.map((c) => c.precision),
    recall: m.perClass.map((c) => c.recall),
    f1: m.perClass.map((c) => c.f1),
    support: m.perClass.map((c) => c.support),
    macro: m.macro,
    weighted: m.weighted,
  };
  return `${formatClassificationReport(metrics, classes)}\n\nconfusion matrix (rows: true, columns: predicted)\n${formatConfusionMatrix(m.confusion, classes)}`;
}
