/** Messages between the demo page (main.ts) and its Web Worker (worker.ts). */

export interface AnalyseRequest {
  type: 'analyse';
  id: number;
  name: string;
  /** WAV file bytes (transferred). */
  bytes: ArrayBuffer;
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

export type WorkerReply = ReadyMessage | AnalysisResult | ErrorMessage;

/** The page shows (and draws the spectrogram of) at most this much audio. */
export const DISPLAY_SECONDS = 30;
