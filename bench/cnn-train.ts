/**
 * Training speed of the CNNs per TensorFlow.js backend and kernel set.
 *
 *   npx tsx bench/cnn-train.ts [--quick] [--backends wasm,cpu,node] [--archs paper,sequence] [--rows N]
 *                              [--compare-fit] [--profile] [--stock-kernels] [--kernel-threads 1,2] [--json]
 *
 * Networks (bench rows are `arch`):
 *  - 'paper': the paper's Table 2 CNN over its 2,376-value vector;
 *  - 'sequence': the sequence CNN of the 'best' recipe (ml/cnn/sequence-model.ts, filters
 *    [64, 128, 128]) over [96 frames × 67 channels] (64 log-mel + RMS + pitch + voicing).
 * For each available backend and network: build it (7 classes), warm up with one batch
 * (optimiser state, JIT), then time one epoch of trainCnn (batch 32, no validation) over seeded
 * random rows and report samples/s and the extrapolated time of a 5,000-row epoch, from both
 * wall time and process CPU time (tfjs runs on one thread here, so on a shared machine the CPU
 * time is the better estimate of an idle core). Slow backends are timed on fewer rows;
 * samples/s is per-row throughput, so the extrapolation holds as long as a run has several
 * batches.
 *
 * Kernel sets on wasm: ours (src/ml/cnn/kernels: ser.wasm SIMD GEMMs for Conv1D, faster
 * BatchMatMul, MaxPoolGrad, Sum, fused Adam) or, with --stock-kernels, tfjs-backend-wasm's own
 * plus only the missing Conv2DBackpropFilter in plain JS (the baseline). Backends and kernel
 * registrations are process-wide, so the bench runs the stock measurement in a child process
 * ({@link benchStockInChild}).
 *
 * {@link benchEnsembleThreads}: an ensemble of 2 sequence CNNs trained by fitModel on 1 and on
 * 2 worker threads (the same model either way), to show what the second core adds.
 *
 * --compare-fit also times tfjs' own model.fit on wasm; --profile prints the wasm kernels that
 * take the most time over two batches (tf.profile, wall time per kernel).
 */
import * as tf from '../src/ml/tfjs.js';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { initBackend, type BackendPreference } from '../src/ml/cnn/backend.js';
import { configureKernelThreads } from '../src/ml/cnn/threads/kernel-pool.js';
import { initStockWasmBackend } from './stock-wasm-backend.js';
import { defaultKernelThreads } from '../src/ml/cnn/threads/kernel-threads.js';
import { buildPaperCnn, disposeCnn } from '../src/ml/cnn/model.js';
import { buildSequenceCnn } from '../src/ml/cnn/sequence-model.js';
import { trainCnn } from '../src/ml/cnn/train.js';
import { makeSequenceRecipe, sequenceValuesPerFrame } from '../src/features/sequence-recipe.js';
import { fitModel, type TrainingData } from '../src/models/fit-model.js';
import type { ModelSpec } from '../src/models/model-spec.js';
import { trainingRecipe } from '../src/models/training-recipes.js';
import { Random } from '../src/util/random.js';
import { packageRoot } from './package-root.js';

export const PAPER_DIM = 2376;
export const PAPER_CLASSES = 7;
const BATCH = 32;

export type CnnArch = 'paper' | 'sequence';
export const CNN_ARCHS: CnnArch[] = ['paper', 'sequence'];

/** The 'best' recipe's sequence features: 96 frames × 67 channels. */
const SEQUENCE = makeSequenceRecipe();
export const SEQUENCE_FRAMES = SEQUENCE.frames;
export const SEQUENCE_CHANNELS = sequenceValuesPerFrame(SEQUENCE.channels, SEQUENCE.nMels);
const SEQUENCE_FILTERS = [64, 128, 128];

function archDim(arch: CnnArch): number {
  return arch === 'paper' ? PAPER_DIM : SEQUENCE_FRAMES * SEQUENCE_CHANNELS;
}

