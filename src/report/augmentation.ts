/**
 * Figure 3: the augmentation recipe on one clip (the first available example), loaded the
 * way feature extraction loads it (results.recipe: sr, offset, duration) and passed
 * through every version of results.augmentation with the extractor's per-clip seeds
 * (augmentationSeed(run seed, corpus-relative path, version)), so the panels show the
 * same draws the run used for this clip.
 */
import { existsSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { isAudioError } from '../audio/errors.js';
import { loadAudio } from '../audio/load.js';
import {
  AUGMENT_VERSIONS, PAPER_AUGMENT_PARAMS, augmentClip, augmentationSeed,
  type AppliedAugmentation, type AugmentBackend, type AugmentParams, type AugmentVersion,
} from '../augment/index.js';
import type { DspBackend } from '../dsp/types.js';
import type { PipelineResults } from '../pipeline/results.js';
import { emotionColor } from './colors.js';
import type { FigureDef } from './figure.js';
import { amplitudeLimit, melDisplay, spectrogramPanel, waveformEnvelope, waveformPanel } from './signal-panels.js';
import { augmentationFigureSize } from './sizes.js';
import { describeRecipe, recipeLoadOptions } from '../features/feature-recipe.js';

const VERSION_LABELS: Record<AugmentVersion, string> = {
  original: 'Original',
  noise: 'Additive noise',
  shift: 'Time shift',
  stretch: 'Time stretch',
  pitch: 'Pitch shift',
};

export async function augmentationFigure(
  results: PipelineResults,
  dsp: DspBackend,
  augment: AugmentBackend,
  notes: string[],
): Promise<FigureDef | null> {
  const pick = firstExample(results);
  if (!pick) {
    notes.push('No example clip is available, so the augmentation comparison is omitted.');
    return null;
  }
  const { emotion, path } = pick;
  const { recipe } = results;
  let y: Float32Array;
  try {
    ({ y } = await loadAudio(path, recipeLoadOptions(recipe)));
  } catch (err) {
    if (!isAudioError(err)) throw err;
    notes.push(`The augmentation comparison is omitted: ${err.message}`);
    return null;
  }
  const params = augmentParams(results, notes);
  const key = relative(resolve(results.corpus.dir), resolve(path)).split('\\').join('/');
  const versions = orderedVersions(results.augmentation.versions);
  const color = emotionColor(emotion, results.classes);
  const panel = { width: 380, height: 110 };
  const versionsOut = versions.map((version) => {
    const out = augmentClip(version, y, recipe.sr, augmentationSeed(results.seed, key, version), params, augment);
    return { ...out, envelope: waveformEnvelope(out.y, recipe.sr, 400), mel: melDisplay(dsp, out.y, recipe.sr) };
  });
  // One time axis and one amplitude scale for all rows, so stretch and noise read against the original.
  const seconds = Math.max(...versionsOut.map((v) => v.mel.seconds));
  const amplitude = Math.max(...versionsOut.map((v) => amplitudeLimit(v.envelope)));
  const rows = versionsOut.map(({ applied, envelope, mel }, i) => ({
    hconcat: [
      waveformPanel(envelope, color, panel, { title: `${VERSION_LABELS[applied.version]}${describe(applied, recipe.sr)}`, seconds, amplitudeLimit: amplitude }),
      spectrogramPanel(mel, panel, { title: `${VERSION_LABELS[applied.version]} — mel spectrogram`, seconds, showLegend: i === 0 }),
    ],
    spacing: 24,
  }));
  const applied = versionsOut.map((v) => v.applied);
  const spec = {
    title: {
      text: `Augmentation recipe on one ${emotion} clip`,
      subtitle: `${basename(path)}: ${describeRecipe(recipe)}; run seed ${results.seed}`,
      color,
    },
    vconcat: rows,
    spacing: 16,
    resolve: { scale: { color: 'shared' } },
  } as unknown as TopLevelSpec;
  const seeds = applied.map((a) => `${a.version} ${a.seed}`).join(', ');
  return {
    name: 'augmentation',
    section: 'augmentation',
    title: 'Augmentation comparison',
    caption:
      `${basename(path)} (${emotion}) as feature extraction sees it, and its augmented versions. ` +
      `Per-version seeds, augmentationSeed(${results.seed}, '${key}', version): ${seeds}.`,
    size: augmentationFigureSize(versions.length),
    spec,
  };
}

/** The first class (in class order) whose example file exists. */
function firstExample(results: PipelineResults): { emotion: string; path: string } | null {
  for (const emotion of results.classes) {
    const path = results.examples[emotion];
    if (path && existsSync(path)) return { emotion, path };
  }
  return null;
}

/** The run's versions in recipe order, 'original' always first (it is the reference row). */
function orderedVersions(listed: readonly string[]): AugmentVersion[] {
  const wanted = new Set<string>(['original', ...listed]);
  return AUGMENT_VERSIONS.filter((v) => wanted.has(v));
}

/** The run's parameters when results.json has a complete set, else the paper's (with a note). */
function augmentParams(results: PipelineResults, notes: string[]): AugmentParams {
  const p = results.augmentation.params as Partial<AugmentParams>;
  if (p && p.noise && p.shift && p.stretch && p.pitch) return p as AugmentParams;
  notes.push('results.json does not record complete augmentation parameters; the comparison uses the paper\'s recipe.');
  return PAPER_AUGMENT_PARAMS;
}

function describe(a: AppliedAugmentation, sr: number): string {
  switch (a.version) {
    case 'noise':
      return ` (σ = ${fmt(a.noiseFactor!, 4)} × peak)`;
    case 'shift':
      return ` (${a.shiftSamples! >= 0 ? '+' : ''}${a.shiftSamples} samples = ${fmt((1000 * a.shiftSamples!) / sr, 2)} ms)`;
    case 'stretch':
      return ` (rate ${fmt(a.rate!, 3)})`;
    case 'pitch':
      return ` (${a.nSteps! >= 0 ? '+' : ''}${fmt(a.nSteps!, 2)} semitones)`;
    default:
      return '';
  }
}

function fmt(x: number, digits: number): string {
  return Number(x.toFixed(digits)).toString();
}
