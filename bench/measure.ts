/**
 * One timed row of the benchmark: a thin wrapper over the `benchmark` package
 * (Benchmark.js picks the iteration count per sample, then reports ops/s, the
 * sample mean and the relative margin of error at 95 % confidence).
 */
import Benchmark from 'benchmark';

/** How an implementation relates to the project: ratios are taken against these roles. */
export type RowRole = 'wasm' | 'reference' | 'peer';

export interface BenchRow {
  /** Rows with the same kernel are compared with each other (e.g. 'real FFT n=2048'). */
  kernel: string;
  /** Implementation name as printed (e.g. 'wasm', 'js-reference', 'fft.js'). */
  impl: string;
  role: RowRole;
  opsPerSec: number;
  meanMs: number;
  /** Relative margin of error of the mean, percent (95 % confidence). */
  rmePct: number;
  samples: number;
  /**
   * Per-operation time of the fastest sample. Other jobs on a shared machine only ever add
   * time, so this is the steadier estimate of the unloaded speed; the mean is Benchmark.js's.
   */
  bestMs: number;
  /** Per-operation time of every sample, ms (raw data behind mean, rme and bestMs). */
  sampleMs: number[];
  /** Flops per operation, when the kernel has a conventional count (FFT: 2.5 N log2 N). */
  flopsPerOp?: number;
  /** ops/s divided by the JS reference's ops/s of the same kernel. */
  ratioToReference?: number;
  /** ops/s divided by the fastest peer's ops/s of the same kernel. */
  ratioToBestPeer?: number;
  note?: string;
}

export interface MeasureOptions {
  /** Seconds Benchmark.js may spend sampling one row (it stops once it also has minSamples). */
  maxTime: number;
  minSamples: number;
}

export const FULL_TIMING: MeasureOptions = { maxTime: 2, minSamples: 5 };
export const QUICK_TIMING: MeasureOptions = { maxTime: 0.2, minSamples: 2 };

export interface RowSpec {
  kernel: string;
  impl: string;
  role: RowRole;
  fn: () => unknown;
  flopsPerOp?: number;
  note?: string;
}

/**
 * Keeps results reachable so the JIT cannot drop a call whose value is unused.
 * Benchmark.js calls the function in a loop and ignores its return value.
 */
let sink: unknown;
export function lastSink(): unknown {
  return sink;
}

/** Times one row synchronously. A throwing function is reported as an error, never as a fast row. */
export function measure(spec: RowSpec, timing: MeasureOptions): BenchRow {
  const body = spec.fn;
  const bench = new Benchmark(`${spec.kernel} / ${spec.impl}`, {
    // Without setup/teardown Benchmark.js calls this function in its timing loop (it does not
    // inline the source), so the closure keeps access to its variables.
    fn: () => {
      sink = body();
    },
    maxTime: timing.maxTime,
    minSamples: timing.minSamples,
  });
  bench.run({ async: false });
  // Benchmark.js catches a throwing test and records it here instead of rethrowing.
  const err: unknown = bench.error;
  if (err) {
    throw new Error(`benchmark '${spec.kernel} / ${spec.impl}' failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const row: BenchRow = {
    kernel: spec.kernel,
    impl: spec.impl,
    role: spec.role,
    opsPerSec: bench.hz,
    meanMs: bench.stats.mean * 1000,
    rmePct: bench.stats.rme,
    samples: bench.stats.sample.length,
    bestMs: Math.min(...bench.stats.sample) * 1000,
    sampleMs: bench.stats.sample.map((t) => Number((t * 1000).toPrecision(4))),
  };
  if (spec.flopsPerOp !== undefined) row.flopsPerOp = spec.flopsPerOp;
  if (spec.note !== undefined) row.note = spec.note;
  return row;
}

/** Fills ratioToReference and ratioToBestPeer for every row, per kernel. */
export function computeRatios(rows: BenchRow[]): void {
  const kernels = new Set(rows.map((r) => r.kernel));
  for (const kernel of kernels) {
    const group = rows.filter((r) => r.kernel === kernel);
    const reference = group.find((r) => r.role === 'reference');
    const peers = group.filter((r) => r.role === 'peer');
    const bestPeer = peers.length > 0 ? Math.max(...peers.map((p) => p.opsPerSec)) : undefined;
    for (const r of group) {
      if (reference) r.ratioToReference = r.opsPerSec / reference.opsPerSec;
      if (bestPeer !== undefined) r.ratioToBestPeer = r.opsPerSec / bestPeer;
    }
  }
}
