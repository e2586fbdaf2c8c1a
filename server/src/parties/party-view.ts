/** The view of a party's current registration with its attestations (spec/http-api.md §3.1). */
import { KyodakuError, toTimestamp } from '@kyodaku/client';
import type { NodeContext } from '../node-context.ts';
import { partyView } from './views.ts';

export async function loadPartyView(node: NodeContext, partyId: string) {
  const row = await node.parties.partyRow(partyId);
  if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such party');
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
