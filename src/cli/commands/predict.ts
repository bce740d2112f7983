import type { Command } from 'commander';
import { loadAudio } from '../../audio/load.js';
import { isAudioError } from '../../audio/errors.js';
import { paperVectorForRecipe } from '../../features/paper-vector.js';
import { initBackend } from '../../ml/cnn/backend.js';
import { loadBundle } from '../../models/bundle.js';
import { cnnPredictProba } from '../../models/cnn-predict.js';
import { createWasmDsp } from '../../wasm/dsp.js';

export function registerPredict(program: Command): void {
  program
    .command('predict <modelDir> <files...>')
    .description('Emotion and class probabilities for each WAV file, with a saved model')
    .option('--json', 'print one JSON object with every file')
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu')
    .action(async (modelDir: string, files: string[], o) => {
      await initBackend(o.backend, { log: (m) => void process.stderr.write(`${m}\n`) });
      const { info, model, scaler } = await loadBundle(modelDir);
      const dsp = await createWasmDsp();
      const r = info.recipe;
      const out: Array<Record<string, unknown>> = [];
      let failed = 0;
      for (const file of files) {
        try {
          const { y } = await loadAudio(file, { sr: r.sr, offset: r.offset, duration: r.duration });
          const x = scaler.transform(paperVectorForRecipe(dsp, y, r), 1, r.vectorLength);
          const p = cnnPredictProba(model, x, 1, r.vectorLength);
          let best = 0;
          for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
          const probabilities = Object.fromEntries(info.classes.map((c, i) => [c, Number(p[i]!.toFixed(4))]));
          out.push({ file, emotion: info.classes[best], probabilities });
          if (!o.json) {
            const ranked = info.classes.map((c, i) => [c, p[i]!] as const).sort((a, b) => b[1] - a[1]);
            process.stdout.write(`${file}: ${info.classes[best]} (${ranked.map(([c, v]) => `${c} ${(100 * v).toFixed(1)}%`).join(', ')})\n`);
          }
        } catch (err) {
          if (!isAudioError(err)) throw err;
          failed++;
          out.push({ file, error: err.message, code: err.code });
          process.stderr.write(`${err.message}\n`);
        }
      }
      if (o.json) process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
      if (failed) process.exitCode = 1;
    });
}
