/**
 * Training speed of the paper's CNN (Table 2) per TensorFlow.js backend.
 *
 *   npx tsx bench/cnn-train.ts [--quick] [--backends wasm,cpu,node] [--compare-fit] [--profile] [--stock-kernels] [--json]
 *
 * For each available backend: build the CNN for 2,376 features and 7 classes,
 * warm up with one batch (optimiser state, JIT), then time one epoch of
 * trainCnn (batch 32, no validation) over seeded random rows and report
 * samples/s and the extrapolated time of a 5,000-row epoch (the size of the
 * paper's RAVDESS training set after augmentation is of that order), from
 * both wall time and process CPU time (on a shared machine the CPU time is the
 * better estimate of an idle single core: tfjs runs on one thread here). The cpu
 * backend is timed on fewer rows because it is slow; samples/s is per-row
 * throughput, so the extrapolation holds as long as a run has several batches.
 *
 * --compare-fit also times tfjs' own model.fit (Math.random shuffle) on wasm,
 * to compare with trainCnn's seeded trainOnBatch loop; --profile prints the
 * wasm kernels that take the most time over two batches (tf.profile, wall
 * time per kernel); --stock-kernels measures the baseline: tfjs-backend-wasm's
 * own kernels plus only the missing Conv2DBackpropFilter in plain JS.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { initBackend, type BackendPreference } from '../src/ml/cnn/backend.js';
import { buildPaperCnn, disposeCnn } from '../src/ml/cnn/model.js';
import { trainCnn } from '../src/ml/cnn/train.js';
import { Random } from '../src/util/random.js';

export const PAPER_DIM = 2376;
export const PAPER_CLASSES = 7;
const BATCH = 32;

export interface CnnTrainBenchOptions {
  /** Fewer rows (smoke run). */
  quick?: boolean;
  /** Backends to try, in order (default wasm, cpu, node; node is skipped when tfjs-node is absent). */
  backends?: BackendPreference[];
  /** Rows to time per backend (defaults: wasm/node 4,800, cpu 96; quick: 640 / 32). */
  rows?: Partial<Record<BackendPreference, number>>;
  /** Also time tfjs model.fit on wasm. */
  compareFit?: boolean;
  /** Print the top wasm kernels by time. */
  profile?: boolean;
  /** wasm with stock kernels + only the missing Conv2DBackpropFilter (the baseline; must be its own process). */
  stockKernels?: boolean;
  seed?: number;
  log?: (line: string) => void;
}

export interface CnnTrainBenchRow {
  backend: string;
  detail: string;
  /** 'trainCnn' (seeded trainOnBatch loop) or 'model.fit'. */
  loop: 'trainCnn' | 'model.fit';
  rows: number;
  /** Wall time of the epoch. */
  epochMs: number;
  /** CPU time (user + system) of this process during the epoch: the wall time on an idle core, since tfjs runs single-threaded here. */
  cpuMs: number;
  samplesPerSec: number;
  /** rows / CPU seconds. */
  samplesPerCpuSec: number;
  /** Wall time scaled to 5,000 rows. */
  epochSecondsPer5000: number;
  /** CPU time scaled to 5,000 rows. */
  epochCpuSecondsPer5000: number;
}

export interface CnnTrainBenchResult {
  name: 'cnn-train';
  dim: number;
  classes: number;
  batchSize: number;
  results: CnnTrainBenchRow[];
  skipped: Array<{ backend: string; reason: string }>;
  profile?: Array<{ kernel: string; msPerBatch: number }>;
}

