/**
 * The demo page: takes a WAV (file picker, drag and drop, or the microphone), sends its bytes
 * to the worker (worker.ts, through worker-client.ts) and shows what comes back: waveform, mel
 * spectrogram, emotion probabilities (renderers.ts), and emotion over time (the whole timeline
 * of a file; for the microphone, recorder.ts, a live timeline with the waveform and mel
 * spectrogram scrolling, demo/live.ts and timeline-view.ts). This thread only draws; decoding,
 * DSP and the model run in the worker, and microphone samples go from the AudioWorklet
 * straight to the worker. For automated tests the latest outcome is published on `window.serDemo`.
 */
import { MAX_LIVE_SECONDS, type AnalysisResult, type LiveStopped, type LiveUpdate, type ModelSummary, type WindowLite, type WorkerReply } from './protocol.js';
import { startRecording, type Recording } from './recorder.js';
import { buildBars, drawSpectrogram, drawWaveform, setBars } from './renderers.js';
import { LiveScope, TimelineView } from './timeline-view.js';
import { AnalyserClient } from './worker-client.js';

export interface DemoState {
  ready: boolean;
  model?: ModelSummary;
  busy: boolean;
  last?: { name: string; label: string; features: number[]; probabilities: Record<string, number> };
  lastError?: { name: string; message: string; code?: string };
  /** Emotion over time: the live microphone's windows, or a dropped file's. */
  timeline?: { source: 'live' | 'file'; name: string; windows: WindowLite[]; done: boolean; duration: number; msPerWindow: number };
  /** The microphone is streaming to the worker. */
  live: boolean;
  /** Base64 of the last recording's captured audio as the worker analysed it (float32 WAV), for tests. */
  liveWavBase64?: string;
}

declare global {
  interface Window {
    serDemo: DemoState;
    /** Times n timeline windows (features + one model call each) in the worker (bench/timeline.ts --browser). */
    serDemoBench(n: number): Promise<{ windows: number; featuresMs: number[]; predictMs: number[] }>;
  }
}

const state: DemoState = { ready: false, busy: false, live: false };
window.serDemo = state;

const $ = <T extends HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`demo: #${id} missing from index.html`);
  return el as T;
};
const fileInput = $<HTMLInputElement>('file-input');
const dropZone = $<HTMLLabelElement>('drop-zone');
const recordButton = $<HTMLButtonElement>('record-button');
const recordTime = $('record-time');
const statusLine = $('status');
const waveCanvas = $<HTMLCanvasElement>('waveform');
const specCanvas = $<HTMLCanvasElement>('spectrogram');
const bars = $('bars');
let timelineView: TimelineView | undefined;
const liveScope = new LiveScope(waveCanvas, specCanvas);
const names = new Map<number, string>();

function setStatus(text: string, isError = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', isError);
}

const client = new AnalyserClient(onReply, (message) => {
  console.error(`ser-wasm demo worker: ${message}`);
  setStatus(`The analyser crashed: ${message}`, true);
});
window.serDemoBench = (n: number) => client.bench(n);

function onReply(msg: Exclude<WorkerReply, { type: 'bench-result' }>): void {
  switch (msg.type) {
    case 'ready':
      return onReady(msg.model);
    case 'result':
      state.busy = false;
      names.delete(msg.id);
      return show(msg);
    case 'live':
      return onLive(msg);
    case 'live-stopped':
      return onLiveStopped(msg);
    case 'timeline': {
      const t = state.timeline;
      if (!t || t.source !== 'file' || t.name !== msg.name) return;
      t.windows.push(...msg.windows);
      t.duration = msg.duration;
      t.done = msg.done;
      t.msPerWindow = msg.msPerWindow;
      timelineView?.add(msg.windows, msg.duration, msg.hop);
      $('timeline-caption').textContent = timelineCaption(t);
      return;
    }
    case 'error': {
      state.busy = false;
      const name = names.get(msg.id) ?? '';
      names.delete(msg.id);
      state.lastError = { name, message: msg.message, ...(msg.code ? { code: msg.code } : {}) };
      if (msg.id < 0) {
        // The worker could not start (missing files, no WebAssembly): a real failure, so also log it.
        console.error(`ser-wasm demo: ${msg.message}`);
        setStatus(`The analyser could not start: ${msg.message}`, true);
      } else {
        setStatus(`${name}: ${msg.message}`, true);
      }
    }
  }
}

