import type { Command } from 'commander';
import { loadAudio } from '../../audio/load.js';
import { isAudioError } from '../../audio/errors.js';
import { DspError } from '../../dsp/errors.js';
import { featureVector, recipeLoadOptions } from '../../features/feature-recipe.js';
import { initBackend } from '../../ml/cnn/backend.js';
import { loadBundle } from '../../models/bundle.js';
import { modelTitle } from '../../models/model-spec.js';
import { createWasmDsp } from '../../wasm/dsp.js';
import { loadWasmCore } from '../../wasm/load-node.js';
import { EXIT_FAILURE, EXIT_PARTIAL, setExitCode } from '../exit-codes.js';

export function registerPredict(program: Command): void {
  program
    .command('predict <modelDir> <files...>')
    .description('Emotion and class probabilities for each WAV file, with a saved model of any kind')
    .option('--json', 'print one JSON object with every file')
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu')
    .action(async (modelDir: string, files: string[], o) => {
      await initBackend(o.backend, { log: (m) => void process.stderr.write(`${m}\n`) });
      const core = await loadWasmCore();
      const model = await loadBundle(modelDir, { core });
      const dsp = await createWasmDsp(core);
      const { classes, recipe } = model.meta;
      const trained = model.meta.trainedOn;
      process.stderr.write(`model: ${modelTitle(model.meta.spec)}${trained.recipeName ? `, recipe '${trained.recipeName}'` : ''}, trained on ${trained.rows} rows from ${trained.speakers.length} speakers\n`);
      const out: Array<Record<string, unknown>> = [];
      let failed = 0;
      for (const file of files) {
        try {
          const { y, warnings } = await loadAudio(file, recipeLoadOptions(recipe));
          for (const w of warnings ?? []) process.stderr.write(`warning: ${file}: ${w}\n`);
          // predictProba throws on a non-finite probability: a damaged model never yields a label.
          const p = model.predictProba(featureVector(dsp, y, recipe), 1);
          let best = 0;
          for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
          const probabilities = Object.fromEntries(classes.map((c, i) => [c, Number(p[i]!.toFixed(4))]));
          out.push({ file, emotion: classes[best], probabilities });
          if (!o.json) {
            const ranked = classes.map((c, i) => [c, p[i]!] as const).sort((a, b) => b[1] - a[1]);
            process.stdout.write(`${file}: ${classes[best]} (${ranked.map(([c, v]) => `${c} ${(100 * v).toFixed(1)}%`).join(', ')})\n`);
          }
        } catch (err) {
          if (!isAudioError(err) && !(err instanceof DspError)) throw err;
          failed++;
          const code = isAudioError(err) ? err.code : 'DSP_ERROR';
          out.push({ file, error: err.message, code });
          process.stderr.write(`${file}: [${code}] ${err.message}\n`);
        }
      }
      if (o.json) process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
      model.dispose();
      if (failed) setExitCode(failed === files.length ? EXIT_FAILURE : EXIT_PARTIAL);
    });
}
