/**
 * Builds the demo page into demo/dist (npm run build:demo; offline, no CDN):
 * main.js, worker.js and recorder-worklet.js bundled by esbuild for the browser, plus
 * index.html and style.css. The other files the page loads are served by `ser serve`
 * from where they already are: ser.wasm (build/), tfjs/*.wasm (@tensorflow/tfjs-backend-wasm)
 * and model/ (demo/model or another model directory). See demo/README.md.
 */
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
export const DEMO_DIST = here('./dist/');

export async function buildDemo(opts: { minify?: boolean } = {}): Promise<void> {
  await mkdir(DEMO_DIST, { recursive: true });
  await build({
    entryPoints: { main: here('./main.ts'), worker: here('./worker.ts'), 'recorder-worklet': here('./recorder-worklet.ts') },
    outdir: DEMO_DIST,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: opts.minify ?? true,
    sourcemap: true,
    logLevel: 'warning',
  });
  await Promise.all(['index.html', 'style.css'].map((f) => copyFile(here(`./${f}`), here(`./dist/${f}`))));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  await buildDemo();
  process.stdout.write(`demo built into ${DEMO_DIST} in ${Date.now() - started} ms\n`);
}
