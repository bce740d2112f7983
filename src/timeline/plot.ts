/**
 * The timeline figure of `ser predict --timeline --plot out.svg|png`, in the report's style
 * (Vega-Lite → SVG with vega → PNG with resvg, src/report/render.ts; the report's emotion colours):
 * the waveform envelope on top and the class probabilities stacked over time below, both with the
 * stretches the speech detector found no speech in shaded grey. Probabilities are drawn at each
 * window's centre; a window without speech draws as a gap.
 */
import type { TopLevelSpec } from 'vega-lite';
import { emotionScale } from '../report/colors.js';
import { renderFigure, type RenderedFigure } from '../report/render.js';
import { amplitudeLimit } from '../display/envelope.js';
import type { FileTimeline } from './file.js';
import type { SegmentSummary } from './summary.js';

export const TIMELINE_FIGURE_SIZE = { width: 1200, height: 560 };
const PLOT_WIDTH = 1000;
const SHADE = '#d9dce1';

/** Stretches of [0, duration) outside the speech stretches. */
export function nonSpeechStretches(speech: ReadonlyArray<[number, number]>, duration: number): Array<{ a: number; b: number }> {
  const out: Array<{ a: number; b: number }> = [];
  let t = 0;
  for (const [a, b] of speech) {
    if (a > t) out.push({ a: t, b: a });
    t = Math.max(t, b);
  }
  if (t < duration) out.push({ a: t, b: duration });
  return out.map((s) => ({ a: round(s.a), b: round(s.b) }));
}

/** The Vega-Lite spec of the timeline figure (waveform envelope over stacked class probabilities, non-speech shaded). */
export function timelineSpec(tl: FileTimeline, classes: readonly string[], segments: readonly SegmentSummary[], title: string): TopLevelSpec {
  const seconds = tl.duration;
  const x = { field: 't', type: 'quantitative', title: 'Time (s)', scale: { domain: [0, seconds], nice: false } } as const;
  const shade = { data: { values: nonSpeechStretches(tl.speech, seconds) }, mark: { type: 'rect', color: SHADE, opacity: 0.7, aria: false },
    encoding: { x: { field: 'a', type: 'quantitative', scale: { domain: [0, seconds], nice: false }, title: 'Time (s)' }, x2: { field: 'b' } } };
  const envelope = tl.envelope.map((p) => ({ t: round(p.t), lo: round(p.lo), hi: round(p.hi) }));
  const lim = amplitudeLimit(envelope);
  const probs: Array<{ t: number; emotion: string; p: number; k: number }> = [];
  for (const w of tl.windows) {
    const t = round((w.start + w.end) / 2);
    classes.forEach((c, k) => probs.push({ t, emotion: c, p: w.probabilities ? round(w.probabilities[c]!) : 0, k }));
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: {
      text: title,
      subtitle: `window ${tl.windowSeconds.toFixed(2)} s every ${tl.hopSeconds.toFixed(2)} s, probabilities at window centres · grey: no speech detected · ` +
        `${segments.length} speech segment${segments.length === 1 ? '' : 's'}`,
    },
    vconcat: [
      {
        width: PLOT_WIDTH,
        height: 120,
        layer: [
          shade,
          {
            data: { values: envelope },
            mark: { type: 'area', color: '#3b4a63', opacity: 0.9, line: { color: '#3b4a63', strokeWidth: 0.5 }, aria: false },
            encoding: {
              x: { ...x, axis: { labels: false, title: null } },
              y: { field: 'lo', type: 'quantitative', title: 'Amplitude', scale: { domain: [-lim, lim], nice: false }, axis: { tickCount: 3 } },
              y2: { field: 'hi' },
            },
          },
        ],
      },
      {
        width: PLOT_WIDTH,
        height: 260,
        layer: [
          shade,
          {
            data: { values: probs },
            mark: { type: 'area', interpolate: 'monotone', aria: false },
            encoding: {
              x,
              y: { field: 'p', type: 'quantitative', stack: 'zero', title: 'Probability', scale: { domain: [0, 1] } },
              color: { field: 'emotion', type: 'nominal', title: 'Emotion', scale: emotionScale(classes), sort: [...classes] },
              order: { field: 'k', type: 'quantitative' },
            },
          },
        ],
      },
    ],
    resolve: { scale: { x: 'shared' } },
  } as unknown as TopLevelSpec;
}

/** The timeline figure rendered to SVG and PNG (1200 × 560), via vega and resvg. */
export async function renderTimeline(tl: FileTimeline, classes: readonly string[], segments: readonly SegmentSummary[], title: string): Promise<RenderedFigure> {
  return renderFigure(timelineSpec(tl, classes, segments, title), TIMELINE_FIGURE_SIZE);
}

function round(v: number): number {
  return Math.round(v * 1e5) / 1e5;
}
