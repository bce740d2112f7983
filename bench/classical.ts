/**
 * The paper's classical models at the size of a 16-actor RAVDESS table (960 original clips × 5
 * versions × 2,376 values), split as one speaker-independent fold: 12 actors train (3,600 rows),
 * 4 actors are queried (1,200 rows). Rows come from the extraction section's table when it ran on
 * 16 actors, else from RAVDESS extracted here when ../shared/data/ravdess is present, else
 * synthetic rows of that shape (class prototypes + noise). Features are standardised on the
 * training rows, as fitModel does.
 *
 * Rows: DT fitting (CART, gini, unlimited depth) and KNN (k = 4) prediction with the WASM
 * distance kernel and with the pure-JS path (the JS path on a slice of the queries; per-query
 * throughput is what is compared).
 */
import type { FeatureTable } from '../src/extract/feature-table.js';
import { DecisionTreeClassifier } from '../src/ml/decision-tree.js';
import { KNeighborsClassifier } from '../src/ml/knn.js';
import { StandardScaler } from '../src/ml/scaler.js';
import { Random } from '../src/util/random.js';
import type { WasmCore } from '../src/wasm/core.js';

export const TABLE_ACTORS = 16;
export const TABLE_CLIPS_PER_ACTOR = 60;
export const TABLE_VERSIONS = 5;
export const TABLE_DIM = 2376;
const TEST_ACTORS = 4;
const CLASSES = 7;

export interface ClassicalRow {
  task: string;
  impl: string;
  /** Training rows (fit) and query rows (prediction). */
  trainRows: number;
  queries: number;
  seconds: number;
  /** Queries per second (prediction) or rows per second (fitting). */
  perSecond: number;
  note?: string;
}

export interface ClassicalResult {
  source: string;
  dim: number;
  rows: ClassicalRow[];
}

interface Split {
  source: string;
  dim: number;
  train: { X: Float32Array; y: Int32Array; rows: number };
  test: { X: Float32Array; y: Int32Array; rows: number };
}