function archTitle(arch: CnnArch): string {
  return arch === 'paper'
    ? `paper CNN (Table 2), ${PAPER_DIM} features`
    : `sequence CNN [${SEQUENCE_FILTERS.join(', ')}], ${SEQUENCE_FRAMES} frames × ${SEQUENCE_CHANNELS} channels`;
}

function buildNet(arch: CnnArch, seed: number): tf.LayersModel {
  return arch === 'paper'
    ? buildPaperCnn(PAPER_DIM, PAPER_CLASSES, { seed })
    : buildSequenceCnn(SEQUENCE_FRAMES, SEQUENCE_CHANNELS, PAPER_CLASSES, { filters: SEQUENCE_FILTERS, dropout: 0.3, seed });
}

export interface CnnTrainBenchOptions {
  /** Fewer rows (smoke run). */
  quick?: boolean;
  /** Backends to try, in order (default wasm, cpu, node; node is skipped when tfjs-node is absent). */
  backends?: BackendPreference[];
  /** Networks (default paper, sequence). */
  archs?: CnnArch[];
  /** Rows to time per backend (defaults: wasm/node 1,920, cpu 64; quick: 160 / 8). */
  rows?: Partial<Record<BackendPreference, number>>;
  /** Also time tfjs model.fit on wasm. */
  compareFit?: boolean;
  /** Print the top wasm kernels by time. */
  profile?: boolean;
  /** wasm with stock kernels + only the missing Conv2DBackpropFilter (the baseline; must be its own process). */
  stockKernels?: boolean;
  /** Kernel thread counts to time our wasm kernels with (default 1 and every core); the trained model does not depend on it. */
  kernelThreads?: number[];
  seed?: number;
  log?: (line: string) => void;
}

export interface CnnTrainBenchRow {
  backend: string;
  /** 'ours' (src/ml/cnn/kernels), 'stock' (tfjs-backend-wasm's + JS Conv2DBackpropFilter) or '' off wasm. */
  kernels: 'ours' | 'stock' | '';
  arch: CnnArch;
  detail: string;
  /** 'trainCnn' (seeded trainOnBatch loop) or 'model.fit'. */
  loop: 'trainCnn' | 'model.fit';
  /** Threads the training kernels used (src/ml/cnn/threads); 1 for stock kernels and other backends. */
  threads: number;
  rows: number;
  /** Wall time of the epoch. */
  epochMs: number;
  /** CPU time (user + system) of this process, all threads, during the epoch. */
  cpuMs: number;
  samplesPerSec: number;
  /** rows / CPU seconds. */
  samplesPerCpuSec: number;
  /** Wall time scaled to 5,000 rows. */
  epochSecondsPer5000: number;
  /** CPU time scaled to 5,000 rows. */
  epochCpuSecondsPer5000: number;
}

export interface EnsembleThreadsRow {
  threads: number;
  members: number;
  /** Training rows per member (fit rows after its validation speakers are held out). */
  fitRows: number;
  epochs: number;
  wallSeconds: number;
  cpuSeconds: number;
}

export interface CnnTrainBenchResult {
  name: 'cnn-train';
  classes: number;
  batchSize: number;
  archs: Array<{ arch: CnnArch; title: string; dim: number }>;
  results: CnnTrainBenchRow[];
  skipped: Array<{ backend: string; reason: string }>;
  profile?: Array<{ kernel: string; msPerBatch: number }>;
  ensemble?: { spec: string; rows: EnsembleThreadsRow[]; identical: boolean; skippedReason?: string };
}

