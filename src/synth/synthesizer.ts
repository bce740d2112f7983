/**
 * Source-filter synthesis of one utterance (a Klatt-style formant synthesiser,
 * Klatt 1980, JASA 67(3)), driven by control frames every 2.5 ms:
 *
 *   glottal pulses (glottal.ts) ─┐
 *   aspiration noise, pulsed   ──┴─► F1..F5 cascade ─► spectral tilt ─┐
 *   frication/burst noise ─► one parallel resonator ──────────────────┴─► level ─► + room noise
 *
 * Per frame: formant targets of the current phone (vocal-tract scaled, smoothed
 * forwards and backwards so consecutive phones glide into each other), source
 * amplitudes by manner of articulation (vowels fully voiced, stops = closure,
 * burst, aspiration; fricatives = noise, plus voicing if voiced), syllable level,
 * f0 from the prosody plan. Amplitudes and f0 are interpolated per sample;
 * resonators are retuned per frame.
 *
 * The utterance is then scaled so the RMS of its speech part sits at
 * SPEECH_LEVEL_DBFS + the profile's loudness, and kept below PEAK_LIMIT.
 */
import { Random } from '../util/random.js';
import type { Emotion8 } from '../corpus/types.js';
import { GlottalSource } from './glottal.js';
import { Resonator, TiltFilter } from './resonator.js';
import { STATEMENT_SYLLABLES } from './phonetics.js';
import { planUtterance, DEFAULT_LIMITS, type PlanLimits, type UtterancePlan } from './prosody.js';
import { utteranceProfile, type EmotionProfile } from './emotions.js';
import type { VoiceProfile } from './voices.js';

export interface UtteranceSpec {
  statement: 1 | 2;
  emotion: Emotion8;
  intensity: 'normal' | 'strong';
  voice: VoiceProfile;
  sampleRate: number;
  /** Seed of every random draw in this utterance. */
  seed: number;
  limits?: PlanLimits;
}

export interface Utterance {
  samples: Float32Array;
  sampleRate: number;
  plan: UtterancePlan;
  profile: EmotionProfile;
}

/** RMS level of neutral speech (dBFS); emotions move it by their loudness. */
export const SPEECH_LEVEL_DBFS = -28;
/** Peak ceiling after levelling (keeps 16-bit output unclipped). */
export const PEAK_LIMIT = 0.97;
/** Room noise floor, dBFS RMS (real recordings are never digitally silent). */
export const NOISE_FLOOR_DBFS = -68;

const FRAME_SECONDS = 0.0025;
const HIGHER_FORMANTS = [3300, 3750] as const; // F4, F5 of an adult male tract
const BANDWIDTHS = [70, 90, 150, 200, 250] as const; // Klatt 1980 defaults (Hz)
const FORMANT_SMOOTHING_S = 0.018;
const AMPLITUDE_SMOOTHING_S = 0.005;
// Relative levels of the noise sources against the glottal pulses: project choices, not fitted to
// recordings. Measured result (neutral, statement 2): /s/ sits 10-14 dB below the open vowel /ɑ/,
// within the usual 10-15 dB of English sibilants against open vowels.
const ASPIRATION_SCALE = 0.5;
const FRICATION_SCALE = 0.9;

interface Frame {
  av: number; // voicing amplitude
  ah: number; // aspiration amplitude
  af: number; // frication amplitude
  fricFreq: number;
  fricBw: number;
  f: [number, number, number];
  gain: number; // syllable level (linear)
}

