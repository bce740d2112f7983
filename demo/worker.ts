/**
 * The demo's Web Worker: every expensive step runs here so the page never blocks.
 * WAV bytes → decode + resample (WASM, ser.wasm) → paper vector (WASM) → CNN (tfjs, wasm backend).
 * Static files it needs, relative to the page: ser.wasm, tfjs/*.wasm, model/ (see `ser serve`).
 */
import * as tf from '../src/ml/tfjs.js';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import {
  createWasmDspFromCore, describeRecipe, DspError, featureVector, isAudioError, isSequenceRecipe, loadAudioRanges, loadModelFromUrl,
  loadWasmCoreFrom, modelTitle, readWavInfo, recipeLoadOptions, trimForRecipe, wasmResampler, type EmotionModel, type WasmDsp, type Resampler,
} from '../src/browser/index.js';
import { argmax, powerToDbReMax } from '../src/display/index.js';
import { measureWindowCost } from '../src/timeline/window-cost.js';
import { fileTimeline, LiveSession } from './live.js';
import { DISPLAY_SECONDS, type AnalyseRequest, type AnalysisResult, type WorkerReply, type WorkerRequest } from './protocol.js';

interface Engine {
  dsp: WasmDsp;
  resampler: Resampler;
  model: EmotionModel;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;

function reply(message: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

async function start(): Promise<Engine> {
  // tfjs-backend-wasm fetches its binaries from here instead of a CDN.
  setWasmPaths(new URL('tfjs/', scope.location.href).href);
  if (!(await tf.setBackend('wasm'))) throw new Error('the TensorFlow.js wasm backend could not start');
  await tf.ready();
  const core = await loadWasmCoreFrom(new URL('ser.wasm', scope.location.href));
  const model = await loadModelFromUrl(new URL('model/', scope.location.href), { core });
  const { meta } = model;
  const corpus = meta.trainedOn.corpus.split(/[\\/]/).filter(Boolean).pop() ?? 'unknown corpus';
  reply({
    type: 'ready',
    model: {
      classes: meta.classes,
      title: modelTitle(meta.spec),
      recipeName: meta.trainedOn.recipeName ?? null,
      features: describeRecipe(meta.recipe),
      corpus,
      trainedOn: `${meta.trainedOn.rows} rows, ${meta.trainedOn.speakers.length} speakers`,
      synthetic: meta.trainedOn.synthetic === true,
      transductive: model.transductive,
      tfBackend: tf.getBackend(),
    },
  });
  return { dsp: createWasmDspFromCore(core), resampler: wasmResampler(core), model };
}

async function analyse({ dsp, resampler, model }: Engine, req: AnalyseRequest): Promise<AnalysisResult> {
  const recipe = model.meta.recipe;
  const bytes = new Uint8Array(req.bytes);
  const t0 = performance.now();
  // The clip exactly as `ser predict` loads it, and a longer view of the same file for the waveform and
  // spectrogram, from one decoding of the file.
  const [clip, view] = await loadAudioRanges(bytes, [recipeLoadOptions(recipe), { sr: recipe.sr, duration: DISPLAY_SECONDS }], { file: req.name, resampler });
  const t1 = performance.now();
  const features = featureVector(dsp, clip.y, recipe);
  const t2 = performance.now();
  const nFft = recipe.nFft;
  const mel = dsp.melSpectrogram(view.y, { sr: recipe.sr, nFft, hopLength: recipe.hopLength, nMels: recipe.nMels });
  // librosa.power_to_db(S, ref=np.max): 0 dB at the loudest bin, floor at -80 dB.
  const melDb = powerToDbReMax(dsp, mel);
  const t3 = performance.now();
  const { probabilities, sessionClips } = predictInSession(model, features);
  const t4 = performance.now();
  const info = readWavInfo(bytes, req.name);
  return {
    type: 'result',
    id: req.id,
    name: req.name,
    nativeSr: clip.nativeSr,
    channels: clip.channels,
    display: view.y,
    displaySr: view.sr,
    truncated: info.frames > DISPLAY_SECONDS * info.sampleRate,
    melDb: Float32Array.from(melDb.data),
    melRows: melDb.rows,
    melCols: melDb.cols,
    window: analysedWindow(dsp, clip.y, recipe),
    features,
    probabilities,
    label: model.meta.classes[argmax(probabilities)]!,
    sessionClips,
    timingsMs: { decode: t1 - t0, features: t2 - t1, spectrogram: t3 - t2, predict: t4 - t3 },
  };
}

/**
 * The feature rows of this session's clips (newest last, at most SESSION_CLIPS). A
 * transductive model normalises a speaker with that speaker's own clips: the page has no
 * speaker labels, so the clips of one session count as one speaker.
 */
const SESSION_CLIPS = 64;
const session: Float32Array[] = [];

function predictInSession(model: EmotionModel, features: Float32Array): { probabilities: Float32Array; sessionClips: number } {
  if (!model.transductive) return { probabilities: model.predictProba(features, 1), sessionClips: 1 };
  session.push(features);
  if (session.length > SESSION_CLIPS) session.shift();
  const dim = features.length;
  const X = new Float32Array(session.length * dim);
  session.forEach((row, i) => X.set(row, i * dim));
  const P = model.predictProba(X, session.length, { speakers: session.map(() => 'session') });
  const n = model.meta.classes.length;
  return { probabilities: P.slice((session.length - 1) * n), sessionClips: session.length };
}

/** Seconds of the file the features describe: the paper's fixed window, or the trimmed utterance's centred frames. */
function analysedWindow(dsp: WasmDsp, y: Float32Array, recipe: EmotionModel['meta']['recipe']): { start: number; end: number } {
  if (!isSequenceRecipe(recipe)) return { start: recipe.offset, end: recipe.offset + recipe.duration };
  const trimmed = trimForRecipe(dsp, y, recipe);
  const start = trimmed === y ? 0 : trimmed.byteOffset / 4 - y.byteOffset / 4;
  const length = Math.min(trimmed.length, recipe.frames * recipe.hopLength);
  const from = start + Math.max(0, (trimmed.length - length) >> 1);
  return { start: from / recipe.sr, end: (from + length) / recipe.sr };
}

const engine = start();
engine.catch((err: Error) => reply({ type: 'error', id: -1, message: `could not start: ${err.message}` }));

// Emotion over time (demo/live.ts): at most one live microphone session at a time.
let live: LiveSession | undefined;

scope.onmessage = async (event: MessageEvent<WorkerRequest>) => {
  const req = event.data;
  if (req.type === 'bench') {
    const { dsp, model } = await engine;
    reply({ type: 'bench-result', ...measureWindowCost(model, dsp, req.n) });
    return;
  }
  if (req.type === 'live-start' || req.type === 'live-stop') {
    live?.stop();
    live = req.type === 'live-start' ? new LiveSession(await engine, req.port, req.sampleRate, reply) : undefined;
    return;
  }
  try {
    const result = await analyse(await engine, req);
    reply(result, [result.display.buffer, result.melDb.buffer, result.features.buffer, result.probabilities.buffer]);
    if (req.timeline) await fileTimeline(await engine, req.id, req.name, new Uint8Array(req.bytes), reply);
  } catch (err) {
    const e = err as Error;
    // Bad input (not a WAV, too short, ...) is expected: report it with its code; anything else is a bug.
    const code = isAudioError(e) ? e.code : e instanceof DspError ? e.name : undefined;
    reply({ type: 'error', id: req.id, message: e.message, ...(code ? { code } : {}) });
  }
};