function onReady(m: ModelSummary): void {
  state.ready = true;
  state.model = m;
  buildBars(bars, m.classes);
  timelineView = new TimelineView($<HTMLCanvasElement>('timeline'), m.classes, $('timeline-legend'));
  $('window-text').textContent = 'the shaded part of the waveform';
  $('model-info').textContent =
    `Model: ${m.title}${m.recipeName ? ` (recipe '${m.recipeName}')` : ''}, trained on ${m.synthetic ? 'the synthetic corpus of `ser synth`' : `the corpus '${m.corpus}'`} ` +
    `(${m.trainedOn}). Features: ${m.features}. TensorFlow.js ${m.tfBackend} backend.`;
  $('model-caveat').textContent = [
    m.synthetic
      ? 'This model learned from synthetic speech only, so its guesses on real voices mean little. Train one on real speech with `ser train --data … --out m && ser serve m`.'
      : '',
    m.transductive
      ? "This model normalises each voice with that voice's own clips: the clips of this session count as one speaker, so analyse several clips of one voice (10 or more) for stable results."
      : '',
  ].filter(Boolean).join(' ');
  setStatus('Ready. Choose, drop or record a WAV file.');
}

function analyse(name: string, bytes: ArrayBuffer, timeline = false): void {
  state.busy = true;
  setStatus(`Analysing ${name}…`);
  if (timeline) {
    state.timeline = { source: 'file', name, windows: [], done: false, duration: 0, msPerWindow: 0 };
    timelineView?.reset('file');
    $('timeline-caption').textContent = `${name}: analysing the whole file…`;
  }
  names.set(client.analyse(name, bytes, timeline), name);
}

async function analyseFile(file: File): Promise<void> {
  analyse(file.name, await file.arrayBuffer(), true);
}

function timelineCaption(t: NonNullable<DemoState['timeline']>): string {
  const speech = t.windows.filter((w) => w.speech).length;
  const where = t.source === 'live' ? 'Microphone' : t.name;
  return `${where}: ${t.windows.length} windows${t.duration ? ` over ${t.duration.toFixed(1)} s` : ''}, ${speech} with speech` +
    `${t.msPerWindow ? ` · ${t.msPerWindow.toFixed(1)} ms per window in the worker (features + model)` : ''}${t.done ? '' : ' …'}`;
}

fileInput.addEventListener('change', () => {
  const file = fileInput.files?.[0];
  if (file) void analyseFile(file);
  fileInput.value = ''; // choosing the same file again must fire 'change' again
});
dropZone.addEventListener('dragover', (e) => {
  e.preventDefault();
  dropZone.classList.add('dragging');
});
dropZone.addEventListener('dragleave', () => dropZone.classList.remove('dragging'));
dropZone.addEventListener('drop', (e) => {
  e.preventDefault();
  dropZone.classList.remove('dragging');
  const file = e.dataTransfer?.files[0];
  if (file) void analyseFile(file);
});

// ---- microphone: live emotion over time ---------------------------------------------------

let recording: Recording | undefined;

recordButton.addEventListener('click', () => {
  if (recording) recording.stop();
  else void record().catch((err: Error) => setStatus(`Microphone unavailable: ${err.message}`, true));
});

