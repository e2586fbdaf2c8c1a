/** The views of followed records (REQ-FED-033): the stored JWS with its origin, status and log ref. */
import { toTimestamp } from '@kyodaku/client';
import { asc, inArray } from 'drizzle-orm';
import type { Db } from '../db/open.ts';
import { chunks } from '../db/row-inserter.ts';
import { foreignObjects } from '../db/schema.ts';
import { leafHashOfJws } from '../log/tree.ts';
import { payloadOf } from '../objects/views.ts';
import { recordStatus } from '../records/views.ts';

/** What the node holds of a followed record beside its stored JWS. */
export interface HeldRecord {
  origin: string;
  node: string;
  index: number;
  supersededBy?: string;
  revokedBy?: string;
  revokedAt?: string;
  /** The followed key compromise by which it counts at no time (REQ-FED-019), if one does. */
  compromisedBy?: string;
}

/** RecordViews of the followed records among `ids` (`held` says which are), each with its origin. */
export async function followedRecordViews(
  db: Db,
  held: (id: string) => HeldRecord | undefined,
  ids: readonly string[],
  nowMs: number,
) {
  const wanted = ids.filter((id) => held(id) !== undefined);
  if (wanted.length === 0) return [];
  const out = [];
  const seen = new Set<string>();
  for (const c of chunks(wanted, 500)) {
    const rows = await db
      .select()
      .from(foreignObjects)
      .where(inArray(foreignObjects.id, c))
      .orderBy(asc(foreignObjects.receivedAt));
    for (const row of rows) {
      const h = held(row.id)!;
      if (seen.has(row.id) || row.origin !== h.origin || row.idx !== h.index) continue;
      seen.add(row.id);
      const record = payloadOf(row.jws, 'record');
      const status = recordStatus(
        {
          revokedBy: h.revokedBy ?? null,
          supersededBy: h.supersededBy ?? null,
          validFrom: record.valid_from,
          issuedAt: record.issued_at,
          validUntil: record.valid_until ?? null,
        } as Parameters<typeof recordStatus>[0],
        toTimestamp(nowMs),
        h.compromisedBy,
      );
      out.push({
        id: row.id,
        jws: row.jws,
        received_at: row.receivedAt,
        log: {
          index: row.idx,
          leaf_hash: Buffer.from(leafHashOfJws(row.jws)).toString('base64'),
        },
        origin: { origin: h.origin, node: h.node, index: h.index },
        record,
        status,
        ...(h.supersededBy !== undefined && { superseded_by: h.supersededBy }),
        ...(h.revokedBy !== undefined && { revoked_by: h.revokedBy }),
        ...(h.revokedAt !== undefined && { revoked_at: h.revokedAt }),
        ...(h.compromisedBy !== undefined && { compromised_by: h.compromisedBy }),
      });
    }
  }
  return out;
}
