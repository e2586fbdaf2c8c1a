/**
 * Start-up load of the decision index: reads only the columns a decision needs, page by page in
 * `seq` order (a large registry never materializes as one result set), and hands the rows to the
 * index as stored (JSON text), so that repeated purpose maps and conditions are parsed once.
 */
import { asc, gt } from 'drizzle-orm';
import type { Db } from './db/open.ts';
import { records } from './db/schema.ts';
import type { DecisionIndex } from './decision-index.ts';

const PAGE = 50_000;

export async function loadRecordIndex(db: Db, index: DecisionIndex): Promise<void> {
  let after = -1;
  for (let guard = 0; guard < 1e7; guard++) {
    const page = await db
      .select({
        seq: records.seq,
        id: records.id,
        issuer: records.issuer,
        ids: records.ids,
        purposes: records.purposes,
        conditions: records.conditions,
        issuedAt: records.issuedAt,
        validFrom: records.validFrom,
        validUntil: records.validUntil,
        supersededAt: records.supersededAt,
        revokedAt: records.revokedAt,
      })
      .from(records)
      .where(gt(records.seq, after))
      .orderBy(asc(records.seq))
      .limit(PAGE);
    for (const row of page) index.addStoredRecord(row);
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq;
  }
}
