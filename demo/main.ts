/**
 * The demo page: takes a WAV (file picker, drag and drop, or the microphone), sends its bytes
 * to the worker (worker.ts) and draws what comes back: waveform, mel spectrogram, emotion
 * probabilities, and emotion over time (the whole timeline of a file; for the microphone a live
 * timeline with the waveform and mel spectrogram scrolling, demo/live.ts and timeline-view.ts).
 * This thread only draws; decoding, DSP and the model run in the worker, and microphone samples go
 * from the AudioWorklet straight to the worker.
 * For automated tests the latest outcome is published on `window.serDemo`.
 */
import { hzToMel } from '../src/reference/mel.js';
import { MAX_LIVE_SECONDS, type AnalysisResult, type ModelSummary, type WindowLite, type WorkerReply } from './protocol.js';
import { LiveScope, TimelineView } from './timeline-view.js';
import { INK, plotArea, prepare, rampColour, timeAxis } from './canvas.js';

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

const worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
let nextId = 1;
const names = new Map<number, string>();

let benchWaiter: ((r: { windows: number; featuresMs: number[]; predictMs: number[] }) => void) | undefined;
window.serDemoBench = (n: number) => new Promise((resolve) => {
  benchWaiter = resolve;
  worker.postMessage({ type: 'bench', n });
});

function setStatus(text: string, isError = false): void {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', isError);
}

