/**
 * RAVDESS speech loader (Livingstone & Russo 2018, PLoS ONE 13(5): e0196391).
 *
 * File name: MM-VV-EE-II-SS-RR-AA.wav, seven two-digit fields:
 *   MM modality      01 full-AV, 02 video-only, 03 audio-only
 *   VV vocal channel 01 speech, 02 song
 *   EE emotion       01 neutral 02 calm 03 happy 04 sad 05 angry 06 fearful 07 disgust 08 surprised
 *   II intensity     01 normal, 02 strong (neutral has no strong take)
 *   SS statement     01 "Kids are talking by the door", 02 "Dogs are sitting by the door"
 *   RR repetition    01, 02
 *   AA actor         01..24, odd = male, even = female
 *
 * Accepted: audio-only (03) speech (01) files. Everything else that is a .wav
 * lands in `skipped` with the reason (song, video modalities, out-of-range
 * codes, strong neutral, actor folder mismatch); one bad name never throws.
 *
 * Classes: 7 by default, the paper's setup, calm merged into neutral, order
 * neutral, happy, sad, angry, fearful, disgust, surprised. With `classes: 8`
 * RAVDESS's own order: neutral, calm, happy, sad, angry, fearful, disgust, surprised.
 * meta.emotion8 always keeps the original emotion name (e.g. 'calm').
 */
import { basename, dirname } from 'node:path';
import { EMOTIONS_7, EMOTIONS_8, type Corpus, type CorpusItem, type SkippedFile } from './types.js';
import { scanAudioFiles, finishCorpus } from './generic.js';

export interface RavdessOptions {
  /** 7 (calm merged into neutral, default) or 8 (RAVDESS's own emotions). */
  classes?: 7 | 8;
}

export const RAVDESS_STATEMENTS = ['Kids are talking by the door', 'Dogs are sitting by the door'] as const;

const MODALITY_NAMES: Record<number, string> = { 1: 'full-AV', 2: 'video-only', 3: 'audio-only' };

/** Fields of a well-formed RAVDESS name. */
export interface RavdessName {
  modality: number;
  vocalChannel: number;
  emotionCode: number;
  emotion8: (typeof EMOTIONS_8)[number];
  intensity: 'normal' | 'strong';
  statement: 1 | 2;
  repetition: number;
  actor: number;
  gender: 'male' | 'female';
}

/**
 * Parse one RAVDESS file name (with or without directory and extension).
 * Returns the fields, or a string saying precisely what is wrong.
 */
export function parseRavdessName(fileName: string): RavdessName | string {
  const stem = basename(fileName).replace(/\.wav$/i, '');
  const fields = stem.split('-');
  if (fields.length !== 7) return `expected 7 dash-separated fields MM-VV-EE-II-SS-RR-AA, found ${fields.length}`;
  const bad = fields.findIndex((f) => !/^\d{2}$/.test(f));
  if (bad >= 0) return `field ${bad + 1} ('${fields[bad]}') is not a two-digit code`;
  const [modality, vocalChannel, emotionCode, intensityCode, statement, repetition, actor] = fields.map(Number) as [
    number, number, number, number, number, number, number,
  ];
  if (!(modality in MODALITY_NAMES)) return `modality ${fields[0]} is not one of 01, 02, 03`;
  if (modality !== 3) return `modality ${fields[0]} (${MODALITY_NAMES[modality]}) is not audio-only (03)`;
  if (vocalChannel === 2) return 'vocal channel 02 (song) is not speech: only 01 (speech) is loaded';
  if (vocalChannel !== 1) return `vocal channel ${fields[1]} is not 01 (speech) or 02 (song)`;
  if (emotionCode < 1 || emotionCode > 8) return `emotion ${fields[2]} is outside 01..08`;
  if (intensityCode !== 1 && intensityCode !== 2) return `intensity ${fields[3]} is not 01 (normal) or 02 (strong)`;
  if (emotionCode === 1 && intensityCode === 2) return 'neutral (emotion 01) has no strong intensity (02) in RAVDESS';
  if (statement !== 1 && statement !== 2) return `statement ${fields[4]} is not 01 or 02`;
  if (repetition !== 1 && repetition !== 2) return `repetition ${fields[5]} is not 01 or 02`;
  if (actor < 1 || actor > 24) return `actor ${fields[6]} is outside 01..24`;
  return {
    modality,
    vocalChannel,
    emotionCode,
    emotion8: EMOTIONS_8[emotionCode - 1]!,
    intensity: intensityCode === 2 ? 'strong' : 'normal',
    statement: statement as 1 | 2,
    repetition,
    actor,
    gender: actor % 2 === 1 ? 'male' : 'female',
  };
}

/** RAVDESS file name for the given fields (audio-only speech), e.g. 03-01-05-02-01-02-07.wav. */
export function formatRavdessName(f: {
  emotionCode: number;
  intensity: 'normal' | 'strong';
  statement: number;
  repetition: number;
  actor: number;
}): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return `03-01-${two(f.emotionCode)}-${f.intensity === 'strong' ? '02' : '01'}-${two(f.statement)}-${two(f.repetition)}-${two(f.actor)}.wav`;
}

/** Folder name RAVDESS uses for an actor: Actor_07. */
export function ravdessActorFolder(actor: number): string {
  return `Actor_${String(actor).padStart(2, '0')}`;
}

/** Load a RAVDESS speech folder: nested Actor_XX/ folders or all files in one flat folder. */
export function loadRavdess(dir: string, opts: RavdessOptions = {}): Corpus {
  const nClasses = opts.classes ?? 7;
  if (nClasses !== 7 && nClasses !== 8) throw new RangeError(`RAVDESS classes must be 7 or 8, got ${String(nClasses)}`);
  const classes: string[] = nClasses === 8 ? [...EMOTIONS_8] : [...EMOTIONS_7];
  const items: Omit<CorpusItem, 'labelIndex'>[] = [];
  const scan = scanAudioFiles(dir);
  const skipped: SkippedFile[] = scan.skipped;
  for (const path of scan.files) {
    const parsed = parseRavdessName(path);
    if (typeof parsed === 'string') {
      skipped.push({ path, reason: parsed });
      continue;
    }
    // A file filed under the wrong actor's folder is a copying mistake that would
    // silently break speaker-independent splits, so it is reported, not guessed.
    const folder = /^Actor_(\d+)$/i.exec(basename(dirname(path)));
    if (folder && Number(folder[1]) !== parsed.actor) {
      skipped.push({ path, reason: `actor ${String(parsed.actor).padStart(2, '0')} in the name but the file is in folder ${basename(dirname(path))}` });
      continue;
    }
    const label = nClasses === 7 && parsed.emotion8 === 'calm' ? 'neutral' : parsed.emotion8;
    items.push({
      path,
      label,
      speaker: ravdessActorFolder(parsed.actor),
      gender: parsed.gender,
      recordingId: `ravdess:${basename(path).replace(/\.wav$/i, '')}`,
      meta: {
        modality: parsed.modality,
        vocalChannel: parsed.vocalChannel,
        emotionCode: parsed.emotionCode,
        emotion8: parsed.emotion8,
        intensity: parsed.intensity,
        statement: parsed.statement,
        repetition: parsed.repetition,
        actor: parsed.actor,
      },
    });
  }
  return finishCorpus('ravdess', classes, items, skipped);
}