function randomData(rows: number, dim: number, seed: number): { X: Float32Array; y: Int32Array } {
  const rng = new Random(seed);
  const X = new Float32Array(rows * dim);
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

function row(
  backend: string, kernels: CnnTrainBenchRow['kernels'], arch: CnnArch, detail: string, loop: CnnTrainBenchRow['loop'], rows: number,
  t: { wallMs: number; cpuMs: number }, threads = 1,
): CnnTrainBenchRow {
  const samplesPerSec = (rows / t.wallMs) * 1000;
  const samplesPerCpuSec = (rows / t.cpuMs) * 1000;
  return {
    backend, kernels, arch, detail, loop, rows, threads,
    epochMs: t.wallMs,
    cpuMs: t.cpuMs,
    samplesPerSec,
    samplesPerCpuSec,
    epochSecondsPer5000: 5000 / samplesPerSec,
    epochCpuSecondsPer5000: 5000 / samplesPerCpuSec,
  };
}

async function warmUp(model: tf.LayersModel, X: Float32Array, y: Int32Array, dim: number): Promise<void> {
  const n = Math.min(BATCH, y.length);
  const [xb, yb] = tf.tidy(() => [
    tf.tensor3d(X.subarray(0, n * dim), [n, dim, 1]),
    tf.oneHot(tf.tensor1d(y.subarray(0, n), 'int32'), PAPER_CLASSES),
  ]);
  await model.trainOnBatch(xb!, yb!);
  tf.dispose([xb!, yb!]);
}

async function profileWasm(model: tf.LayersModel, X: Float32Array, y: Int32Array, dim: number): Promise<Array<{ kernel: string; msPerBatch: number }>> {
  const batches = 2;
  const n = batches * BATCH;
  const info = await tf.profile(async () => {
    await trainCnn(X.subarray(0, n * dim), y.subarray(0, n), PAPER_CLASSES, { model, epochs: 1, validationSplit: 0 });
  });
  const perKernel = new Map<string, number>();
  for (const k of info.kernels) perKernel.set(k.name, (perKernel.get(k.name) ?? 0) + Number(k.kernelTimeMs));
  return [...perKernel.entries()]
    .map(([kernel, ms]) => ({ kernel, msPerBatch: ms / batches }))
    .sort((a, b) => b.msPerBatch - a.msPerBatch)
    .slice(0, 12);
}

function emptyResult(archs: CnnArch[]): CnnTrainBenchResult {
  return {
    name: 'cnn-train', classes: PAPER_CLASSES, batchSize: BATCH,
    archs: archs.map((arch) => ({ arch, title: archTitle(arch), dim: archDim(arch) })),
    results: [], skipped: [],
  };
}

/** Times one training epoch per backend and network in this process; returns JSON-ready results. */
export async function benchCnnTraining(opts: CnnTrainBenchOptions = {}): Promise<CnnTrainBenchResult> {
  const log = opts.log ?? (() => {});
  const seed = opts.seed ?? 1;
  const archs = opts.archs ?? CNN_ARCHS;
  const defaults: Record<BackendPreference, number> = opts.quick ? { wasm: 160, node: 160, cpu: 8 } : { wasm: 1920, node: 1920, cpu: 64 };
  const rowsFor = (b: BackendPreference) => opts.rows?.[b] ?? defaults[b];
  const result = emptyResult(archs);

  for (const want of opts.backends ?? (['wasm', 'cpu', 'node'] as BackendPreference[])) {
    const info = opts.stockKernels && want === 'wasm' ? await initStockWasmBackend(log) : await initBackend(want, { log });
    const expected = want === 'node' ? 'tensorflow' : want;
    if (info.name !== expected) {
      result.skipped.push({ backend: want, reason: info.detail });
      continue;
    }
    const kernels: CnnTrainBenchRow['kernels'] = info.name !== 'wasm' ? '' : opts.stockKernels ? 'stock' : 'ours';
    const threadCounts = kernels === 'ours' ? (opts.kernelThreads ?? [...new Set([1, defaultKernelThreads()])]) : [1];
    for (const arch of archs) {
      const dim = archDim(arch);
      const rows = rowsFor(want);
      const { X, y } = randomData(rows, dim, seed);
      let model: tf.LayersModel | undefined;
      for (const threads of threadCounts) {
        if (model) disposeCnn(model); // the previous thread count's
        if (kernels === 'ours') configureKernelThreads(threads);
        model = buildNet(arch, seed);
        await warmUp(model, X, y, dim);
        const t = await timed(() => trainCnn(X, y, PAPER_CLASSES, { model, epochs: 1, validationSplit: 0, seed }));
        result.results.push(row(info.name, kernels, arch, info.detail, 'trainCnn', rows, t, threads));
        log(`  ${info.name}${kernels ? ` (${kernels} kernels, ${threads} thread(s))` : ''} ${arch}: ${rows} rows in ${(t.wallMs / 1000).toFixed(1)} s (CPU ${(t.cpuMs / 1000).toFixed(1)} s)`);
      }
      if (!model) continue;

      if (want === 'wasm' && opts.profile) result.profile = await profileWasm(model, X, y, dim);

      if (want === 'wasm' && opts.compareFit) {
        const [xt, yt] = tf.tidy(() => [tf.tensor3d(X, [rows, dim, 1]), tf.oneHot(tf.tensor1d(y, 'int32'), PAPER_CLASSES)]);
        const tf_ = await timed(() => model.fit(xt!, yt!, { epochs: 1, batchSize: BATCH, shuffle: true, verbose: 0 }));
        result.results.push(row(info.name, kernels, arch, info.detail, 'model.fit', rows, tf_, threadCounts[threadCounts.length - 1]));
        tf.dispose([xt!, yt!]);
      }
      disposeCnn(model);
    }
  }
  return result;
}

/**
 * The stock tfjs-backend-wasm baseline in a child process (`node dist/bench/cnn-train.js
 * --backends wasm --stock-kernels --json`), since kernel registrations are process-wide.
 */
export async function benchStockInChild(opts: { rows: number; archs?: CnnArch[]; log?: (line: string) => void }): Promise<CnnTrainBenchResult> {
  const script = join(packageRoot(), 'dist', 'bench', 'cnn-train.js');
  const archs = opts.archs ?? CNN_ARCHS;
  if (!existsSync(script)) {
    const r = emptyResult(archs);
    r.skipped.push({ backend: 'wasm (stock)', reason: `${script} not found; run \`npm run build\`` });
    return r;
  }
  opts.log?.(`  stock tfjs-backend-wasm kernels (child process), ${opts.rows} rows`);
  const args = [script, '--backends', 'wasm', '--stock-kernels', '--json', '--rows', String(opts.rows), '--archs', archs.join(',')];
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      for (const line of d.toString().split('\n')) if (line.startsWith('  ')) opts.log?.(line);
    });
    child.on('close', (c) => resolve({ code: c, stdout: out, stderr: err }));
  });
  if (code !== 0) {
    const r = emptyResult(archs);
    r.skipped.push({ backend: 'wasm (stock)', reason: `child process failed (${code}): ${stderr.trim().split('\n').pop()}` });
    return r;
  }
  return JSON.parse(stdout) as CnnTrainBenchResult;
}

