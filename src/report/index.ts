/**
 * `writeReport(resultsDir)`: RESULTS_DIR/results.json → RESULTS_DIR/figures/*.{svg,png}
 * and RESULTS_DIR/report.html with the paper's figures (class distribution, example
 * waveforms and mel spectrograms, augmentation comparison, CNN training curves,
 * confusion matrices) and its results tables.
 */
import { join } from 'node:path';
import { referenceAugmentBackend, type AugmentBackend } from '../augment/index.js';
import type { DspBackend } from '../dsp/types.js';
import { createReferenceDsp } from '../reference/index.js';
import { augmentationFigure } from './augmentation.js';
import { classDistributionFigure } from './class-distribution.js';
import { confusionFigures } from './confusion.js';
import { ReportError } from './errors.js';
import { exampleFigures } from './examples.js';
import type { FigureDef } from './figure.js';
import { renderReportHtml, type PageFigure } from './html.js';
import { readResults } from './load-results.js';
import { renderFigure, writeFigureFiles } from './render.js';
import { accuracyTableHtml, classificationReportsHtml } from './tables.js';
import { trainingCurveFigures } from './training-curves.js';
import { writeFileAtomic } from '../util/atomic-write.js';

export { ReportError } from './errors.js';
export { EMOTION_COLORS, emotionColor, emotionColors } from './colors.js';
export { PNG_SCALE, type FigureSize } from './render.js';
export { FIGURE_SIZES, augmentationFigureSize } from './sizes.js';

export const REPORT_FILE = 'report.html';
export const FIGURES_DIR = 'figures';

export interface WriteReportOptions {
  /** DSP for the spectrograms and augmentations: 'wasm' (default, build/ser.wasm) or the float64 JS reference. */
  backend?: 'wasm' | 'js';
  /** Progress messages (one per figure). */
  log?: (message: string) => void;
}

export interface WriteReportResult {
  /** Path of report.html. */
  html: string;
  /** Paths of every figure file written (SVG and PNG of each figure). */
  figures: string[];
  /** Figures that were left out and why (missing example files, ...); also listed on the page. */
  notes: string[];
  /** The notes that say a figure was omitted because an input was missing or unreadable (`ser report` then exits 2). */
  omitted: string[];
}

export async function writeReport(resultsDir: string, opts: WriteReportOptions = {}): Promise<WriteReportResult> {
  const backend = opts.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'js') throw new ReportError(`backend must be 'wasm' or 'js', got '${String(backend)}'`);
  const results = await readResults(resultsDir);
  const log = opts.log ?? (() => {});
  const { dsp, augment, name: backendName } = await openBackends(backend);
  const notes: string[] = [];

  const defs: FigureDef[] = [classDistributionFigure(results)];
  defs.push(...(await exampleFigures(results, dsp, notes)));
  const aug = await augmentationFigure(results, dsp, augment, notes);
  if (aug) defs.push(aug);
  defs.push(...trainingCurveFigures(results));
  defs.push(...confusionFigures(results));

  const figuresDir = join(resultsDir, FIGURES_DIR);
  const written: string[] = [];
  const pageFigures: PageFigure[] = [];
  for (const def of defs) {
    log(`figure ${def.name}`);
    const fig = await renderFigure(def.spec, def.size);
    const paths = await writeFigureFiles(figuresDir, def.name, fig);
    written.push(paths.svg, paths.png);
    pageFigures.push({
      name: def.name,
      section: def.section,
      title: def.title,
      caption: def.caption,
      width: fig.width,
      height: fig.height,
      png: fig.png,
      svgHref: `${FIGURES_DIR}/${def.name}.svg`,
      pngHref: `${FIGURES_DIR}/${def.name}.png`,
    });
  }

  const html = renderReportHtml({
    results,
    figures: pageFigures,
    notes,
    figureBackend: backendName,
    accuracyTable: accuracyTableHtml(results),
    classificationReports: classificationReportsHtml(results),
  });
  const htmlPath = join(resultsDir, REPORT_FILE);
  await writeFileAtomic(htmlPath, html);
  return { html: htmlPath, figures: written, notes, omitted: notes.filter((n) => /\bomitted\b/.test(n)) };
}

async function openBackends(kind: 'wasm' | 'js'): Promise<{ dsp: DspBackend; augment: AugmentBackend; name: string }> {
  if (kind === 'js') return { dsp: createReferenceDsp(), augment: referenceAugmentBackend, name: 'JS reference (float64)' };
  try {
    const [{ loadWasmCore }, { createWasmDsp }, { createWasmAugmentBackend }] = await Promise.all([
      import('../wasm/load-node.js'),
      import('../wasm/dsp.js'),
      import('../wasm/augment.js'),
    ]);
    const core = await loadWasmCore();
    return { dsp: await createWasmDsp(core), augment: createWasmAugmentBackend(core), name: 'WASM' };
  } catch (err) {
    throw new ReportError(`the WASM backend is unavailable (${(err as Error).message}); build it with \`npm run build:wasm\` or use the JS backend`, { cause: err });
  }
}
