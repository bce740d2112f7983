/**
 * `npm run bench [-- --quick] [-- --only SECTION,…] [-- --soak] [-- --json] [-- --out file]` (bench/args.ts)
 *
 * WASM kernels against the pure-JS reference and peer libraries; end-to-end extraction (the pool,
 * `ser extract` as a process, librosa + joblib on the same files); CNN training throughput (our
 * kernels, stock tfjs-backend-wasm, cpu, an ensemble on 1 and 2 threads); KNN and DT on a 16-actor
 * table; writing the feature table. Prints Markdown (or, with --json, the raw results) to stdout,
 * progress to stderr, and writes every raw number, with the machine description, to
 * bench/results.json.
 * --quick: short sampling, one RAVDESS actor, fewer training rows.
 * --soak: also the soak test (10,000 predictions in one process, memory sampled); --only soak runs it alone.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadWasmCore } from '../src/wasm/load-node.js';
import { createWasmDsp } from '../src/wasm/dsp.js';
import { benchClip } from './clip.js';
import { benchAugment, benchFeatures, benchFft, fftKernelName } from './kernels.js';
import { benchFftPeers, benchMfccPeers, type PeerNote } from './peers.js';
import { benchExtraction, type ExtractionResult } from './extraction.js';
import {
  benchCnnTraining, benchEnsembleThreads, benchStockInChild, formatCnnTrainBench, type CnnTrainBenchResult,
} from './cnn-train.js';
import { benchClassical, formatClassical, type ClassicalResult } from './classical.js';
import { benchOutput, formatOutput, type OutputResult } from './output.js';
import type { FeatureTable } from '../src/extract/feature-table.js';
import { FULL_TIMING, QUICK_TIMING, computeRatios, type BenchRow } from './measure.js';
import { extractionTable, kernelTable, singleTarget, targetsList, type TargetCheck } from './table.js';
import { benchSoak, formatSoak, type SoakResult } from './soak.js';
import { parseBenchArgs, USAGE, type BenchSection } from './args.js';
import { packageRoot } from './package-root.js';

type Section = BenchSection;

function find(rows: BenchRow[], kernel: string, impl: (name: string) => boolean): BenchRow | undefined {
  return rows.find((r) => r.kernel === kernel && impl(r.impl));
}

function ratioTarget(target: string, required: number, a: BenchRow | undefined, b: BenchRow | undefined): TargetCheck {
  if (!a || !b) return { target, required };
  const measured = a.opsPerSec / b.opsPerSec;
  const measuredBest = b.bestMs / a.bestMs;
  return {
    target, required,
    measured, rmePct: a.rmePct + b.rmePct, met: measured >= required,
    measuredBest, metBest: measuredBest >= required,
  };
}

/** The targets the WASM kernels are held to. */
function checkTargets(rows: BenchRow[]): TargetCheck[] {
  const fft = fftKernelName(2048);
  const wasmFft = find(rows, fft, (i) => i === 'wasm (kernel)');
  const wasm = (kernel: string) => find(rows, kernel, (i) => i === 'wasm');
  const ref = (kernel: string) => find(rows, kernel, (i) => i === 'js-reference');
  return [
    ratioTarget('real FFT-2048, WASM kernel vs fft.js', 3, wasmFft, find(rows, fft, (i) => i === 'fft.js')),
    ratioTarget('real FFT-2048, WASM kernel vs pffft-wasm (SIMD)', 1, wasmFft, find(rows, fft, (i) => i.startsWith('pffft-wasm'))),
    ratioTarget('MFCC chain, WASM vs JS reference', 5, wasm('MFCC chain (y → MFCC-20)'), ref('MFCC chain (y → MFCC-20)')),
    ratioTarget('ZCR, WASM vs JS reference', 4, wasm('ZCR'), ref('ZCR')),
    ratioTarget('RMS, WASM vs JS reference', 4, wasm('RMS'), ref('RMS')),
  ];
}

/**
 * Issue 13's targets, from the sections that ran (ratios within this run): `ser extract` as a
 * user runs it vs librosa + joblib, CNN training vs stock tfjs-backend-wasm and the 5,000-row
 * epoch, the binary table's write speed and the CSV writer vs the one it replaced.
 */
