/**
 * `ser download ravdess` (issue 14, item 3) against a local HTTP server on 127.0.0.1 that serves a
 * zip this test builds — never the internet: a full download, an interrupted one resumed with a
 * Range request, a server that ignores Range, a wrong checksum, a server error, a full disk, and a
 * zip whose entry tries to leave the folder.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav } from '../src/audio/wav-encode.js';
import { DOWNLOAD_MARKER, DownloadError, downloadArchive, unzipArchive } from '../src/download/download.js';
import { defaultCacheDir, RAVDESS_SPEECH } from '../src/download/ravdess.js';
import { synthCorpusFiles, synthesizeCorpusFile } from '../src/synth/index.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function ser(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT, maxBuffer: 16 << 20, env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** A zip of stored (uncompressed) entries: enough for yauzl, written here so the test needs no zip tool. */
function makeZip(entries: Array<{ name: string; data: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const md5 = (b: Buffer): string => createHash('md5').update(b).digest('hex');

describe('ser download ravdess against a local server', () => {
  let dir: string;
  let server: Server;
  let base: string;
  let zip: Buffer;
  let evilZip: Buffer;
  let wavs: Map<string, Buffer>;
  const ranges: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ser-download-'));
    // RAVDESS layout, 2 actors × 3 synthetic clips (about 150 KB each, so the cut-off test has room).
    const entries: Array<{ name: string; data: Buffer }> = [{ name: 'Actor_01/', data: Buffer.alloc(0) }, { name: 'Actor_02/', data: Buffer.alloc(0) }];
    for (const spec of synthCorpusFiles(2).filter((f) => ['neutral', 'happy', 'angry'].includes(f.emotion) && f.intensity === 'normal' && f.statement === 1 && f.repetition === 1)) {
      entries.push({ name: spec.relativePath, data: Buffer.from(encodeWav(synthesizeCorpusFile(spec, 9, 22050), 22050, { format: 'pcm16' })) });
    }
    wavs = new Map(entries.filter((e) => e.name.endsWith('.wav')).map((e) => [e.name, e.data]));
    zip = makeZip(entries);
    evilZip = makeZip([{ name: 'Actor_01/ok.wav', data: Buffer.from('x') }, { name: '../evil.wav', data: Buffer.from('y') }]);
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const body = path === '/evil.zip' ? evilZip : zip;
      if (req.headers.range) ranges.push(`${path} ${req.headers.range}`);
      if (path === '/error.zip') return void res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      if (path === '/cut.zip') {
        // Promises the whole file, sends a third, then drops the connection.
        res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/zip' });
        res.write(body.subarray(0, Math.floor(body.length / 3)), () => setTimeout(() => res.destroy(), 50));
        return;
      }
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (m && path !== '/norange.zip') {
        const start = Number(m[1]);
        res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}`, 'accept-ranges': 'bytes' });
        return void res.end(body.subarray(start));
      }
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/zip' }).end(body);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((done) => server?.close(() => done()));
  });

  const wavsIn = (d: string): string[] =>
    readdirSync(d, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.wav')).sort();

  it('downloads, verifies and unpacks into the RAVDESS layout; a second run does nothing', async () => {
    const out = join(dir, 'full');
    const r = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/ok.zip`, '--md5', md5(zip), '--json']);
    expect(r.stderr).toMatch(/CC BY-NC-SA 4\.0/); // the licence notice
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ command: 'download', schemaVersion: 1, dataset: 'ravdess', dir: out, downloaded: true, files: 6, bytes: zip.length, md5: md5(zip) });
    expect(wavsIn(out)).toHaveLength(6);
    expect(wavsIn(out)[0]).toBe(join('Actor_01', '03-01-01-01-01-01-01.wav'));
    for (const [name, data] of wavs) expect(readFileSync(join(out, name)), name).toEqual(data);
    expect(existsSync(join(out, DOWNLOAD_MARKER))).toBe(true);
    expect(readdirSync(out).filter((f) => f.endsWith('.zip') || f.endsWith('.part') || f.startsWith('.unzip'))).toEqual([]);
    const again = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/ok.zip`, '--md5', md5(zip), '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ downloaded: false, files: 6 });
    expect(again.stderr).toMatch(/already in/);
  }, 120_000);

  it('resumes an interrupted download with a Range request and gets the same bytes', async () => {
    const out = join(dir, 'resume');
    const cut = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/cut.zip`, '--md5', md5(zip), '--keep-zip']);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/broke off|terminated|closed|socket/i);
    const part = join(out, `.${RAVDESS_SPEECH.file}.part`);
    const have = statSync(part).size;
    expect(have).toBeGreaterThan(0);
    expect(have).toBeLessThan(zip.length);
    const r = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/ok.zip`, '--md5', md5(zip), '--keep-zip', '--json']);
    expect(r.code).toBe(0);
    expect(ranges).toContain(`/ok.zip bytes=${have}-`);
    expect(JSON.parse(r.stdout)).toMatchObject({ downloaded: true, resumedFrom: have, files: 6 });
    expect(readFileSync(join(out, RAVDESS_SPEECH.file))).toEqual(zip);
    expect(existsSync(part)).toBe(false);
  }, 120_000);

  it('starts over when the server ignores the Range request', async () => {
    const out = join(dir, 'norange');
    await ser(['download', 'ravdess', '--out', out, '--url', `${base}/cut.zip`, '--md5', md5(zip)]);
    const r = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/norange.zip`, '--md5', md5(zip), '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ resumedFrom: 0, files: 6 });
  }, 120_000);

  it('fails with exit code 1 on a wrong checksum (and discards the bytes), a server error, or a bad URL', async () => {
    const out = join(dir, 'bad');
    const wrong = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/ok.zip`, '--md5', '0'.repeat(32), '--json']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/MD5 [0-9a-f]{32} does not match the published 0{32}/);
    expect(JSON.parse(wrong.stdout)).toMatchObject({ command: 'download', ok: false, error: { name: 'DownloadError', code: 'CHECKSUM' } });
    expect(readdirSync(out).filter((f) => !f.startsWith('.unzip'))).toEqual([]); // nothing to resume onto, nothing unpacked
    const size = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/ok.zip`, '--md5', md5(zip), '--bytes', '12345']);
    expect(size.code).toBe(1);
    expect(size.stderr).toMatch(/expected 12345/);
    const error = await ser(['download', 'ravdess', '--out', out, '--url', `${base}/error.zip`, '--md5', md5(zip)]);
    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/HTTP 500/);
    const usage = await ser(['download', 'ravdess', '--url', 'ftp://example.invalid/x.zip']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toMatch(/--url must be an http\(s\) URL/);
    const unknown = await ser(['download', 'tess', '--out', out]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown dataset 'tess'/);
  }, 120_000);

  it('reports a full disk as such, keeps the bytes written so far for a later resume', async () => {
    const out = join(dir, 'diskfull');
    let written = 0;
    const full = (): Writable =>
      new Writable({
        write(chunk: Buffer, _enc, done) {
          if (written + chunk.length > 100_000) {
            done(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' }));
            return;
          }
          written += chunk.length;
          done();
        },
      });
    const spec = { url: `${base}/ok.zip`, file: 'x.zip', md5: md5(zip) };
    await expect(downloadArchive(spec, out, { createWriteStream: full })).rejects.toMatchObject({ code: 'DISK', message: expect.stringMatching(/disk full/) });
    expect(existsSync(join(out, 'x.zip'))).toBe(false);
  });

  it('refuses a zip entry that would leave the target folder, and moves nothing into place', async () => {
    const out = join(dir, 'evil');
    const file = join(dir, 'evil.zip');
    writeFileSync(file, evilZip);
    await expect(unzipArchive(file, out)).rejects.toThrow(DownloadError);
    expect(existsSync(join(dir, 'evil.wav'))).toBe(false);
    expect(existsSync(join(out, 'Actor_01'))).toBe(false);
  });

  it('--data ravdess means the download folder: refused with a hint before the download, used after it', async () => {
    const cache = join(dir, 'cache');
    const env = { SER_WASM_CACHE: cache };
    const before = await ser(['extract', '--data', 'ravdess', '--out', join(dir, 'rv', 'X'), '--quiet'], env);
    expect(before.code).toBe(1);
    expect(before.stderr).toContain(`RAVDESS is not in ${join(cache, 'ravdess')} yet; run \`ser download ravdess\` first, or add --yes`);
    const get = await ser(['download', 'ravdess', '--url', `${base}/ok.zip`, '--md5', md5(zip), '--quiet'], env);
    expect(get.code, get.stderr).toBe(0);
    const after = await ser(['extract', '--data', 'ravdess', '--out', join(dir, 'rv', 'X'), '--augment', 'none', '--workers', '0', '--no-cache', '--quiet', '--json'], env);
    expect(after.code, after.stderr).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({ command: 'extract', rows: 6, extracted: 6 });
  }, 180_000);

  it('defaults to $SER_WASM_CACHE, else $XDG_CACHE_HOME/ser-wasm, else ~/.cache/ser-wasm', () => {
    expect(defaultCacheDir({ SER_WASM_CACHE: '/data/ser' })).toBe('/data/ser');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' })).toBe('/xdg/ser-wasm');
    expect(defaultCacheDir({})).toMatch(/\.cache[\\/]ser-wasm$/);
  });
});
