import { InvalidArgumentError, Option, type Command } from 'commander';
import { dirname } from 'node:path';
import { isAudioError } from '../../audio/errors.js';
import { DspError } from '../../dsp/errors.js';
import { modelTitle } from '../../models/model-spec.js';
import { EXIT_FAILURE, EXIT_PARTIAL, setExitCode } from '../exit-codes.js';
import { queueFeatureRows, queueRunner, withQueueOptions } from '../queue-producer.js';
import { predictTimelineHook, withTimeline } from './predict-timeline.js';

export function registerPredict(program: Command): void {
  withQueueOptions(withTimeline(program // emotion over time (--timeline, --hop, --smooth, --csv, --plot …): predict-timeline.ts
    .command('predict <modelDir> <files...>')
    .description('Emotion and class probabilities for each WAV file, with a saved model of any kind')
    .option('--json', 'print one JSON object with every file')
    .addOption(
      new Option('--speaker-group <rule>', 'models with speaker normalisation: which files share a speaker — one (all files of this call) or folder (files in the same folder)')
        .choices(['one', 'folder'])
        .default('one'),
    )
    .option('--backend <name>', 'tfjs backend: node | wasm | cpu')))
    .action(async (modelDir: string, files: string[], o) => {
      const runner = queueRunner(o, 'predict'); // --queue: features from `ser worker` processes
      if (runner && o.timeline) throw new InvalidArgumentError('--timeline runs on this machine; it does not take --queue');
      if (await predictTimelineHook(modelDir, files, o)) return; // --timeline: predict-timeline.ts
      // Heavy modules (TensorFlow.js, the extraction pool, the figures) load only when the command runs: `ser --help` stays instant.
      const { loadAudio } = await import('../../audio/load.js');
      const { featureVector, recipeLoadOptions } = await import('../../features/feature-recipe.js');
      const { initBackend } = await import('../../ml/cnn/backend.js');
      const { loadBundle } = await import('../../models/bundle.js');
      const { createWasmDsp } = await import('../../wasm/dsp.js');
      const { loadWasmCore } = await import('../../wasm/load-node.js');
      await initBackend(o.backend, { log: (m) => void process.stderr.write(`${m}\n`) });
      const core = await loadWasmCore();
      const model = await loadBundle(modelDir, { core });
      const dsp = await createWasmDsp(core);
      const { classes, recipe } = model.meta;
      const trained = model.meta.trainedOn;
      process.stderr.write(`model: ${modelTitle(model.meta.spec)}${trained.recipeName ? `, recipe '${trained.recipeName}'` : ''}, trained on ${trained.rows} rows from ${trained.speakers.length} speakers\n`);
      const out: Array<Record<string, unknown>> = [];
      let failed = 0;
      // Features of every readable file first: a transductive model normalises a speaker with all of its clips at once.
      const rows: Array<{ file: string; x: Float32Array }> = [];
      if (runner) {
        const fromQueue = await queueFeatureRows(files, recipe, runner);
        rows.push(...fromQueue.rows);
        for (const f of fromQueue.failed) {
          failed++;
          out.push({ file: f.file, error: f.reason, code: f.code });
          process.stderr.write(`${f.file}: [${f.code}] ${f.reason}\n`);
        }
      }
      for (const file of runner ? [] : files) {
        try {
          const { y, warnings } = await loadAudio(file, recipeLoadOptions(recipe));
          for (const w of warnings ?? []) process.stderr.write(`warning: ${file}: ${w}\n`);
          rows.push({ file, x: featureVector(dsp, y, recipe) });
        } catch (err) {
          if (!isAudioError(err) && !(err instanceof DspError)) throw err;
          failed++;
          const code = isAudioError(err) ? err.code : 'DSP_ERROR';
          out.push({ file, error: err.message, code });
          process.stderr.write(`${file}: [${code}] ${err.message}\n`);
        }
      }
      if (rows.length > 0) {
        const X = new Float32Array(rows.length * recipe.vectorLength);
        rows.forEach((r, i) => X.set(r.x, i * recipe.vectorLength));
        const speakers = rows.map((r) => (o.speakerGroup === 'folder' ? dirname(r.file) : 'speaker'));
        if (model.transductive) {
          const groups = new Map<string, number>();
          for (const s of speakers) groups.set(s, (groups.get(s) ?? 0) + 1);
          const fewest = Math.min(...groups.values());
          process.stderr.write(`speaker normalisation (transductive): ${groups.size} speaker group(s), ${fewest}–${Math.max(...groups.values())} clips each` +
            (fewest < 10 ? '; with fewer than about 10 clips per speaker the statistics are rough and accuracy drops' : '') + '\n');
        }
        // predictProba throws on a non-finite probability: a damaged model never yields a label.
        const P = model.predictProba(X, rows.length, { speakers });
        rows.forEach((r, i) => {
          const p = P.subarray(i * classes.length, (i + 1) * classes.length);
          let best = 0;
          for (let c = 1; c < p.length; c++) if (p[c]! > p[best]!) best = c;
          const probabilities = Object.fromEntries(classes.map((c, k) => [c, Number(p[k]!.toFixed(4))]));
          out.push({ file: r.file, emotion: classes[best], probabilities });
          if (!o.json) {
            const ranked = classes.map((c, k) => [c, p[k]!] as const).sort((a, b) => b[1] - a[1]);
            process.stdout.write(`${r.file}: ${classes[best]} (${ranked.map(([c, v]) => `${c} ${(100 * v).toFixed(1)}%`).join(', ')})\n`);
          }
        });
      }
      // Input order in the JSON, whatever failed.
      out.sort((a, b) => files.indexOf(String(a.file)) - files.indexOf(String(b.file)));
      if (o.json) process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
      model.dispose();
      if (failed) setExitCode(failed === files.length ? EXIT_FAILURE : EXIT_PARTIAL);
    });
}
