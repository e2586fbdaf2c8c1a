/**
 * The few places where the node's SQL is not the same on both engines (aggregating a page into one
 * string, a hash as hex, the storage order): which engine a database runs on. The PostgreSQL client
 * answers `protocol` 'postgres' (pg-client.ts); every libSQL client names its own protocol.
 */
import type { Client } from '@libsql/client';
import type { Db } from './open.ts';

export function isPostgres(db: Db): boolean {
  return (db as Db & { $client?: Client }).$client?.protocol === 'postgres';
}