/** A 'best'-recipe-shaped training table: `speakers` × `clips` recordings, 4 versions each, class prototypes + noise. */
function sequenceTable(speakers: number, clips: number, seed: number): TrainingData {
  const recipe = SEQUENCE;
  const dim = recipe.vectorLength;
  const classes = ['neutral', 'calm', 'happy', 'sad', 'angry', 'fearful', 'disgust'];
  const versions = ['original', 'noise', 'stretch', 'pitch'];
  const rng = new Random(seed);
  const protos = classes.map(() => Float32Array.from({ length: dim }, () => rng.gaussian()));
  const rows = speakers * clips * versions.length;
  const X = new Float32Array(rows * dim);
  const y = new Int32Array(rows);
  const speaker: string[] = [];
  const recordingId: string[] = [];
  const version: string[] = [];
  let r = 0;
  for (let s = 0; s < speakers; s++) {
    for (let c = 0; c < clips; c++) {
      for (const v of versions) {
        y[r] = c % classes.length;
        const p = protos[y[r]!]!;
        for (let j = 0; j < dim; j++) X[r * dim + j] = p[j]! + rng.gaussian();
        speaker.push(`Actor_${String(s + 1).padStart(2, '0')}`);
        recordingId.push(`${s}-${c}`);
        version.push(v);
        r++;
      }
    }
  }
  return { X, rows, dim, y, classes, speaker, recordingId, version, recipe, corpus: '(synthetic)', versions };
}

