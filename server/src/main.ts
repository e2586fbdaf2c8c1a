/** `kyodaku-server start`: read the config, open the node, bind the port, print the config once. */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { isPostgresUrl } from './db/pg-client.ts';
import { onClientError } from './http/client-error.ts';
import { LogIntegrityError } from './log/checkpoints.ts';
import { openNode } from './node.ts';
import { OriginError } from './node-origin.ts';
import { describeOps } from './ops/config.ts';
import { openTileSink } from './tiles/tile-sink.ts';

export async function start(env: Record<string, string | undefined> = process.env): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`kyodaku-server: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const started = Date.now();
  let node: Awaited<ReturnType<typeof openNode>>;
  try {
    node = await openNode({
      db: config.db,
      dataDir: config.dataDir,
      name: config.name,
      ...(config.origin !== undefined && { origin: config.origin }),
      defaultOrigin: config.defaultOrigin,
      follower: {
        pollMs: config.followPollMs,
        backoffMs: config.followBackoffMs,
        pageSize: config.followPageSize,
      },
      maxDbBytes: config.dbMaxBytes,
      ...(config.tiles !== undefined && {
        tiles: openTileSink(config.tiles.setting, config.tiles.base, config.tiles.endpoint),
      }),
    });
  } catch (error) {
    if (error instanceof LogIntegrityError || error instanceof OriginError) {
      console.error(`kyodaku-server: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const app = createApp(node, {
    rateLimits: config.ops.rateLimits,
    trustProxy: config.ops.trustProxy,
    accessLog: config.ops.accessLog,
    metrics: config.ops.metrics && { process: true },
  });
  const listen = {
    fetch: app.fetch,
    port: config.port,
    hostname: config.host,
    serverOptions: timeouts(config),
  };
  const server = serve(listen, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    console.log(
      `kyodaku-server: database ${shownDbUrl(config.db)} (${databaseSettings(config, node.pragmas)})`,
    );
    console.log(`kyodaku-server: ${connectionSettings(config)}`);
    console.log(
      `kyodaku-server: ${node.keyFiles.created ? 'created' : 'using'} node key ${node.keyFiles.node}`,
    );
    console.log(
      `kyodaku-server: ${node.keyFiles.created ? 'created' : 'using'} admin key ${node.keyFiles.admin} (keep it secret)`,
    );
    console.log(`kyodaku-server: node ${node.node.kid}, admin key ${node.admin.kid}`);
    console.log(
      `kyodaku-server: ${node.objects.size} objects, ${node.index.size} records indexed in ${Date.now() - started} ms`,
    );
    console.log(`kyodaku-server: log ${node.log.verifierKey} at size ${node.log.checkpoints.latest?.size}`);
    console.log(`kyodaku-server: ${describeOps(config.ops)}`);
    console.log(`kyodaku-server: following ${node.federation?.statuses().length ?? 0} peers`);
    console.log(`listening on http://${host}:${info.port}`);
    node.federation?.start(config.peers);
  });
  // Connections past the limit are closed as they arrive (node:http drops them).
  (server as Server).maxConnections = config.maxConnections;
  (server as Server).keepAliveTimeout = config.keepAliveTimeoutMs;
  server.on('clientError', onClientError);
  const stop = () => {
    void node.federation?.close();
    server.close(() => {
      node.close();
      process.exit(0);
    });
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * node:http's timeouts: a request must arrive whole within `requestTimeout` and its headers within
 * `headersTimeout` (else 408 and the connection closes), checked every `connectionsCheckingInterval`.
 */
function timeouts(config: Config) {
  return {
    requestTimeout: config.requestTimeoutMs,
    headersTimeout: config.headersTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(config.headersTimeoutMs / 4))),
  };
}

/** The database URL without a PostgreSQL password. */
function shownDbUrl(url: string): string {
  return isPostgresUrl(url) ? url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@') : url;
}

/** The names of `PRAGMA synchronous` values. */
const SYNCHRONOUS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

function databaseSettings(config: Config, pragmas: Record<string, unknown>): string {
  if (isPostgresUrl(config.db)) {
    return "PostgreSQL, shared with the node's other processes (docs/operations.md §7): its durability settings are the server's";
  }
  const synchronous = SYNCHRONOUS[Number(pragmas.synchronous)] ?? String(pragmas.synchronous);
  const cap = config.dbMaxBytes === undefined ? '' : `, at most ${config.dbMaxBytes} bytes`;
  return `journal_mode=${pragmas.journal_mode}, synchronous=${synchronous}${cap}`;
}

function connectionSettings(config: Config): string {
  return `timeouts: request ${config.requestTimeoutMs} ms, headers ${config.headersTimeoutMs} ms, keep-alive ${config.keepAliveTimeoutMs} ms; at most ${config.maxConnections} connections`;
}

if (import.meta.url === `file://${process.argv[1]}`) await start();
