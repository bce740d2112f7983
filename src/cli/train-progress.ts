/**
 * Progress of `ser train` (and any fitModel caller): on a terminal, one live bar per network
 * (ensemble member) with its epoch, the batch within the epoch and an ETA, and the epoch lines
 * printed above the bars; otherwise (CI logs, pipes) today's plain lines only; nothing when quiet.
 * Fed by FitOptions.log and FitOptions.onBatch (members on worker threads included). The bars use
 * cli-progress, as the extraction progress does (src/extract/progress.ts).
 *
 * The ETA is the time to run every remaining epoch up to the maximum at the network's average pace
 * so far (batches and the end-of-epoch validation): early stopping usually ends sooner.
 */
import cliProgress from 'cli-progress';
import type { BatchProgress } from '../ml/cnn/train.js';

/** What the reporter writes to: process.stderr, or anything with write() (tests). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface TrainProgressOptions {
  /** No bars and no lines. */
  quiet?: boolean;
  /** Default process.stderr; bars only when its isTTY is true. */
  stream?: ProgressStream;
  /** Ensemble size: bars are labelled "member k/N" when above 1. */
  members?: number;
  /** Clock in milliseconds (default Date.now), for the ETA. */
  now?: () => number;
}

export interface TrainProgress {
  /** True when bars are drawn (a terminal, not quiet). */
  readonly live: boolean;
  /** A progress line (FitOptions.log): above the bars on a terminal, a plain line otherwise. */
  log(line: string): void;
  /** A batch event (FitOptions.onBatch): updates the member's bar on a terminal, ignored otherwise. */
  batch(member: number, p: BatchProgress): void;
  /** Draws the final state and releases the terminal; call before writing anything else. */
  stop(): void;
}

/** Seconds as "42s", "3m05s" or "1h02m"; "--" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** The text after a bar: "epoch 3/60 · batch 12/40 · ETA 4m05s", or "done: 23 epochs (early stop)" at the end. */
export function progressStatus(p: BatchProgress, etaSeconds: number | null, maxEpochs = p.epochs): string {
  if (p.done) return `done: ${p.epochs} epoch${p.epochs === 1 ? '' : 's'}${p.epochs < maxEpochs ? ' (early stop)' : ''}`;
  return `epoch ${p.epoch + 1}/${p.epochs} · batch ${p.batch}/${p.batches} · ETA ${formatDuration(etaSeconds)}`;
}

/** Per-network pace: batches done since the network's first event, over the time since then. */
class Pace {
  private readonly t0: number;
  private readonly v0: number;
  maxEpochs: number;

  constructor(now: number, value: number, maxEpochs: number) {
    this.t0 = now;
    this.v0 = value;
    this.maxEpochs = maxEpochs;
  }

  /** Seconds left to reach `total` batches, or null before a second event. */
  eta(now: number, value: number, total: number): number | null {
    const done = value - this.v0;
    if (done <= 0) return null;
    return ((total - value) * (now - this.t0)) / done / 1000;
  }
}

export function createTrainProgress(opts: TrainProgressOptions = {}): TrainProgress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet) return { live: false, log() {}, batch() {}, stop() {} };
  if (stream.isTTY !== true) {
    return { live: false, log: (line) => void stream.write(`${line}\n`), batch() {}, stop() {} };
  }
  const now = opts.now ?? Date.now;
  const members = opts.members ?? 1;
  const labelWidth = members > 1 ? `member ${members}/${members}`.length : 0;
  const label = (m: number): string => (members > 1 ? `member ${m + 1}/${members}`.padEnd(labelWidth) : 'training');
  let multi: cliProgress.MultiBar | null = null;
  const bars = new Map<number, { bar: cliProgress.SingleBar; pace: Pace }>();
  let stopped = false;

  return {
    live: true,
    log(line) {
      if (stopped) return;
      if (multi) multi.log(`${line}\n`);
      else stream.write(`${line}\n`);
    },
    batch(member, p) {
      if (stopped) return;
      multi ??= new cliProgress.MultiBar(
        {
          format: '{label} [{bar}] {status}',
          stream: stream as NodeJS.WritableStream,
          hideCursor: true,
          barsize: 24,
        },
        cliProgress.Presets.shades_classic,
      );
      const t = now();
      const value = p.epoch * p.batches + p.batch;
      const total = p.epochs * p.batches;
      let entry = bars.get(member);
      if (!entry) {
        entry = { bar: multi.create(total, value, { label: label(member), status: '' }), pace: new Pace(t, value, p.epochs) };
        bars.set(member, entry);
      }
      if (!p.done) entry.pace.maxEpochs = p.epochs;
      entry.bar.setTotal(total);
      entry.bar.update(value, { label: label(member), status: progressStatus(p, entry.pace.eta(t, value, total), entry.pace.maxEpochs) });
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (multi) {
        multi.update(); // flushes lines logged since the last redraw
        multi.stop();
      }
    },
  };
}
