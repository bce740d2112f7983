import type { AugmentParams, AugmentVersion } from '../augment/index.js';
import type { FeatureRecipe } from '../features/feature-recipe.js';

/** One unit of work for a pool worker: a file path (never audio), and how to process it. */
export interface ExtractTask {
  /** Absolute path of the WAV file. */
  path: string;
  /** Stable identifier used to derive this clip's random stream (relative path in the corpus). */
  key: string;
  recipe: FeatureRecipe;
  /** Versions to produce, in order, e.g. ['original', 'noise', 'shift', 'stretch', 'pitch']. */
  versions: AugmentVersion[];
  augmentParams: AugmentParams;
  /** Run-level seed; each (clip, version) draws from augmentationSeed(seed, key, version), so results do not depend on scheduling. */
  seed: number;
}

/** Per-version parameters actually drawn (seed, stretch rate, semitones, shift samples, noise factor). */
export type DrawnParams = Record<string, number>;

export type ExtractResult =
  | {
      ok: true;
      key: string;
      /** versions.length × recipe.vectorLength, row-major; transferred, not copied. */
      vectors: Float32Array;
      versions: string[];
      params: DrawnParams[];
      /** Samples in the loaded clip before padding (to report short clips). */
      clipSamples: number;
    }
  | { ok: false; key: string; code: string; reason: string };
