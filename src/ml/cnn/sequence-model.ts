/**
 * A time-convolutional network for sequence recipes (features/sequence-recipe.ts):
 * each row is [frames × channels] frame-major, e.g. 96 frames of 64 log-mel bands,
 * RMS, pitch and voicing. The input stays [dim, 1] like the other architectures
 * (so training, prediction and saving share one path) and is reshaped inside:
 *
 *   Reshape([frames, channels])
 *   for each of `filters` (e.g. 64, 128, 128):
 *     Conv1D(f, kernel 5 for the first two blocks then 3, same, no bias) → BatchNorm → ReLU
 *     MaxPooling1D(2) after every block but the last
 *   GlobalAveragePooling1D → Dropout(p) → Dense(nClasses, softmax)
 *
 * Why this shape: the filters see all channels of a few neighbouring frames
 * (~150 ms at a 32 ms hop), pooling widens that to syllable scale, and the
 * global average makes the decision independent of where in the clip a cue
 * sits (the clip is centred in its window). Batch normalisation lets Adam at
 * 1e-3 train the stack without the careful initialisation a plain stack needs.
 * Seeded glorotUniform initialisers as in model.ts; compiled like the paper CNN.
 */
import * as tf from '../tfjs.js';
import { Random } from '../../util/random.js';
import { CnnError, compileCnn } from './model.js';

export interface SequenceCnnOptions {
  filters: number[];
  dropout: number;
  seed?: number;
  learningRate?: number;
}

export function buildSequenceCnn(frames: number, channels: number, nClasses: number, opts: SequenceCnnOptions): tf.Sequential {
  const pools = opts.filters.length - 1;
  if (!Number.isInteger(frames) || frames < 2 ** pools) throw new CnnError(`frames must be an integer ≥ ${2 ** pools}, got ${frames}`);
  if (!Number.isInteger(channels) || channels < 1) throw new CnnError(`channels must be a positive integer, got ${channels}`);
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new CnnError(`nClasses must be an integer ≥ 2, got ${nClasses}`);
  const rng = new Random(opts.seed ?? 0);
  const init = () => tf.initializers.glorotUniform({ seed: rng.nextUint32() });
  const model = tf.sequential({ name: 'sequence_cnn' });
  model.add(tf.layers.reshape({ name: 'to_frames', inputShape: [frames * channels, 1], targetShape: [frames, channels] }));
  opts.filters.forEach((filters, i) => {
    model.add(
      tf.layers.conv1d({
        name: `conv1d_${i + 1}`,
        filters,
        kernelSize: i < 2 ? 5 : 3,
        padding: 'same',
        useBias: false, // the batch norm's beta is the bias
        kernelInitializer: init(),
      }),
    );
    model.add(tf.layers.batchNormalization({ name: `batch_norm_${i + 1}` }));
    model.add(tf.layers.activation({ name: `relu_${i + 1}`, activation: 'relu' }));
    if (i < pools) model.add(tf.layers.maxPooling1d({ name: `max_pooling1d_${i + 1}`, poolSize: 2 }));
  });
  model.add(tf.layers.globalAveragePooling1d({ name: 'global_average_pooling1d' }));
  model.add(tf.layers.dropout({ name: 'dropout', rate: opts.dropout }));
  model.add(tf.layers.dense({ name: 'dense', units: nClasses, activation: 'softmax', kernelInitializer: init(), biasInitializer: 'zeros' }));
  compileCnn(model, opts.learningRate);
  return model;
}
