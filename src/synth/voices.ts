/**
 * Synthetic speaker ("actor") profiles. Ranges follow adult norms: f0 about
 * 100–130 Hz for men and 190–230 Hz for women (Titze 1994, "Principles of Voice
 * Production"), women's formants about 15–20 % higher through a shorter vocal
 * tract (Peterson & Barney 1952; Hillenbrand et al. 1995), and women's voices
 * somewhat breathier with a larger open quotient (Klatt & Klatt 1990).
 *
 * Actors also differ in how they act: each gets an overall expressiveness and
 * small personal deviations per emotion, so that a speaker-independent split
 * has to generalise across acting styles, as with real actors.
 */
import { Random, hashString } from '../util/random.js';
import { EMOTIONS_8, type Emotion8 } from '../corpus/types.js';

/** Personal deviation of one actor's portrayal of one emotion (added to the emotion profile). */
export interface EmotionQuirk {
  f0Shift: number; // semitones
  rateFactor: number; // multiplicative
  loudness: number; // dB
  rangeFactor: number; // multiplicative
  tilt: number; // added to the tilt coefficient
}

export interface VoiceProfile {
  actor: number;
  gender: 'male' | 'female';
  /** Habitual f0 (Hz). */
  f0: number;
  /** Formant scale from vocal-tract length (1 = the adult-male tables in phonetics.ts). */
  vtlScale: number;
  /** Per-formant multiplicative offsets (F1, F2, F3): individual articulation. */
  formantOffsets: [number, number, number];
  /** Aspiration level added to every utterance. */
  breathiness: number;
  /** Speaking-rate factor (1 = table durations). */
  rate: number;
  /** Added to the emotion's open quotient. */
  openQuotientOffset: number;
  /** Added to the emotion's tilt coefficient. */
  tiltOffset: number;
  /** Speaking level offset, dB. */
  level: number;
  /** Scales every emotion's deviation from neutral (1 = textbook). */
  expressiveness: number;
  quirks: Record<Emotion8, EmotionQuirk>;
}

/** Deterministic profile for an actor (RAVDESS convention: odd = male, even = female). */
export function makeVoice(actor: number, seed: number): VoiceProfile {
  const rng = new Random((hashString(`voice:${actor}`) ^ seed) >>> 0);
  const gender = actor % 2 === 1 ? 'male' : 'female';
  const male = gender === 'male';
  const quirks = {} as Record<Emotion8, EmotionQuirk>;
  for (const emotion of EMOTIONS_8) {
    quirks[emotion] =
      emotion === 'neutral'
        ? { f0Shift: 0, rateFactor: 1, loudness: 0, rangeFactor: 1, tilt: 0 }
        : {
            f0Shift: 1.0 * rng.gaussian(),
            rateFactor: Math.exp(0.07 * rng.gaussian()),
            loudness: 1.5 * rng.gaussian(),
            rangeFactor: Math.exp(0.2 * rng.gaussian()),
            tilt: 0.04 * rng.gaussian(),
          };
  }
  return {
    actor,
    gender,
    f0: male ? rng.range(100, 130) : rng.range(190, 230),
    vtlScale: male ? rng.range(0.94, 1.06) : rng.range(1.12, 1.22),
    formantOffsets: [Math.exp(0.04 * rng.gaussian()), Math.exp(0.03 * rng.gaussian()), Math.exp(0.02 * rng.gaussian())],
    breathiness: male ? rng.range(0, 0.05) : rng.range(0.03, 0.1),
    rate: rng.range(0.9, 1.1),
    openQuotientOffset: (male ? 0 : 0.05) + rng.range(-0.04, 0.04),
    tiltOffset: rng.range(-0.06, 0.06),
    level: rng.range(-2, 2),
    expressiveness: Math.exp(0.2 * rng.gaussian()),
    quirks,
  };
}
