/**
 * Figure 4: CNN learning curves per protocol — loss and accuracy per epoch for the
 * training and validation sets, with a rule at the epoch whose weights early stopping
 * restored (models.cnn.training.bestEpoch, 1-based).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ModelResult, PipelineResults, ProtocolName } from '../pipeline/results.js';
import { BEST_EPOCH_COLOR, SERIES_COLORS } from './colors.js';
import type { FigureDef } from './figure.js';
import { PROTOCOL_TITLES, protocolEntries } from '../pipeline/names.js';
import { FIGURE_SIZES } from './sizes.js';

type Training = NonNullable<ModelResult['training']>;

export function trainingCurveFigures(results: PipelineResults): FigureDef[] {
  const out: FigureDef[] = [];
  for (const [protocol, result] of protocolEntries(results)) {
    const training = result.models.cnn?.training;
    if (!training || training.history.loss.length === 0) continue;
    out.push(trainingCurveFigure(protocol, training));
  }
  return out;
}

function trainingCurveFigure(protocol: ProtocolName, t: Training): FigureDef {
  const { loss, acc, valLoss, valAcc } = t.history;
  const rows: Array<{ epoch: number; metric: string; set: string; value: number }> = [];
  const push = (metric: string, set: string, values: number[]) =>
    values.forEach((value, i) => Number.isFinite(value) && rows.push({ epoch: i + 1, metric, set, value }));
  push('loss', 'training', loss);
  push('loss', 'validation', valLoss);
  push('accuracy', 'training', acc);
  push('accuracy', 'validation', valAcc);
  const epochs = Math.max(loss.length, valLoss.length, acc.length, valAcc.length);
  const seriesScale = { domain: ['training', 'validation'], range: [SERIES_COLORS.training, SERIES_COLORS.validation] };

  const panel = (metric: 'loss' | 'accuracy', yTitle: string) => ({
    width: 380,
    height: 260,
    title: { text: metric === 'loss' ? 'Loss' : 'Accuracy', fontSize: 13 },
    layer: [
      {
        data: { values: rows.filter((r) => r.metric === metric) },
        mark: { type: 'line', point: { size: 14 }, strokeWidth: 1.6 },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', title: 'Epoch', scale: { domain: [1, Math.max(2, epochs)], nice: false }, axis: { tickMinStep: 1, format: 'd' } },
          y: {
            field: 'value',
            type: 'quantitative',
            title: yTitle,
            scale: metric === 'accuracy' ? { domain: [0, 1] } : { zero: true },
            axis: metric === 'accuracy' ? { format: '.0%' } : {},
          },
          color: { field: 'set', type: 'nominal', title: 'Data', scale: seriesScale, legend: { orient: 'right' } },
        },
      },
      {
        data: { values: [{ epoch: t.bestEpoch, label: `best epoch ${t.bestEpoch}` }] },
        layer: [
          { mark: { type: 'rule', color: BEST_EPOCH_COLOR, strokeDash: [5, 3], strokeWidth: 1.5 }, encoding: { x: { field: 'epoch', type: 'quantitative' } } },
          {
            mark: { type: 'text', color: BEST_EPOCH_COLOR, align: 'left', baseline: 'top', dx: 4, y: 4, fontSize: 10 },
            encoding: { x: { field: 'epoch', type: 'quantitative' }, text: { field: 'label' } },
          },
        ],
      },
    ],
  });

  const secs = t.epochSeconds.reduce((a, b) => a + b, 0);
  const spec = {
    title: {
      text: `CNN training curves — ${PROTOCOL_TITLES[protocol]} protocol`,
      subtitle:
        `${epochs} epochs run, weights restored from epoch ${t.bestEpoch}` +
        `${t.stoppedEarly ? ' (early stopping)' : ''}; backend ${t.backend}; ${secs.toFixed(1)} s of training`,
    },
    hconcat: [panel('loss', 'Loss (cross-entropy)'), panel('accuracy', 'Accuracy (%)')],
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;

  return {
    name: `training-curves-${protocol}`,
    section: 'training',
    title: `Training curves (${PROTOCOL_TITLES[protocol]})`,
    caption:
      `Loss and accuracy per epoch on the training and validation data (${PROTOCOL_TITLES[protocol]} protocol). ` +
      `The dashed red rule marks epoch ${t.bestEpoch}, whose weights early stopping restored for testing.`,
    size: FIGURE_SIZES.trainingCurves,
    spec,
  };
}
