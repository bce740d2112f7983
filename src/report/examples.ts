/**
 * Figure 2: one clip per emotion, whole at its native rate — waveform envelope above its
 * mel spectrogram — drawn from display.json (the pipeline computed both from the audio).
 */
import { basename } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { SPECTROGRAM_SETTINGS } from '../display/mel-display.js';
import type { ClipDisplay, DisplayData } from '../pipeline/display-format.js';
import { emotionColor } from './colors.js';
import { slug, type FigureDef } from './figure.js';
import { spectrogramPanel, waveformPanel } from './signal-panels.js';
import { FIGURE_SIZES } from './sizes.js';

/** One figure per class that has an example in `display`, in class order. */
export function exampleFigures(display: DisplayData, classes: readonly string[]): FigureDef[] {
  return classes.flatMap((emotion) => {
    const clip = display.examples.find((e) => e.emotion === emotion);
    return clip ? [exampleFigure(clip, classes)] : [];
  });
}

function exampleFigure(clip: ClipDisplay, classes: readonly string[]): FigureDef {
  const { emotion, mel, sr } = clip;
  const color = emotionColor(emotion, classes);
  const seconds = clip.samples / sr;
  const panelWidth = 330;
  const name = basename(clip.clip);
  const spec = {
    title: { text: `${capitalise(emotion)}`, subtitle: `${name} — ${seconds.toFixed(2)} s at ${sr} Hz (native rate)`, color },
    vconcat: [
      waveformPanel(clip.envelope, color, { width: panelWidth, height: 90 }, { seconds: mel.seconds }),
      spectrogramPanel(mel, { width: panelWidth, height: 180 }, { seconds: mel.seconds }),
    ],
    spacing: 14,
  } as unknown as TopLevelSpec;
  const s = SPECTROGRAM_SETTINGS;
  return {
    name: `example-${slug(emotion)}`,
    section: 'examples',
    title: capitalise(emotion),
    caption:
      `${name}, whole file at ${sr} Hz. Top: waveform (min/max envelope; amplitude in full-scale units, ±1). Bottom: mel spectrogram ` +
      `(n_fft ${s.nFft}, hop ${s.hopLength}, ${s.nMels} mel bands, ${s.fmin}–${mel.fmax} Hz), power in dB relative to the clip's maximum` +
      `${mel.columns < mel.frames ? `, ${mel.frames} frames averaged into ${mel.columns} columns` : ''}.`,
    size: FIGURE_SIZES.example,
    spec,
  };
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
