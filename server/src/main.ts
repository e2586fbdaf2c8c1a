/** `kyodaku-server start`: read the config, open the node, bind the port, print the config once. */
import { serve } from '@hono/node-server';
import { createApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { LogIntegrityError } from './log/checkpoints.ts';
import { openNode } from './node.ts';
import { OriginError } from './node-origin.ts';
import { describeOps } from './ops/config.ts';

export async function start(env: Record<string, string | undefined> = process.env): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
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
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    const host = info.family === 'IPv6' ? `[${info.address}]` : info.address;
    console.log(`kyodaku-server: database ${config.db} (journal_mode=${node.pragmas.journal_mode})`);
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

if (import.meta.url === `file://${process.argv[1]}`) await start();
