/** Figure 1: recordings per emotion, grouped by speaker gender (from corpus.classCounts). */
import type { TopLevelSpec } from 'vega-lite';
import type { PipelineResults } from '../pipeline/results.js';
import { emotionScale } from './colors.js';
import type { FigureDef } from './figure.js';
import { FIGURE_SIZES } from './sizes.js';

const GENDER_ORDER = ['male', 'female', 'unknown'];
/** Gender is shown by shade so the hue stays the emotion's colour. */
const GENDER_OPACITY: Record<string, number> = { male: 1, female: 0.5, unknown: 0.25 };

export function classDistributionFigure(results: PipelineResults): FigureDef {
  const { classes, corpus } = results;
  const rows: Array<{ emotion: string; gender: string; count: number }> = [];
  const genders = new Set<string>();
  for (const emotion of classes) {
    for (const [gender, count] of Object.entries(corpus.classCounts[emotion] ?? {})) {
      genders.add(gender);
      rows.push({ emotion, gender, count });
    }
  }
  const genderDomain = [...GENDER_ORDER.filter((g) => genders.has(g)), ...[...genders].filter((g) => !GENDER_ORDER.includes(g)).sort()];
  const total = rows.reduce((a, r) => a + r.count, 0);
  const spec = {
    title: {
      text: 'Recordings per emotion, by speaker gender',
      subtitle: `${total} original recordings (before augmentation), ${corpus.speakers.length} speakers`,
    },
    width: 640,
    height: 300,
    data: { values: rows },
    encoding: {
      x: { field: 'emotion', type: 'nominal', sort: classes, title: 'Emotion', axis: { labelAngle: 0 } },
      xOffset: { field: 'gender', type: 'nominal', sort: genderDomain },
      y: { field: 'count', type: 'quantitative', title: 'Recordings (count)' },
    },
    layer: [
      {
        mark: { type: 'bar', stroke: '#333', strokeWidth: 0.4 },
        encoding: {
          color: { field: 'emotion', type: 'nominal', scale: emotionScale(classes), legend: null },
          opacity: {
            field: 'gender',
            type: 'nominal',
            title: 'Gender (shade)',
            scale: { domain: genderDomain, range: genderDomain.map((g) => GENDER_OPACITY[g] ?? 0.75) },
          },
        },
      },
      {
        mark: { type: 'text', dy: -6, fontSize: 10, color: '#222' },
        encoding: { text: { field: 'count', type: 'quantitative' } },
      },
    ],
  } as unknown as TopLevelSpec;
  return {
    name: 'class-distribution',
    section: 'corpus',
    title: 'Class distribution',
    caption:
      `Number of original recordings per emotion in ${corpus.synthetic ? 'the synthetic corpus' : 'the corpus'} (${corpus.layout}), ` +
      `bars grouped by speaker gender (${genderDomain.join(' / ')}; full colour = ${genderDomain[0] ?? 'n/a'}). ` +
      `Each bar has its emotion's colour, used throughout the report.`,
    size: FIGURE_SIZES.classDistribution,
    spec,
  };
}
