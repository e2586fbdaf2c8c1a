/** Reads of the `objects` table the object log needs: by id, by seq, and in seq order. */
import { asc, eq, gte, inArray } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { chunks } from '../db/row-inserter.ts';
import { objects } from '../db/schema.ts';
import type { StoredObject } from './job.ts';

export async function objectById(db: Db, id: string): Promise<StoredObject | undefined> {
  const [row] = await db.select().from(objects).where(eq(objects.id, id)).limit(1);
  return row;
}

/**
 * The id of the object stored at `seq`, if any: whether a group commit starting there committed
 * (its first object is there; on a shared database another process's may be).
 */
export async function idAt(db: Db, seq: number): Promise<string | undefined> {
  const [row] = await db.select({ id: objects.id }).from(objects).where(eq(objects.seq, seq)).limit(1);
  return row?.id;
}

/** The stored objects among `ids`, by id. */
export async function existingIds(db: Db, ids: readonly string[]): Promise<Map<string, StoredObject>> {
  const found = new Map<string, StoredObject>();
  for (const c of chunks([...new Set(ids)], 500)) {
    for (const row of await db.select().from(objects).where(inArray(objects.id, c))) found.set(row.id, row);
  }
  return found;
}

/** At most `limit` objects from seq `from` on, in seq order. */
export function objectsFrom(db: Db, from: number, limit: number): Promise<StoredObject[]> {
  return db.select().from(objects).where(gte(objects.seq, from)).orderBy(asc(objects.seq)).limit(limit);
}
