/**
 * Speech segments of a timeline (runs of consecutive speech windows) and their dominant emotion:
 * the class with the highest mean probability over the segment's windows.
 */
import type { TimelineWindow } from './stream.js';

export interface SegmentSummary {
  /**
   * Seconds. Windows overlap, so each window stands for the hop around its centre: a segment runs
   * from half a hop before its first window's centre to half a hop after its last one's (clamped to
   * the recording), and segments never overlap.
   */
  start: number;
  end: number;
  windows: number;
  emotion: string;
  /** Mean probability of `emotion` over the segment's windows. */
  probability: number;
}

/**
 * Runs of consecutive speech windows as segments in seconds (each window standing for the hop
 * around its centre, clamped to [0, duration]), with the class of highest mean probability.
 */
export function speechSegments(windows: readonly TimelineWindow[], classes: readonly string[], hop: number, duration: number): SegmentSummary[] {
  const out: SegmentSummary[] = [];
  let run: TimelineWindow[] = [];
  const close = (): void => {
    if (run.length === 0) return;
    const mean = classes.map((c) => run.reduce((s, w) => s + (w.probabilities?.[c] ?? 0), 0) / run.length);
    let best = 0;
    for (let k = 1; k < mean.length; k++) if (mean[k]! > mean[best]!) best = k;
    const centre = (w: TimelineWindow): number => (w.start + w.end) / 2;
    const start = Math.max(0, centre(run[0]!) - hop / 2);
    const end = Math.min(duration, centre(run[run.length - 1]!) + hop / 2);
    out.push({ start, end, windows: run.length, emotion: classes[best]!, probability: mean[best]! });
    run = [];
  };
  for (const w of windows) {
    if (w.speech && w.probabilities) run.push(w);
    else close();
  }
  close();
  return out;
}

const secs = (t: number): string => `${t.toFixed(1)}`;

/** One line: "<file>: 3 speech segments — 0.0–12.5 s angry (62 %), …" (or "no speech found"). */
export function summaryLine(file: string, segments: readonly SegmentSummary[], duration: number): string {
  if (segments.length === 0) return `${file}: no speech found in ${secs(duration)} s`;
  const parts = segments.map((s) => `${secs(s.start)}–${secs(s.end)} s ${s.emotion} (${(100 * s.probability).toFixed(0)} %)`);
  return `${file}: ${segments.length} speech segment${segments.length === 1 ? '' : 's'} in ${secs(duration)} s — ${parts.join(', ')}`;
}