function issueTargets(x: ExtractionResult | undefined, t: CnnTrainBenchResult | undefined, o: OutputResult | undefined): TargetCheck[] {
  const out: TargetCheck[] = [];
  if (x && (x.cli.length > 0 || x.librosa)) {
    const cli = x.cli[0];
    const lib = x.librosa;
    out.push(singleTarget('`ser extract` (defaults) vs librosa + joblib, same files and cores', 10, cli && lib ? cli.filesPerSec / lib.filesPerSec : undefined, {
      note: cli && lib ? `${cli.filesPerSec.toFixed(1)} vs ${lib.filesPerSec.toFixed(1)} files/s on ${cli.files} files, ${cli.workers} workers` : undefined,
    }));
  }
  if (t) {
    for (const arch of ['paper', 'sequence'] as const) {
      // Our kernels on the most threads (the targets are for "2 cores").
      const ours = t.results
        .filter((r) => r.arch === arch && r.backend === 'wasm' && r.kernels === 'ours' && r.loop === 'trainCnn')
        .sort((p, q) => (q.threads ?? 1) - (p.threads ?? 1))[0];
      const stock = t.results.find((r) => r.arch === arch && r.backend === 'wasm' && r.kernels === 'stock' && r.loop === 'trainCnn');
      if (!ours) continue;
      out.push(singleTarget(`${arch} CNN training, our kernels (${ours.threads ?? 1} threads) vs stock tfjs-backend-wasm`, 8, stock ? ours.samplesPerSec / stock.samplesPerSec : undefined, {
        note: stock ? `${ours.samplesPerSec.toFixed(0)} vs ${stock.samplesPerSec.toFixed(0)} samples/s` : undefined,
      }));
      out.push(singleTarget(`${arch} CNN, 5,000-row epoch (wall, extrapolated)`, 10, ours.epochSecondsPer5000, { unit: 's', direction: 'max' }));
    }
  }
  if (o) {
    const bin = o.results.find((r) => r.format.startsWith('binary'));
    const csv = o.results.find((r) => r.format === 'CSV' && !r.impl.startsWith('before'));
    const before = o.results.find((r) => r.impl.startsWith('before'));
    out.push(singleTarget('binary feature table written at', 200, bin?.mbPerSec, { unit: 'MB/s', note: bin ? `${(bin.bytes / 1e6).toFixed(0)} MB` : undefined }));
    out.push(singleTarget('CSV writer vs the one it replaced', 5, csv && before ? before.seconds / csv.seconds : undefined, {
      note: csv && before ? `${csv.mbPerSec.toFixed(0)} vs ${before.mbPerSec.toFixed(0)} MB/s${o.csvIdentical ? ', byte-identical' : ''}` : undefined,
    }));
  }
  return out;
}

interface BenchResults {
  machine: { cpu: string; cores: number; node: string; os: string; loadAverageStart: number[]; loadAverageEnd: number[] };
  date: string;
  quick: boolean;
  sections: Section[];
  clip: { source: string; samples: number; sr: number };
  timing: { maxTimeSeconds: number; minSamples: number };
  rows: BenchRow[];
  fftCheck: Array<{ peer: string; n: number; relError: number }>;
  peerNotes: PeerNote[];
  targets: TargetCheck[];
  extraction?: ExtractionResult;
  training?: CnnTrainBenchResult;
  classical?: ClassicalResult;
  output?: OutputResult;
  soak?: SoakResult;
  seconds: number;
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const { quick, sections } = args;
  const values = { out: args.out };
  const timing = quick ? QUICK_TIMING : FULL_TIMING;
  const log = (line: string) => console.error(line);
  const started = performance.now();
  const loadStart = loadavg();

  const core = await loadWasmCore();
  const dsp = await createWasmDsp(core);
  const clip = benchClip();
  const rows: BenchRow[] = [];
  const fftCheck: BenchResults['fftCheck'] = [];
  const peerNotes: PeerNote[] = [];

  if (sections.includes('fft')) {
    log('real FFT');
    rows.push(...benchFft(core, dsp, timing, log));
    const peers = await benchFftPeers(timing, log);
    rows.push(...peers.rows);
    fftCheck.push(...peers.fftCheck);
    peerNotes.push(...peers.notes);
  }
  if (sections.includes('features')) {
    log('features');
    rows.push(...benchFeatures(dsp, clip, timing, log));
    const peers = benchMfccPeers(clip, timing, log);
    rows.push(...peers.rows);
    peerNotes.push(...peers.notes);
  }
  if (sections.includes('augment')) {
    log('resampling and augmentation');
    rows.push(...benchAugment(core, clip, timing, log));
  }
  computeRatios(rows);
  // Group rows by kernel in first-seen order so each kernel's implementations sit together.
  const order = [...new Set(rows.map((r) => r.kernel))];
  rows.sort((a, b) => order.indexOf(a.kernel) - order.indexOf(b.kernel));

  let extraction: ExtractionResult | undefined;
  let table: FeatureTable | undefined;
  if (sections.includes('extraction')) {
    log('end-to-end extraction');
    ({ result: extraction, table } = await benchExtraction({ quick, log }));
  }
  let training: CnnTrainBenchResult | undefined;
  if (sections.includes('training')) {
    log('CNN training');
    training = await benchTraining(quick, log);
  }
  let classical: ClassicalResult | undefined;
  if (sections.includes('classical')) {
    log('classical models');
    classical = await benchClassical({
      core, table, quick, log,
      extract: async () => (await benchExtraction({ workerCounts: [cpus().length], poolOnly: true, log })).table,
    });
  }
  let output: OutputResult | undefined;
  if (sections.includes('output')) {
    log('writing the feature table');
    output = await benchOutput({ table, quick, log });
  }

