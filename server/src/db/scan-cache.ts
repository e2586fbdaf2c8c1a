/**
 * A full scan at start-up with a small page cache. The node's connection keeps a 64 MB page cache
 * (open.ts FILE_PRAGMAS) for its queries; a scan that reads every page once gains nothing from it,
 * and filling it doubled the CPU time of reading a million records (measured with bench/decisions.ts
 * at 250,000 records: 1.7 s against 0.75 s). The connection's own setting is read before and put
 * back after, also when the scan fails. PostgreSQL has no such setting: the scan runs as it is.
 */
import { sql } from 'drizzle-orm';
import { isPostgres } from './dialect.ts';
import type { Db } from './open.ts';

/** SQLite's default page cache (2 MB, in KiB as negative). */
const SCAN_CACHE = -2000;

export async function withScanCache<T>(db: Db, scan: () => Promise<T>): Promise<T> {
  if (isPostgres(db)) return scan();
  const [row] = await db.all<{ cache_size: number }>(sql`PRAGMA cache_size`);
  const saved = Number(row?.cache_size);
  if (!Number.isInteger(saved)) return scan();
  await db.run(sql.raw(`PRAGMA cache_size = ${SCAN_CACHE}`));
  try {
    return await scan();
  } finally {
    await db.run(sql.raw(`PRAGMA cache_size = ${saved}`));
  }
}
