/** The views of declarations, labels and AI developers (spec/usage.md §5, §6, §7). */
import { type schemas, toTimestamp } from '@kyodaku/client';
import { and, asc, eq, gt } from 'drizzle-orm';
import { type LabelRow, type ObjectRow, objects, parties, type UsageDeclarationRow } from '../db/schema.ts';
import type { NodeContext } from '../node-context.ts';
import { payloadOf, storedView } from '../objects/views.ts';

export function declarationView(row: {
  d: UsageDeclarationRow;
  o: ObjectRow;
  label: number | null;
}): schemas.DeclarationView {
  return {
    ...storedView(row.o),
    declaration: payloadOf(row.o.jws, 'usage-declaration'),
    label: row.label === null ? null : String(row.label),
  };
}

/** A label with its status now: revoked once the node revoked it, expired after `valid_until`. */
export async function labelView(
  node: NodeContext,
  row: { l: LabelRow; o: ObjectRow },
): Promise<schemas.LabelView> {
  const label = payloadOf(row.o.jws, 'label');
  const now = toTimestamp(node.now());
  const revocation = row.l.revokedBy === null ? undefined : await node.objects.objectById(row.l.revokedBy);
  return {
    ...storedView(row.o),
    number: String(row.l.number),
    label,
    status: revocation !== undefined ? 'revoked' : now >= label.valid_until ? 'expired' : 'valid',
    ...(row.l.revokedAt !== null && { revoked_at: row.l.revokedAt }),
    ...(revocation !== undefined && { revocation: revocation.jws }),
  };
}

/** The AI developers and services registered and attested at this node, by party id. */
export async function businessList(
  node: NodeContext,
  cursor: string | undefined,
  limit: number,
): Promise<schemas.BusinessList> {
  const rows = await node.objects.db
    .select({ partyId: parties.partyId, jws: objects.jws })
    .from(parties)
    .innerJoin(objects, eq(objects.id, parties.currentId))
    .where(
      and(eq(parties.role, 'ai-developer'), cursor === undefined ? undefined : gt(parties.partyId, cursor)),
    )
    .orderBy(asc(parties.partyId))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const now = toTimestamp(node.now());
  const businesses: schemas.BusinessList['businesses'] = [];
  for (const row of page) {
    const attestation = node.index.attestationAt(row.partyId, now);
    if (attestation === undefined || attestation.role !== 'ai-developer') continue;
    businesses.push({
      party_id: row.partyId,
      names: payloadOf(row.jws, 'party').names,
      attested_since: attestation.from,
      declarations: await node.usage.queries.declarationCount(row.partyId),
    });
  }
  return { businesses, next_cursor: rows.length > limit ? page[page.length - 1]!.partyId : null };
}
