/**
 * Emotion profiles for the synthesiser: how each emotion moves prosody and voice
 * quality away from neutral. Directions follow the reviews of vocal emotion by
 * Murray & Arnott (1993, JASA 93(2), their Table I) and Scherer (2003, Speech
 * Communication 40), and Banse & Scherer (1996, JPSP 70(3)) for loudness/tilt:
 *   angry     higher f0, much wider range, faster, much louder, flat tilt (tense voice)
 *   happy     higher f0, wide range, faster, louder
 *   sad       lower f0, narrow range, slower, quieter, steep tilt, breathy, irregular
 *   fearful   much higher f0, faster, irregular (jitter, tremor), breathy
 *   disgust   lower f0, slower, creaky, falling contours
 *   surprised high f0, wide range, final rise
 *   calm      like neutral, softer, slower, laxer
 * Magnitudes are this project's choices (no single source gives numbers for all).
 * A strong portrayal multiplies every deviation from neutral by STRONG_FACTOR.
 */
import type { Emotion8 } from '../corpus/types.js';
import type { Random } from '../util/random.js';
import type { VoiceProfile } from './voices.js';

export interface EmotionProfile {
  /** Mean f0 shift, semitones. */
  f0Shift: number;
  /** Accent-height multiplier (pitch range). */
  f0Range: number;
  /** Speaking-rate multiplier. */
  rate: number;
  /** Level relative to neutral, dB. */
  loudness: number;
  /** One-pole tilt coefficient (0 flat .. 0.9 very dark). */
  tilt: number;
  openQuotient: number;
  jitter: number;
  shimmer: number;
  /** Aspiration noise level relative to voicing. */
  breathiness: number;
  /** Probability of an irregular (fry) period. */
  creak: number;
  /** f0 tremor depth (semitones, ~6 Hz). */
  tremor: number;
  /** f0 movement over the last syllable, semitones (+ rising). */
  finalMove: number;
  /** f0 fall across the utterance, semitones. */
  declination: number;
  /** Accent peak width relative to the syllable (smaller = sharper, more emphatic). */
  accentWidth: number;
  /** Relative F1 shift (open jaw in angry/happy speech raises F1). */
  f1Shift: number;
  /** Relative F2 shift (lip spreading in smiling raises F2). */
  f2Shift: number;
}

export const EMOTION_PROFILES: Readonly<Record<Emotion8, EmotionProfile>> = {
  neutral: { f0Shift: 0, f0Range: 1, rate: 1, loudness: 0, tilt: 0.3, openQuotient: 0.6, jitter: 0.008, shimmer: 0.04, breathiness: 0.06, creak: 0, tremor: 0, finalMove: -2, declination: 2, accentWidth: 1, f1Shift: 0, f2Shift: 0 },
  calm: { f0Shift: -1, f0Range: 0.75, rate: 0.9, loudness: -3, tilt: 0.38, openQuotient: 0.65, jitter: 0.008, shimmer: 0.04, breathiness: 0.12, creak: 0, tremor: 0, finalMove: -2, declination: 1.5, accentWidth: 1.2, f1Shift: -0.02, f2Shift: 0 },
  happy: { f0Shift: 3, f0Range: 1.7, rate: 1.1, loudness: 3, tilt: 0.22, openQuotient: 0.52, jitter: 0.01, shimmer: 0.05, breathiness: 0.06, creak: 0, tremor: 0, finalMove: -1, declination: 1.5, accentWidth: 0.9, f1Shift: 0.04, f2Shift: 0.05 },
  sad: { f0Shift: -2, f0Range: 0.45, rate: 0.78, loudness: -6, tilt: 0.5, openQuotient: 0.72, jitter: 0.015, shimmer: 0.06, breathiness: 0.22, creak: 0.02, tremor: 0.15, finalMove: -3, declination: 1, accentWidth: 1.4, f1Shift: -0.04, f2Shift: -0.03 },
  angry: { f0Shift: 2.5, f0Range: 1.6, rate: 1.1, loudness: 8, tilt: 0.08, openQuotient: 0.4, jitter: 0.012, shimmer: 0.07, breathiness: 0.04, creak: 0, tremor: 0, finalMove: -4, declination: 2.5, accentWidth: 0.7, f1Shift: 0.08, f2Shift: 0 },
  fearful: { f0Shift: 4.5, f0Range: 1.2, rate: 1.2, loudness: 1, tilt: 0.25, openQuotient: 0.55, jitter: 0.025, shimmer: 0.07, breathiness: 0.16, creak: 0, tremor: 0.6, finalMove: 1, declination: 0.5, accentWidth: 0.8, f1Shift: 0, f2Shift: 0.02 },
  disgust: { f0Shift: -2.5, f0Range: 0.9, rate: 0.8, loudness: -1, tilt: 0.35, openQuotient: 0.55, jitter: 0.02, shimmer: 0.08, breathiness: 0.1, creak: 0.15, tremor: 0, finalMove: -4, declination: 3, accentWidth: 1.2, f1Shift: -0.02, f2Shift: -0.04 },
  surprised: { f0Shift: 4, f0Range: 2, rate: 1, loudness: 3, tilt: 0.22, openQuotient: 0.55, jitter: 0.01, shimmer: 0.05, breathiness: 0.08, creak: 0, tremor: 0, finalMove: 7, declination: -1, accentWidth: 1, f1Shift: 0.05, f2Shift: 0.02 },
};

