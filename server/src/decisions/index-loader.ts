/**
 * Start-up load of the decision index: reads the records page by page in the order they were
 * stored (on SQLite a keyset on the table's rowid; PostgreSQL has none and pages by `id`, so that each page reads the records table and the objects
 * it joins nearly sequentially — a keyset on the hash-ordered `id` made every row a random read of
 * both tables, twice the cost at a million records), and hands the rows to the index as stored
 * (JSON text), so that repeated purpose maps and conditions are parsed once.
 *
 * Each page comes back as ONE row: the records' fields tab-separated, one record per line, joined
 * by group_concat. The client library crosses from native code to JavaScript per row and per column,
 * and that crossing cost more than the query; one string per page halves the load again. A tab or a
 * line feed never occurs raw in the fields (JSON text escapes them; ids, key ids and timestamps
 * have fixed alphabets). The record's `received_at` (when this node logged it, REQ-DECIDE-011)
 * comes from its object row, by `seq`. The order of records does not matter to the index.
 */
import { sql } from 'drizzle-orm';
import { isPostgres } from '../db/dialect.ts';
import type { Db } from '../db/open.ts';
import { withScanCache } from '../db/scan-cache.ts';
import { objects, records } from '../db/schema.ts';
import type { DecisionIndex } from './decision-index.ts';

const PAGE = 10_000;
const TAB = '\t';

const fields = sql`${records.id} || '\t' || ${records.issuer} || '\t' || ${records.ids} || '\t' || ${records.purposes}
  || '\t' || coalesce(${records.conditions}, '') || '\t' || ${records.issuedAt} || '\t' || ${records.validFrom}
  || '\t' || coalesce(${records.validUntil}, '') || '\t' || coalesce(${records.supersededAt}, '')
  || '\t' || coalesce(${records.revokedAt}, '') || '\t' || ${objects.receivedAt}`;

/** SQLite: a keyset on the rowid (storage order), one group_concat string per page. */
const pageAfterSqlite = (after: number | string) => sql`SELECT max(r) AS last, count(*) AS n,
  group_concat(f, char(10)) AS text
  FROM (SELECT ${records}.rowid AS r, ${fields} AS f FROM ${records}
    INNER JOIN ${objects} ON ${objects.seq} = ${records.seq}
    WHERE ${records}.rowid > ${after} ORDER BY ${records}.rowid LIMIT ${PAGE})`;

/** PostgreSQL (no rowid): a keyset on the primary key, one string_agg string per page. */
const pageAfterPostgres = (after: number | string) => sql`SELECT max(r) AS last, count(*) AS n,
  string_agg(f, chr(10)) AS text
  FROM (SELECT ${records.id} AS r, ${fields} AS f FROM ${records}
    INNER JOIN ${objects} ON ${objects.seq} = ${records.seq}
    WHERE ${records.id} > ${String(after)} ORDER BY ${records.id} LIMIT ${PAGE}) AS page`;

const orNull = (s: string | undefined) => (s === undefined || s === '' ? null : s);

export function loadRecordIndex(db: Db, index: DecisionIndex): Promise<void> {
  return withScanCache(db, () => loadPages(db, index));
}

async function loadPages(db: Db, index: DecisionIndex): Promise<void> {
  const [count] = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM ${records}`);
  index.reserve(Number(count?.n ?? 0));
  const postgres = isPostgres(db);
  const pageAfter = postgres ? pageAfterPostgres : pageAfterSqlite;
  let after: number | string = postgres ? '' : 0;
  for (let guard = 0; guard < 1e7; guard++) {
    const [page] = await db.all<{ last: number | string | null; n: number; text: string | null }>(
      pageAfter(after),
    );
    if (page === undefined || page.n === 0 || page.text === null) break;
    for (const line of page.text.split('\n')) {
      const f = line.split(TAB);
      if (f.length !== 11) throw new Error(`record ${f[0]}: unexpected stored fields`);
      index.addStoredRecord({
        id: f[0]!,
        issuer: f[1]!,
        ids: f[2]!,
        purposes: f[3]!,
        conditions: orNull(f[4]),
        issuedAt: f[5]!,
        validFrom: f[6]!,
        validUntil: orNull(f[7]),
        supersededAt: orNull(f[8]),
        revokedAt: orNull(f[9]),
        loggedAt: f[10]!,
      });
    }
    if (page.n < PAGE) break;
    after = postgres ? String(page.last) : Number(page.last);
  }
}