async function record(): Promise<void> {
  recording = await startRecording(client, () => {
    recording = undefined;
    recordButton.textContent = '● Record';
    recordButton.classList.remove('recording');
  });
  state.live = true;
  state.timeline = { source: 'live', name: 'microphone', windows: [], done: false, duration: 0, msPerWindow: 0 };
  timelineView?.reset('live');
  liveScope.reset();
  $('timeline-caption').textContent = 'Microphone: listening…';
  showLiveCaption(true);
  $('file-name').textContent = '· microphone (live)';
  recordButton.textContent = '■ Stop';
  recordButton.classList.add('recording');
  setStatus('Recording… the timeline updates while you speak; press Stop when done.');
}

function showLiveCaption(live: boolean): void {
  $('wave-caption').hidden = live;
  $('live-caption').hidden = !live;
}

function onLive(msg: LiveUpdate): void {
  const t = state.timeline;
  recordTime.textContent = `${(msg.samples / msg.sampleRate).toFixed(1)} s`;
  if (msg.samples >= MAX_LIVE_SECONDS * msg.sampleRate) recording?.stop();
  liveScope.add(msg);
  if (!t || t.source !== 'live') return;
  t.windows.push(...msg.windows);
  t.duration = msg.samples / msg.sampleRate;
  t.msPerWindow = msg.msPerWindow;
  timelineView?.add(msg.windows);
  timelineView?.setEdge(t.duration);
  const latest = [...msg.windows].reverse().find((w) => w.speech && w.p);
  if (latest && state.model) {
    $('prediction').textContent = latest.emotion!;
    setBars(bars, state.model.classes, latest.emotion!, latest.p!);
  }
  $('timeline-caption').textContent = timelineCaption(t);
}

function onLiveStopped(msg: LiveStopped): void {
  state.live = false;
  const t = state.timeline;
  if (t && t.source === 'live') {
    t.windows.push(...msg.windows);
    t.done = true;
    t.msPerWindow = msg.msPerWindow;
    timelineView?.add(msg.windows);
    $('timeline-caption').textContent = timelineCaption(t);
  }
  if (!msg.wav) {
    setStatus('Nothing was recorded.', true);
    return;
  }
  state.liveWavBase64 = base64(new Uint8Array(msg.wav));
  analyse('recording.wav', msg.wav);
}

function base64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}

// ---- one analysed clip ----------------------------------------------------------------------

let shown: AnalysisResult | undefined;

function show(r: AnalysisResult): void {
  const model = state.model!;
  const probabilities = Object.fromEntries(model.classes.map((c, i) => [c, r.probabilities[i]!]));
  state.last = { name: r.name, label: r.label, features: Array.from(r.features), probabilities };
  $('file-name').textContent =
    `${r.name} · ${r.nativeSr} Hz, ${r.channels === 1 ? 'mono' : `${r.channels} channels`}${r.truncated ? ` · first ${Math.round(r.display.length / r.displaySr)} s shown` : ''}`;
  $('prediction').textContent = r.label;
  setBars(bars, model.classes, r.label, r.probabilities);
  if (model.transductive) $('details').dataset.session = `speaker statistics from ${r.sessionClips} clip${r.sessionClips === 1 ? '' : 's'} of this session · `;
  const t = r.timingsMs;
  $('details').textContent = ($('details').dataset.session ?? '') +
    `Decode + resample ${t.decode.toFixed(0)} ms · features (WASM) ${t.features.toFixed(1)} ms · ` +
    `spectrogram ${t.spectrogram.toFixed(0)} ms · model ${t.predict.toFixed(0)} ms`;
  shown = r;
  showLiveCaption(false);
  drawWaveform(waveCanvas, r);
  drawSpectrogram(specCanvas, r);
  setStatus(`${r.name}: ${r.label} (${(100 * Math.max(...r.probabilities)).toFixed(1)}%).`);
}

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    timelineView?.draw();
    if (shown) {
      drawWaveform(waveCanvas, shown);
      drawSpectrogram(specCanvas, shown);
    }
  }, 100);
});
