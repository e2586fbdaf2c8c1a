/** A node with the demo registry (seed.ts), its web page built, served on an ephemeral loopback port. */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { buildWeb } from '@kyodaku/web/build';
import { seed } from '../../src/seed.ts';
import { makeNode, type TestNode } from '../helpers.ts';

export interface ServedNode {
  t: TestNode;
  url: string;
  close(): Promise<void>;
}

/** `origin`: the log's origin (two nodes that follow each other need two). */
export async function servedNode(origin?: string): Promise<ServedNode> {
  await buildWeb();
  const t = await makeNode(origin === undefined ? {} : { origin });
  await seed(t.app, t.adminSigner);
  const server = serve({ fetch: t.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    t,
    url: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      t.close();
    },
  };
}