function randomData(rows: number, seed: number): { X: Float32Array; y: Int32Array } {
  const rng = new Random(seed);
  const X = new Float32Array(rows * PAPER_DIM);
  for (let i = 0; i < X.length; i++) X[i] = rng.gaussian();
  const y = Int32Array.from({ length: rows }, () => rng.int(0, PAPER_CLASSES - 1));
  return { X, y };
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs `f`, returning its wall and CPU milliseconds. */
async function timed(f: () => Promise<unknown>): Promise<{ wallMs: number; cpuMs: number }> {
  const c0 = cpuNow();
  const t0 = performance.now();
  await f();
  return { wallMs: performance.now() - t0, cpuMs: cpuNow() - c0 };
}

function row(backend: string, detail: string, loop: CnnTrainBenchRow['loop'], rows: number, t: { wallMs: number; cpuMs: number }): CnnTrainBenchRow {
  const samplesPerSec = (rows / t.wallMs) * 1000;
  const samplesPerCpuSec = (rows / t.cpuMs) * 1000;
  return {
    backend,
    detail,
    loop,
    rows,
    epochMs: t.wallMs,
    cpuMs: t.cpuMs,
    samplesPerSec,
    samplesPerCpuSec,
    epochSecondsPer5000: 5000 / samplesPerSec,
    epochCpuSecondsPer5000: 5000 / samplesPerCpuSec,
  };
}

async function warmUp(model: tf.LayersModel, X: Float32Array, y: Int32Array): Promise<void> {
  const n = Math.min(BATCH, y.length);
  const [xb, yb] = tf.tidy(() => [
    tf.tensor3d(X.subarray(0, n * PAPER_DIM), [n, PAPER_DIM, 1]),
    tf.oneHot(tf.tensor1d(y.subarray(0, n), 'int32'), PAPER_CLASSES),
  ]);
  await model.trainOnBatch(xb!, yb!);
  tf.dispose([xb!, yb!]);
}

async function profileWasm(model: tf.LayersModel, X: Float32Array, y: Int32Array): Promise<Array<{ kernel: string; msPerBatch: number }>> {
  const batches = 2;
  const n = batches * BATCH;
  const info = await tf.profile(async () => {
    await trainCnn(X.subarray(0, n * PAPER_DIM), y.subarray(0, n), PAPER_CLASSES, { model, epochs: 1, validationSplit: 0 });
  });
  const perKernel = new Map<string, number>();
  for (const k of info.kernels) perKernel.set(k.name, (perKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  return [...perKernel.entries()]
    .map(([kernel, ms]) => ({ kernel, msPerBatch: ms / batches }))
    .sort((a, b) => b.msPerBatch - a.msPerBatch)
    .slice(0, 12);
}

/** Times one training epoch per backend; returns JSON-ready results. */
export async function benchCnnTraining(opts: CnnTrainBenchOptions = {}): Promise<CnnTrainBenchResult> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 1;
  const defaults: Record<BackendPreference, number> = opts.quick ? { wasm: 640, node: 640, cpu: 32 } : { wasm: 4800, node: 4800, cpu: 96 };
  const rowsFor = (b: BackendPreference) => opts.rows?.[b] ?? defaults[b];
  const result: CnnTrainBenchResult = { name: 'cnn-train', dim: PAPER_DIM, classes: PAPER_CLASSES, batchSize: BATCH, results: [], skipped: [] };
  const maxRows = Math.max(...(opts.backends ?? ['wasm', 'cpu', 'node']).map(rowsFor));
  const { X, y } = randomData(maxRows, seed);

  for (const want of opts.backends ?? (['wasm', 'cpu', 'node'] as BackendPreference[])) {
    const info = await initBackend(want, { log, stockWasmKernels: opts.stockKernels });
    const expected = want === 'node' ? 'tensorflow' : want;
    if (info.name !== expected) {
      result.skipped.push({ backend: want, reason: info.detail });
      continue;
    }
    const rows = rowsFor(want);
    const Xs = X.subarray(0, rows * PAPER_DIM);
    const ys = y.subarray(0, rows);

    const model = buildPaperCnn(PAPER_DIM, PAPER_CLASSES, { seed });
    await warmUp(model, Xs, ys);
    const t = await timed(() => trainCnn(Xs, ys, PAPER_CLASSES, { model, epochs: 1, validationSplit: 0, seed }));
    result.results.push(row(info.name, info.detail, 'trainCnn', rows, t));
    log(`${info.name}: ${rows} rows in ${(t.wallMs / 1000).toFixed(1)} s (CPU ${(t.cpuMs / 1000).toFixed(1)} s)`);

    if (want === 'wasm' && opts.profile) result.profile = await profileWasm(model, Xs, ys);

    if (want === 'wasm' && opts.compareFit) {
      const [xt, yt] = tf.tidy(() => [tf.tensor3d(Xs, [rows, PAPER_DIM, 1]), tf.oneHot(tf.tensor1d(ys, 'int32'), PAPER_CLASSES)]);
      const tf_ = await timed(() => model.fit(xt!, yt!, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 }));
      result.results.push(row(info.name, info.detail, 'model.fit', rows, tf_));
      tf.dispose([xt!, yt!]);
    }
    disposeCnn(model);
  }
  return result;
}

/** Markdown table of a result. */
export function formatCnnTrainBench(r: CnnTrainBenchResult): string {
  const lines = [
    `CNN (Table 2) training, ${r.dim} features, ${r.classes} classes, batch ${r.batchSize}`,
    '',
    '| backend | loop | rows timed | wall (s) | CPU (s) | samples/s wall | samples/s CPU | 5,000-row epoch wall (s) | 5,000-row epoch CPU (s) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...r.results.map(
      (x) =>
        `| ${x.backend} | ${x.loop} | ${x.rows} | ${(x.epochMs / 1000).toFixed(1)} | ${(x.cpuMs / 1000).toFixed(1)} | ` +
        `${x.samplesPerSec.toFixed(1)} | ${x.samplesPerCpuSec.toFixed(1)} | ${x.epochSecondsPer5000.toFixed(1)} | ${x.epochCpuSecondsPer5000.toFixed(1)} |`,
    ),
  ];
  for (const s of r.skipped) lines.push('', `skipped ${s.backend}: ${s.reason}`);
  if (r.profile) {
    lines.push('', '| wasm kernel | ms per batch |', '|---|---:|', ...r.profile.map((p) => `| ${p.kernel} | ${p.msPerBatch.toFixed(1)} |`));
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      backends: { type: 'string' },
      'compare-fit': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'stock-kernels': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  const backends = values.backends?.split(',').map((s) => s.trim()) as BackendPreference[] | undefined;
  const result = await benchCnnTraining({
    quick: values.quick,
    backends,
    compareFit: values['compare-fit'],
    profile: values.profile,
    stockKernels: values['stock-kernels'],
    log: (l) => console.error(l),
  });
  console.log(values.json ? JSON.stringify(result, null, 2) : formatCnnTrainBench(result));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
