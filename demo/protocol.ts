/** Messages between the demo page (main.ts) and its Web Worker (worker.ts). */

export interface AnalyseRequest {
  type: 'analyse';
  id: number;
  name: string;
  /** WAV file bytes (transferred). */
  bytes: ArrayBuffer;
  /** Also stream the whole file through the timeline afterwards ('timeline' messages). */
  timeline?: boolean;
}

export interface ModelSummary {
  classes: string[];
  /** e.g. "CNN (sequence) × 3". */
  title: string;
  /** The training recipe's name ('best', 'paper') when the bundle records it. */
  recipeName: string | null;
  /** One line: what a clip becomes before the model sees it. */
  features: string;
  /** Corpus folder name the model was trained on, and its size. */
  corpus: string;
  trainedOn: string;
  /** True when the corpus is the synthetic one (`ser synth`): say so wherever a prediction is shown. */
  synthetic: boolean;
  /** The model normalises each speaker with that speaker's clips: the page treats the session's clips as one speaker. */
  transductive: boolean;
  tfBackend: string;
}

export interface ReadyMessage {
  type: 'ready';
  model: ModelSummary;
}

export interface AnalysisResult {
  type: 'result';
  id: number;
  name: string;
  /** File facts. */
  nativeSr: number;
  channels: number;
  /** Display signal: mono at recipe.sr, at most DISPLAY_SECONDS long. */
  display: Float32Array;
  displaySr: number;
  /** True when the file is longer than what is displayed. */
  truncated: boolean;
  /** Mel power spectrogram of `display` in dB (ref = max, top_db 80): [nMels × frames] row-major. */
  melDb: Float32Array;
  melRows: number;
  melCols: number;
  /** The analysed stretch of the file, in seconds (the paper's fixed window, or the trimmed and centred utterance). */
  window: { start: number; end: number };
  /** The feature row the model saw (before its own preprocessing) and its output. */
  features: Float32Array;
  probabilities: Float32Array;
  label: string;
  /** Transductive models: clips of this session the speaker statistics came from (this one included). */
  sessionClips: number;
  timingsMs: { decode: number; features: number; spectrogram: number; predict: number };
}

export interface ErrorMessage {
  type: 'error';
  /** -1 when initialisation failed. */
  id: number;
  message: string;
  /** AudioError / DspError code when the input was the problem. */
  code?: string;
}

export type WorkerReply = ReadyMessage | AnalysisResult | ErrorMessage | LiveReply;

/** The page shows (and draws the spectrogram of) at most this much audio. */
export const DISPLAY_SECONDS = 30;

// ---- emotion over time (live microphone and whole files; demo/live.ts in the worker) --------

/** One timeline window as the page receives it (probabilities in the model's class order). */
export interface WindowLite {
  start: number;
  end: number;
  speech: boolean;
  emotion: string | null;
  p: number[] | null;
}

/** Start streaming the microphone: the recorder worklet posts Float32Array chunks to `port`. */
export interface LiveStartRequest {
  type: 'live-start';
  port: MessagePort;
  sampleRate: number;
}

/** Stop streaming: the worker ends the stream and answers with 'live-stopped'. */
export interface LiveStopRequest {
  type: 'live-stop';
}

/** Time `n` windows (features + one model call each) in the worker: the benchmark's browser row. */
export interface BenchRequest {
  type: 'bench';
  n: number;
}

export type WorkerRequest = AnalyseRequest | LiveStartRequest | LiveStopRequest | BenchRequest;

/** What the live view draws since the previous update (posted about 10 times a second). */
export interface LiveUpdate {
  type: 'live';
  /** Microphone samples received so far (at `sampleRate`). */
  samples: number;
  sampleRate: number;
  /** Waveform envelope at the model's rate: [lo, hi] pairs, `waveRate` columns per second, from column `waveFrom`. */
  wave: Float32Array;
  waveRate: number;
  waveFrom: number;
  /** Mel power in dB (ref 1) of new frames, frame-major: melRows values per frame, `melRate` frames per second, from frame `melFrom`. */
  mel: Float32Array;
  melRows: number;
  melRate: number;
  melFrom: number;
  /** Windows completed since the previous update. */
  windows: WindowLite[];
  /** Milliseconds per classified window so far (features + model, in the worker). */
  msPerWindow: number;
}

export interface LiveStopped {
  type: 'live-stopped';
  /** The last windows (the stream's end). */
  windows: WindowLite[];
  /** The first CAPTURE_SECONDS of the microphone as a float32 WAV at its own rate (what the recording analysis reads), or null when nothing came. */
  wav: ArrayBuffer | null;
  msPerWindow: number;
}

/** Windows of a dropped file, in batches while the worker streams through it. */
export interface TimelineUpdate {
  type: 'timeline';
  id: number;
  name: string;
  windows: WindowLite[];
  /** Seconds of the file. */
  duration: number;
  hop: number;
  done: boolean;
  msPerWindow: number;
}

export interface BenchResult {
  type: 'bench-result';
  windows: number;
  featuresMs: number[];
  predictMs: number[];
}

export type LiveReply = LiveUpdate | LiveStopped | TimelineUpdate | BenchResult;

/** Seconds of microphone audio kept for the recording's single-clip analysis (the live timeline goes on longer). */
export const CAPTURE_SECONDS = 30;
/** A recording stops by itself after this long. */
export const MAX_LIVE_SECONDS = 600;
