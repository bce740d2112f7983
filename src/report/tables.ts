/**
 * Section 6 as HTML tables: test accuracy in the layout of the paper's Table 4 (one row
 * per model, the paper's reported number beside ours for each protocol) and the
 * per-class classification report (sklearn classification_report layout: precision,
 * recall, F1, support per class, then accuracy, macro and weighted averages).
 */
import type { ModelResult, PipelineResults, ProtocolResult } from '../pipeline/results.js';
import { emotionColor } from './colors.js';
import { escapeHtml } from './escape.js';
import { MODEL_NAMES, PROTOCOL_TITLES, modelEntries, modelLabel, protocolEntries } from '../pipeline/names.js';

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const two = (x: number): string => x.toFixed(2);

/** Table 4 layout: rows Decision Tree / KNN / CNN; columns: paper (reported), then each protocol. */
export function accuracyTableHtml(results: PipelineResults): string {
  const protocols = protocolEntries(results);
  const head =
    '<tr><th scope="col">Model</th><th scope="col">Paper\'s result<br><span class="sub">as reported</span></th>' +
    protocols.map(([p, r]) => `<th scope="col">${escapeHtml(capitalised(PROTOCOL_TITLES[p]))} protocol<br><span class="sub">${r.testRows} test rows</span></th>`).join('') +
    '</tr>';
  const body = MODEL_NAMES.filter((m) => protocols.some(([, r]) => r.models[m])).map((m) => {
    const paper = results.paper[m];
    const cells = protocols.map(([, r]) => {
      const mr = r.models[m];
      if (!mr) return '<td class="na">—</td>';
      const delta = typeof paper === 'number' ? `<span class="sub">${signedPoints(mr.testAccuracy - paper)} vs paper</span>` : '';
      return `<td><strong>${pct(mr.testAccuracy)}</strong><br><span class="sub">balanced ${pct(mr.balancedAccuracy)}</span><br>${delta}</td>`;
    });
    return `<tr><th scope="row">${escapeHtml(modelLabel(results, m))}</th><td>${typeof paper === 'number' ? pct(paper) : '—'}</td>${cells.join('')}</tr>`;
  });
  return `<table class="results"><caption>Test accuracy per model and protocol, beside the paper's reported accuracy</caption><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}

/** One classification report per protocol and model. */
export function classificationReportsHtml(results: PipelineResults): string {
  return protocolEntries(results)
    .map(([p, r]) => {
      const tables = modelEntries(r).map(([m, mr]) => classificationReportHtml(modelLabel(results, m), mr, results.classes));
      return `<h4>${escapeHtml(capitalised(PROTOCOL_TITLES[p]))} protocol</h4><p class="note">${escapeHtml(protocolDescription(r))}</p>${foldsTableHtml(r, results)}<div class="table-grid">${tables.join('')}</div>`;
    })
    .join('');
}

function classificationReportHtml(title: string, r: ModelResult, classes: readonly string[]): string {
  const rows = r.perClass.map((c) => {
    const swatch = `<span class="swatch" style="background:${emotionColor(c.label, classes)}"></span>`;
    return `<tr><th scope="row">${swatch}${escapeHtml(c.label)}</th><td>${two(c.precision)}</td><td>${two(c.recall)}</td><td>${two(c.f1)}</td><td>${c.support}</td></tr>`;
  });
  const avg = (name: string, a: ModelResult['macro']) =>
    `<tr class="avg"><th scope="row">${name}</th><td>${two(a.precision)}</td><td>${two(a.recall)}</td><td>${two(a.f1)}</td><td>${a.support}</td></tr>`;
  return (
    `<table class="report"><caption>${escapeHtml(title)} — accuracy ${pct(r.testAccuracy)}</caption>` +
    '<thead><tr><th scope="col">Class</th><th scope="col">Precision</th><th scope="col">Recall</th><th scope="col">F1</th><th scope="col">Support</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody><tfoot>` +
    `<tr class="avg"><th scope="row">accuracy</th><td></td><td></td><td>${two(r.testAccuracy)}</td><td>${r.weighted.support}</td></tr>` +
    avg('macro avg', r.macro) +
    avg('weighted avg', r.weighted) +
    '</tfoot></table>'
  );
}

/**
 * Cross-validated protocols: accuracy, balanced accuracy (UAR) and macro-F1 of each fold, then
 * their mean ± standard deviation over folds (the pooled figures are in the reports below).
 */
export function foldsTableHtml(r: ProtocolResult, results?: PipelineResults): string {
  if (!r.folds?.length) return '';
  const models = MODEL_NAMES.filter((m) => r.folds!.some((f) => f.accuracy[m] !== undefined));
  const metrics: Array<['accuracy' | 'balancedAccuracy' | 'macroF1', string]> = [['accuracy', 'acc.'], ['balancedAccuracy', 'UAR'], ['macroF1', 'F1']];
  const present = metrics.filter(([k]) => r.folds!.some((f) => f[k] !== undefined));
  const head =
    `<tr><th scope="col" rowspan="2">Fold</th><th scope="col" rowspan="2">Held-out speakers</th><th scope="col" rowspan="2">Test rows</th>` +
    models.map((m) => `<th scope="colgroup" colspan="${present.length}">${escapeHtml(modelLabel(results, m))}</th>`).join('') +
    '</tr><tr>' + models.map(() => present.map(([, h]) => `<th scope="col">${h}</th>`).join('')).join('') + '</tr>';
  const body = r.folds.map((f, i) => {
    const cells = models.map((m) => present.map(([k]) => `<td>${f[k]?.[m] === undefined ? '—' : pct(f[k]![m]!)}</td>`).join('')).join('');
    return `<tr><th scope="row">${i + 1}</th><td>${escapeHtml(f.testSpeakers.join(', '))}</td><td>${f.testRows}</td>${cells}</tr>`;
  });
  const summary = r.foldSummary
    ? `<tr class="avg"><th scope="row" colspan="3">mean ± sd over folds</th>${models.map((m) => present.map(([k]) => {
      const s = r.foldSummary![m]?.[k];
      return `<td>${s ? `${(100 * s.mean).toFixed(1)} ± ${(100 * s.sd).toFixed(1)}` : '—'}</td>`;
    }).join('')).join('')}</tr>`
    : '';
  return `<table class="results"><caption>Per fold (every speaker held out once): accuracy, balanced accuracy (UAR) and macro-F1</caption><thead>${head}</thead><tbody>${body.join('')}${summary}</tbody></table>`;
}

function protocolDescription(r: ProtocolResult): string {
  const speakers = r.testSpeakers.length ? ` Test speakers: ${r.testSpeakers.join(', ')}; training speakers: ${r.trainSpeakers.join(', ')}.` : '';
  return `${r.description} — ${r.trainRows} training rows, ${r.testRows} test rows.${speakers}`;
}

function signedPoints(d: number): string {
  const v = 100 * d;
  return `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(1)} pts`;
}

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
