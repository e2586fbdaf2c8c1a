/** The node's configuration: one object read from the environment, with defaults that run. */
import { resolve } from 'node:path';
import { POSTGRES_MAX_BYTES_ERROR } from './db/open.ts';
import { isPostgresUrl } from './db/pg-client.ts';
import { type PeerConfig, PeerConfigError, parsePeersSetting } from './federation/peer-config.ts';
import { loadOpsConfig, type OpsConfig, OpsConfigError } from './ops/config.ts';

export interface Config {
  /** TCP port; 0 picks an ephemeral port (tests). */
  port: number;
  /** Interface to bind; loopback by default, set HOST=0.0.0.0 to listen on every interface. */
  host: string;
  /** The database: an embedded libSQL file (the default) or a PostgreSQL URL (postgres://…). */
  db: string;
  /** Directory of the node key and the admin key. */
  dataDir: string;
  /** Human-readable node name in /.well-known/kyodaku. */
  name: string;
  /** Log origin of this node (`KYODAKU_ORIGIN`), if configured; a log keeps its first origin. */
  origin: string | undefined;
  /** The origin kept on first start when none is configured: `host:port/kyodaku`. */
  defaultOrigin: string;
  /** Peers to follow from the start (`KYODAKU_PEERS`: JSON or a file path; spec/federation.md §7). */
  peers: PeerConfig[];
  /** Wait between polls of a caught-up peer (`KYODAKU_FOLLOW_POLL_MS`, default 5000). */
  followPollMs: number;
  /**
   * First wait after a failed round (`KYODAKU_FOLLOW_BACKOFF_MS`, 10..60000, default 1000); it
   * doubles on each failure up to 5 minutes and resets on success (spec/federation.md REQ-FED-020).
   */
  followBackoffMs: number;
  /** Entries asked for per page of a peer's feed (`KYODAKU_FOLLOW_PAGE_SIZE`, 1..1000, default 1000). */
  followPageSize: number;
  /** Rate limits, trusted proxies, access log and metrics (ops/config.ts; server/README.md). */
  ops: OpsConfig;
  /** Most time to receive a whole request, headers and body (`KYODAKU_REQUEST_TIMEOUT_MS`, default 30000). */
  requestTimeoutMs: number;
  /** Most time to receive a request's headers (`KYODAKU_HEADERS_TIMEOUT_MS`, default 10000, at most the request timeout). */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open (`KYODAKU_KEEP_ALIVE_TIMEOUT_MS`, default 5000). */
  keepAliveTimeoutMs: number;
  /** Most open connections; more are closed at once (`KYODAKU_MAX_CONNECTIONS`, default 1024). */
  maxConnections: number;
  /** Most bytes the database may hold (`KYODAKU_DB_MAX_BYTES`); unlimited by default. */
  dbMaxBytes: number | undefined;
  /**
   * Where the sequencer mirrors tiles and checkpoint (`KYODAKU_TILES`: `s3://bucket/prefix` or a
   * directory; tiles/tile-sink.ts), with `KYODAKU_TILES_S3_ENDPOINT` for a store other than AWS.
   */
  tiles: { setting: string; base: string; endpoint: string | undefined } | undefined;
}

