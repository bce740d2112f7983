/**
 * One fixed colour per emotion, shared by every figure and table of the report, so
 * "angry" is the same vermillion in the class chart, the example waveforms and the
 * tables. Based on the Okabe–Ito colour-blind-safe palette (yellow darkened to stay
 * legible on white); 'calm' is there for the 8-class RAVDESS variant.
 */
export const EMOTION_COLORS: Readonly<Record<string, string>> = Object.freeze({
  neutral: '#7a7a7a',
  calm: '#56b4e9',
  happy: '#e69f00',
  sad: '#0072b2',
  angry: '#d55e00',
  fearful: '#8e5ba6',
  disgust: '#009e73',
  surprised: '#c9a800',
});

/** Colours for labels outside the RAVDESS vocabulary, handed out in class order. */
const EXTRA_COLORS = ['#cc79a7', '#3b3b98', '#8c564b', '#17becf', '#bcbd22', '#1f77b4', '#9467bd', '#2ca02c'];

/** Training vs validation series in the learning curves (not emotion colours on purpose). */
export const SERIES_COLORS = Object.freeze({ training: '#1f4e79', validation: '#e07b00' });

/** Colour of the early-stopping rule. */
export const BEST_EPOCH_COLOR = '#b2182b';

/** Colour of every class in `classes` order; unknown labels get the extra colours in turn. */
export function emotionColors(classes: readonly string[]): string[] {
  let extra = 0;
  return classes.map((label) => EMOTION_COLORS[label] ?? EXTRA_COLORS[extra++ % EXTRA_COLORS.length]!);
}

/** The colour of one class label within `classes` (same rule as {@link emotionColors}). */
export function emotionColor(label: string, classes: readonly string[]): string {
  const i = classes.indexOf(label);
  if (i >= 0) return emotionColors(classes)[i]!;
  return EMOTION_COLORS[label] ?? EXTRA_COLORS[0]!;
}

/** A Vega-Lite colour scale that pins each class to its colour. */
export function emotionScale(classes: readonly string[]): { domain: string[]; range: string[] } {
  return { domain: [...classes], range: emotionColors(classes) };
}
