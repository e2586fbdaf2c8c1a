/** Opens the database, sets the pragmas on its one connection and applies the committed migrations. */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { isPostgresUrl, openPgPool, pgClient } from './pg-client.ts';
import * as schema from './schema.ts';

export type Db = LibSQLDatabase<typeof schema>;

const MIGRATIONS = fileURLToPath(new URL('../../drizzle', import.meta.url));
const PG_MIGRATIONS = fileURLToPath(new URL('../../drizzle-pg', import.meta.url));

export interface OpenDb {
  client: Client;
  db: Db;
  /**
   * The pragmas as read back from the connection (they hold: the client keeps one connection); empty
   * on PostgreSQL, whose settings are the server's.
   */
  pragmas: Record<string, unknown>;
  /** The pragma statements of every connection that writes (the main one and the writer thread's). */
  connectionPragmas: string[];
  /** The PostgreSQL engine's connection pool (KYODAKU_DB=postgres://…); undefined on libSQL. */
  pool: pg.Pool | undefined;
}

export interface OpenDbOptions {
  /**
   * Most bytes the database may hold (`PRAGMA max_page_count` on every connection): a write past it
   * fails as on a full disk and is answered 503 (REQ-ERR-007). Unlimited when undefined.
   */
  maxBytes?: number | undefined;
}

/**
 * The pragmas of every connection to a database file (the main one and the writer thread's).
 * `synchronous = FULL`: in WAL mode a commit syncs the WAL to the device before it returns, so an
 * acknowledged publication survives a power loss, not only a crash of the process (REQ-API-084,
 * REQ-API-086); NORMAL would sync only at WAL checkpoints and could lose the last commits.
 */
export const FILE_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = FULL',
  'PRAGMA busy_timeout = 5000',
  'PRAGMA cache_size = -65536',
];

/** The per-connection pragmas read back to check that they hold (`synchronous` 2 is FULL). */
export const CHECKED_PRAGMAS = ['journal_mode', 'synchronous', 'busy_timeout', 'max_page_count'] as const;

/** Whether `url` names a database file (not an in-memory database). */
export function isFileUrl(url: string): boolean {
  return url.startsWith('file:') && !url.includes(':memory:');
}

/** The values of CHECKED_PRAGMAS on the client's connection. */
export async function readPragmas(client: Client): Promise<Record<string, unknown>> {
  const values: Record<string, unknown> = {};
  for (const name of CHECKED_PRAGMAS) {
    const result = await client.execute(`PRAGMA ${name}`);
    values[name] = result.rows[0]?.[0];
  }
  return values;
}

/**
 * Replaces the client's connection with a new one with the same pragmas. After a statement fails
 * with SQLITE_BUSY, libsql leaves it in progress and every later COMMIT on that connection fails
 * ("cannot commit transaction - SQL statements in progress", tursodatabase/libsql-client-ts#352):
 * a fresh connection is the way out.
 */
export async function reopenConnection(client: Client, pragmas: readonly string[]): Promise<void> {
  await client.reconnect();
  for (const pragma of pragmas) await client.execute(pragma);
}

export async function openDb(url: string, options: OpenDbOptions = {}): Promise<OpenDb> {
  if (isPostgresUrl(url)) return openPostgres(url, options);
  if (url.startsWith('file:') && !url.startsWith('file::memory:')) {
    const path = url.slice('file:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  }
  // One connection: every call of @libsql/client runs synchronously, so a pool would only add
  // connections without the per-connection pragmas below.
  const client = createClient({ url, concurrency: 1 });
  const connectionPragmas = isFileUrl(url) ? [...FILE_PRAGMAS] : [];
  if (options.maxBytes !== undefined) {
    const pageSize = Number((await client.execute('PRAGMA page_size')).rows[0]?.[0] ?? 4096);
    connectionPragmas.push(`PRAGMA max_page_count = ${Math.max(1, Math.floor(options.maxBytes / pageSize))}`);
  }
  for (const pragma of connectionPragmas) await client.execute(pragma);
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  return {
    client,
    db,
    pragmas: await readPragmas(client),
    connectionPragmas,
    pool: undefined,
  };
}

/** Why KYODAKU_DB_MAX_BYTES cannot apply to PostgreSQL. */
export const POSTGRES_MAX_BYTES_ERROR =
  "KYODAKU_DB_MAX_BYTES applies to a database file only: on PostgreSQL, limit the size with the server's own quotas";

/**
 * The PostgreSQL engine: a pool, the migrations of `server/drizzle-pg/` (pg-core schema,
 * schema-pg.ts; applied under drizzle's own lock, so processes starting together migrate once),
 * and drizzle's query builder over the pool's libSQL-shaped client (pg-client.ts).
 */
async function openPostgres(url: string, options: OpenDbOptions): Promise<OpenDb> {
  if (options.maxBytes !== undefined) throw new Error(POSTGRES_MAX_BYTES_ERROR);
  const pool = openPgPool(url);
  try {
    await migratePg(drizzlePg(pool), { migrationsFolder: PG_MIGRATIONS });
  } catch (error) {
    await pool.end();
    throw error;
  }
  const client = pgClient(pool);
  return { client, db: drizzle(client, { schema }), pragmas: {}, connectionPragmas: [], pool };
}
