/**
 * Figure 2: one clip per emotion (results.examples), read whole at its native rate —
 * waveform envelope above its mel spectrogram. An emotion whose file is missing or
 * unreadable is skipped with a note for the page.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { isAudioError } from '../audio/errors.js';
import { loadAudio } from '../audio/load.js';
import type { DspBackend } from '../dsp/types.js';
import type { PipelineResults } from '../pipeline/results.js';
import { emotionColor } from './colors.js';
import { slug, type FigureDef } from './figure.js';
import { SPECTROGRAM_SETTINGS, melDisplay, spectrogramPanel, waveformEnvelope, waveformPanel } from './signal-panels.js';
import { FIGURE_SIZES } from './sizes.js';

export async function exampleFigures(results: PipelineResults, dsp: DspBackend, notes: string[]): Promise<FigureDef[]> {
  const figures: FigureDef[] = [];
  for (const emotion of results.classes) {
    const path = results.examples[emotion];
    if (!path) {
      notes.push(`No example clip is listed for '${emotion}'; its waveform and spectrogram are omitted.`);
      continue;
    }
    if (!existsSync(path)) {
      notes.push(`The example clip for '${emotion}' is missing (${path}); its waveform and spectrogram are omitted.`);
      continue;
    }
    let audio;
    try {
      audio = await loadAudio(path, { sr: null });
    } catch (err) {
      if (!isAudioError(err)) throw err;
      notes.push(`The example clip for '${emotion}' could not be read (${err.message}); its waveform and spectrogram are omitted.`);
      continue;
    }
    figures.push(exampleFigure(emotion, path, audio.y, audio.sr, dsp, results.classes));
  }
  return figures;
}

function exampleFigure(emotion: string, path: string, y: Float32Array, sr: number, dsp: DspBackend, classes: readonly string[]): FigureDef {
  const color = emotionColor(emotion, classes);
  const mel = melDisplay(dsp, y, sr);
  const seconds = y.length / sr;
  const panelWidth = 330;
  const spec = {
    title: { text: `${capitalise(emotion)}`, subtitle: `${basename(path)} — ${seconds.toFixed(2)} s at ${sr} Hz (native rate)`, color },
    vconcat: [
      waveformPanel(waveformEnvelope(y, sr), color, { width: panelWidth, height: 90 }, { seconds: mel.seconds }),
      spectrogramPanel(mel, { width: panelWidth, height: 180 }, { seconds: mel.seconds }),
    ],
    spacing: 14,
  } as unknown as TopLevelSpec;
  const s = SPECTROGRAM_SETTINGS;
  return {
    name: `example-${slug(emotion)}`,
    section: 'examples',
    title: capitalise(emotion),
    caption:
      `${basename(path)}, whole file at ${sr} Hz. Top: waveform (min/max envelope; amplitude in full-scale units, ±1). Bottom: mel spectrogram ` +
      `(n_fft ${s.nFft}, hop ${s.hopLength}, ${s.nMels} mel bands, ${s.fmin}–${mel.fmax} Hz), power in dB relative to the clip's maximum` +
      `${mel.columns < mel.frames ? `, ${mel.frames} frames averaged into ${mel.columns} columns` : ''}.`,
    size: FIGURE_SIZES.example,
    spec,
  };
}

export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
