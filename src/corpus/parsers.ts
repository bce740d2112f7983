/**
 * File-name parsers for four public emotional-speech corpora, mapping each one's
 * emotions onto the 7-class vocabulary (neutral, happy, sad, angry, fearful,
 * disgust, surprised). Emotions with no counterpart are reported, not guessed.
 *
 * What maps where:
 *   TESS    angry→angry, disgust→disgust, fear→fearful, happy→happy, neutral→neutral,
 *           ps (pleasant surprise)→surprised, sad→sad. Speakers OAF, YAF (both female).
 *   CREMA-D ANG→angry, DIS→disgust, FEA→fearful, HAP→happy, NEU→neutral, SAD→sad
 *           (no surprise). Gender is not in the name (it is in VideoDemographics.csv).
 *   SAVEE   a→angry, d→disgust, f→fearful, h→happy, n→neutral, sa→sad, su→surprised.
 *           Speakers DC, JE, JK, KL (all male).
 *   EmoDB   W (Ärger)→angry, E (Ekel)→disgust, A (Angst)→fearful, F (Freude)→happy,
 *           N→neutral, T (Trauer)→sad; L (Langeweile, boredom) has no class and is skipped.
 */
import { basename, dirname } from 'node:path';
import type { Emotion7 } from './types.js';

export interface ParsedName {
  emotion: Emotion7;
  speaker: string;
  gender?: 'male' | 'female';
  meta: Record<string, string | number>;
}

/**
 * A name parser: takes the file path (the parent folder may carry the speaker,
 * as in SAVEE's AudioData/DC/a01.wav) and returns the fields or a reason string.
 */
export type NameParser = (path: string) => ParsedName | string;

function stemOf(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '');
}

const TESS_EMOTIONS: Record<string, Emotion7> = {
  angry: 'angry',
  disgust: 'disgust',
  fear: 'fearful',
  happy: 'happy',
  neutral: 'neutral',
  ps: 'surprised',
  sad: 'sad',
};

/** TESS (Toronto Emotional Speech Set): OAF_back_angry.wav = speaker_word_emotion. */
export const parseTessName: NameParser = (path) => {
  const m = /^(OAF|YAF|OA|YA)_([A-Za-z]+)_([A-Za-z]+)$/i.exec(stemOf(path));
  if (!m) return 'expected TESS name SPEAKER_word_emotion with speaker OAF or YAF (e.g. OAF_back_angry.wav)';
  const emotionWord = m[3]!.toLowerCase();
  const emotion = TESS_EMOTIONS[emotionWord];
  if (!emotion) return `TESS emotion '${m[3]}' is not one of ${Object.keys(TESS_EMOTIONS).join(', ')}`;
  // A few published TESS files abbreviate the speaker as OA/YA.
  const speaker = m[1]!.toUpperCase().startsWith('O') ? 'OAF' : 'YAF';
  return { emotion, speaker, gender: 'female', meta: { word: m[2]!.toLowerCase(), emotionCode: emotionWord } };
};

const CREMA_EMOTIONS: Record<string, Emotion7> = {
  ANG: 'angry',
  DIS: 'disgust',
  FEA: 'fearful',
  HAP: 'happy',
  NEU: 'neutral',
  SAD: 'sad',
};
const CREMA_SENTENCES = ['IEO', 'TIE', 'IOM', 'IWW', 'TAI', 'MTI', 'IWL', 'ITH', 'DFA', 'ITS', 'TSI', 'WSI'];
const CREMA_LEVELS: Record<string, string> = { LO: 'low', MD: 'medium', HI: 'high', XX: 'unspecified' };

/** CREMA-D: 1001_DFA_ANG_XX.wav = actor(1001..1091)_sentence_emotion_level. */
export const parseCremaDName: NameParser = (path) => {
  const m = /^(\d{4})_([A-Z]{3})_([A-Z]{3})_([A-Z]{2})$/.exec(stemOf(path));
  if (!m) return 'expected CREMA-D name ACTOR_SENTENCE_EMOTION_LEVEL (e.g. 1001_DFA_ANG_XX.wav)';
  const actor = Number(m[1]);
  if (actor < 1001 || actor > 1091) return `CREMA-D actor ${m[1]} is outside 1001..1091`;
  if (!CREMA_SENTENCES.includes(m[2]!)) return `CREMA-D sentence code '${m[2]}' is not one of ${CREMA_SENTENCES.join(', ')}`;
  const emotion = CREMA_EMOTIONS[m[3]!];
  if (!emotion) return `CREMA-D emotion '${m[3]}' is not one of ${Object.keys(CREMA_EMOTIONS).join(', ')}`;
  const level = CREMA_LEVELS[m[4]!];
  if (!level) return `CREMA-D level '${m[4]}' is not one of LO, MD, HI, XX`;
  return { emotion, speaker: m[1]!, meta: { actor, sentence: m[2]!, emotionCode: m[3]!, level } };
};

