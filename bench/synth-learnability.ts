/**
 * Learnability check of the synthetic corpus (a measurement script, not a test):
 * are the 7 classes learnable across speakers, but not trivially?
 *
 *   npx tsx bench/synth-learnability.ts [--seed 1] [--actors 8] [--dir CORPUS]
 *
 * Without --dir a synthetic corpus is written to a temporary folder first; with
 * --dir any corpus loadCorpus understands is measured the same way (e.g. real
 * RAVDESS, for comparison). Pipeline: the paper recipe (load at 22 050 Hz,
 * offset 0.6 s, 2.5 s; ZCR, RMS, MFCC-20 per frame with the pure-JS reference DSP),
 * z-scored on the training actors, then
 *   - KNN (k = 4, Euclidean, majority vote, ties to the nearest) on the paper's
 *     frame-by-frame vector (2376 values), and
 *   - the same KNN on a clip summary (mean and std over frames of each of the 22 rows),
 * both with leave-one-actor-out cross-validation (speaker-independent). Chance is 1/7.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadCorpus } from '../src/corpus/index.js';
import { loadAudio } from '../src/audio/index.js';
import { createReferenceDsp } from '../src/reference/index.js';
import { computeFrameFeatures } from '../src/features/frame-features.js';
import { assemblePaperVector, PAPER_RECIPE } from '../src/features/paper-vector.js';
import { writeSynthCorpus } from '../src/synth/corpus-writer.js';

const { values } = parseArgs({
  options: { seed: { type: 'string', default: '1' }, actors: { type: 'string', default: '8' }, dir: { type: 'string' } },
});

function zscore(train: Float64Array[], rows: Float64Array[]): Float64Array[] {
  const dim = train[0]!.length;
  const mean = new Float64Array(dim);
  const sd = new Float64Array(dim);
  for (const r of train) for (let d = 0; d < dim; d++) mean[d]! += r[d]! / train.length;
  for (const r of train) for (let d = 0; d < dim; d++) sd[d]! += (r[d]! - mean[d]!) ** 2 / train.length;
  for (let d = 0; d < dim; d++) sd[d] = Math.sqrt(sd[d]!) || 1;
  return rows.map((r) => r.map((v, d) => (v - mean[d]!) / sd[d]!));
}

function knnPredict(trainX: Float64Array[], trainY: number[], x: Float64Array, k: number, nClasses: number): number {
  const dist = trainX.map((t, i) => {
    let s = 0;
    for (let d = 0; d < t.length; d++) s += (t[d]! - x[d]!) ** 2;
    return { s, y: trainY[i]! };
  });
  dist.sort((a, b) => a.s - b.s);
  const votes = new Array<number>(nClasses).fill(0);
  for (let i = 0; i < k; i++) votes[dist[i]!.y]!++;
  const best = Math.max(...votes);
  // Tie: the class of the nearest neighbour among the tied classes.
  return dist.slice(0, k).find((n) => votes[n.y] === best)!.y;
}

function leaveOneSpeakerOut(X: Float64Array[], y: number[], speakers: string[], nClasses: number): { accuracy: number; perSpeaker: Record<string, number> } {
  let correct = 0;
  const perSpeaker: Record<string, number> = {};
  for (const held of [...new Set(speakers)].sort()) {
    const trainIdx = X.map((_, i) => i).filter((i) => speakers[i] !== held);
    const testIdx = X.map((_, i) => i).filter((i) => speakers[i] === held);
    const scaled = zscore(trainIdx.map((i) => X[i]!), X);
    let ok = 0;
    for (const i of testIdx) if (knnPredict(trainIdx.map((j) => scaled[j]!), trainIdx.map((j) => y[j]!), scaled[i]!, 4, nClasses) === y[i]) ok++;
    perSpeaker[held] = ok / testIdx.length;
    correct += ok;
  }
  return { accuracy: correct / X.length, perSpeaker };
}

async function main(): Promise<void> {
  let dir = values.dir;
  let tmp: string | undefined;
  if (!dir) {
    tmp = mkdtempSync(join(tmpdir(), 'ser-synth-'));
    dir = tmp;
    const t0 = performance.now();
    writeSynthCorpus({ out: dir, seed: Number(values.seed), actors: Number(values.actors) });
    console.log(`synthesised ${values.actors} actors (seed ${values.seed}) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  }
  try {
    const corpus = loadCorpus(dir);
    const dsp = createReferenceDsp();
    const r = PAPER_RECIPE;
    const paper: Float64Array[] = [];
    const summary: Float64Array[] = [];
    const t1 = performance.now();
    for (const item of corpus.items) {
      const { y } = await loadAudio(item.path, { sr: r.sr, offset: r.offset, duration: r.duration });
      const f = computeFrameFeatures(dsp, y, { sr: r.sr, nFft: r.nFft, hopLength: r.hopLength, nMfcc: r.nMfcc, nMels: r.nMels });
      paper.push(Float64Array.from(assemblePaperVector(f, r.vectorLength)));
      const rows: ArrayLike<number>[] = [f.zcr, f.rms];
      for (let k = 0; k < f.mfcc.rows; k++) rows.push(f.mfcc.data.subarray(k * f.mfcc.cols, (k + 1) * f.mfcc.cols));
      const s = new Float64Array(rows.length * 2);
      rows.forEach((row, k) => {
        let m = 0;
        for (let t = 0; t < row.length; t++) m += row[t]! / row.length;
        let v = 0;
        for (let t = 0; t < row.length; t++) v += (row[t]! - m) ** 2 / row.length;
        s[2 * k] = m;
        s[2 * k + 1] = Math.sqrt(v);
      });
      summary.push(s);
    }
    console.log(`${corpus.items.length} clips (${corpus.layout}), features in ${((performance.now() - t1) / 1000).toFixed(1)} s, classes ${corpus.classes.join(' ')}`);
    const labels = corpus.items.map((i) => i.labelIndex);
    const speakers = corpus.items.map((i) => i.speaker);
    const a = leaveOneSpeakerOut(paper, labels, speakers, corpus.classes.length);
    const b = leaveOneSpeakerOut(summary, labels, speakers, corpus.classes.length);
    const fmt = (x: number): string => (100 * x).toFixed(1) + '%';
    console.log(`KNN k=4, leave-one-actor-out, paper vector (${paper[0]!.length}): ${fmt(a.accuracy)}  per actor: ${Object.values(a.perSpeaker).map(fmt).join(' ')}`);
    console.log(`KNN k=4, leave-one-actor-out, clip summary (${summary[0]!.length}): ${fmt(b.accuracy)}  per actor: ${Object.values(b.perSpeaker).map(fmt).join(' ')}`);
    console.log(`chance: ${fmt(1 / corpus.classes.length)} (majority class ${fmt(Math.max(...corpus.classes.map((_, c) => labels.filter((l) => l === c).length)) / labels.length)})`);
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
