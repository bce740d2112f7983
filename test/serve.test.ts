/**
 * `ser serve` over plain HTTP (issue 12, row 11): symbolic links cannot lead out of a served
 * folder, the Host header must be the loopback with the server's port (DNS rebinding), 405
 * carries Allow, and every response carries the Content-Security-Policy.
 */
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowedHost, DEMO_CSP, startDemoServer, type DemoServer } from '../src/cli/commands/serve.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READY = ['demo/dist/index.html', 'build/ser.wasm', 'demo/model/bundle.json'].every((p) => existsSync(join(ROOT, p)));

function get(port: number, path: string, opts: { host?: string | null; method?: string } = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    const req = request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers, setHost: opts.host === undefined }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    if (opts.host) req.setHeader('host', opts.host);
    req.on('error', reject);
    req.end();
  });
}

describe.skipIf(!READY)('ser serve: HTTP hardening', () => {
  let dir: string;
  let server: DemoServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ser-serve-'));
    const model = join(dir, 'model');
    cpSync(join(ROOT, 'demo/model'), model, { recursive: true });
    writeFileSync(join(dir, 'secret.txt'), 'outside the model folder');
    symlinkSync(join(dir, 'secret.txt'), join(model, 'leak.json')); // a link out of the served folder
    symlinkSync(join(model, 'bundle.json'), join(model, 'alias.json')); // a link that stays inside
    server = await startDemoServer({ modelDir: model, port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves the model and the page with the CSP', async () => {
    const page = await get(server.port, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(DEMO_CSP);
    expect(DEMO_CSP).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(DEMO_CSP).not.toContain('unsafe-inline');
    const bundle = await get(server.port, '/model/bundle.json');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-security-policy']).toBe(DEMO_CSP);
  });

  it('refuses a symbolic link that leads out of its folder; one that stays inside is served', async () => {
    const leak = await get(server.port, '/model/leak.json');
    expect(leak.status).toBe(404);
    expect(leak.body).not.toContain('outside the model folder');
    expect((await get(server.port, '/model/alias.json')).status).toBe(200);
    expect((await get(server.port, '/model/%2e%2e/secret.txt')).status).toBe(404);
  });

  it('answers only to localhost, 127.0.0.1 or [::1] with its port (421 otherwise)', async () => {
    const p = server.port;
    for (const host of [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `LOCALHOST:${p}`]) {
      expect((await get(p, '/model/bundle.json', { host })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${p}`, 'evil.example', `127.0.0.1:${p + 1}`, '127.0.0.1', `localhost.evil.example:${p}`, `127.0.0.2:${p}`]) {
      const r = await get(p, '/model/bundle.json', { host });
      expect(r.status, host).toBe(421);
      expect(r.body).not.toContain('"classes"');
    }
    // No Host header at all: Node's HTTP/1.1 parser already answers 400.
    expect([400, 421]).toContain((await get(p, '/model/bundle.json', { host: null })).status);
    expect(allowedHost('localhost', 80)).toBe(true);
    expect(allowedHost(undefined, 80)).toBe(false);
  });

  it('answers other methods with 405 and Allow: GET, HEAD', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await get(server.port, '/', { method });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, HEAD');
    }
    const head = await get(server.port, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });
});
