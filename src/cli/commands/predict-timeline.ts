/**
 * `ser predict MODEL FILE… --timeline`: emotion over time (src/timeline/). Kept apart from
 * predict.ts, which only registers these options (withTimeline) and hands over when --timeline is
 * given (runPredictTimeline).
 *
 * Each file is decoded block by block and streamed through an EmotionStream: windows of the
 * model's input length every --hop seconds, classified when they hold speech, optionally smoothed.
 * Output: a summary line per file (the dominant emotion per speech segment) and the real-time
 * factor on stderr; the windows on stdout as text, --json or --csv; --plot writes the figure.
 * A transductive model (speaker normalisation) treats all windows of one file as one speaker.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { basename, extname } from 'node:path';
import { isAudioError } from '../../audio/errors.js';
import { DspError } from '../../dsp/errors.js';
import { modelTitle } from '../../models/model-spec.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { EXIT_FAILURE, EXIT_PARTIAL, setExitCode } from '../exit-codes.js';

export interface TimelineCliOptions {
  timeline?: boolean;
  json?: boolean;
  csv?: boolean;
  hop?: number;
  smooth?: number;
  minSpeech?: number;
  plot?: string;
  backend?: string;
}

const positiveSeconds = (name: string) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`${name} must be a positive number of seconds, got '${value}'`);
  return n;
};

const nonNegativeSeconds = (name: string) => (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`${name} must be a number of seconds >= 0, got '${value}'`);
  return n;
};

function windowsOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError(`--smooth must be a whole number of windows from 1 to 1000, got '${value}'`);
  return n;
}

function plotPath(value: string): string {
  if (value.trim() === '' || !/\.(svg|png)$/i.test(value)) throw new InvalidArgumentError(`--plot must name an .svg or .png file, got '${value}'`);
  return value;
}

/** Adds the timeline options to `ser predict` (returns the command for chaining). */
export function withTimeline(cmd: Command): Command {
  return cmd
    .option('--timeline', 'emotion over time: windows of the model\'s input length every --hop seconds, non-speech marked (long files are streamed)')
    .option('--hop <seconds>', 'with --timeline: seconds between window starts (default 0.5)', positiveSeconds('--hop'))
    .option('--smooth <windows>', 'with --timeline: average each window\'s probabilities with the previous ones of its speech stretch (default 1: off)', windowsOption)
    .option('--min-speech <seconds>', 'with --timeline: speech a window needs to be classified (default 0.5)', nonNegativeSeconds('--min-speech'))
    .option('--csv', 'with --timeline: one CSV row per window on stdout')
    .option('--plot <file>', 'with --timeline: write the timeline figure (.svg or .png; one file per input, named after it when there are several)', plotPath);
}

/** --plot's path for one of several files: out.svg → out-<stem>.svg. */
export function plotPathFor(plot: string, file: string, many: boolean): string {
  if (!many) return plot;
  const ext = extname(plot);
  return `${plot.slice(0, plot.length - ext.length)}-${basename(file, extname(file)).replace(/[^\w.-]+/g, '_')}${ext}`;
}

