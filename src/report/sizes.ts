import type { FigureSize } from './render.js';

/**
 * Stated size (CSS px; the SVG's width/height) of every figure. PNGs are PNG_SCALE (2) times
 * larger. Chosen so each chart fits at scale 1 with the current fonts; render.ts scales a
 * chart down (never up) if it would overflow.
 */
export const FIGURE_SIZES = Object.freeze({
  classDistribution: { width: 860, height: 400 },
  /** One per emotion, shown two to a row on the page. */
  example: { width: 600, height: 420 },
  trainingCurves: { width: 1100, height: 380 },
  confusion: { width: 960, height: 390 },
});

/** The augmentation figure: a title band plus one waveform/spectrogram row per version. */
export function augmentationFigureSize(versions: number): FigureSize {
  return { width: 1100, height: 70 + 190 * versions };
}