const SAVEE_EMOTIONS: Record<string, Emotion7> = {
  a: 'angry',
  d: 'disgust',
  f: 'fearful',
  h: 'happy',
  n: 'neutral',
  sa: 'sad',
  su: 'surprised',
};
const SAVEE_SPEAKERS = ['DC', 'JE', 'JK', 'KL'];

/**
 * SAVEE: DC_a01.wav (speaker prefix) or DC/a01.wav (speaker folder, the original
 * AudioData layout). Emotion code a, d, f, h, n, sa, su, then a sentence number.
 */
export const parseSaveeName: NameParser = (path) => {
  const stem = stemOf(path);
  let speaker: string;
  let rest: string;
  const prefixed = /^([A-Za-z]{2})_(.+)$/.exec(stem);
  if (prefixed) {
    speaker = prefixed[1]!.toUpperCase();
    rest = prefixed[2]!;
  } else {
    speaker = basename(dirname(path)).toUpperCase();
    rest = stem;
  }
  if (!SAVEE_SPEAKERS.includes(speaker)) {
    return `SAVEE speaker '${speaker}' (from ${prefixed ? 'the name prefix' : 'the parent folder'}) is not one of ${SAVEE_SPEAKERS.join(', ')}`;
  }
  const m = /^(a|d|f|h|n|sa|su)(\d{2})$/.exec(rest);
  if (!m) return `expected SAVEE emotion code (a, d, f, h, n, sa, su) and a two-digit sentence number, got '${rest}'`;
  return {
    emotion: SAVEE_EMOTIONS[m[1]!]!,
    speaker,
    gender: 'male',
    meta: { emotionCode: m[1]!, sentence: Number(m[2]) },
  };
};

const EMODB_EMOTIONS: Record<string, Emotion7 | null> = {
  W: 'angry',
  L: null, // Langeweile (boredom): no counterpart in the 7 classes
  E: 'disgust',
  A: 'fearful',
  F: 'happy',
  T: 'sad',
  N: 'neutral',
};
const EMODB_MALE = ['03', '10', '11', '12', '15'];
const EMODB_FEMALE = ['08', '09', '13', '14', '16'];
const EMODB_TEXTS = ['a01', 'a02', 'a04', 'a05', 'a07', 'b01', 'b02', 'b03', 'b09', 'b10'];

/** Berlin EmoDB: 03a01Fa.wav = speaker(2 digits) text(a01..b10) emotion(German letter) version. */
export const parseEmoDbName: NameParser = (path) => {
  const m = /^(\d{2})([ab]\d{2})([A-Z])([a-z])$/.exec(stemOf(path));
  if (!m) return 'expected EmoDB name SPEAKER TEXT EMOTION VERSION (e.g. 03a01Fa.wav)';
  const [, speaker, text, code, version] = m as unknown as [string, string, string, string, string];
  const gender = EMODB_MALE.includes(speaker) ? 'male' : EMODB_FEMALE.includes(speaker) ? 'female' : undefined;
  if (!gender) return `EmoDB speaker ${speaker} is not one of ${[...EMODB_MALE, ...EMODB_FEMALE].sort().join(', ')}`;
  if (!EMODB_TEXTS.includes(text)) return `EmoDB text code '${text}' is not one of ${EMODB_TEXTS.join(', ')}`;
  if (!(code in EMODB_EMOTIONS)) return `EmoDB emotion letter '${code}' is not one of ${Object.keys(EMODB_EMOTIONS).join(', ')}`;
  const emotion = EMODB_EMOTIONS[code];
  if (!emotion) return `EmoDB emotion '${code}' (boredom) has no class in the 7-class vocabulary`;
  return { emotion, speaker, gender, meta: { text, emotionCode: code, version } };
};

/** Parsers by corpus name, as accepted by loadCorpus({ layout }). */
export const NAME_PARSERS = {
  tess: parseTessName,
  'crema-d': parseCremaDName,
  savee: parseSaveeName,
  emodb: parseEmoDbName,
} as const satisfies Record<string, NameParser>;

export type NamedLayout = keyof typeof NAME_PARSERS;
