/**
 * Start-up load of the decision index: reads the records page by page in primary-key order (a
 * keyset on the indexed `id`, so a page never scans or sorts the table, and a large registry never
 * materializes as one result set) and hands the rows to the index as stored (JSON text), so that
 * repeated purpose maps and conditions are parsed once.
 *
 * The fields come as one tab-separated text per row: the client builds a property per column per
 * row, and one column instead of ten halves the load. A tab never occurs raw in the fields (JSON
 * text escapes it; ids, key ids and timestamps have fixed alphabets). `||`, `coalesce` and the
 * literal are standard SQL. The order of records does not matter to the index. The record's
 * `received_at` (when this node logged it, REQ-DECIDE-011) comes from its object row, by `seq`.
 */
import { asc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { objects, records } from '../db/schema.ts';
import type { DecisionIndex } from './decision-index.ts';

const PAGE = 50_000;
const TAB = '\t';

const fields = sql<string>`${records.issuer} || '\t' || ${records.ids} || '\t' || ${records.purposes}
  || '\t' || coalesce(${records.conditions}, '') || '\t' || ${records.issuedAt} || '\t' || ${records.validFrom}
  || '\t' || coalesce(${records.validUntil}, '') || '\t' || coalesce(${records.supersededAt}, '')
  || '\t' || coalesce(${records.revokedAt}, '') || '\t' || ${objects.receivedAt}`;

const orNull = (s: string | undefined) => (s === undefined || s === '' ? null : s);

export async function loadRecordIndex(db: Db, index: DecisionIndex): Promise<void> {
  let after = '';
  for (let guard = 0; guard < 1e7; guard++) {
    const page = await db
      .select({ id: records.id, fields })
      .from(records)
      .innerJoin(objects, eq(objects.seq, records.seq))
      .where(gt(records.id, after))
      .orderBy(asc(records.id))
      .limit(PAGE);
    for (const row of page) {
      const f = row.fields.split(TAB);
      if (f.length !== 10) throw new Error(`record ${row.id}: unexpected stored fields`);
      index.addStoredRecord({
        id: row.id,
        issuer: f[0]!,
        ids: f[1]!,
        purposes: f[2]!,
        conditions: orNull(f[3]),
        issuedAt: f[4]!,
        validFrom: f[5]!,
        validUntil: orNull(f[6]),
        supersededAt: orNull(f[7]),
        revokedAt: orNull(f[8]),
        loggedAt: f[9]!,
      });
    }
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.id;
  }
}