export async function runPredictTimeline(modelDir: string, files: string[], o: TimelineCliOptions): Promise<void> {
  if (o.json && o.csv) throw new Error('--json and --csv cannot be combined: choose one output format');
  const { initBackend } = await import('../../ml/cnn/backend.js');
  const { loadBundle } = await import('../../models/bundle.js');
  const { loadWasmCore } = await import('../../wasm/load-node.js');
  const { timelineForFile } = await import('../../timeline/file.js');
  const { speechSegments, summaryLine } = await import('../../timeline/summary.js');
  const { timelineCsv, timelineDocument } = await import('../../timeline/format.js');
  await initBackend(o.backend as never, { log: (m) => void process.stderr.write(`${m}\n`) });
  const core = await loadWasmCore();
  const model = await loadBundle(modelDir, { core });
  const { classes } = model.meta;
  const trained = model.meta.trainedOn;
  const title = modelTitle(model.meta.spec);
  process.stderr.write(`model: ${title}${trained.recipeName ? `, recipe '${trained.recipeName}'` : ''}, trained on ${trained.rows} rows from ${trained.speakers.length} speakers\n`);
  if (model.transductive) {
    process.stderr.write('speaker normalisation (transductive): all speech windows of a file count as one speaker; its results come when the file is done\n');
  }
  const hop = o.hop ?? 0.5;
  const smooth = o.smooth ?? 1;
  const { windowSamples } = await import('../../timeline/stream.js');
  const windowSeconds = windowSamples(model.meta.recipe) / model.meta.recipe.sr;
  if (Math.round(hop * model.meta.recipe.sr) > windowSamples(model.meta.recipe)) {
    model.dispose();
    throw new Error(`--hop ${hop} s is longer than the model's ${windowSeconds.toFixed(3)} s window; windows would leave gaps`);
  }
  const docs: Array<ReturnType<typeof timelineDocument> | { file: string; error: string; code: string }> = [];
  let failed = 0;
  try {
    for (const file of files) {
      let tl: Awaited<ReturnType<typeof timelineForFile>>;
      try {
        tl = await timelineForFile(file, model, { core, hop, smooth, minSpeech: o.minSpeech, batch: 16, deferTransductive: true });
      } catch (err) {
        if (!isAudioError(err) && !(err instanceof DspError)) throw err;
        failed++;
        const code = isAudioError(err) ? err.code : 'DSP_ERROR';
        docs.push({ file, error: err.message, code });
        process.stderr.write(`${file}: [${code}] ${err.message}\n`);
        continue;
      }
      for (const w of tl.warnings) process.stderr.write(`warning: ${file}: ${w}\n`);
      const segments = speechSegments(tl.windows, classes, tl.hopSeconds, tl.duration);
      const doc = timelineDocument({
        file, sampleRate: tl.info.sampleRate, duration: tl.duration, hop: tl.hopSeconds, window: tl.windowSeconds,
        modelSampleRate: tl.modelSampleRate, smooth, classes, windows: tl.windows, segments,
      });
      docs.push(doc);
      const line = summaryLine(file, segments, tl.duration);
      const s = tl.stats;
      const rtf = `${file}: ${tl.duration.toFixed(1)} s of audio in ${tl.seconds.toFixed(2)} s = ${(tl.duration / tl.seconds).toFixed(1)}× real time ` +
        `(${s.windows} windows, ${s.classified} with speech; resample + speech detection ${(s.signalMs / 1000).toFixed(2)} s, ` +
        `features ${(s.featuresMs / 1000).toFixed(2)} s, model ${(s.predictMs / 1000).toFixed(2)} s; peak RSS ${(tl.peakRss / 2 ** 20).toFixed(0)} MB)`;
      if (o.json || o.csv) {
        process.stderr.write(`${line}\n`);
      } else {
        for (const w of doc.windows) {
          const p = w.probabilities;
          process.stdout.write(`${w.start.toFixed(2).padStart(8)}–${w.end.toFixed(2).padEnd(8)} ${w.speech ? `${w.emotion!.padEnd(10)} ${(100 * p![w.emotion!]!).toFixed(1).padStart(5)} %` : '(no speech)'}\n`);
        }
        process.stdout.write(`${line}\n`);
      }
      process.stderr.write(`${rtf}\n`);
      if (o.plot) {
        const { renderTimeline } = await import('../../timeline/plot.js');
        const fig = await renderTimeline(tl, classes, segments, `Emotion over time — ${basename(file)} (${title})`);
        const out = plotPathFor(o.plot, file, files.length > 1);
        await writeFileAtomic(out, /\.png$/i.test(out) ? fig.png : fig.svg);
        process.stderr.write(`wrote ${out}\n`);
      }
    }
  } finally {
    model.dispose();
  }
  const done = docs.filter((d): d is ReturnType<typeof timelineDocument> => !('error' in d));
  // One file: its object (nothing when it failed); several: an array in input order, failures as { file, error, code }.
  if (o.json && (files.length > 1 || done.length === 1)) process.stdout.write(`${JSON.stringify(files.length === 1 ? done[0] : docs, null, 1)}\n`);
  if (o.csv && done.length) process.stdout.write(timelineCsv(done));
  if (failed) setExitCode(failed === files.length ? EXIT_FAILURE : EXIT_PARTIAL);
}

/**
 * predict.ts's hook: runs the timeline and returns true with --timeline; without it returns false
 * (plain prediction goes on), or refuses options that only mean something with --timeline.
 */
export async function predictTimelineHook(modelDir: string, files: string[], o: TimelineCliOptions): Promise<boolean> {
  if (o.timeline) {
    await runPredictTimeline(modelDir, files, o);
    return true;
  }
  const given = (['hop', 'smooth', 'minSpeech', 'csv', 'plot'] as const).filter((k) => o[k] !== undefined);
  if (given.length) {
    const flag = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new Error(`${given.map(flag).join(', ')} ${given.length === 1 ? 'needs' : 'need'} --timeline`);
  }
  return false;
}
