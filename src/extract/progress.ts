import cliProgress from 'cli-progress';

/**
 * Progress for long batches: a live bar (files/s, ETA) on a terminal, plain
 * periodic lines otherwise (CI logs, pipes), nothing when quiet.
 */
export interface Progress {
  tick(note?: string): void;
  stop(): void;
}

export function createProgress(label: string, total: number, opts: { quiet?: boolean; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  if (opts.quiet || total === 0) return { tick() {}, stop() {} };
  const started = Date.now();
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{total} | {rate} files/s | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0, { rate: '0.0' });
    let done = 0;
    return {
      tick() {
        done++;
        const rate = done / Math.max(1e-3, (Date.now() - started) / 1000);
        bar.update(done, { rate: rate.toFixed(1) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  // Not a terminal: a line every ~10 % (and at the end), so logs stay short.
  let done = 0;
  const every = Math.max(1, Math.ceil(total / 10));
  return {
    tick() {
      done++;
      if (done % every === 0 || done === total) {
        const secs = (Date.now() - started) / 1000;
        const rate = done / Math.max(1e-3, secs);
        const eta = (total - done) / Math.max(1e-9, rate);
        stream.write(`${label}: ${done}/${total} files, ${rate.toFixed(1)} files/s, ETA ${eta.toFixed(0)} s\n`);
      }
    },
    stop() {},
  };
}
