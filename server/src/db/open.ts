/** Opens the database, sets the pragmas on its one connection and applies the committed migrations. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import * as schema from './schema.ts';

export type Db = LibSQLDatabase<typeof schema>;

const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));

export interface OpenDb {
  client: Client;
  db: Db;
  /** The pragmas as read back from the connection (they hold: the client keeps one connection). */
  pragmas: Record<string, unknown>;
}

/** The pragmas of every connection to a database file (the main one and the writer thread's). */
export const FILE_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA cache_size = -65536',
];

/** Whether `url` names a database file (not an in-memory database). */
export function isFileUrl(url: string): boolean {
  return url.startsWith('file:') && !url.includes(':memory:');
}

export async function openDb(url: string): Promise<OpenDb> {
  if (url.startsWith('file:') && !url.startsWith('file::memory:')) {
    const path = url.slice('file:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  }
  // One connection: every call of @libsql/client runs synchronously, so a pool would only add
  // connections without the per-connection pragmas below.
  const client = createClient({ url, concurrency: 1 });
  if (isFileUrl(url)) {
    for (const pragma of FILE_PRAGMAS) await client.execute(pragma);
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  const pragmas: Record<string, unknown> = {};
  for (const name of ['journal_mode', 'synchronous', 'busy_timeout']) {
    const result = await client.execute(`PRAGMA ${name}`);
    pragmas[name] = result.rows[0]?.[0];
  }
  return { client, db, pragmas };
}