function gather(X: Float32Array, dim: number, idx: number[]): Float32Array {
  const out = new Float32Array(idx.length * dim);
  idx.forEach((r, i) => out.set(X.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

/** 12 actors train, the last 4 (sorted) are queried. */
function splitTable(t: FeatureTable, source: string): Split {
  const actors = [...new Set(t.speaker)].sort();
  const test = new Set(actors.slice(-TEST_ACTORS));
  const trainIdx: number[] = [];
  const testIdx: number[] = [];
  for (let i = 0; i < t.rows; i++) (test.has(t.speaker[i]!) ? testIdx : trainIdx).push(i);
  return {
    source,
    dim: t.dim,
    train: { X: gather(t.X, t.dim, trainIdx), y: Int32Array.from(trainIdx, (i) => t.y[i]!), rows: trainIdx.length },
    test: { X: gather(t.X, t.dim, testIdx), y: Int32Array.from(testIdx, (i) => t.y[i]!), rows: testIdx.length },
  };
}

/** Synthetic rows of the 16-actor shape: per class a prototype, per actor an offset, per row noise. */
function syntheticSplit(seed: number): Split {
  const rng = new Random(seed);
  const dim = TABLE_DIM;
  const protos = Array.from({ length: CLASSES }, () => Float32Array.from({ length: dim }, () => rng.gaussian()));
  const make = (actors: number[]) => {
    const rows = actors.length * TABLE_CLIPS_PER_ACTOR * TABLE_VERSIONS;
    const X = new Float32Array(rows * dim);
    const y = new Int32Array(rows);
    let r = 0;
    for (const a of actors) {
      const offset = Float32Array.from({ length: dim }, () => 0.5 * rng.gaussian());
      for (let c = 0; c < TABLE_CLIPS_PER_ACTOR * TABLE_VERSIONS; c++, r++) {
        y[r] = Math.floor(c / TABLE_VERSIONS) % CLASSES;
        const p = protos[y[r]!]!;
        for (let j = 0; j < dim; j++) X[r * dim + j] = p[j]! + offset[j]! + 2 * rng.gaussian();
      }
    }
    return { X, y, rows };
  };
  const all = Array.from({ length: TABLE_ACTORS }, (_, i) => i);
  return {
    source: `synthetic rows of the 16-actor shape (${TABLE_ACTORS} actors × ${TABLE_CLIPS_PER_ACTOR} clips × ${TABLE_VERSIONS} versions × ${dim})`,
    dim,
    train: make(all.slice(0, TABLE_ACTORS - TEST_ACTORS)),
    test: make(all.slice(TABLE_ACTORS - TEST_ACTORS)),
  };
}

function timeIt<T>(f: () => T): { value: T; seconds: number } {
  const t0 = performance.now();
  const value = f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

export async function benchClassical(opts: {
  core: WasmCore;
  /** A RAVDESS table of 16 actors (e.g. the extraction section's); otherwise RAVDESS is extracted or rows are synthetic. */
  table?: FeatureTable;
  /** Extracts the 16-actor table (called when no table is given); undefined = synthetic rows. */
  extract?: () => Promise<FeatureTable | undefined>;
  quick?: boolean;
  log?: (line: string) => void;
}): Promise<ClassicalResult> {
  const log = opts.log ?? (() => {});
  let table = opts.table && new Set(opts.table.speaker).size >= TABLE_ACTORS ? opts.table : undefined;
  if (!table && !opts.quick && opts.extract) table = await opts.extract();
  const split = table
    ? splitTable(table, `RAVDESS, ${new Set(table.speaker).size} actors × ${table.meta.versions.length} versions (${table.rows} rows × ${table.dim})`)
    : syntheticSplit(7);
  const { dim } = split;
  log(`  classical models: ${split.train.rows} training rows, ${split.test.rows} queries (${split.source})`);

  const scaler = new StandardScaler().fit(split.train.X, split.train.rows, dim);
  const Ztrain = scaler.transform(split.train.X, split.train.rows, dim);
  const Ztest = scaler.transform(split.test.X, split.test.rows, dim);
  const rows: ClassicalRow[] = [];

  // Quick: a quarter of the training rows for the tree (its cost grows faster than linearly).
  const dtRows = opts.quick ? Math.floor(split.train.rows / 4) : split.train.rows;
  log(`  decision tree: fit on ${dtRows} rows`);
  const dt = timeIt(() => new DecisionTreeClassifier({ seed: 42 }).fit(Ztrain.subarray(0, dtRows * dim), dtRows, dim, split.train.y.subarray(0, dtRows), CLASSES));
  rows.push({
    task: 'DT fit', impl: 'js (presorted CART)', trainRows: dtRows, queries: 0, seconds: dt.seconds, perSecond: dtRows / dt.seconds,
    note: `${dt.value.nodeCount} nodes, depth ${dt.value.depth}`,
  });

  const queries = opts.quick ? Math.min(240, split.test.rows) : split.test.rows;
  const knnWasm = new KNeighborsClassifier({ k: 4, core: opts.core }).fit(Ztrain, split.train.rows, dim, split.train.y, CLASSES);
  knnWasm.predict(Ztest.subarray(0, dim), 1, dim); // warm-up (distance kernel tables, JIT)
  log(`  KNN (wasm): ${queries} queries`);
  const w = timeIt(() => knnWasm.predict(Ztest.subarray(0, queries * dim), queries, dim));
  rows.push({ task: 'KNN predict (k = 4)', impl: 'wasm (SIMD distances)', trainRows: split.train.rows, queries, seconds: w.seconds, perSecond: queries / w.seconds });

  const jsQueries = Math.min(queries, opts.quick ? 24 : 120);
  const knnJs = new KNeighborsClassifier({ k: 4 }).fit(Ztrain, split.train.rows, dim, split.train.y, CLASSES);
  log(`  KNN (js): ${jsQueries} queries`);
  const j = timeIt(() => knnJs.predict(Ztest.subarray(0, jsQueries * dim), jsQueries, dim));
  const same = j.value.every((c, i) => c === w.value[i]);
  rows.push({
    task: 'KNN predict (k = 4)', impl: 'js', trainRows: split.train.rows, queries: jsQueries, seconds: j.seconds, perSecond: jsQueries / j.seconds,
    note: same ? 'same predictions as wasm' : 'PREDICTIONS DIFFER FROM WASM',
  });
  return { source: split.source, dim, rows };
}

export function formatClassical(r: ClassicalResult): string {
  const knnWasm = r.rows.find((x) => x.task.startsWith('KNN') && x.impl.startsWith('wasm'));
  return [
    `Classical models on a 16-actor-sized table: ${r.source}; 12 actors train, 4 are queried, standardised features`,
    '',
    '| task | impl | training rows | queries | seconds | rows or queries per second | ratio | note |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...r.rows.map((x) => {
      const ratio = x.task.startsWith('KNN') && knnWasm ? (x === knnWasm ? '1' : `${(x.perSecond / knnWasm.perSecond).toFixed(3)}×`) : '—';
      return `| ${x.task} | ${x.impl} | ${x.trainRows} | ${x.queries || '—'} | ${x.seconds.toFixed(2)} | ${x.perSecond.toFixed(1)} | ${ratio} | ${x.note ?? ''} |`;
    }),
  ].join('\n');
}
