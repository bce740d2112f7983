/**
 * The paper's 1-D CNN (Table 2 of "Speech Emotion Recognition Using Deep
 * Learning Approaches"), built with tfjs-layers:
 *
 *   Conv1D(64, kernel 3, ReLU, input [dim, 1])  → [dim − 2, 64]   ('valid' padding, Keras default)
 *   MaxPooling1D(2)                             → [(dim − 2) / 2, 64]
 *   Flatten                                     → [32·(dim − 2)]
 *   Dense(64, ReLU)
 *   Dropout(0.3)
 *   Dense(nClasses, softmax)
 *
 * compiled with Adam(lr 1e-3, β1 0.9, β2 0.999, ε 1e-7) — Keras' defaults —
 * categorical cross-entropy and accuracy.
 *
 * Determinism: every kernel initialiser is glorotUniform with its own seed
 * derived from `seed`; biases start at zero. Dropout is seeded per training
 * step by train.ts (see {@link setDropoutSeed}); a fixed seed on
 * tf.layers.dropout would reuse one mask for every step, because tfjs-core's
 * dropout passes the seed straight to randomUniform.
 */
import * as tf from '../tfjs.js';
import { Random } from '../../util/random.js';
import { FusedAdamOptimizer } from './kernels/fused-adam.js';

/** Raised for invalid CNN input or options (shapes, labels, file formats), before tfjs sees them. */
export class CnnError extends Error {
  override readonly name = 'CnnError';
  constructor(message: string) {
    super(message);
  }
}

export interface PaperCnnOptions {
  /** Seed for the weight initialisers (default 0). */
  seed?: number;
  /** Adam learning rate (default 1e-3, the paper / Keras default). */
  learningRate?: number;
}

export const PAPER_CNN = {
  filters: 64,
  kernelSize: 3,
  poolSize: 2,
  denseUnits: 64,
  dropoutRate: 0.3,
  adam: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
} as const;

function assertPositiveInt(n: number, name: string, min = 1): void {
  if (!Number.isInteger(n) || n < min) throw new CnnError(`${name} must be an integer ≥ ${min}, got ${n}`);
}

/** Builds and compiles the Table 2 network for `inputDim` features per row and `nClasses` classes. */
export function buildPaperCnn(inputDim: number, nClasses: number, opts: PaperCnnOptions = {}): tf.Sequential {
  // Conv (k=3, valid) then pool 2 must leave at least one position.
  assertPositiveInt(inputDim, 'inputDim', PAPER_CNN.kernelSize + 1);
  assertPositiveInt(nClasses, 'nClasses', 2);
  const rng = new Random(opts.seed ?? 0);
  const init = () => tf.initializers.glorotUniform({ seed: rng.nextUint32() });
  const p = PAPER_CNN;

  const model = tf.sequential({ name: 'paper_cnn' });
  model.add(
    tf.layers.conv1d({
      name: 'conv1d',
      inputShape: [inputDim, 1],
      filters: p.filters,
      kernelSize: p.kernelSize,
      activation: 'relu',
      kernelInitializer: init(),
      biasInitializer: 'zeros',
    }),
  );
  model.add(tf.layers.maxPooling1d({ name: 'max_pooling1d', poolSize: p.poolSize }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  model.add(
    tf.layers.dense({ name: 'dense', units: p.denseUnits, activation: 'relu', kernelInitializer: init(), biasInitializer: 'zeros' }),
  );
  model.add(tf.layers.dropout({ name: 'dropout', rate: p.dropoutRate }));
  model.add(
    tf.layers.dense({ name: 'dense_1', units: nClasses, activation: 'softmax', kernelInitializer: init(), biasInitializer: 'zeros' }),
  );
  compileCnn(model, opts.learningRate);
  return model;
}

/**
 * Compiles (or re-compiles, e.g. after loading) any of the CNNs here — the paper's, the frames and
 * the sequence model — with the paper's optimiser (Adam), loss (categorical cross-entropy) and metric.
 */
export function compileCnn(model: tf.LayersModel, learningRate: number = PAPER_CNN.adam.learningRate): void {
  if (!(learningRate > 0 && Number.isFinite(learningRate))) throw new CnnError(`learningRate must be > 0, got ${learningRate}`);
  const { beta1, beta2, epsilon } = PAPER_CNN.adam;
  model.compile({
    // tf.train.adam's optimiser with a one-pass update on wasm (bit-identical results; kernels/fused-adam.ts).
    optimizer: new FusedAdamOptimizer(learningRate, beta1, beta2, epsilon),
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
  });
}

/** @deprecated Renamed to {@link compileCnn} (it compiles every CNN, not only the paper's). */
export const compilePaperCnn = compileCnn;

/**
 * Frees a model's weights AND its optimiser state. tfjs' model.dispose()
 * leaves an optimiser instance passed to compile() alive (it is not "owned"),
 * which for the paper's CNN is ~9.7 M floats of Adam moments.
 */
export function disposeCnn(model: tf.LayersModel): void {
  const optimizer = model.optimizer;
  model.dispose();
  optimizer?.dispose();
}

/**
 * Sets the seed every Dropout layer uses for its next forward pass (tfjs reads
 * the layer's `seed` field at call time). train.ts calls this before each
 * batch with a fresh number from its seeded generator, so masks differ from
 * step to step but a run is reproducible.
 */
export function setDropoutSeed(model: tf.LayersModel, seed: number | undefined): void {
  for (const layer of model.layers) {
    if (layer.getClassName() === 'Dropout') (layer as unknown as { seed?: number }).seed = seed;
  }
}

/** Layer-by-layer description (what Table 2 lists), for tests and reports. */
export function describeModel(model: tf.LayersModel): Array<{ name: string; type: string; outputShape: number[]; params: number }> {
  return model.layers.map((layer) => ({
    name: layer.name,
    type: layer.getClassName(),
    outputShape: (layer.outputShape as number[]).slice(1),
    params: layer.countParams(),
  }));
}
