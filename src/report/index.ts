/**
 * `writeReport(resultsDir)`: RESULTS_DIR/results.json (+ display.json beside it) →
 * RESULTS_DIR/figures/*.{svg,png} and RESULTS_DIR/report.html with the paper's figures
 * (class distribution, example waveforms and mel spectrograms, augmentation comparison, CNN
 * training curves, confusion matrices) and its results tables. It reads those two files
 * only: no corpus, no augmentation, no DSP, so a results directory can be moved or mailed
 * and re-rendered anywhere.
 */
import { join } from 'node:path';
import { augmentationFigure } from './augmentation.js';
import { classDistributionFigure } from './class-distribution.js';
import { confusionFigures } from './confusion.js';
import { exampleFigures } from './examples.js';
import type { FigureDef } from './figure.js';
import { renderReportHtml, type PageFigure } from './html.js';
import { readDisplayData } from './load-display.js';
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
  /** Progress messages (one per figure). */
  log?: (message: string) => void;
}

export interface WriteReportResult {
  /** Path of report.html. */
  html: string;
  /** Paths of every figure file written (SVG and PNG of each figure). */
  figures: string[];
  /** Figures that were left out and why (an unreadable example clip, no display data, ...); also listed on the page. */
  notes: string[];
  /** The notes that say a figure was omitted (`ser report` then exits 2). */
  omitted: string[];
}

export async function writeReport(resultsDir: string, opts: WriteReportOptions = {}): Promise<WriteReportResult> {
  const results = await readResults(resultsDir);
  const { data: display, notes } = await readDisplayData(resultsDir, results);
  const log = opts.log ?? (() => {});

  const defs: FigureDef[] = [classDistributionFigure(results)];
  if (display) {
    defs.push(...exampleFigures(display, results.classes));
    const aug = augmentationFigure(results, display);
    if (aug) defs.push(aug);
  }
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
    figureBackend: display?.dsp ?? null,
    accuracyTable: accuracyTableHtml(results),
    classificationReports: classificationReportsHtml(results),
  });
  const htmlPath = join(resultsDir, REPORT_FILE);
  await writeFileAtomic(htmlPath, html);
  return { html: htmlPath, figures: written, notes, omitted: notes.filter((n) => /\bomitted\b/.test(n)) };
}
