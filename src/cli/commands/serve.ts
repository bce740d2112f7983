import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
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
 * GET and HEAD only; paths that leave their folder are refused.
 */

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

/** Where each URL prefix is served from, checked in order (longest prefixes first). */
export function demoRoutes(modelDir: string): Array<{ prefix: string; dir: string; only?: string }> {
  const root = packageRoot();
  return [
    { prefix: '/model/', dir: resolve(modelDir) },
    { prefix: '/tfjs/', dir: tfjsWasmDir() },
    { prefix: '/ser.wasm', dir: join(root, 'build'), only: 'ser.wasm' },
    { prefix: '/', dir: join(root, 'demo', 'dist') },
  ];
}

/** The file for a request path, or null when it is outside every route. */
function locate(routes: ReturnType<typeof demoRoutes>, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0')) return null;
  for (const r of routes) {
    if (!path.startsWith(r.prefix)) continue;
    if (r.only) return path === r.prefix ? join(r.dir, r.only) : null;
    let rest = path.slice(r.prefix.length);
    if (rest === '' || rest.endsWith('/')) rest += 'index.html';
    const file = resolve(r.dir, rest);
    return file.startsWith(r.dir + sep) ? file : null;
  }
  return null;
}

/** Starts the demo server; resolves once it listens. */
export async function startDemoServer(opts: DemoServerOptions = {}): Promise<DemoServer> {
  const root = packageRoot();
  const modelDir = resolve(opts.modelDir ?? join(root, 'demo', 'model'));
  if (!existsSync(join(modelDir, 'bundle.json')) || !existsSync(join(modelDir, 'model.json'))) {
    throw new Error(`demo server: ${modelDir} is not a model directory (needs bundle.json and model.json; see \`ser train\`)`);
  }
  if (!existsSync(join(root, 'demo', 'dist', 'index.html'))) {
    throw new Error('demo server: the demo is not built (demo/dist/index.html missing); run `npm run build:demo`');
  }
  if (!existsSync(join(root, 'build', 'ser.wasm'))) throw new Error('demo server: build/ser.wasm missing; run `npm run build:wasm`');
  const routes = demoRoutes(modelDir);

  const server = createServer((req, res) => {
    const send = (status: number, text: string): void => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    const file = locate(routes, new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!file) return send(404, 'not found');
    stat(file).then(
      (s) => {
        if (!s.isFile()) return send(404, 'not found');
        res.writeHead(200, {
          'content-type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
          'content-length': s.size,
          'cache-control': 'no-cache',
          'x-content-type-options': 'nosniff',
        });
        if (req.method === 'HEAD') return void res.end();
        createReadStream(file).on('error', () => res.destroy()).pipe(res);
      },
      () => send(404, 'not found'),
    );
  });
  const wanted = opts.port ?? 8080;
  await new Promise<void>((done, fail) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      fail(err.code === 'EADDRINUSE' ? new Error(`demo server: port ${wanted} is in use; choose another with --port (0 = any free port)`) : err));
    server.listen(wanted, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
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
