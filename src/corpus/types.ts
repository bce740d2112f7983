/**
 * Corpus model shared by every loader (RAVDESS, folder-per-label, CSV manifest,
 * TESS / CREMA-D / SAVEE / EmoDB file names). A loader only lists and labels
 * files; reading audio is someone else's job.
 */

/** One labelled recording. */
export interface CorpusItem {
  /** Absolute path of the audio file. */
  path: string;
  /** Class name after mapping (e.g. RAVDESS 'calm' becomes 'neutral' in the 7-class setup). */
  label: string;
  /** Index of `label` in {@link Corpus.classes}. */
  labelIndex: number;
  /** Speaker id, unique within the corpus (e.g. 'Actor_01'); 'unknown' when the layout does not say. */
  speaker: string;
  gender?: 'male' | 'female';
  /**
   * Unique per original recording. Derived items (augmented copies, crops) must keep
   * their source's id so a split can prove that no recording sits on both sides.
   */
  recordingId: string;
  /** Layout-specific fields (RAVDESS: modality, vocalChannel, emotionCode, emotion8, intensity, statement, repetition, actor). */
  meta: Record<string, string | number>;
}

export interface SkippedFile {
  path: string;
  /** Why the file was left out, precise enough to fix the name. */
  reason: string;
  /** Machine-readable cause when it is not the name: BROKEN_SYMLINK, SYMLINK_LOOP, SYMLINK_DUPLICATE. */
  code?: string;
}

export interface Corpus {
  /** Sorted by path, so the order does not depend on the file system. */
  items: CorpusItem[];
  /** Class vocabulary; labelIndex refers to this order. */
  classes: string[];
  skipped: SkippedFile[];
  /** Which loader produced it: 'ravdess' | 'folder' | 'csv' | 'tess' | 'crema-d' | 'savee' | 'emodb'. */
  layout: string;
}

/**
 * The paper's 7 classes (RAVDESS with calm merged into neutral), in RAVDESS
 * emotion-code order with calm removed. Every loader maps onto these names
 * where the source corpus has a matching emotion.
 */
export const EMOTIONS_7 = ['neutral', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'] as const;

/** RAVDESS's own 8 emotions, in emotion-code order (01..08). */
export const EMOTIONS_8 = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust', 'surprised'] as const;

export type Emotion7 = (typeof EMOTIONS_7)[number];
export type Emotion8 = (typeof EMOTIONS_8)[number];

/** Raised for a corpus that cannot be loaded at all (missing folder, undetectable layout, bad manifest header). */
export class CorpusError extends Error {
  override readonly name = 'CorpusError';
  constructor(message: string) {
    super(message);
  }
}

/** File extensions the loaders consider as audio (compared case-insensitively). */
export const AUDIO_EXTENSIONS = ['.wav'] as const;
