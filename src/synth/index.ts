/**
 * Built-in synthetic emotional-speech corpus: source-filter synthesiser and RAVDESS-layout writer.
 *
 * @module ser-wasm/synth
 */
export { SynthError } from './errors.js';
export {
  writeSynthCorpus,
  synthCorpusFiles,
  synthesizeCorpusFile,
  fileSeed,
  DEFAULT_SYNTH_ACTORS,
  DEFAULT_SYNTH_RATE,
  DEFAULT_SYNTH_SEED,
  type SynthCorpusOptions,
  type SynthCorpusSummary,
  type SynthFileSpec,
} from './corpus-writer.js';
export { synthesizeUtterance, SPEECH_LEVEL_DBFS, PEAK_LIMIT, NOISE_FLOOR_DBFS, type UtteranceSpec, type Utterance } from './synthesizer.js';
export { makeVoice, type VoiceProfile, type EmotionQuirk } from './voices.js';
export { EMOTION_PROFILES, STRONG_FACTOR, utteranceProfile, type EmotionProfile } from './emotions.js';
export { STATEMENT_SYLLABLES, type Phone, type PhoneKind, type Syllable, type NoiseBand } from './phonetics.js';
export { planUtterance, DEFAULT_LIMITS, type UtterancePlan, type PlanLimits, type TimedPhone, type SyllableTiming } from './prosody.js';