function sourceFrame(plan: UtterancePlan, t: number, p: EmotionProfile, phoneIndex: number): Frame {
  const silent: Frame = { av: 0, ah: 0, af: 0, fricFreq: 4000, fricBw: 2000, f: [500, 1500, 2500], gain: 0 };
  const tp = plan.phones[phoneIndex]!;
  const ph = tp.phone;
  const u = (t - tp.start) / Math.max(tp.end - tp.start, 1e-6);
  let f = ph.formants as readonly [number, number, number];
  if (ph.formantsEnd) {
    const e = ph.formantsEnd;
    const w = Math.min(Math.max(u, 0), 1);
    f = [f[0] + w * (e[0] - f[0]), f[1] + w * (e[1] - f[1]), f[2] + w * (e[2] - f[2])];
  }
  const fr: Frame = { ...silent, f: [f[0], f[1], f[2]], fricFreq: ph.noise?.freq ?? 4000, fricBw: ph.noise?.bw ?? 2000 };
  if (t < plan.speechStart || t >= plan.speechEnd || t < tp.start || t >= tp.end) return { ...fr, gain: 0 };
  fr.gain = Math.pow(10, plan.syllables[tp.syllable]!.gainDb / 20);
  const breath = p.breathiness;
  switch (ph.kind) {
    case 'vowel':
      fr.av = 1;
      fr.ah = breath;
      break;
    case 'approximant':
      fr.av = 0.75;
      fr.ah = breath;
      break;
    case 'nasal':
      fr.av = 0.45;
      fr.ah = 0.5 * breath;
      break;
    case 'fricative':
      fr.av = ph.voiced ? 0.45 : 0;
      fr.af = ph.noise!.gain;
      break;
    case 'stop':
      if (u < 0.65) {
        fr.av = ph.voiced ? 0.12 : 0; // closure; voiced stops keep a weak voice bar
      } else if (u < 0.8) {
        fr.af = ph.noise!.gain; // release burst
        fr.av = ph.voiced ? 0.3 : 0;
      } else if (ph.voiced) {
        fr.av = 0.6;
      } else {
        fr.ah = 0.5; // aspiration of a voiceless stop before the vowel
      }
      break;
  }
  return fr;
}

