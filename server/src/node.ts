/** Opening a node: database, migrations, keys, in-memory index. Shared by main, seed, tests and bench. */
import type { Client } from '@libsql/client';
import { openDb } from './db/open.ts';
import type { NodeContext } from './node-context.ts';
import { loadNodeKeys } from './node-keys.ts';
import { Store } from './store.ts';

export interface OpenNodeOptions {
  db: string;
  dataDir: string;
  name?: string;
  origin?: string;
  now?: () => number;
}

export interface OpenNode extends NodeContext {
  client: Client;
  pragmas: Record<string, unknown>;
  keyFiles: { node: string; admin: string; created: boolean };
  close(): void;
}

export async function openNode(options: OpenNodeOptions): Promise<OpenNode> {
  const { client, db, pragmas } = await openDb(options.db);
  const keys = await loadNodeKeys(options.dataDir);
  const store = new Store(db);
  await store.load();
  return {
    name: options.name ?? 'Kyodaku reference registry',
    origin: options.origin ?? 'localhost/kyodaku',
    store,
    node: { kid: keys.node.kid, publicJwk: keys.node.publicJwk, signer: keys.node.signer },
    admin: { kid: keys.admin.kid, publicJwk: keys.admin.publicJwk },
    now: options.now ?? Date.now,
    client,
    pragmas,
    keyFiles: {
      node: keys.node.path,
      admin: keys.admin.path,
      created: keys.node.created || keys.admin.created,
    },
    close: () => client.close(),
  };
}