/** An integer setting in min..max, or `fallback` when unset. */
function intSetting(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  min: number,
  max: number,
  unit = '',
): number {
  const text = env[name];
  if (text === undefined) return fallback;
  if (!/^\d{1,16}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new ConfigError(`${name} must be an integer ${min}..${max}${unit}, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const portText = env.PORT ?? '8787';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new ConfigError(`PORT must be an integer 0..65535, got ${JSON.stringify(portText)}`);
  }
  // `npm start -w` runs in server/; relative paths are taken from where npm was invoked.
  const base = env.INIT_CWD ?? process.cwd();
  const dataDir = resolve(base, env.KYODAKU_DATA_DIR ?? './data');
  const dbText = env.KYODAKU_DB ?? `file:${resolve(dataDir, 'kyodaku.db')}`;
  const db =
    dbText.startsWith('file:') && !dbText.startsWith('file:/')
      ? `file:${resolve(base, dbText.slice(5))}`
      : dbText;
  if (!/^(file:|postgres(ql)?:\/\/)/.test(db) && db !== ':memory:') {
    throw new ConfigError(
      `KYODAKU_DB must be a database file such as file:./data/kyodaku.db or a PostgreSQL URL (postgres://…), got ${JSON.stringify(db)}`,
    );
  }
  const host = env.HOST ?? '127.0.0.1';
  if (host.length === 0) throw new ConfigError('HOST must not be empty');
  let peers: PeerConfig[];
  try {
    peers = parsePeersSetting(env.KYODAKU_PEERS, base);
  } catch (error) {
    if (error instanceof PeerConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const pollText = env.KYODAKU_FOLLOW_POLL_MS ?? '5000';
  if (!/^\d{1,7}$/.test(pollText) || Number(pollText) < 10 || Number(pollText) > 60_000) {
    throw new ConfigError(`KYODAKU_FOLLOW_POLL_MS must be 10..60000 ms, got ${JSON.stringify(pollText)}`);
  }
  const backoffText = env.KYODAKU_FOLLOW_BACKOFF_MS ?? '1000';
  if (!/^\d{1,7}$/.test(backoffText) || Number(backoffText) < 10 || Number(backoffText) > 60_000) {
    throw new ConfigError(
      `KYODAKU_FOLLOW_BACKOFF_MS must be 10..60000 ms, got ${JSON.stringify(backoffText)}`,
    );
  }
  const pageText = env.KYODAKU_FOLLOW_PAGE_SIZE ?? '1000';
  if (!/^\d{1,4}$/.test(pageText) || Number(pageText) < 1 || Number(pageText) > 1000) {
    throw new ConfigError(`KYODAKU_FOLLOW_PAGE_SIZE must be 1..1000, got ${JSON.stringify(pageText)}`);
  }
  let ops: OpsConfig;
  try {
    ops = loadOpsConfig(env);
  } catch (error) {
    if (error instanceof OpsConfigError) throw new ConfigError(error.message);
    throw error;
  }
  const requestTimeoutMs = intSetting(env, 'KYODAKU_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000, ' ms');
  const headersTimeoutMs = intSetting(env, 'KYODAKU_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000, ' ms');
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      `KYODAKU_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not be more than KYODAKU_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  const dbMaxText = env.KYODAKU_DB_MAX_BYTES;
  if (dbMaxText !== undefined && isPostgresUrl(db)) throw new ConfigError(POSTGRES_MAX_BYTES_ERROR);
  return {
    requestTimeoutMs,
    headersTimeoutMs,
    keepAliveTimeoutMs: intSetting(env, 'KYODAKU_KEEP_ALIVE_TIMEOUT_MS', 5000, 100, 600_000, ' ms'),
    maxConnections: intSetting(env, 'KYODAKU_MAX_CONNECTIONS', 1024, 1, 1_000_000),
    dbMaxBytes:
      dbMaxText === undefined
        ? undefined
        : intSetting(env, 'KYODAKU_DB_MAX_BYTES', 0, 65_536, Number.MAX_SAFE_INTEGER, ' bytes'),
    tiles:
      env.KYODAKU_TILES === undefined || env.KYODAKU_TILES === ''
        ? undefined
        : { setting: env.KYODAKU_TILES, base, endpoint: env.KYODAKU_TILES_S3_ENDPOINT },
    port: Number(portText),
    host,
    db,
    dataDir,
    name: env.KYODAKU_NAME ?? 'Kyodaku reference registry',
    origin: env.KYODAKU_ORIGIN,
    defaultOrigin: `${host === '0.0.0.0' ? 'localhost' : host}:${portText}/kyodaku`,
    peers,
    followPollMs: Number(pollText),
    followBackoffMs: Number(backoffText),
    followPageSize: Number(pageText),
    ops,
  };
}
