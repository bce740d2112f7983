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
  recipe: { sr: number; offset: number; duration: number; nFft: number; hopLength: number; nMfcc: number; nMels: number; vectorLength: number };
  trainedOn: string;
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
  /** The paper vector the CNN saw (unscaled) and its output. */
  features: Float32Array;
  probabilities: Float32Array;
  label: string;
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
