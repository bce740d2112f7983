/**
 * Timeline output formats of `ser predict --timeline`: the JSON object and CSV rows. Seconds and
 * probabilities are rounded to 6 decimals (probabilities of a window still sum to 1 within 1e-5);
 * non-speech windows carry `"emotion": null, "probabilities": null`.
 */
import type { SegmentSummary } from './summary.js';
import type { TimelineWindow } from './stream.js';

export interface TimelineDocument {
  file: string;
  /** The file's own sample rate. */
  sampleRate: number;
  /** Seconds of audio. */
  duration: number;
  /** Seconds between window starts, and the window length the model reads. */
  hop: number;
  window: number;
  /** The rate the model reads (the audio is resampled to it). */
  modelSampleRate: number;
  smooth: number;
  classes: string[];
  windows: Array<{ start: number; end: number; speech: boolean; emotion: string | null; probabilities: Record<string, number> | null }>;
  segments: Array<{ start: number; end: number; emotion: string; probability: number }>;
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;

/** The JSON document of one file's timeline (seconds and probabilities rounded to 6 decimals). */
export function timelineDocument(args: {
  file: string; sampleRate: number; duration: number; hop: number; window: number; modelSampleRate: number; smooth: number;
  classes: readonly string[]; windows: readonly TimelineWindow[]; segments: readonly SegmentSummary[];
}): TimelineDocument {
  return {
    file: args.file,
    sampleRate: args.sampleRate,
    duration: r6(args.duration),
    hop: r6(args.hop),
    window: r6(args.window),
    modelSampleRate: args.modelSampleRate,
    smooth: args.smooth,
    classes: [...args.classes],
    windows: args.windows.map((w) => ({
      start: r6(w.start),
      end: r6(w.end),
      speech: w.speech,
      emotion: w.emotion,
      probabilities: w.probabilities ? Object.fromEntries(Object.entries(w.probabilities).map(([c, p]) => [c, r6(p)])) : null,
    })),
    segments: args.segments.map((s) => ({ start: r6(s.start), end: r6(s.end), emotion: s.emotion, probability: r6(s.probability) })),
  };
}

/** CSV: a header, then one row per window of every document (empty emotion and probabilities without speech). */
export function timelineCsv(docs: readonly TimelineDocument[], header = true): string {
  const classes = docs[0]?.classes ?? [];
  const rows: Array<Array<string | number>> = [];
  if (header) rows.push(['file', 'start', 'end', 'speech', 'emotion', ...classes.map((c) => `p_${c}`)]);
  for (const d of docs) {
    for (const w of d.windows) {
      rows.push([d.file, w.start, w.end, w.speech ? 1 : 0, w.emotion ?? '', ...classes.map((c) => (w.probabilities ? w.probabilities[c]! : ''))]);
    }
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

/** Quoted (quotes doubled) when the field holds a comma, a quote or a line break. */
function csvField(v: string | number): string {
  const t = String(v);
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}