/**
 * The 'best' recipe's ensemble (2 members here) trained by fitModel for a fixed number of
 * epochs on 1 and on `cores` worker threads; checks that both give the same predictions.
 */
export async function benchEnsembleThreads(opts: { quick?: boolean; threads?: number[]; log?: (line: string) => void } = {}): Promise<NonNullable<CnnTrainBenchResult['ensemble']>> {
  const log = opts.log ?? (() => {});
  const best = trainingRecipe('best').models.cnn;
  if (best.kind !== 'ensemble' || best.member.kind !== 'cnn') throw new Error('bench: the best recipe is no longer an ensemble of CNNs');
  const epochs = 1;
  const member = { ...best.member, epochs, patience: epochs };
  const spec: ModelSpec = { kind: 'ensemble', members: 2, member };
  // 16 speakers × 30 clips × 4 versions = 1,920 rows (quick: 4 × 7 × 4 = 112); each member holds
  // out its own validation speakers. Big enough that a worker's start-up (tfjs, ser.wasm) is small.
  const data = sequenceTable(opts.quick ? 4 : 16, opts.quick ? 7 : 30, 5);
  const out: NonNullable<CnnTrainBenchResult['ensemble']> = {
    spec: `${best.member.arch} CNN [${best.member.filters.join(', ')}]${best.member.speakerNorm ? ' + speaker norm' : ''} × 2, ${epochs} epoch, batch ${member.batchSize}, ${data.rows} rows of ${SEQUENCE_FRAMES} × ${SEQUENCE_CHANNELS}`,
    rows: [],
    identical: false,
  };
  await initBackend('wasm', { log: () => {} });
  const probas: Float32Array[] = [];
  for (const threads of opts.threads ?? [1, 2]) {
    log(`  ensemble of 2 on ${threads} thread(s)`);
    let fitRows = 0;
    const c0 = cpuNow();
    const t0 = performance.now();
    const model = await fitModel(spec, data, undefined, { seed: 11, threads });
    const wallSeconds = (performance.now() - t0) / 1000;
    const cpuSeconds = (cpuNow() - c0) / 1000;
    fitRows = model.training[0]?.fitRows ?? 0;
    probas.push(model.predictProba(data.X.subarray(0, 64 * data.dim), 64, { speakers: data.speaker.slice(0, 64) }));
    model.dispose();
    out.rows.push({ threads, members: 2, fitRows, epochs, wallSeconds, cpuSeconds });
  }
  out.identical = probas.every((p) => p.length === probas[0]!.length && p.every((v, i) => v === probas[0]![i]));
  return out;
}

