/**
 * Markdown rendering of the benchmark results (kernel table, extraction table, targets).
 * Pure formatting: every number it prints comes from a measured row.
 */
import type { BenchRow } from './measure.js';
import type { ExtractionResult } from './extraction.js';

/** ops/s with thousands separators and 3 significant digits below 100. */
export function formatOps(hz: number): string {
  if (hz >= 100) return Math.round(hz).toLocaleString('en-US');
  return hz.toPrecision(3);
}

/** A duration in the unit that keeps 3 significant digits readable. */
export function formatTime(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 1) return `${ms.toPrecision(3)} ms`;
  return `${(ms * 1000).toPrecision(3)} µs`;
}

function formatRatio(r: number | undefined): string {
  if (r === undefined) return '—';
  return r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function gflops(row: BenchRow): number | undefined {
  return row.flopsPerOp === undefined ? undefined : (row.flopsPerOp * row.opsPerSec) / 1e9;
}

/** kernel | impl | ops/s | mean ± rme | fastest sample | ratio to JS reference | ratio to best peer | GFLOP/s */
export function kernelTable(rows: BenchRow[]): string {
  const withFlops = rows.some((r) => r.flopsPerOp !== undefined);
  const header = ['kernel', 'impl', 'ops/s', 'mean ± rme', 'fastest sample', 'ratio to JS reference', 'ratio to best peer'];
  if (withFlops) header.push('GFLOP/s');
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const r of rows) {
    const cells = [
      r.kernel,
      r.impl,
      formatOps(r.opsPerSec),
      `${formatTime(r.meanMs)} ± ${r.rmePct.toFixed(1)} %`,
      formatTime(r.bestMs),
      r.role === 'reference' ? '1 (reference)' : formatRatio(r.ratioToReference),
      r.role === 'peer' && r.ratioToBestPeer !== undefined && Math.abs(r.ratioToBestPeer - 1) < 1e-12 ? '1 (best peer)' : formatRatio(r.ratioToBestPeer),
    ];
    if (withFlops) {
      const g = gflops(r);
      cells.push(g === undefined ? '' : g.toFixed(2));
    }
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

export function extractionTable(x: ExtractionResult): string {
  if (x.rows.length === 0) return `End-to-end extraction: skipped (${x.skippedReason ?? 'no rows'}).`;
  const lines = [
    `End-to-end extraction, ${x.versions} versions per file (original, noise, shift, stretch, pitch), ` +
      `${x.actors.length} actor(s) (${x.actors.join(', ')}), no cache`,
    '',
    '| workers | files | vectors | skipped | wall (s) | files/s | files/s per worker | CPU (s) | files per CPU-second |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...x.rows.map(
      (r) =>
        `| ${r.workers} | ${r.files} | ${r.vectors} | ${r.skipped} | ${r.wallSeconds.toFixed(1)} | ${r.filesPerSec.toFixed(2)} | ` +
        `${r.filesPerSecPerWorker.toFixed(2)} | ${r.cpuSeconds.toFixed(1)} | ${r.filesPerCpuSec.toFixed(2)} |`,
    ),
  ];
  const side = sideBySide(x);
  if (side) lines.push('', side);
  return lines.join('\n');
}

/** "; median of 3 runs (5.31, 5.24, 5.40 s)" for a row of several runs (rows saved before runs were kept have none). */
function runsNote(runs: number[] | undefined): string {
  if (!runs || runs.length < 2) return '';
  return `; median of ${runs.length} runs (${runs.map((w) => w.toFixed(2)).join(', ')} s)`;
}

/** The pool, the CLI and librosa + joblib on the same files, with ratios to librosa from this run. */
function sideBySide(x: ExtractionResult): string | undefined {
  if (x.cli.length === 0 && !x.librosa && !x.librosaSkipped) return undefined;
  const lib = x.librosa;
  const ratio = (fps: number) => (lib ? formatRatio(fps / lib.filesPerSec) : '—');
  const cores = x.cli[0]?.workers ?? lib?.jobs;
  const pool = x.rows.find((r) => r.workers === cores);
  const lines = [
    `Side by side on the same ${x.rows[0]?.files ?? lib?.files ?? '?'} files, ${cores} workers / processes, 5 versions per file:`,
    '',
    '| extractor | what is timed | wall (s) | files/s | ratio to librosa + joblib |',
    '|---|---|---:|---:|---:|',
  ];
  if (pool) lines.push(`| ser-wasm pool (extractCorpus) | work only, in this process | ${pool.wallSeconds.toFixed(1)} | ${pool.filesPerSec.toFixed(2)} | ${ratio(pool.filesPerSec)} |`);
  for (const c of x.cli) {
    lines.push(
      `| \`ser extract${c.options ? ` ${c.options}` : ''}\` | CLI process spawn to exit, ${c.output} written (${(c.bytesWritten / 1e6).toFixed(0)} MB)` +
        `${c.cache ? ', cold cache written' : ''}; pool ${c.poolSeconds.toFixed(1)} s${runsNote(c.runsWallSeconds)} | ${c.wallSeconds.toFixed(1)} | ${c.filesPerSec.toFixed(2)} | ${ratio(c.filesPerSec)} |`,
    );
  }
  if (lib) {
    lines.push(`| ${lib.impl} | work only, workers warmed, nothing written (process ${lib.processSeconds.toFixed(1)} s) | ${(lib.files / lib.filesPerSec).toFixed(1)} | ${lib.filesPerSec.toFixed(2)} | 1 |`);
  } else {
    lines.push('', `librosa + joblib skipped: ${x.librosaSkipped ?? 'not run'}`);
  }
  return lines.join('\n');
}

export interface TargetCheck {
  target: string;
  required: number;
  /** Unit of `required` and `measured`: '×' (a ratio, default) or e.g. 'MB/s', 's'. */
  unit?: string;
  /** 'min' (default): met when measured ≥ required; 'max': met when measured ≤ required. */
  direction?: 'min' | 'max';
  /** Ratio of the means (ops/s), or undefined when a row needed for it is missing. */
  measured?: number;
  /** Relative margin of error of that ratio (sum of both rows' rme), percent; absent for single-run rows. */
  rmePct?: number;
  /** Ratio of the fastest samples (the less load-sensitive estimate); absent for single-run rows. */
  measuredBest?: number;
  /** Verdict on the means. */
  met?: boolean;
  /** Verdict on the fastest samples. */
  metBest?: boolean;
  /** How the number was measured, for single-run rows (e.g. "ser extract vs librosa + joblib, 960 files"). */
  note?: string;
}

function formatValue(v: number, unit: string): string {
  return unit === '×' ? `${v.toFixed(2)}×` : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${unit}`;
}

export function targetsList(targets: TargetCheck[]): string {
  return targets
    .map((t) => {
      const unit = t.unit ?? '×';
      const cmp = t.direction === 'max' ? '≤' : '≥';
      const req = unit === '×' ? `${t.required}×` : `${t.required} ${unit}`;
      if (t.measured === undefined) return `- ${t.target} ${cmp} ${req}: not measured (row missing)`;
      if (t.measuredBest === undefined) {
        // One measurement (a run, not Benchmark.js samples): one verdict.
        return `- ${t.target} ${cmp} ${req}: ${formatValue(t.measured, unit)}${t.note ? ` (${t.note})` : ''} — ${t.met ? 'met' : 'MISSED'}`;
      }
      const verdict = t.met && t.metBest ? 'met' : !t.met && !t.metBest ? 'MISSED' : 'borderline (means and fastest samples disagree)';
      return (
        `- ${t.target} ${cmp} ${req}: ${formatValue(t.measured, unit)} on means (± ${(t.rmePct ?? 0).toFixed(0)} %), ` +
        `${formatValue(t.measuredBest, unit)} on fastest samples — ${verdict}`
      );
    })
    .join('\n');
}

/** A target checked on one measured value. */
export function singleTarget(target: string, required: number, measured: number | undefined, opts: { unit?: string; direction?: 'min' | 'max'; note?: string } = {}): TargetCheck {
  const check: TargetCheck = { target, required, ...opts };
  if (measured === undefined || !Number.isFinite(measured)) return check;
  check.measured = measured;
  check.met = opts.direction === 'max' ? measured <= required : measured >= required;
  return check;
}
