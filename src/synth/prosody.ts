/**
 * Prosody planner: turns a statement's syllables plus an utterance profile into
 * timed phones, per-syllable level and an f0 contour.
 *
 *  - Timing: phone durations from phonetics.ts; vowels of stressed syllables
 *    lengthened, phrase-final syllable lengthened (Klatt 1976, "Linguistic uses of
 *    segmental duration in English", JASA 59(5)); a rate change stretches vowels
 *    more than consonants (exponent 0.6 on consonants), and an optional short
 *    pause after the subject phrase.
 *  - f0: a superposition model in semitones (after Fujisaki's phrase + accent
 *    components): linear declination over the utterance, a Gaussian accent bump
 *    per syllable scaled by stress and the emotion's range, a final rise or fall,
 *    emotion tremor (~6 Hz) and slow random drift.
 */
import type { Random } from '../util/random.js';
import type { EmotionProfile } from './emotions.js';
import type { Phone, Syllable } from './phonetics.js';

export interface TimedPhone {
  phone: Phone;
  start: number; // seconds
  end: number;
  syllable: number;
}

export interface SyllableTiming {
  start: number;
  end: number;
  stress: 0 | 1 | 2;
  /** Level of the syllable relative to the utterance, dB. */
  gainDb: number;
}

export interface UtterancePlan {
  phones: TimedPhone[];
  syllables: SyllableTiming[];
  speechStart: number;
  speechEnd: number;
  /** Whole file length, seconds (leading and trailing silence included). */
  duration: number;
  /** f0 in Hz at time t (seconds from the file start). */
  f0At(t: number): number;
}

export interface PlanLimits {
  /** Total file length is drawn in [minDuration, maxDuration] seconds. */
  minDuration: number;
  maxDuration: number;
  /** Speech onset drawn in [minOnset, maxOnset] seconds. */
  minOnset: number;
  maxOnset: number;
  /** Silence kept after the speech, seconds. */
  tail: number;
}

export const DEFAULT_LIMITS: PlanLimits = { minDuration: 3.0, maxDuration: 3.5, minOnset: 0.4, maxOnset: 0.7, tail: 0.2 };

const STRESS_LENGTHENING = [0.8, 1.1, 1.35] as const;
const ACCENT_SEMITONES = [0.3, 1.5, 3] as const;
const STRESS_GAIN_DB = [-2, 1, 3] as const;
const FINAL_LENGTHENING = 1.4;

/**
 * Timed phones, per-syllable levels and the f0 contour (Hz, around baseF0) of one utterance, with
 * total length and speech onset drawn within `limits` (default 3.0–3.5 s, onset 0.4–0.7 s).
 */
export function planUtterance(syllables: readonly Syllable[], p: EmotionProfile, baseF0: number, rng: Random, limits: PlanLimits = DEFAULT_LIMITS): UtterancePlan {
  // 1. Durations at the utterance's rate.
  const durations: number[][] = syllables.map((s, si) => {
    const final = si === syllables.length - 1;
    let seenVowel = false;
    return s.phones.map((ph) => {
      const isVowel = ph.kind === 'vowel';
      if (isVowel) seenVowel = true;
      let d = ph.duration * Math.exp(0.1 * rng.gaussian());
      d /= isVowel ? p.rate : Math.pow(p.rate, 0.6);
      if (isVowel) d *= STRESS_LENGTHENING[s.stress];
      if (final && seenVowel) d *= FINAL_LENGTHENING;
      return d;
    });
  });
  // Slow speech (sad, disgusted, calm) pauses more often (Murray & Arnott 1993 list more pauses for sadness).
  const pauseAfter = 3;
  const pause = rng.uniform() < 0.3 + 0.3 * Math.max(0, 1 - p.rate) ? rng.range(0.05, 0.15) / p.rate : 0;
  let speechLength = durations.flat().reduce((a, b) => a + b, 0) + pause;

  // 2. Place the speech in the file, compressing it only if it would not fit.
  const onset = rng.range(limits.minOnset, limits.maxOnset);
  const room = limits.maxDuration - onset - limits.tail;
  const squeeze = speechLength > room ? room / speechLength : 1;
  speechLength *= squeeze;
  const duration = Math.min(limits.maxDuration, Math.max(rng.range(limits.minDuration, limits.maxDuration), onset + speechLength + limits.tail));

  const phones: TimedPhone[] = [];
  const timings: SyllableTiming[] = [];
  let t = onset;
  syllables.forEach((s, si) => {
    const start = t;
    s.phones.forEach((phone, pi) => {
      const d = durations[si]![pi]! * squeeze;
      phones.push({ phone, start: t, end: t + d, syllable: si });
      t += d;
    });
    const gainDb = STRESS_GAIN_DB[s.stress] * Math.sqrt(p.f0Range) + rng.gaussian();
    timings.push({ start, end: t, stress: s.stress, gainDb });
    if (si === pauseAfter) t += pause * squeeze;
  });
  const speechEnd = t;

  // 3. f0 contour components.
  const accents = timings.map((syl, si) => {
    const vowel = phones.find((ph) => ph.syllable === si && ph.phone.kind === 'vowel')!;
    const centre = (vowel.start + vowel.end) / 2 + 0.02 * rng.gaussian();
    const width = Math.max(0.02, 0.35 * (syl.end - syl.start) * p.accentWidth);
    const height = ACCENT_SEMITONES[syl.stress] * p.f0Range * Math.exp(0.25 * rng.gaussian());
    return { centre, width, height };
  });
  const last = timings[timings.length - 1]!;
  const tremorPhase = rng.range(0, 2 * Math.PI);
  const tremorRate = rng.range(5, 7);
  const drift = [0, 1, 2].map(() => ({ f: rng.range(0.5, 2), phase: rng.range(0, 2 * Math.PI) }));
  const level = baseF0 * Math.pow(2, p.f0Shift / 12);
  const span = Math.max(speechEnd - onset, 1e-3);

  const f0At = (time: number): number => {
    const x = Math.min(Math.max((time - onset) / span, 0), 1);
    let st = p.declination * (0.5 - x);
    for (const a of accents) {
      const z = (time - a.centre) / a.width;
      if (z > -4 && z < 4) st += a.height * Math.exp(-0.5 * z * z);
    }
    if (time > last.start) {
      const u = Math.min((time - last.start) / (last.end - last.start), 1);
      st += p.finalMove * u * u * (3 - 2 * u); // smoothstep into the final movement
    }
    st += p.tremor * Math.sin(2 * Math.PI * tremorRate * time + tremorPhase);
    for (const d of drift) st += 0.1 * Math.sin(2 * Math.PI * d.f * time + d.phase);
    return level * Math.pow(2, st / 12);
  };

  return { phones, syllables: timings, speechStart: onset, speechEnd, duration, f0At };
}
