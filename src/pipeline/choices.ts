/**
 * The pipeline's names — protocols, models, recipe, and the paper-recipe
 * options — checked together before any work starts, so `--models dt,cnnn` or
 * `--protocols speakr` fail in milliseconds with the valid names, not after an
 * extraction.
 */
import { UTTERANCE_NORM_MODES, type UtteranceNormMode } from '../features/utterance-norm.js';
import { PAPER_VECTOR_ARCHS, withTrainingOverrides, type ModelSpec, type PaperVectorArch } from '../models/model-spec.js';
import { TRAINING_RECIPE_NAMES, trainingRecipe, withChannels, type TrainingRecipe } from '../models/training-recipes.js';
import { AUGMENT_PRESETS, MODEL_NAMES, PROTOCOL_NAMES, type ModelName, type ProtocolName } from './names.js';

export { AUGMENT_PRESETS, MODEL_NAMES, PROTOCOL_NAMES };

export class ChoiceError extends Error {
  override readonly name = 'ChoiceError';
}

function checkList<T extends string>(what: string, given: readonly string[], valid: readonly T[]): T[] {
  if (given.length === 0) throw new ChoiceError(`${what}: give at least one of ${valid.join(', ')}`);
  const unknown = given.filter((g) => !(valid as readonly string[]).includes(g));
  if (unknown.length) throw new ChoiceError(`${what}: unknown ${unknown.map((u) => `'${u}'`).join(', ')} (expected some of ${valid.join(', ')})`);
  const dupes = given.filter((g, i) => given.indexOf(g) !== i);
  if (dupes.length) throw new ChoiceError(`${what}: ${dupes.join(', ')} given twice`);
  return given as T[];
}

export interface PipelineChoices {
  recipe: TrainingRecipe;
  /** Model names in the order given, each with the spec it trains. */
  models: Array<[ModelName, ModelSpec]>;
  protocols: ProtocolName[];
}

export function validatePipelineChoices(o: {
  recipe?: string;
  models?: readonly string[];
  protocols?: readonly string[];
  augment?: string;
  cnnArch?: string;
  utteranceNorm?: string;
  /** Sequence recipes: per-frame channels instead of the recipe's. */
  channels?: readonly string[];
  /** Network training overrides (epochs, patience, ensemble members). */
  epochs?: number;
  patience?: number;
  members?: number;
}): PipelineChoices {
  if (o.recipe !== undefined && !(TRAINING_RECIPE_NAMES as readonly string[]).includes(o.recipe)) {
    throw new ChoiceError(`--recipe: unknown '${o.recipe}' (expected ${TRAINING_RECIPE_NAMES.join(' or ')})`);
  }
  let recipe: TrainingRecipe;
  try {
    recipe = withChannels(trainingRecipe(o.recipe ?? 'paper'), o.channels);
  } catch (e) {
    throw new ChoiceError((e as Error).message);
  }
  const protocols = checkList('--protocols', o.protocols ?? PROTOCOL_NAMES, PROTOCOL_NAMES);
  if (o.augment !== undefined && !(AUGMENT_PRESETS as readonly string[]).includes(o.augment)) {
    throw new ChoiceError(`--augment: unknown '${o.augment}' (expected ${AUGMENT_PRESETS.join(', ')})`);
  }
  const names = checkList('--models', o.models ?? MODEL_NAMES, MODEL_NAMES);
  const arch = (o.cnnArch ?? 'paper') as PaperVectorArch;
  if (!(PAPER_VECTOR_ARCHS as readonly string[]).includes(arch)) throw new ChoiceError(`--cnn-arch: unknown '${arch}' (expected ${PAPER_VECTOR_ARCHS.join(' or ')})`);
  const norm = (o.utteranceNorm ?? 'off') as UtteranceNormMode;
  if (!UTTERANCE_NORM_MODES.includes(norm)) throw new ChoiceError(`--utterance-norm: unknown '${norm}' (expected ${UTTERANCE_NORM_MODES.join(', ')})`);
  if (recipe.name !== 'paper' && (arch !== 'paper' || norm !== 'off')) {
    throw new ChoiceError(`--cnn-arch and --utterance-norm adjust the paper recipe; recipe '${recipe.name}' fixes its own model and normalisation`);
  }
  for (const [flag, v] of [['--epochs', o.epochs], ['--patience', o.patience], ['--members', o.members]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw new ChoiceError(`${flag} must be an integer ≥ 1, got ${String(v)}`);
  }
  const models = names.map((name): [ModelName, ModelSpec] => {
    const spec = withTrainingOverrides(recipe.models[name], o);
    if (recipe.name !== 'paper') return [name, spec];
    if (spec.kind === 'cnn') return [name, { ...spec, arch, utteranceNorm: norm }];
    if (spec.kind === 'dt' || spec.kind === 'knn') return [name, norm === 'off' ? spec : { ...spec, utteranceNorm: norm }];
    return [name, spec];
  });
  return { recipe, models, protocols };
}
