/**
 * The view of a party's current registration with its attestations (spec/http-api.md §3.1), or of
 * the registration of a party the node follows, with its origin (federation.md REQ-FED-036).
 */
import { KyodakuError, type schemas, toTimestamp } from '@kyodaku/client';
import { and, eq } from 'drizzle-orm';
import { foreignObjects } from '../db/schema.ts';
import type { NodeContext } from '../node-context.ts';
import { payloadOf } from '../objects/views.ts';
import { partyView } from './views.ts';

/** The view of a followed party's latest followed registration; its attestations are its peers'. */
async function followedPartyView(node: NodeContext, partyId: string): Promise<schemas.PartyView> {
  const ref = node.parties.followedRef(partyId);
  if (ref === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such party');
  const [row] = await node.objects.db
    .select()
    .from(foreignObjects)
    .where(and(eq(foreignObjects.origin, ref.origin), eq(foreignObjects.idx, ref.index)))
    .limit(1);
  if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such party');
  const attested = node.index.attestationAt(partyId, toTimestamp(node.now())) !== undefined;
  return {
    id: row.id,
    jws: row.jws,
    received_at: row.receivedAt,
    party_id: partyId,
    party: payloadOf(row.jws, 'party'),
    status: attested ? 'attested' : 'unattested',
    attestations: [],
    origin: ref,
  };
}

export async function loadPartyView(node: NodeContext, partyId: string) {
  const row = await node.parties.partyRow(partyId);
  if (row === undefined) return followedPartyView(node, partyId);
  const obj = await node.objects.objectById(row.currentId);
  if (obj === undefined) throw new Error(`party ${partyId}: registration object missing`);
  const attestations = [];
  for (const a of await node.attestations.attestationsOf(partyId)) {
    const aobj = await node.objects.objectById(a.id);
    if (aobj !== undefined) attestations.push({ row: a, obj: aobj });
  }
  const attested = node.index.attestationAt(partyId, toTimestamp(node.now())) !== undefined;
  return partyView(partyId, obj, attestations, attested);
}