/** Synthesise one utterance. Deterministic for a given spec. */
export function synthesizeUtterance(spec: UtteranceSpec): Utterance {
  const { sampleRate: sr, voice } = spec;
  const rng = new Random(spec.seed);
  const profile = utteranceProfile(spec.emotion, spec.intensity, voice, rng);
  const plan = planUtterance(STATEMENT_SYLLABLES[spec.statement], profile, voice.f0, rng, spec.limits ?? DEFAULT_LIMITS);
  const n = Math.round(plan.duration * sr);
  const step = Math.max(8, Math.round(FRAME_SECONDS * sr));
  const nFrames = Math.ceil(n / step) + 1;

  // Control frames.
  const av = new Float64Array(nFrames), ah = new Float64Array(nFrames), af = new Float64Array(nFrames);
  const gain = new Float64Array(nFrames), f0 = new Float64Array(nFrames);
  const fricFreq = new Float64Array(nFrames), fricBw = new Float64Array(nFrames);
  const formants = [0, 1, 2].map(() => new Float64Array(nFrames));
  const scale = [
    voice.vtlScale * voice.formantOffsets[0] * (1 + profile.f1Shift),
    voice.vtlScale * voice.formantOffsets[1] * (1 + profile.f2Shift),
    voice.vtlScale * voice.formantOffsets[2],
  ];
  let phoneIndex = 0;
  for (let i = 0; i < nFrames; i++) {
    const t = (i * step) / sr;
    while (phoneIndex < plan.phones.length - 1 && t >= plan.phones[phoneIndex]!.end) phoneIndex++;
    const fr = sourceFrame(plan, t, profile, phoneIndex);
    av[i] = fr.av;
    ah[i] = fr.ah;
    af[i] = fr.af;
    gain[i] = fr.gain;
    fricFreq[i] = fr.fricFreq * voice.vtlScale;
    fricBw[i] = fr.fricBw;
    for (let k = 0; k < 3; k++) formants[k]![i] = fr.f[k]! * scale[k]!;
    f0[i] = plan.f0At(t);
  }
  // Coarticulation: zero-phase smoothing of formant tracks; causal smoothing of amplitudes (no clicks).
  const frameRate = sr / step;
  for (const track of formants) smoothBothWays(track, Math.exp(-1 / (FORMANT_SMOOTHING_S * frameRate)));
  const ampAlpha = Math.exp(-1 / (AMPLITUDE_SMOOTHING_S * frameRate));
  for (const track of [av, ah, af, gain]) smoothForward(track, ampAlpha);

  // Signal path.
  const glottis = new GlottalSource(sr, rng);
  const quality = { openQuotient: profile.openQuotient, jitter: profile.jitter, shimmer: profile.shimmer, creak: profile.creak };
  const cascade = BANDWIDTHS.map(() => new Resonator(sr));
  const [r1, r2, r3, r4, r5] = cascade as [Resonator, Resonator, Resonator, Resonator, Resonator];
  const fricFilter = new Resonator(sr);
  const tilt = new TiltFilter(profile.tilt);
  // Normalise the pulse derivative so its closure step is ~1 at the speaker's own f0.
  const sourceScale = (sr * profile.openQuotient) / (6.75 * voice.f0);
  const out = new Float32Array(n);
  let speechEnergy = 0;
  let speechSamples = 0;
  const s0 = Math.floor(plan.speechStart * sr);
  const s1 = Math.min(n, Math.ceil(plan.speechEnd * sr));
  const higher = HIGHER_FORMANTS.map((f) => f * voice.vtlScale);
  for (let i = 0; i < nFrames - 1 && i * step < n; i++) {
    for (let k = 0; k < 3; k++) cascade[k]!.tune(formants[k]![i]!, BANDWIDTHS[k]!);
    cascade[3]!.tune(higher[0]!, BANDWIDTHS[3]);
    cascade[4]!.tune(higher[1]!, BANDWIDTHS[4]);
    fricFilter.tunePeak(fricFreq[i]!, fricBw[i]!);
    const end = Math.min(n, (i + 1) * step);
    // Per-sample linear interpolation between frame i and i + 1 (no closures: this loop is the hot path).
    const f0a = f0[i]!, f0d = (f0[i + 1]! - f0a) / step;
    const ava = av[i]!, avd = (av[i + 1]! - ava) / step;
    const aha = ah[i]!, ahd = (ah[i + 1]! - aha) / step;
    const afa = af[i]!, afd = (af[i + 1]! - afa) / step;
    const ga = gain[i]!, gd = (gain[i + 1]! - ga) / step;
    for (let j = i * step; j < end; j++) {
      const w = j - i * step;
      const voicing = glottis.step(f0a + w * f0d, quality) * sourceScale * (ava + w * avd);
      const aspiration = (2 * rng.uniform() - 1) * (aha + w * ahd) * ASPIRATION_SCALE * (0.3 + 0.7 * glottis.flow);
      const x = r5.step(r4.step(r3.step(r2.step(r1.step(voicing + aspiration)))));
      const fric = fricFilter.step((2 * rng.uniform() - 1) * (afa + w * afd)) * FRICATION_SCALE;
      const y = (tilt.step(x) + fric) * (ga + w * gd);
      out[j] = y;
      if (j >= s0 && j < s1) {
        speechEnergy += y * y;
        speechSamples++;
      }
    }
  }

  // Level: speech RMS at the target, then the peak ceiling.
  const rms = Math.sqrt(speechEnergy / Math.max(speechSamples, 1));
  let g = rms > 0 ? Math.pow(10, (SPEECH_LEVEL_DBFS + profile.loudness) / 20) / rms : 0;
  let peak = 0;
  for (let j = 0; j < n; j++) peak = Math.max(peak, Math.abs(out[j]!));
  if (peak * g > PEAK_LIMIT) g = PEAK_LIMIT / peak;
  // Room noise: uniform white has RMS 1/√3 per unit amplitude.
  const noiseAmp = Math.sqrt(3) * Math.pow(10, NOISE_FLOOR_DBFS / 20);
  for (let j = 0; j < n; j++) {
    const v = out[j]! * g + noiseAmp * (2 * rng.uniform() - 1);
    out[j] = Math.min(Math.max(v, -PEAK_LIMIT - 0.02), PEAK_LIMIT + 0.02);
  }
  return { samples: out, sampleRate: sr, plan, profile };
}

function smoothForward(track: Float64Array, alpha: number): void {
  for (let i = 1; i < track.length; i++) track[i] = alpha * track[i - 1]! + (1 - alpha) * track[i]!;
}

function smoothBothWays(track: Float64Array, alpha: number): void {
  smoothForward(track, alpha);
  for (let i = track.length - 2; i >= 0; i--) track[i] = alpha * track[i + 1]! + (1 - alpha) * track[i]!;
}