worker.onmessage = (event: MessageEvent<WorkerReply>) => {
  const msg = event.data;
  if (msg.type === 'ready') {
    state.ready = true;
    state.model = msg.model;
    buildBars(msg.model.classes);
    timelineView = new TimelineView($<HTMLCanvasElement>('timeline'), msg.model.classes, $('timeline-legend'));
    const m = msg.model;
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
  } else if (msg.type === 'result') {
    state.busy = false;
    names.delete(msg.id);
    show(msg);
  } else if (msg.type === 'bench-result') {
    benchWaiter?.(msg);
    benchWaiter = undefined;
  } else if (msg.type === 'live') {
    onLive(msg);
  } else if (msg.type === 'live-stopped') {
    onLiveStopped(msg);
  } else if (msg.type === 'timeline') {
    const t = state.timeline;
    if (!t || t.source !== 'file' || t.name !== msg.name) return;
    t.windows.push(...msg.windows);
    t.duration = msg.duration;
    t.done = msg.done;
    t.msPerWindow = msg.msPerWindow;
    timelineView?.add(msg.windows, msg.duration, msg.hop);
    $('timeline-caption').textContent = timelineCaption(t);
  } else {
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
};
worker.onerror = (event) => {
  console.error(`ser-wasm demo worker: ${event.message}`);
  setStatus(`The analyser crashed: ${event.message}`, true);
};

function analyse(name: string, bytes: ArrayBuffer, timeline = false): void {
  const id = nextId++;
  names.set(id, name);
  state.busy = true;
  setStatus(`Analysing ${name}…`);
  if (timeline) {
    state.timeline = { source: 'file', name, windows: [], done: false, duration: 0, msPerWindow: 0 };
    timelineView?.reset('file');
    $('timeline-caption').textContent = `${name}: analysing the whole file…`;
  }
  worker.postMessage({ type: 'analyse', id, name, bytes, timeline }, [bytes]);
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

let recording: { stop: () => void } | undefined;

recordButton.addEventListener('click', () => {
  if (recording) recording.stop();
  else void startRecording().catch((err: Error) => setStatus(`Microphone unavailable: ${err.message}`, true));
});

async function startRecording(): Promise<void> {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  const ctx = new AudioContext();
  await ctx.audioWorklet.addModule(new URL('recorder-worklet.js', import.meta.url));
  const source = ctx.createMediaStreamSource(stream);
  const recorder = new AudioWorkletNode(ctx, 'pcm-recorder');
  // The worklet posts its samples straight to the worker through this channel.
  const channel = new MessageChannel();
  recorder.port.postMessage({ port: channel.port1 }, [channel.port1]);
  worker.postMessage({ type: 'live-start', port: channel.port2, sampleRate: ctx.sampleRate }, [channel.port2]);
  const mute = ctx.createGain();
  mute.gain.value = 0; // the graph must reach the destination to be processed; keep it silent
  source.connect(recorder).connect(mute).connect(ctx.destination);
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

  const stop = (): void => {
    if (!recording) return;
    recording = undefined;
    stream.getTracks().forEach((t) => t.stop());
    recorder.disconnect();
    void ctx.close();
    recordButton.textContent = '● Record';
    recordButton.classList.remove('recording');
    worker.postMessage({ type: 'live-stop' });
  };
  recording = { stop };
}

function showLiveCaption(live: boolean): void {
  $('wave-caption').hidden = live;
  $('live-caption').hidden = !live;
}

function onLive(msg: Extract<WorkerReply, { type: 'live' }>): void {
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
  if (latest && state.model) showProbabilities(latest.emotion!, latest.p!);
  $('timeline-caption').textContent = timelineCaption(t);
}

function onLiveStopped(msg: Extract<WorkerReply, { type: 'live-stopped' }>): void {
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

/** The bars and the label for one probability vector (class order). */
function showProbabilities(label: string, p: readonly number[]): void {
  const model = state.model!;
  $('prediction').textContent = label;
  model.classes.forEach((c, i) => {
    for (const el of bars.querySelectorAll<HTMLElement>(`[data-emotion="${c}"]`)) {
      el.classList.toggle('best', c === label);
      if (el.classList.contains('track')) (el.firstElementChild as HTMLElement).style.width = `${(100 * p[i]!).toFixed(1)}%`;
      if (el.classList.contains('value')) el.textContent = `${(100 * p[i]!).toFixed(1)}%`;
    }
  });
}

// ---- results --------------------------------------------------------------------------------

function buildBars(classes: string[]): void {
  bars.replaceChildren();
  for (const c of classes) {
    const name = Object.assign(document.createElement('span'), { className: 'name', textContent: c });
    const track = Object.assign(document.createElement('div'), { className: 'track' });
    track.append(Object.assign(document.createElement('div'), { className: 'fill' }));
    const value = Object.assign(document.createElement('span'), { className: 'value', textContent: '–' });
    for (const el of [name, track, value]) el.dataset.emotion = c;
    bars.append(name, track, value);
  }
}

function show(r: AnalysisResult): void {
  const model = state.model!;
  const probabilities = Object.fromEntries(model.classes.map((c, i) => [c, r.probabilities[i]!]));
  state.last = { name: r.name, label: r.label, features: Array.from(r.features), probabilities };
  $('file-name').textContent =
    `${r.name} · ${r.nativeSr} Hz, ${r.channels === 1 ? 'mono' : `${r.channels} channels`}${r.truncated ? ` · first ${Math.round(r.display.length / r.displaySr)} s shown` : ''}`;
  $('prediction').textContent = r.label;
  for (const el of bars.querySelectorAll<HTMLElement>('[data-emotion]')) {
    const p = probabilities[el.dataset.emotion!] ?? 0;
    el.classList.toggle('best', el.dataset.emotion === r.label);
    if (el.classList.contains('track')) (el.firstElementChild as HTMLElement).style.width = `${(100 * p).toFixed(1)}%`;
    if (el.classList.contains('value')) el.textContent = `${(100 * p).toFixed(1)}%`;
  }
  if (model.transductive) $('details').dataset.session = `speaker statistics from ${r.sessionClips} clip${r.sessionClips === 1 ? '' : 's'} of this session · `;
  const t = r.timingsMs;
  $('details').textContent = ($('details').dataset.session ?? '') +
    `Decode + resample ${t.decode.toFixed(0)} ms · features (WASM) ${t.features.toFixed(1)} ms · ` +
    `spectrogram ${t.spectrogram.toFixed(0)} ms · model ${t.predict.toFixed(0)} ms`;
  shown = r;
  showLiveCaption(false);
  drawWaveform(r, model);
  drawSpectrogram(r);
  setStatus(`${r.name}: ${r.label} (${(100 * Math.max(...r.probabilities)).toFixed(1)}%).`);
}

// ---- drawing ------------------------------------------------------------------------------

let shown: AnalysisResult | undefined;
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    timelineView?.draw();
    if (shown && state.model) {
      drawWaveform(shown, state.model);
      drawSpectrogram(shown);
    }
  }, 100);
});

