/** Parties: self-signed registration and lookup (spec/http-api.md §3.1). */
import { KyodakuError, toTimestamp, verifyParty } from '@kyodaku/client';
import { Hono } from 'hono';
import { jwsBodyLimit, readJws } from '../http-body.ts';
import type { NodeContext } from '../node-context.ts';
import { partyView } from '../views.ts';

export async function loadPartyView(node: NodeContext, partyId: string) {
  const { store } = node;
  const row = await store.partyRow(partyId);
  if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such party');
  const obj = await store.objectById(row.currentId);
  if (obj === undefined) throw new Error(`party ${partyId}: registration object missing`);
  const attestations = [];
  for (const a of await store.attestationsOf(partyId)) {
    const aobj = await store.objectById(a.id);
    if (aobj !== undefined) attestations.push({ row: a, obj: aobj });
  }
  const attested = store.index.attestationAt(partyId, toTimestamp(node.now())) !== undefined;
  return partyView(partyId, obj, attestations, attested);
}

export function partyRoutes(node: NodeContext) {
  return new Hono()
    .post('/v1/parties', jwsBodyLimit, async (c) => {
      const party = await verifyParty(await readJws(c));
      await node.store.putParty(party, toTimestamp(node.now()));
      const view = await loadPartyView(node, party.header.kid);
      return c.json(view, 201, { location: `/v1/parties/${party.header.kid}` });
    })
    .get('/v1/parties/:party_id', async (c) => c.json(await loadPartyView(node, c.req.param('party_id'))));
}
