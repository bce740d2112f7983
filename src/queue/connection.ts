import type { RedisOptions } from 'bullmq';
import { InvalidArgumentError } from 'commander';

/** The one BullMQ queue every producer and `ser worker` shares on a Redis server. */
export const QUEUE_NAME = 'ser-extract';

/** How long a worker or producer waits for Redis at start-up before it gives up with an error (later outages are waited out). */
export const CONNECT_TIMEOUT_MS = 10_000;
/** The same for a look at the queue (`ser queue status|clean`), which someone is waiting for. */
export const INSPECT_TIMEOUT_MS = 3_000;

/**
 * Commander parser for `--queue` / `ser queue status URL`: a redis:// or rediss:// URL with a host
 * (`redis://HOST:PORT`, optionally `redis://:PASSWORD@HOST:PORT/DB`). Anything else is refused,
 * naming the value, instead of silently connecting to a default localhost.
 */
export function parseQueueUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`'${value}' is not a URL; expected redis://HOST:PORT`);
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new InvalidArgumentError(`'${redactUrl(value)}' is not a redis:// or rediss:// URL; expected redis://HOST:PORT`);
  }
  if (url.hostname === '') throw new InvalidArgumentError(`'${redactUrl(value)}' names no host; expected redis://HOST:PORT`);
  if (url.pathname !== '' && url.pathname !== '/' && !/^\/\d+$/.test(url.pathname)) {
    throw new InvalidArgumentError(`'${redactUrl(value)}': the path must be a database number (redis://HOST:PORT/0), got '${url.pathname}'`);
  }
  return value;
}

/** The URL with any password replaced by ***, for messages and summaries. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return value;
  }
}

/**
 * BullMQ connection options for a URL accepted by {@link parseQueueUrl}. Every ser process waits out
 * a Redis outage rather than failing: commands queue while disconnected (maxRetriesPerRequest null,
 * which BullMQ requires for workers anyway) and ioredis reconnects every 0.2–2 s until Redis is back.
 */
export function connectionOptions(value: string): RedisOptions {
  const url = new URL(value);
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  return {
    host: url.hostname.replace(/^\[|\]$/g, ''), // [::1] → ::1
    port: url.port ? Number(url.port) : 6379,
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (times: number) => Math.min(200 * times, 2000),
    // On close, ioredis ends the socket and waits for Redis to close its side, destroying it after this
    // long; a connection blocked in XREAD (QueueEvents) only ever ends that way, so the 2 s default
    // would be added to every command's exit.
    disconnectTimeout: 200,
  };
}

/** The parts of a BullMQ backend (or an ioredis client) this module listens to. */
interface ConnectionEvents {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Reports a connection's outages once each (not once per reconnect attempt): `lost` when it drops,
 * `restored` when it is ready again. Errors before the first `ready` are only recorded: they are
 * start-up failures, which {@link waitForRedis} reports. Returns the last error seen.
 */
export function watchConnection(conn: ConnectionEvents, events: { lost(reason: string): void; restored(): void }): { lastError(): string | undefined } {
  let state: 'connecting' | 'up' | 'down' = 'connecting';
  let last: string | undefined;
  const down = () => {
    if (state !== 'up') return;
    state = 'down';
    events.lost(last ?? 'connection closed');
  };
  conn.on('error', (err) => {
    const e = err as NodeJS.ErrnoException;
    last = e.message || e.code || String(err);
    down();
  });
  conn.on('close', down);
  conn.on('ready', () => {
    const was = state;
    state = 'up';
    if (was === 'down') events.restored();
  });
  return { lastError: () => last };
}

/** Waits for `ready`, or fails after `timeoutMs` with a message naming the URL and the last error. */
export async function waitForRedis(ready: Promise<unknown>, url: string, lastError: () => string | undefined, timeoutMs = CONNECT_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = lastError();
      reject(new Error(`cannot reach Redis at ${redactUrl(url)} within ${timeoutMs / 1000} s${why ? ` (${why})` : ''}`));
    }, timeoutMs);
  });
  try {
    await Promise.race([ready, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