function drawWaveform(r: AnalysisResult, model: ModelSummary): void {
  const { g, w, h } = prepare(waveCanvas);
  const p = plotArea(w, h);
  const seconds = r.display.length / r.displaySr;
  // The analysed window.
  const a = p.x0 + Math.min(1, r.window.start / seconds) * p.pw;
  const b = p.x0 + Math.min(1, r.window.end / seconds) * p.pw;
  g.fillStyle = 'rgba(48, 86, 211, 0.10)';
  g.fillRect(a, p.y0, b - a, p.ph);
  // Amplitude grid and labels.
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const v of [-1, -0.5, 0, 0.5, 1]) {
    const y = p.y0 + ((1 - v) / 2) * p.ph;
    g.strokeStyle = v === 0 ? '#c8cdd5' : '#eef0f4';
    g.beginPath();
    g.moveTo(p.x0, y);
    g.lineTo(p.x0 + p.pw, y);
    g.stroke();
    g.fillStyle = INK;
    g.fillText(String(v), p.x0 - 6, y);
  }
  // Min/max envelope per pixel column: exact peaks at any zoom.
  g.fillStyle = '#3056d3';
  const n = r.display.length;
  const columns = Math.max(1, Math.floor(p.pw));
  for (let c = 0; c < columns; c++) {
    const from = Math.floor((c / columns) * n);
    const to = Math.max(from + 1, Math.floor(((c + 1) / columns) * n));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to && i < n; i++) {
      const v = r.display[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo > hi) continue;
    const yHi = p.y0 + ((1 - Math.min(1, hi)) / 2) * p.ph;
    const yLo = p.y0 + ((1 - Math.max(-1, lo)) / 2) * p.ph;
    g.fillRect(p.x0 + c, yHi, 1, Math.max(1, yLo - yHi));
  }
  timeAxis(g, p, 0, seconds);
}

const DB_RANGE = 80; // power_to_db(top_db=80, ref=max): values lie in [-80, 0]

function drawSpectrogram(r: AnalysisResult): void {
  const { g, w, h } = prepare(specCanvas);
  const p = plotArea(w, h);
  const { melRows: rows, melCols: cols, melDb } = r;
  // One pixel per (frame, mel band), low frequencies at the bottom, then scaled to the plot.
  const image = new ImageData(cols, rows);
  for (let m = 0; m < rows; m++) {
    for (let t = 0; t < cols; t++) {
      const [R, G, B] = rampColour(1 + melDb[m * cols + t]! / DB_RANGE);
      const k = 4 * ((rows - 1 - m) * cols + t);
      image.data[k] = R;
      image.data[k + 1] = G;
      image.data[k + 2] = B;
      image.data[k + 3] = 255;
    }
  }
  const bitmap = Object.assign(document.createElement('canvas'), { width: cols, height: rows });
  bitmap.getContext('2d')!.putImageData(image, 0, 0);
  g.imageSmoothingEnabled = false;
  g.drawImage(bitmap, p.x0, p.y0, p.pw, p.ph);

  // Frequency axis: mel bands are evenly spaced on the Slaney mel scale from 0 to sr/2
  // (librosa.filters.mel); band m is centred at mel (m + 1) / (rows + 1) of the top.
  const nyquist = r.displaySr / 2;
  const melTop = hzToMel(nyquist);
  g.fillStyle = INK;
  g.strokeStyle = '#c8cdd5';
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const hz of [0, 250, 500, 1000, 2000, 4000, 8000]) {
    if (hz > nyquist) continue;
    const band = (hzToMel(hz) / melTop) * (rows + 1) - 1;
    // 0 Hz lies half a band below the lowest band centre: pin it to the bottom edge.
    const y = hz === 0 ? p.y0 + p.ph : p.y0 + p.ph * (1 - (band + 0.5) / rows);
    if (y < p.y0 - 0.5) continue;
    g.beginPath();
    g.moveTo(p.x0 - 4, y);
    g.lineTo(p.x0, y);
    g.stroke();
    g.fillText(hz >= 1000 ? `${hz / 1000}k` : String(hz), p.x0 - 6, y);
  }
  g.save();
  g.translate(12, p.y0 + p.ph / 2);
  g.rotate(-Math.PI / 2);
  g.textAlign = 'center';
  g.fillText('Hz (mel scale)', 0, 0);
  g.restore();
  // Frames are centred (librosa center=True): frame t sits at t · hop / sr seconds, so the
  // image spans the signal's duration, the same axis as the waveform above.
  timeAxis(g, p, 0, r.display.length / r.displaySr);

  // Colour bar in dB.
  const cx = p.x0 + p.pw + 16;
  for (let y = 0; y < p.ph; y++) {
    const [R, G, B] = rampColour(1 - y / p.ph);
    g.fillStyle = `rgb(${R | 0},${G | 0},${B | 0})`;
    g.fillRect(cx, p.y0 + y, 12, 1);
  }
  g.fillStyle = INK;
  g.textAlign = 'left';
  for (let db = 0; db >= -DB_RANGE; db -= 20) {
    g.fillText(`${db}`, cx + 16, p.y0 + (-db / DB_RANGE) * p.ph);
  }
  g.fillText('dB', cx + 16, p.y0 + p.ph + 12);
}