  let soak: SoakResult | undefined;
  if (sections.includes('soak')) {
    log('soak');
    soak = await benchSoak({ modelDir: join(packageRoot(), 'demo', 'model'), predictions: args.soakPredictions ?? (quick ? 1000 : 10_000), log });
  }

  // Kernel targets only for the sections that ran (a missing row there is worth reporting).
  const kernelTargets = checkTargets(rows).filter((t) => (t.target.startsWith('real FFT') ? sections.includes('fft') : sections.includes('features')));
  const targets = [...kernelTargets, ...issueTargets(extraction, training, output)];
  const results: BenchResults = {
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      os: `${platform()} ${release()}`,
      loadAverageStart: loadStart,
      loadAverageEnd: loadavg(),
    },
    date: new Date().toISOString(),
    quick,
    sections,
    clip: { source: clip.source, samples: clip.y.length, sr: clip.sr },
    timing: { maxTimeSeconds: timing.maxTime, minSamples: timing.minSamples },
    rows,
    fftCheck,
    peerNotes,
    targets,
    ...(extraction ? { extraction } : {}),
    ...(training ? { training } : {}),
    ...(classical ? { classical } : {}),
    ...(output ? { output } : {}),
    ...(soak ? { soak } : {}),
    seconds: (performance.now() - started) / 1000,
  };
  const out = values.out ?? join(packageRoot(), 'bench', 'results.json');
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');

  console.log(args.json ? JSON.stringify(results, null, 2) : report(results, out));
}

/**
 * Our kernels (wasm, both networks) and the ensemble in this process, then the cpu backend on a
 * small slice, then stock tfjs-backend-wasm in a child process (kernel registrations are
 * process-wide); one result.
 */
async function benchTraining(quick: boolean, log: (line: string) => void): Promise<CnnTrainBenchResult> {
  const ours = await benchCnnTraining({ quick, log, backends: ['wasm'] });
  ours.ensemble = await benchEnsembleThreads({ quick, log });
  const others = await benchCnnTraining({ quick, log, backends: ['cpu', 'node'], rows: quick ? { cpu: 8 } : { cpu: 32 } });
  const stock = await benchStockInChild({ rows: quick ? 64 : 320, log });
  // Ours, stock, then cpu within each network's table.
  ours.results.push(...stock.results, ...others.results);
  ours.skipped.push(...stock.skipped, ...others.skipped);
  return ours;
}

function report(r: BenchResults, out: string): string {
  const m = r.machine;
  const parts = [
    `# ser-wasm benchmark${r.quick ? ' (--quick)' : ''}`,
    '',
    `${m.cpu}, ${m.cores} cores, Node ${m.node}, ${m.os}; ${r.date}. ` +
      `Load average ${m.loadAverageStart.map((x) => x.toFixed(1)).join(' / ')} at start, ` +
      `${m.loadAverageEnd.map((x) => x.toFixed(1)).join(' / ')} at end: a load above the core count means other ` +
      'jobs shared the CPU and every wall-clock number below is pessimistic and noisy.',
    '',
    `Input: ${r.clip.source}, ${r.clip.samples} samples at ${r.clip.sr} Hz. n_fft 2048, hop 512, 128 mels, 20 MFCCs. ` +
      `Benchmark.js, up to ${r.timing.maxTimeSeconds} s and at least ${r.timing.minSamples} samples per row; ` +
      'rme = relative margin of error of the mean at 95 % confidence; "fastest sample" = per-operation time of the best ' +
      'sample (load only adds time, so it is the steadier estimate on a busy machine). Ratios use ops/s (means). ' +
      'FFT GFLOP/s use FFTW\'s 2.5·N·log2(N) flops per real transform, from ops/s.',
  ];
  if (r.rows.length > 0) parts.push('', kernelTable(r.rows));
  if (r.peerNotes.length > 0) parts.push('', 'Notes:', ...r.peerNotes.map((n) => `- ${n.peer}: ${n.note}`));
  if (r.fftCheck.length > 0) {
    const worst = Math.max(...r.fftCheck.map((c) => c.relError));
    parts.push(`- every FFT peer was checked against the float64 reference before timing (worst relative error ${worst.toExponential(1)}).`);
  }
  if (r.extraction) parts.push('', extractionTable(r.extraction));
  if (r.training) parts.push('', formatCnnTrainBench(r.training));
  if (r.classical) parts.push('', formatClassical(r.classical));
  if (r.output) parts.push('', formatOutput(r.output));
  if (r.soak) parts.push('', formatSoak(r.soak));
  if (r.targets.length > 0) parts.push('', '## Targets', '', targetsList(r.targets));
  parts.push('', `Raw numbers: ${out} (${r.seconds.toFixed(0)} s in total).`);
  return parts.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    // Usage errors are one readable message; anything else keeps its stack.
    console.error(err instanceof Error && err.message.startsWith('bench: ') ? err.message : err);
    process.exit(1);
  });
}
