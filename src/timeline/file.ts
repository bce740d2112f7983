/**
 * Emotion over time for a WAV file on disk (Node): the data chunk is decoded block by block
 * (src/audio/wav-stream.ts) and fed to an {@link EmotionStream}, so a file of any length is read in
 * bounded memory (one block, the stream's rings; the results list grows by one small object per
 * window). Also gathers what the plot needs at a fixed size: a min/max waveform envelope and the
 * speech / non-speech stretches.
 */
import { fileSource } from '../audio/wav-file-source.js';
import { openWavStream } from '../audio/wav-stream.js';
import type { WavInfo } from '../audio/wav-decode.js';
import type { EmotionModel } from '../models/emotion-model.js';
import { EmotionStream, type EmotionStreamOptions, type TimelineStats, type TimelineWindow } from './stream.js';

export interface EnvelopeColumn {
  /** Centre of the column, seconds. */
  t: number;
  lo: number;
  hi: number;
}

export interface FileTimeline {
  file: string;
  info: WavInfo;
  /** Seconds of audio. */
  duration: number;
  windows: TimelineWindow[];
  stats: TimelineStats;
  warnings: string[];
  /** Wall-clock seconds for the whole file (read, decode, resample, detect, features, model). */
  seconds: number;
  /** Largest resident set size seen while the file was processed, bytes. */
  peakRss: number;
  envelope: EnvelopeColumn[];
  /** Stretches the detector marked as speech, [start, end) in seconds. */
  speech: Array<[number, number]>;
  windowSeconds: number;
  hopSeconds: number;
  modelSampleRate: number;
}

export interface FileTimelineOptions extends Omit<EmotionStreamOptions, 'onWindow' | 'onAudio' | 'onSpeechFrames' | 'name'> {
  /** Frames of the file decoded per block (default 65536). */
  blockFrames?: number;
  /** Waveform envelope columns kept for the plot (default 1200). */
  envelopeColumns?: number;
  /** Called with each window as soon as it is decided (the same objects end up in `windows`). */
  onWindow?: (w: TimelineWindow) => void;
}

/**
 * Emotion over time for the WAV file at `path`: windows of the model's clip length every hop,
 * speech detection, a waveform envelope and the speech stretches, read in bounded memory.
 * The audio is resampled to the model's recipe rate (model.meta.recipe.sr).
 */
export async function timelineForFile(path: string, model: EmotionModel, opts: FileTimelineOptions): Promise<FileTimeline> {
  const started = performance.now();
  const src = await fileSource(path);
  try {
    const wav = await openWavStream(src, { blockFrames: opts.blockFrames });
    const { info } = wav;
    const duration = info.frames / info.sampleRate;
    const sr = model.meta.recipe.sr;
    const columns = Math.max(1, opts.envelopeColumns ?? 1200);
    const expected = Math.ceil(info.frames * (sr / info.sampleRate));
    const perColumn = Math.max(1, Math.ceil(expected / columns));
    const lo = new Float32Array(Math.ceil(expected / perColumn)).fill(Infinity);
    const hi = new Float32Array(lo.length).fill(-Infinity);
    const runs: Array<[number, number]> = [];
    let vadHop = 0;
    let peakRss = process.memoryUsage().rss;
    const stream = new EmotionStream(model, {
      ...opts,
      name: path,
      onAudio: (y, position) => {
        for (let i = 0; i < y.length; i++) {
          const c = Math.min(lo.length - 1, Math.floor((position + i) / perColumn));
          const v = y[i]!;
          if (v < lo[c]!) lo[c] = v;
          if (v > hi[c]!) hi[c] = v;
        }
      },
      onSpeechFrames: (d, first) => {
        for (let i = 0; i < d.length; i++) {
          if (!d[i]) continue;
          const t = first + i;
          const last = runs[runs.length - 1];
          if (last && last[1] === t) last[1] = t + 1;
          else runs.push([t, t + 1]);
        }
      },
    });
    vadHop = stream.vad.options.hopLength;
    const windows: TimelineWindow[] = [];
    let blocks = 0;
    for await (const block of wav.blocks()) {
      for (const w of stream.push(block, info.sampleRate)) {
        windows.push(w);
        opts.onWindow?.(w);
      }
      if (++blocks % 16 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    for (const w of stream.end()) {
      windows.push(w);
      opts.onWindow?.(w);
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const { frameLength } = stream.vad.options;
    const envelope: EnvelopeColumn[] = [];
    for (let c = 0; c < lo.length; c++) {
      if (lo[c]! > hi[c]!) continue;
      envelope.push({ t: ((c + 0.5) * perColumn) / sr, lo: lo[c]!, hi: hi[c]! });
    }
    // A frame t covers [t·hop, t·hop + frameLength): draw it at its centre hop.
    const speech = runs.map(([a, b]): [number, number] => [
      Math.max(0, (a * vadHop + frameLength / 2 - vadHop / 2) / sr),
      Math.min(duration, (b * vadHop + frameLength / 2 - vadHop / 2) / sr),
    ]);
    return {
      file: path, info, duration, windows, stats: stream.stats, warnings: wav.warnings(),
      seconds: (performance.now() - started) / 1000, peakRss, envelope, speech,
      windowSeconds: stream.windowSeconds, hopSeconds: stream.hopSeconds, modelSampleRate: sr,
    };
  } finally {
    await src.close();
  }
}
