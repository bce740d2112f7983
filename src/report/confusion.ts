/**
 * Figure 5: row-normalised confusion matrices (each row divided by its true-class
 * count, so the diagonal is per-class recall), one panel per model, one figure per
 * protocol. Cells print the raw counts; colour is the row share.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { PipelineResults, ProtocolName, ProtocolResult } from '../pipeline/results.js';
import { ReportError } from './errors.js';
import type { FigureDef } from './figure.js';
import { PROTOCOL_TITLES, modelEntries, modelLabel, protocolEntries } from '../pipeline/names.js';
import { FIGURE_SIZES } from './sizes.js';

export interface ConfusionCell {
  model: string;
  actual: string;
  predicted: string;
  count: number;
  /** count / (row total); 0 for a class absent from the test set. */
  share: number;
}

/** The cells of one confusion matrix (confusion[true][predicted], rows/cols in `classes` order). */
export function confusionCells(model: string, confusion: number[][], classes: readonly string[]): ConfusionCell[] {
  if (confusion.length !== classes.length || confusion.some((row) => row.length !== classes.length)) {
    throw new ReportError(`confusion matrix of ${model} is not ${classes.length} × ${classes.length} (one row and column per class)`);
  }
  const cells: ConfusionCell[] = [];
  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    row.forEach((count, p) => {
      cells.push({ model, actual: classes[t]!, predicted: classes[p]!, count, share: total > 0 ? count / total : 0 });
    });
  });
  return cells;
}

export function confusionFigures(results: PipelineResults): FigureDef[] {
  return protocolEntries(results)
    .filter(([, r]) => modelEntries(r).length > 0)
    .map(([protocol, r]) => confusionFigure(protocol, r, results));
}

function confusionFigure(protocol: ProtocolName, result: ProtocolResult, results: PipelineResults): FigureDef {
  const { classes } = results;
  const models = modelEntries(result);
  const panelLabels = models.map(([m, r]) => `${modelLabel(results, m)} — accuracy ${(100 * r.testAccuracy).toFixed(1)} %`);
  const cells = models.flatMap(([, r], i) => confusionCells(panelLabels[i]!, r.confusion, classes));
  const cell = 32;
  const side = cell * classes.length;
  const spec = {
    title: {
      text: `Normalised confusion matrices — ${PROTOCOL_TITLES[protocol]} protocol`,
      subtitle: `${result.testRows} test rows; colour = share of the true class (row), number = count`,
    },
    data: { values: cells },
    facet: {
      column: { field: 'model', type: 'nominal', sort: panelLabels, title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
    },
    spec: {
      width: side,
      height: side,
      encoding: {
        x: { field: 'predicted', type: 'nominal', sort: classes, title: 'Predicted emotion', axis: { labelAngle: -40 } },
        y: { field: 'actual', type: 'nominal', sort: classes, title: 'True emotion' },
      },
      layer: [
        {
          mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
          encoding: {
            color: {
              field: 'share',
              type: 'quantitative',
              title: 'Row share',
              scale: { scheme: 'blues', domain: [0, 1] },
              legend: { format: '.0%', gradientLength: side - 10 },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'count', type: 'quantitative' },
            color: { condition: { test: 'datum.share > 0.5', value: 'white' }, value: '#1a1a1a' },
          },
        },
      ],
    },
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
  return {
    name: `confusion-${protocol}`,
    section: 'confusion',
    title: `Confusion matrices (${PROTOCOL_TITLES[protocol]})`,
    caption:
      `Rows: true emotion, columns: predicted emotion, ${PROTOCOL_TITLES[protocol]} protocol. Each row is divided by its total, ` +
      `so the diagonal reads as per-class recall; the numbers are raw test counts.`,
    size: FIGURE_SIZES.confusion,
    spec,
  };
}