/** Markdown tables of a result. */
export function formatCnnTrainBench(r: CnnTrainBenchResult): string {
  const lines: string[] = [];
  for (const a of r.archs) {
    const rows = r.results.filter((x) => x.arch === a.arch);
    if (rows.length === 0) continue;
    // The reference row: our kernels on the most threads.
    const ours = rows.filter((x) => x.backend === 'wasm' && x.kernels === 'ours' && x.loop === 'trainCnn').sort((p, q) => q.threads - p.threads)[0];
    if (lines.length) lines.push('');
    lines.push(
      `CNN training: ${a.title}, ${r.classes} classes, batch ${r.batchSize}`,
      '',
      `| backend | kernels | threads | loop | rows timed | wall (s) | CPU (s) | samples/s wall | samples/s CPU | 5,000-row epoch wall (s) | 5,000-row epoch CPU (s) | ours${ours ? ` (${ours.threads} threads)` : ''} ÷ this (wall) |`,
      '|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|',
      ...rows.map(
        (x) =>
          `| ${x.backend} | ${x.kernels || '—'} | ${x.threads ?? 1} | ${x.loop} | ${x.rows} | ${(x.epochMs / 1000).toFixed(1)} | ${(x.cpuMs / 1000).toFixed(1)} | ` +
          `${x.samplesPerSec.toFixed(1)} | ${x.samplesPerCpuSec.toFixed(1)} | ${x.epochSecondsPer5000.toFixed(1)} | ${x.epochCpuSecondsPer5000.toFixed(1)} | ` +
          `${ours ? (ours === x ? '1' : `${(ours.samplesPerSec / x.samplesPerSec).toFixed(2)}×`) : '—'} |`,
      ),
    );
  }
  const details = [...new Map(r.results.map((x) => [`${x.backend}/${x.kernels}`, x])).values()];
  if (details.length) lines.push('', ...details.map((x) => `- ${x.backend}${x.kernels ? ` (${x.kernels} kernels)` : ''}: ${x.detail}`));
  for (const s of r.skipped) lines.push('', `skipped ${s.backend}: ${s.reason}`);
  if (r.profile) {
    lines.push('', '| wasm kernel | ms per batch |', '|---|---:|', ...r.profile.map((p) => `| ${p.kernel} | ${p.msPerBatch.toFixed(1)} |`));
  }
  const e = r.ensemble;
  if (e) {
    lines.push('', `Ensemble training (fitModel, threads option): ${e.spec}`);
    if (e.skippedReason) lines.push('', `skipped: ${e.skippedReason}`);
    else {
      const one = e.rows.find((x) => x.threads === 1);
      lines.push(
        '',
        '| threads | members | fit rows per member | wall (s) | CPU (s) | speed-up over 1 thread |',
        '|---:|---:|---:|---:|---:|---:|',
        ...e.rows.map(
          (x) =>
            `| ${x.threads} | ${x.members} | ${x.fitRows} | ${x.wallSeconds.toFixed(1)} | ${x.cpuSeconds.toFixed(1)} | ` +
            `${one ? `${(one.wallSeconds / x.wallSeconds).toFixed(2)}×` : '—'} |`,
        ),
        '',
        `Same predictions on every thread count: ${e.identical ? 'yes' : 'NO'}.`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      backends: { type: 'string' },
      archs: { type: 'string' },
      rows: { type: 'string' },
      'compare-fit': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'stock-kernels': { type: 'boolean', default: false },
      'kernel-threads': { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const backends = values.backends?.split(',').map((s) => s.trim()) as BackendPreference[] | undefined;
  const archs = values.archs?.split(',').map((s) => s.trim()) as CnnArch[] | undefined;
  for (const a of archs ?? []) if (!CNN_ARCHS.includes(a)) throw new Error(`cnn-train: unknown arch '${a}' (expected ${CNN_ARCHS.join(', ')})`);
  const kernelThreads = values['kernel-threads']?.split(',').map((t) => Number(t.trim()));
  for (const t of kernelThreads ?? []) if (!(Number.isInteger(t) && t >= 1)) throw new Error(`cnn-train: --kernel-threads must list positive integers, got '${values['kernel-threads']}'`);
  const n = values.rows === undefined ? undefined : Number(values.rows);
  if (n !== undefined && !(Number.isInteger(n) && n > 0)) throw new Error(`cnn-train: --rows must be a positive integer, got '${values.rows}'`);
  const result = await benchCnnTraining({
    quick: values.quick,
    backends,
    archs,
    ...(n ? { rows: { wasm: n, node: n, cpu: n } } : {}),
    compareFit: values['compare-fit'],
    profile: values.profile,
    stockKernels: values['stock-kernels'],
    kernelThreads,
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
