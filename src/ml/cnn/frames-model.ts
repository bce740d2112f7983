/**
 * A time-convolutional alternative to the paper's CNN (`--cnn-arch frames`).
 *
 * The paper's network slides one 3-tap filter over the flat 2,376-value
 * vector, across the ZCR block, the RMS block and the interleaved MFCCs, so a
 * filter sees unrelated quantities side by side. This one takes the same
 * vector after a fixed column permutation to frame-major order
 * (features/frame-major.ts: frame t = ZCR[t], RMS[t], MFCC[t]) and convolves
 * over time with all 22 values of a frame as channels:
 *
 *   Reshape([frames, channels])                 input stays [dim, 1], so trainCnn / cnnPredictProba are unchanged
 *   Conv1D(64, kernel 5, ReLU, same) → MaxPooling1D(2)
 *   Conv1D(128, kernel 5, ReLU, same) → MaxPooling1D(2)
 *   GlobalAveragePooling1D                      a clip-level summary, independent of where in the clip the cue is
 *   Dropout(0.3) → Dense(nClasses, softmax)
 *
 * Compiled exactly like the paper CNN (Adam 1e-3, categorical cross-entropy).
 * Seeded glorotUniform initialisers as in model.ts.
 */
import * as tf from '../tfjs.js';
import { Random } from '../../util/random.js';
import { CnnError, compileCnn } from './model.js';

export const FRAMES_CNN = {
  filters: [64, 128],
  kernelSize: 5,
  poolSize: 2,
  dropoutRate: 0.3,
} as const;

export interface FramesCnnOptions {
  /** Seed for the weight initialisers (default 0). */
  seed?: number;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
}

/** Builds and compiles the frames CNN for rows of `frames × channels` frame-major values. */
export function buildFramesCnn(frames: number, channels: number, nClasses: number, opts: FramesCnnOptions = {}): tf.Sequential {
  const minFrames = FRAMES_CNN.poolSize ** FRAMES_CNN.filters.length; // each pooling halves the time axis
  if (!Number.isInteger(frames) || frames < minFrames) throw new CnnError(`frames must be an integer ≥ ${minFrames}, got ${frames}`);
  if (!Number.isInteger(channels) || channels < 1) throw new CnnError(`channels must be an integer ≥ 1, got ${channels}`);
  if (!Number.isInteger(nClasses) || nClasses < 2) throw new CnnError(`nClasses must be an integer ≥ 2, got ${nClasses}`);
  const rng = new Random(opts.seed ?? 0);
  const init = () => tf.initializers.glorotUniform({ seed: rng.nextUint32() });
  const p = FRAMES_CNN;

  const model = tf.sequential({ name: 'frames_cnn' });
  model.add(tf.layers.reshape({ name: 'to_frames', inputShape: [frames * channels, 1], targetShape: [frames, channels] }));
  p.filters.forEach((filters, i) => {
    model.add(
      tf.layers.conv1d({
        name: `conv1d_${i + 1}`,
        filters,
        kernelSize: p.kernelSize,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: init(),
        biasInitializer: 'zeros',
      }),
    );
    model.add(tf.layers.maxPooling1d({ name: `max_pooling1d_${i + 1}`, poolSize: p.poolSize }));
  });
  model.add(tf.layers.globalAveragePooling1d({ name: 'global_average_pooling1d' }));
  model.add(tf.layers.dropout({ name: 'dropout', rate: p.dropoutRate }));
  model.add(
    tf.layers.dense({ name: 'dense', units: nClasses, activation: 'softmax', kernelInitializer: init(), biasInitializer: 'zeros' }),
  );
  compileCnn(model, opts.learningRate);
  return model;
}
