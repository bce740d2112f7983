import type { Command } from 'commander';
import { registerAugment } from './augment.js';
import { registerDownload } from './download.js';
import { registerEvaluate } from './evaluate.js';
import { registerExtract } from './extract.js';
import { registerFeatures } from './features.js';
import { registerPipeline } from './pipeline.js';
import { registerPredict } from './predict.js';
import { registerQueue } from './queue.js';
import { registerReport } from './report.js';
import { registerServe } from './serve.js';
import { registerSynth } from './synth.js';
import { registerTrain } from './train.js';
import { registerWorker } from './worker.js';

/** Registry of subcommands; each module adds one command to the program. */
export const commands: Array<(program: Command) => void> = [
  registerAugment,
  registerDownload,
  registerEvaluate,
  registerExtract,
  registerFeatures,
  registerPipeline,
  registerPredict,
  registerQueue,
  registerReport,
  registerServe,
  registerSynth,
  registerTrain,
  registerWorker,
];
