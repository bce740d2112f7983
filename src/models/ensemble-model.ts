/**
 * An ensemble: the average of its members' class probabilities. Members share
 * the classes and the feature recipe (one extraction serves all of them) and
 * are saved as sub-bundles member-1/, member-2/, … of the ensemble's folder.
 */
import { recipesEqual } from '../features/feature-recipe.js';
import { BundleError, type BundleFiles } from './bundle-files.js';
import { assertModelInput, assertProbabilities, type EmotionModel, type ModelMeta, type RowContext, type TrainingSummary } from './emotion-model.js';

export const memberFolder = (i: number): string => `member-${i + 1}`;

export class EnsembleModel implements EmotionModel {
  constructor(readonly meta: ModelMeta, readonly members: EmotionModel[]) {
    if (members.length === 0) throw new BundleError('an ensemble needs at least one member');
    for (const [i, m] of members.entries()) {
      if (m.meta.classes.join('\u0000') !== meta.classes.join('\u0000')) throw new BundleError(`ensemble member ${i + 1}: classes differ from the ensemble's`);
      if (!recipesEqual(m.meta.recipe, meta.recipe)) throw new BundleError(`ensemble member ${i + 1}: feature recipe differs from the ensemble's`);
    }
  }

  get training(): TrainingSummary[] {
    return this.members.flatMap((m) => m.training);
  }

  get transductive(): boolean {
    return this.members.some((m) => m.transductive);
  }

  predictProba(X: Float32Array, rows: number, ctx?: RowContext): Float32Array {
    assertModelInput(this.meta, X, rows);
    const sum = new Float32Array(rows * this.meta.classes.length);
    for (const m of this.members) {
      const P = m.predictProba(X, rows, ctx);
      for (let i = 0; i < sum.length; i++) sum[i]! += P[i]!;
    }
    for (let i = 0; i < sum.length; i++) sum[i]! /= this.members.length;
    return assertProbabilities(sum, rows, this.meta.classes.length, 'ensemble');
  }

  /** The members' own bundles go in their folders (bundle.ts writes each with its bundle.json). */
  async toBundle(): Promise<{ classifier: Record<string, unknown>; preprocessing: unknown; files: BundleFiles }> {
    return { classifier: { members: this.members.map((_, i) => memberFolder(i)) }, preprocessing: null, files: {} };
  }

  dispose(): void {
    for (const m of this.members) m.dispose();
  }
}
