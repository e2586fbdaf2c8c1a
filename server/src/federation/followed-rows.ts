/**
 * Followed objects in the database: the statements that commit a verified page (objects, refusals
 * and the peer's cursor in one transaction) and the pages read back at start-up. Followed objects
 * never enter the node's own log; they are kept in `foreign_objects` keyed by (origin, index).
 */
import type { SignedObject } from '@kyodaku/client';
import type { InStatement, InValue } from '@libsql/client';
import { and, asc, eq, gt, or } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { chunks } from '../db/row-inserter.ts';
import { foreignObjects, type PeerRow } from '../db/schema.ts';
import { payloadOf } from '../objects/views.ts';
import type { FollowedObject, VerifiedPage } from './verify-page.ts';

/** Rows per INSERT of followed objects (8 parameters each, under SQLite's 32,766). */
const OBJECT_ROWS = 1000;
const INSERT_OBJECTS =
  'INSERT INTO foreign_objects (origin, idx, id, kind, jws, party, subject, received_at) VALUES ';
const INSERT_REFUSALS = 'INSERT INTO peer_refusals (origin, idx, reason, detail, at) VALUES ';
const insertSqlCache = new Map<string, string>();

/** `INSERT … VALUES (?, …), … ON CONFLICT DO NOTHING` for `rows` rows of `width` columns. */
function insertSql(head: string, width: number, rows: number): string {
  const key = `${head}|${rows}`;
  let sql = insertSqlCache.get(key);
  if (sql === undefined) {
    const tuple = `(${new Array(width).fill('?').join(', ')})`;
    sql = `${head}${new Array(rows).fill(tuple).join(', ')} ON CONFLICT DO NOTHING`;
    if (insertSqlCache.size > 64) insertSqlCache.clear();
    insertSqlCache.set(key, sql);
  }
  return sql;
}

/**
 * The transaction of one verified page: multi-row INSERTs written directly (a statement text per
 * row count, parameters in one flat list; the query builder costs as much as SQLite itself for a
 * page of 1,000 objects), then the peer's new cursor.
 */
export function pageStatements(
  row: PeerRow,
  page: VerifiedPage,
  update: { cursor: number; peaks: Buffer; checkpointNote: string },
  receivedAt: string,
): InStatement[] {
  const stmts: InStatement[] = [];
  for (const c of chunks(page.accepted, OBJECT_ROWS)) {
    const args: InValue[] = [];
    for (const o of c) {
      args.push(row.origin, o.index, o.object.id, o.kind, o.object.jws, o.party, o.subject, receivedAt);
    }
    stmts.push({ sql: insertSql(INSERT_OBJECTS, 8, c.length), args });
  }
  for (const c of chunks(page.refusals)) {
    const args: InValue[] = [];
    for (const r of c) args.push(row.origin, r.index, r.reason, r.detail, receivedAt);
    stmts.push({ sql: insertSql(INSERT_REFUSALS, 5, c.length), args });
  }
  stmts.push({
    sql: 'UPDATE peers SET cursor = ?, peaks = ?, checkpoint_note = ? WHERE url = ?',
    args: [update.cursor, update.peaks, update.checkpointNote, row.url],
  });
  return stmts;
}

const PAGE = 10_000;

/**
 * Every stored followed object, origin by origin in log order, handed over a page at a time:
 * paged by (origin, idx) so that a large mirror never materializes as one result set.
 */
export async function readFollowed(
  db: Db,
  each: (origin: string, list: FollowedObject[]) => Promise<void>,
): Promise<void> {
  let after: { origin: string; idx: number } | undefined;
  for (;;) {
    const page = await db
      .select()
      .from(foreignObjects)
      .where(
        after === undefined
          ? undefined
          : or(
              gt(foreignObjects.origin, after.origin),
              and(eq(foreignObjects.origin, after.origin), gt(foreignObjects.idx, after.idx)),
            ),
      )
      .orderBy(asc(foreignObjects.origin), asc(foreignObjects.idx))
      .limit(PAGE);
    const byOrigin = new Map<string, FollowedObject[]>();
    for (const r of page) {
      const kind = r.kind as FollowedObject['kind'];
      const list = byOrigin.get(r.origin) ?? [];
      list.push({
        index: r.idx,
        kind,
        party: r.party ?? '',
        subject: r.subject,
        receivedAt: r.receivedAt,
        object: {
          kind,
          id: r.id,
          jws: r.jws,
          header: JSON.parse(Buffer.from(r.jws.split('.')[0]!, 'base64url').toString('utf8')),
          payload: payloadOf(r.jws, kind),
        } as SignedObject<typeof kind>,
      });
      byOrigin.set(r.origin, list);
    }
    for (const [origin, list] of byOrigin) await each(origin, list);
    if (page.length < PAGE) break;
    const last = page[page.length - 1]!;
    after = { origin: last.origin, idx: last.idx };
  }
}

/** How many objects of an origin are held. */
export async function countFollowed(db: Db, origin: string): Promise<number> {
  const rows = await db
    .select({ id: foreignObjects.id })
    .from(foreignObjects)
    .where(eq(foreignObjects.origin, origin));
  return rows.length;
}
