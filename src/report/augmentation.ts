/**
 * Figure 3: the augmentation recipe on one clip, loaded the way feature extraction loads it
 * (results.recipe: sr, offset, duration), in every version the run made of it with the draws
 * the extraction recorded — all read from display.json, computed by the pipeline.
 */
import { basename } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { AppliedAugmentation, AugmentVersion } from '../augment/index.js';
import { describeRecipe } from '../features/feature-recipe.js';
import type { DisplayData } from '../pipeline/display-format.js';
import type { PipelineResults } from '../pipeline/results.js';
import { emotionColor } from './colors.js';
import type { FigureDef } from './figure.js';
import { amplitudeLimit } from '../display/envelope.js';
import { spectrogramPanel, waveformPanel } from './signal-panels.js';
import { augmentationFigureSize } from './sizes.js';

const VERSION_LABELS: Record<AugmentVersion, string> = {
  original: 'Original',
  noise: 'Additive noise',
  shift: 'Time shift',
  stretch: 'Time stretch',
  pitch: 'Pitch shift',
};

export function augmentationFigure(results: PipelineResults, display: DisplayData): FigureDef | null {
  const shown = display.augmentation;
  if (!shown) return null;
  const { emotion, versions } = shown;
  const { recipe } = results;
  const name = basename(shown.clip);
  const color = emotionColor(emotion, results.classes);
  const panel = { width: 380, height: 110 };
  // One time axis and one amplitude scale for all rows, so stretch and noise read against the original.
  const seconds = Math.max(...versions.map((v) => v.mel.seconds));
  const amplitude = Math.max(...versions.map((v) => amplitudeLimit(v.envelope)));
  const rows = versions.map(({ applied, envelope, mel, sr }, i) => ({
    hconcat: [
      waveformPanel(envelope, color, panel, { title: `${VERSION_LABELS[applied.version]}${describe(applied, sr)}`, seconds, amplitudeLimit: amplitude }),
      spectrogramPanel(mel, panel, { title: `${VERSION_LABELS[applied.version]} — mel spectrogram`, seconds, showLegend: i === 0 }),
    ],
    spacing: 24,
  }));
  const spec = {
    title: {
      text: `Augmentation recipe on one ${emotion} clip`,
      subtitle: `${name}: ${describeRecipe(recipe)}; run seed ${results.seed}`,
      color,
    },
    vconcat: rows,
    spacing: 16,
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
  const seeds = versions.map((v) => `${v.applied.version} ${v.applied.seed}`).join(', ');
  return {
    name: 'augmentation',
    section: 'augmentation',
    title: 'Augmentation comparison',
    caption:
      `${name} (${emotion}) as feature extraction sees it, and its augmented versions. ` +
      `Per-version seeds, augmentationSeed(${results.seed}, '${shown.clip}', version): ${seeds}.`,
    size: augmentationFigureSize(versions.length),
    spec,
  };
}

function describe(a: AppliedAugmentation, sr: number): string {
  switch (a.version) {
    case 'noise':
      return a.noiseFactor === undefined ? '' : ` (σ = ${fmt(a.noiseFactor, 4)} × peak)`;
    case 'shift':
      return a.shiftSamples === undefined ? '' : ` (${a.shiftSamples >= 0 ? '+' : ''}${a.shiftSamples} samples = ${fmt((1000 * a.shiftSamples) / sr, 2)} ms)`;
    case 'stretch':
      return a.rate === undefined ? '' : ` (rate ${fmt(a.rate, 3)})`;
    case 'pitch':
      return a.nSteps === undefined ? '' : ` (${a.nSteps >= 0 ? '+' : ''}${fmt(a.nSteps, 2)} semitones)`;
    default:
      return '';
  }
}

function fmt(x: number, digits: number): string {
  return Number(x.toFixed(digits)).toString();
}
