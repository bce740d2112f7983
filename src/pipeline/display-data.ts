/**
 * The pipeline's last look at the audio: one example clip per class and the augmentation
 * recipe on one clip, turned into the display data of the report's figures (display.json,
 * see display-format.ts). Runs where the corpus and the DSP are, so `ser report` needs neither.
 *
 * The augmented versions are made from the seeds the extraction recorded for that clip
 * (FeatureTable.params), not re-derived, and each redrawn parameter is checked against the
 * recorded one: the figure shows exactly the draws the run trained on.
 */
import { join } from 'node:path';
import { isAudioError } from '../audio/errors.js';
import { loadAudio, loadAudioBytes, readAudioFile, type Resampler } from '../audio/load.js';
import { AUGMENT_VERSIONS, augmentClip, type AppliedAugmentation, type AugmentBackend, type AugmentParams, type AugmentVersion } from '../augment/index.js';
import { melDisplay } from '../display/mel-display.js';
import { waveformEnvelope } from '../display/envelope.js';
import type { DspBackend } from '../dsp/types.js';
import type { FeatureTable } from '../extract/feature-table.js';
import { recipeLoadOptions, type FeatureRecipe } from '../features/feature-recipe.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import {
  DISPLAY_FILE, DISPLAY_FORMAT, serializeDisplayData, sha256, type AugmentedDisplay, type ClipDisplay, type DisplayData, type DisplayRef,
} from './display-format.js';

/** Envelope columns of an example panel and of an augmentation row. */
export const EXAMPLE_ENVELOPE_COLUMNS = 480;
export const AUGMENTATION_ENVELOPE_COLUMNS = 400;

/** A clip to show: its class, corpus-relative key and where it is now. */
export interface DisplayClip {
  emotion: string;
  clip: string;
  path: string;
}

export interface DisplayInputs {
  /** One clip per class, class order. */
  examples: DisplayClip[];
  /** The clip shown through the augmentation recipe, with each version's recorded draws ('seed' at least). */
  augmented: { clip: DisplayClip; draws: Array<{ version: AugmentVersion; drawn: Record<string, number> }> } | null;
  recipe: FeatureRecipe;
  params: AugmentParams;
}

export interface DisplayBackends {
  /** Recorded in display.json and on the report page (e.g. 'WASM'). */
  name: string;
  dsp: DspBackend;
  augment: AugmentBackend;
  /** Resampler for loading a clip the way extraction does. */
  resampler: Resampler;
}

/**
 * The clips a run shows, from its feature table: per class the first recording that was
 * extracted (so it is readable), and the first of those through every version the run made.
 */
export function displayInputsFromTable(table: FeatureTable, corpusDir: string, params: AugmentParams): DisplayInputs {
  const firstRow = new Map<number, number>();
  for (let i = 0; i < table.rows; i++) if (table.version[i] === 'original' && !firstRow.has(table.y[i]!)) firstRow.set(table.y[i]!, i);
  const examples: DisplayClip[] = [];
  table.classes.forEach((emotion, c) => {
    const row = firstRow.get(c);
    if (row === undefined) return;
    const clip = table.path[row]!;
    examples.push({ emotion, clip, path: join(corpusDir, clip) });
  });
  const shown = examples[0];
  let augmented: DisplayInputs['augmented'] = null;
  if (shown) {
    const draws: Array<{ version: AugmentVersion; drawn: Record<string, number> }> = [];
    for (let i = 0; i < table.rows; i++) {
      const version = table.version[i] as AugmentVersion;
      if (table.path[i] === shown.clip && AUGMENT_VERSIONS.includes(version)) draws.push({ version, drawn: table.params[i]! });
    }
    // 'original' first (the reference row), then the recipe's order.
    draws.sort((a, b) => AUGMENT_VERSIONS.indexOf(a.version) - AUGMENT_VERSIONS.indexOf(b.version));
    augmented = { clip: shown, draws };
  }
  return { examples, augmented, recipe: table.meta.recipe, params };
}

/** Reads the clips and computes their display data; clips that cannot be read are left out with a sentence in `omitted`. */
export async function computeDisplayData(inputs: DisplayInputs, backends: DisplayBackends): Promise<{ data: DisplayData; omitted: string[] }> {
  const omitted: string[] = [];
  const examples: ClipDisplay[] = [];
  for (const ex of inputs.examples) {
    try {
      const { y, sr } = await loadAudio(ex.path, { sr: null });
      examples.push(clipDisplay(ex, y, sr, backends.dsp, EXAMPLE_ENVELOPE_COLUMNS));
    } catch (err) {
      if (!isAudioError(err)) throw err;
      omitted.push(`The example clip for '${ex.emotion}' could not be read (${err.message}); its waveform and spectrogram are omitted.`);
    }
  }
  let augmentation: DisplayData['augmentation'] = null;
  const a = inputs.augmented;
  if (a) {
    try {
      const bytes = await readAudioFile(a.clip.path);
      const { y, sr } = await loadAudioBytes(bytes, { file: a.clip.path, ...recipeLoadOptions(inputs.recipe), resampler: backends.resampler });
      const versions = a.draws.map(({ version, drawn }): AugmentedDisplay => {
        const seed = drawn.seed;
        if (seed === undefined) throw new Error(`${a.clip.clip}: the extraction recorded no seed for version '${version}'`);
        const out = augmentClip(version, y, sr, seed, inputs.params, backends.augment);
        checkDraws(a.clip.clip, out.applied, drawn);
        return { ...clipDisplay(a.clip, out.y, sr, backends.dsp, AUGMENTATION_ENVELOPE_COLUMNS), applied: out.applied };
      });
      augmentation = { emotion: a.clip.emotion, clip: a.clip.clip, versions };
    } catch (err) {
      if (!isAudioError(err)) throw err;
      omitted.push(`The augmentation comparison is omitted: ${err.message}`);
    }
  } else {
    omitted.push('No example clip is available, so the augmentation comparison is omitted.');
  }
  return { data: { dsp: backends.name, examples, augmentation }, omitted };
}

/** Writes display.json into `dir` atomically; returns results.json's pointer to it. */
export async function writeDisplayData(dir: string, data: DisplayData, omitted: string[]): Promise<DisplayRef> {
  const text = serializeDisplayData(data);
  await writeFileAtomic(join(dir, DISPLAY_FILE), text);
  return { file: DISPLAY_FILE, format: DISPLAY_FORMAT, sha256: sha256(text), omitted };
}

function clipDisplay(c: DisplayClip, y: Float32Array, sr: number, dsp: DspBackend, columns: number): ClipDisplay {
  return { emotion: c.emotion, clip: c.clip, sr, samples: y.length, envelope: waveformEnvelope(y, sr, columns), mel: melDisplay(dsp, y, sr) };
}

/** The draws extraction records per version (extract/process-task.ts). */
const DRAWN_KEYS = ['seed', 'noiseFactor', 'shiftSamples', 'rate', 'nSteps'] as const;

/** Each recorded draw must be redrawn identically (same seed, same draw): anything else is a bug, not a figure. */
function checkDraws(clip: string, applied: AppliedAugmentation, drawn: Record<string, number>): void {
  for (const [key, value] of Object.entries(drawn)) {
    const known = DRAWN_KEYS.find((k) => k === key);
    if (known === undefined) throw new Error(`${clip}, version '${applied.version}': unknown recorded draw '${key}'`);
    if (applied[known] !== value) {
      throw new Error(`${clip}, version '${applied.version}': ${key} redrawn as ${String(applied[known])}, but the extraction recorded ${value}`);
    }
  }
}
