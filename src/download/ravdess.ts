/**
 * RAVDESS speech audio (Livingstone & Russo, 2018): the one archive `ser download ravdess` fetches,
 * Zenodo record 1188976, Audio_Speech_Actors_01-24.zip — 1,440 WAV files of 24 actors in
 * Actor_NN/03-01-EE-II-SS-RR-AA.wav, the layout `ser extract/train/pipeline --data` read.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  downloadArchive, readDownloadMarker, unzipArchive, writeDownloadMarker, type ArchiveSpec, type DownloadOptions,
} from './download.js';

export const RAVDESS_SPEECH = {
  url: 'https://zenodo.org/api/records/1188976/files/Audio_Speech_Actors_01-24.zip/content',
  file: 'Audio_Speech_Actors_01-24.zip',
  bytes: 208_468_073,
  md5: 'bc696df654c87fed845eb13823edef8a',
  /** WAV files in the archive. */
  wavFiles: 1440,
} as const satisfies ArchiveSpec & { wavFiles: number };

/** Shown before every download: the corpus is not ours to redistribute, and its licence binds its use. */
export const RAVDESS_NOTICE =
  'RAVDESS — The Ryerson Audio-Visual Database of Emotional Speech and Song (Livingstone & Russo, 2018, ' +
  'PLoS ONE 13(5): e0196391, doi:10.1371/journal.pone.0196391), https://zenodo.org/records/1188976. ' +
  'Licence: CC BY-NC-SA 4.0 — attribution, non-commercial use only, share-alike. By downloading you accept it.';

/**
 * Where downloaded corpora go by default: $SER_WASM_CACHE, else $XDG_CACHE_HOME/ser-wasm, else
 * ~/.cache/ser-wasm; RAVDESS in its `ravdess` subfolder.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SER_WASM_CACHE) return resolve(env.SER_WASM_CACHE);
  return join(env.XDG_CACHE_HOME ? resolve(env.XDG_CACHE_HOME) : join(homedir(), '.cache'), 'ser-wasm');
}

export interface DownloadRavdessOptions extends DownloadOptions {
  /** Target folder (default: {@link defaultCacheDir}/ravdess). */
  dir?: string;
  /** Another source of the same archive (a mirror; tests serve one on 127.0.0.1). */
  url?: string;
  /** Expected MD5 and size of the archive at `url` (default: Zenodo's). */
  md5?: string;
  bytes?: number;
  /** Keep the zip after unpacking (default: delete it). */
  keepZip?: boolean;
  onUnzip?: (done: number, total: number) => void;
}

export interface DownloadRavdessResult {
  dir: string;
  /** False when the folder was already complete (nothing fetched or unpacked). */
  downloaded: boolean;
  files: number;
  bytes: number;
  md5: string;
  resumedFrom: number;
}

/** Downloads, verifies and unpacks RAVDESS speech into `opts.dir` (see download.ts for resuming and atomicity). */
export async function downloadRavdess(opts: DownloadRavdessOptions = {}): Promise<DownloadRavdessResult> {
  const dir = resolve(opts.dir ?? join(defaultCacheDir(), 'ravdess'));
  const spec: ArchiveSpec = {
    url: opts.url ?? RAVDESS_SPEECH.url,
    file: RAVDESS_SPEECH.file,
    md5: opts.md5 ?? RAVDESS_SPEECH.md5,
    bytes: opts.bytes ?? (opts.url === undefined || opts.md5 === undefined ? RAVDESS_SPEECH.bytes : undefined),
  };
  const marker = await readDownloadMarker(dir);
  if (marker && marker.md5 === spec.md5) {
    return { dir, downloaded: false, files: marker.files, bytes: marker.bytes, md5: marker.md5, resumedFrom: -1 };
  }
  const archive = await downloadArchive(spec, dir, opts);
  const { files } = await unzipArchive(archive.path, dir, { onFile: opts.onUnzip });
  await writeDownloadMarker(dir, {
    dataset: 'ravdess', url: spec.url, file: spec.file, md5: archive.md5, bytes: archive.bytes, files, finishedAt: new Date().toISOString(),
  });
  if (!opts.keepZip) {
    const { rm } = await import('node:fs/promises');
    await rm(archive.path, { force: true });
  }
  return { dir, downloaded: true, files, bytes: archive.bytes, md5: archive.md5, resumedFrom: archive.resumedFrom };
}
