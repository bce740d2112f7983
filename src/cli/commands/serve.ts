import { createReadStream, existsSync, realpathSync } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError, type Command } from 'commander';

/**
 * `ser serve [MODEL_DIR] [--port 8080]`: serves the browser demo on 127.0.0.1 only.
 * A static file server on node:http with a fixed route table:
 *   /model/…    the model directory (default demo/model)
 *   /ser.wasm   build/ser.wasm
 *   /tfjs/…     the TensorFlow.js wasm binaries from @tensorflow/tfjs-backend-wasm
 *   /…          the built page, demo/dist (npm run build:demo)
 * GET and HEAD only (anything else: 405 with `Allow: GET, HEAD`). A path that leaves its folder,
 * also after resolving symbolic links (realpath), is refused with 404. The Host header must be
 * localhost, 127.0.0.1 or [::1] with the server's port (else 421), so a DNS-rebinding page cannot
 * read bundle.json (it records the training corpus's absolute path). Every response carries a
 * strict Content-Security-Policy ({@link DEMO_CSP}) that the demo passes (tested in Chromium).
 */

/**
 * The demo's Content-Security-Policy: only its own scripts (plus 'wasm-unsafe-eval', which
 * WebAssembly.instantiate needs for ser.wasm and the tfjs wasm backend), its own worker and
 * worklet, fetches to itself; no inline script or style, no plugins, no framing, no forms.
 */
export const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self'",
  "media-src 'self' blob: mediastream:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ALLOWED_HOSTS = ['localhost', '127.0.0.1', '[::1]'];

/** True when a Host header names this machine's loopback with the server's port (the port may be omitted only for 80). */
export function allowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(\[[^\]]*\]|[^:]+)(?::(\d+))?$/.exec(host.trim().toLowerCase());
  if (!m || !ALLOWED_HOSTS.includes(m[1]!)) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  // instantiateStreaming (used by tfjs) insists on this type.
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export interface DemoServerOptions {
  /** Model directory served at /model/ (default: demo/model of this package). */
  modelDir?: string;
  /** TCP port on 127.0.0.1; 0 picks a free one (default 8080). */
  port?: number;
}

export interface DemoServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/** The package root: this file runs from src/cli/commands (tsx, vitest) or dist/src/cli/commands. */
function packageRoot(): string {
  for (const rel of ['../../../', '../../../../']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'demo', 'index.html'))) return dir;
  }
  throw new Error('demo server: cannot find the package root (demo/index.html)');
}

function tfjsWasmDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

/** Where each URL prefix is served from, checked in order (longest prefixes first); folders are real paths. */
export function demoRoutes(modelDir: string): Array<{ prefix: string; dir: string; only?: string }> {
  const root = packageRoot();
  return [
    { prefix: '/model/', dir: realpathSync(resolve(modelDir)) },
    { prefix: '/tfjs/', dir: realpathSync(tfjsWasmDir()) },
    { prefix: '/ser.wasm', dir: realpathSync(join(root, 'build')), only: 'ser.wasm' },
    { prefix: '/', dir: realpathSync(join(root, 'demo', 'dist')) },
  ];
}

/** The file for a request path and the folder it must stay in, or null when it is outside every route. */
function locate(routes: ReturnType<typeof demoRoutes>, urlPath: string): { file: string; dir: string } | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  for (const r of routes) {
    if (!path.startsWith(r.prefix)) continue;
    if (r.only) return path === r.prefix ? { file: join(r.dir, r.only), dir: r.dir } : null;
    let rest = path.slice(r.prefix.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const file = resolve(r.dir, rest);
    return file.startsWith(r.dir + sep) ? { file, dir: r.dir } : null;
  }
  return null;
}

/** Starts the demo server; resolves once it listens. */
export async function startDemoServer(opts: DemoServerOptions = {}): Promise<DemoServer> {
  const root = packageRoot();
  const modelDir = resolve(opts.modelDir ?? join(root, 'demo', 'model'));
  // Any kind of bundle (bundle.json names the rest); the page validates it as `ser predict` does.
  if (!existsSync(join(modelDir, 'bundle.json'))) {
    throw new Error(`demo server: ${modelDir} is not a model directory (no bundle.json; see \`ser train\`)`);
  }
  if (!existsSync(join(root, 'demo', 'dist', 'index.html'))) {
    throw new Error('demo server: the demo is not built (demo/dist/index.html missing); run `npm run build:demo`');
  }
  if (!existsSync(join(root, 'build', 'ser.wasm'))) throw new Error('demo server: build/ser.wasm missing; run `npm run build:wasm`');
  const routes = demoRoutes(modelDir);

  let port = 0;
  const common = {
    'content-security-policy': DEMO_CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
  };
  const server = createServer((req, res) => {
    const send = (status: number, text: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { ...common, 'content-type': 'text/plain; charset=utf-8', ...extra }).end(`${text}\n`);
    };
    if (!allowedHost(req.headers.host, port)) {
      return send(421, `misdirected request: this server answers only to localhost, 127.0.0.1 or [::1] on port ${port}`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed', { allow: 'GET, HEAD' });
    const where = locate(routes, new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!where) return send(404, 'not found');
    // Symbolic links are resolved before the containment check: a link inside a served folder
    // that points outside it is refused like a `..` path.
    realpath(where.file)
      .then(async (real) => {
        if (!real.startsWith(where.dir + sep)) return send(404, 'not found');
        const s = await stat(real);
        if (!s.isFile()) return send(404, 'not found');
        res.writeHead(200, {
          ...common,
          'content-type': MIME[extname(real).toLowerCase()] ?? 'application/octet-stream',
          'content-length': s.size,
          'cache-control': 'no-cache',
        });
        if (req.method === 'HEAD') return void res.end();
        createReadStream(real).on('error', () => res.destroy()).pipe(res);
      })
      .catch(() => send(404, 'not found'));
  });
  const wanted = opts.port ?? 8080;
  await new Promise<void>((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new Error(`demo server: port ${wanted} is in use; choose another with --port (0 = any free port)`) : err));
    server.listen(wanted, '127.0.0.1', () => done());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    server,
    close: () => new Promise<void>((done, fail) => server.close((err) => (err ? fail(err) : done()))),
  };
}

function portOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new InvalidArgumentError(`--port must be an integer from 0 to 65535, got '${value}'`);
  }
  return n;
}

export function registerServe(program: Command): void {
  program
    .command('serve [modelDir]')
    .description('serve the browser demo (waveform, mel spectrogram, emotion) on http://127.0.0.1 with a model (default demo/model)')
    .option('--port <n>', 'port (0 = any free port)', portOption, 8080)
    .action(async (modelDir: string | undefined, o: { port: number }) => {
      const s = await startDemoServer({ modelDir, port: o.port });
      process.stdout.write(`ser demo: ${s.url}  (model: ${resolve(modelDir ?? join(packageRoot(), 'demo', 'model'))}; Ctrl+C to stop)\n`);
    });
}