/** Strong portrayals exaggerate every deviation from neutral by this factor. */
export const STRONG_FACTOR = 1.6;

const MULTIPLICATIVE: ReadonlySet<keyof EmotionProfile> = new Set(['f0Range', 'rate', 'accentWidth']);

/**
 * Parameters of one utterance: the emotion profile, exaggerated for strong
 * intensity and scaled by the actor's expressiveness, plus the actor's personal
 * quirks and a per-utterance random draw (the variation that makes classes overlap).
 */
export function utteranceProfile(emotion: Emotion8, intensity: 'normal' | 'strong', voice: VoiceProfile, rng: Random): EmotionProfile {
  const base = EMOTION_PROFILES.neutral;
  const target = EMOTION_PROFILES[emotion];
  const k = (intensity === 'strong' ? STRONG_FACTOR : 1) * voice.expressiveness;
  const p = {} as EmotionProfile;
  for (const key of Object.keys(base) as (keyof EmotionProfile)[]) {
    // Ratios are exaggerated in the log domain so they stay positive.
    p[key] = MULTIPLICATIVE.has(key)
      ? base[key] * Math.pow(target[key] / base[key], k)
      : base[key] + k * (target[key] - base[key]);
  }
  const q = voice.quirks[emotion];
  p.f0Shift += q.f0Shift + 0.8 * rng.gaussian();
  p.f0Range *= q.rangeFactor * Math.exp(0.2 * rng.gaussian());
  p.rate *= q.rateFactor * voice.rate * Math.exp(0.06 * rng.gaussian());
  p.loudness += q.loudness + voice.level + 1.5 * rng.gaussian();
  p.tilt += q.tilt + voice.tiltOffset + 0.03 * rng.gaussian();
  p.openQuotient += voice.openQuotientOffset + 0.03 * rng.gaussian();
  p.breathiness += voice.breathiness;
  p.finalMove += 1.0 * rng.gaussian();
  // Keep every parameter in the range where the models are meaningful.
  p.f0Range = Math.max(p.f0Range, 0.1);
  p.rate = Math.min(Math.max(p.rate, 0.5), 1.8);
  p.tilt = Math.min(Math.max(p.tilt, 0), 0.85);
  p.openQuotient = Math.min(Math.max(p.openQuotient, 0.3), 0.9);
  p.jitter = Math.max(p.jitter, 0);
  p.shimmer = Math.max(p.shimmer, 0);
  p.breathiness = Math.max(p.breathiness, 0);
  p.creak = Math.min(Math.max(p.creak, 0), 0.5);
  p.tremor = Math.max(p.tremor, 0);
  p.accentWidth = Math.min(Math.max(p.accentWidth, 0.3), 3);
  return p;
}
