import type { TopLevelSpec } from 'vega-lite';
import type { FigureSize } from './render.js';

/** Report sections, in page order. */
export type SectionId = 'corpus' | 'examples' | 'augmentation' | 'training' | 'confusion';

/** One figure before rendering: a Vega-Lite spec with its stated size and the text shown beside it. */
export interface FigureDef {
  /** File stem in RESULTS_DIR/figures (e.g. 'class-distribution'). */
  name: string;
  section: SectionId;
  title: string;
  caption: string;
  size: FigureSize;
  spec: TopLevelSpec;
}

/** Turns any label into a safe file-name fragment ('Happy / 2' → 'happy-2'). */
export function slug(label: string): string {
  const s = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return s || 'x';
}
