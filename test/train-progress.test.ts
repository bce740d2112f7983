/**
 * `ser train` progress (src/cli/train-progress.ts), fed by hand-made FitOptions.onBatch / log
 * callbacks (no training): a terminal gets a bar per network with epoch, batch and ETA, and the
 * epoch lines above the bars; a pipe gets the plain lines only; --quiet nothing.
 */
import { describe, expect, it } from 'vitest';
import { createTrainProgress, formatDuration, progressStatus, type ProgressStream } from '../src/cli/train-progress.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

function fakeStream(isTTY: boolean): ProgressStream & { text(): string } {
  let out = '';
  return {
    isTTY,
    columns: 160,
    write(s: string) {
      out += s;
      return true;
    },
    text: () => out.replace(ANSI, ''),
  };
}

describe('train progress', () => {
  it('formats durations and the status text', () => {
    expect(formatDuration(null)).toBe('--');
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(progressStatus({ epoch: 2, epochs: 60, batch: 12, batches: 40 }, 245)).toBe('epoch 3/60 · batch 12/40 · ETA 4m05s');
    expect(progressStatus({ epoch: 22, epochs: 23, batch: 40, batches: 40, done: true }, null, 60)).toBe('done: 23 epochs (early stop)');
    expect(progressStatus({ epoch: 59, epochs: 60, batch: 40, batches: 40, done: true }, null, 60)).toBe('done: 60 epochs');
  });

  it('on a terminal, renders epoch, batch and ETA from the callbacks, with the log lines above', () => {
    const stream = fakeStream(true);
    let t = 0;
    const p = createTrainProgress({ stream, now: () => t });
    expect(p.live).toBe(true);
    p.log('cnn: 100 training rows');
    p.batch(0, { epoch: 0, epochs: 5, batch: 1, batches: 10 }); // value 1 of 50 at t = 0
    t = 14_000;
    p.batch(0, { epoch: 1, epochs: 5, batch: 5, batches: 10 }); // value 15: 14 batches in 14 s, 35 left
    p.log('  epoch 2: loss 1.2345');
    p.stop();
    const text = stream.text();
    expect(text).toContain('cnn: 100 training rows');
    expect(text).toContain('  epoch 2: loss 1.2345');
    expect(text).toMatch(/training \[[^\]]+\] epoch 2\/5 · batch 5\/10 · ETA 35s/);
    expect(text.indexOf('  epoch 2: loss 1.2345')).toBeLessThan(text.lastIndexOf('epoch 2/5'));
  });

  it('labels ensemble members, paces each on its own and marks early stopping', () => {
    const stream = fakeStream(true);
    let t = 1_000;
    const p = createTrainProgress({ stream, members: 3, now: () => t });
    p.batch(0, { epoch: 0, epochs: 60, batch: 1, batches: 4 });
    p.batch(2, { epoch: 0, epochs: 60, batch: 1, batches: 4 });
    t = 3_000;
    p.batch(0, { epoch: 0, epochs: 60, batch: 3, batches: 4 }); // 2 batches in 2 s, 237 left
    p.batch(2, { epoch: 0, epochs: 60, batch: 2, batches: 4 }); // 1 batch in 2 s, 238 left
    p.batch(0, { epoch: 22, epochs: 23, batch: 4, batches: 4, done: true });
    p.stop();
    const text = stream.text();
    expect(text).toMatch(/member 1\/3 \[[^\]]+\] done: 23 epochs \(early stop\)/);
    expect(text).toMatch(/member 3\/3 \[[^\]]+\] epoch 1\/60 · batch 2\/4 · ETA 7m56s/);
    expect(text).not.toContain('member 2/3');
  });

  it('off a terminal, keeps the plain lines and ignores batches; quiet prints nothing', () => {
    const pipe = fakeStream(false);
    const p = createTrainProgress({ stream: pipe });
    expect(p.live).toBe(false);
    p.log('  epoch 1: loss 2.0000 acc 0.100');
    p.batch(0, { epoch: 0, epochs: 5, batch: 1, batches: 10 });
    p.stop();
    expect(pipe.text()).toBe('  epoch 1: loss 2.0000 acc 0.100\n');

    const tty = fakeStream(true);
    const q = createTrainProgress({ stream: tty, quiet: true });
    q.log('line');
    q.batch(0, { epoch: 0, epochs: 5, batch: 1, batches: 10 });
    q.stop();
    expect(tty.text()).toBe('');
  });
});
