/**
 * Delegations (spec/http-api.md §3.7, kyodaku.md §6.6): publish, revoke, get, and a party's
 * delegations. Each is verified with the current key of its issuer, then appended through the
 * object log like every other object.
 */
import { KyodakuError, type schemas, toTimestamp } from '@kyodaku/client';
import { Hono } from 'hono';
import type { DelegationRow } from '../db/schema.ts';
import { jwsBodyLimit, readJws } from '../http/body.ts';
import type { NodeContext } from '../node-context.ts';
import type { StoredObject } from '../objects/job.ts';
import { assertNotFutureDated } from '../objects/time-bound.ts';
import { verifySigned } from '../objects/verify.ts';
import { payloadOf, storedView } from '../objects/views.ts';
import { issuerKeyOf } from './issuer-key.ts';

function delegationView(row: DelegationRow, obj: StoredObject): schemas.DelegationView {
  return {
    ...storedView(obj),
    delegation: payloadOf(obj.jws, 'delegation'),
    ...(row.revokedBy !== null && { revoked_by: row.revokedBy }),
    ...(row.revokedAt !== null && { revoked_at: row.revokedAt }),
  };
}

export function delegationRoutes(node: NodeContext) {
  const resolveKey = issuerKeyOf(node.keys);
  const now = () => toTimestamp(node.now());

  async function view(row: DelegationRow): Promise<schemas.DelegationView> {
    const obj = await node.objects.objectById(row.id);
    if (obj === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such delegation');
    return delegationView(row, obj);
  }

  return new Hono()
    .post('/v1/delegations', jwsBodyLimit, async (c) => {
      const d = await verifySigned(await readJws(c), 'delegation', resolveKey);
      assertNotFutureDated(d.payload.issued_at, node.now());
      const obj = await node.delegations.putDelegation(d, now());
      const row = await node.delegations.delegationRow(obj.id);
      return c.json(delegationView(row!, obj), 201, { location: `/v1/delegations/${obj.id}` });
    })
    .get('/v1/delegations/:id', async (c) => {
      const row = await node.delegations.delegationRow(c.req.param('id'));
      if (row === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such delegation');
      return c.json(await view(row));
    })
    .post('/v1/delegation-revocations', jwsBodyLimit, async (c) => {
      const r = await verifySigned(await readJws(c), 'delegation-revocation', resolveKey);
      assertNotFutureDated(r.payload.issued_at, node.now());
      const obj = await node.delegations.putRevocation(r, now());
      const body: schemas.DelegationRevocationView = {
        ...storedView(obj),
        delegation_revocation: r.payload,
      };
      return c.json(body, 201, { location: `/v1/delegation-revocations/${obj.id}` });
    })
    .get('/v1/delegation-revocations/:id', async (c) => {
      const obj = await node.objects.objectById(c.req.param('id'));
      if (obj === undefined || obj.kind !== 'delegation-revocation') {
        throw new KyodakuError('ERR_NOT_FOUND', 'no such delegation revocation');
      }
      const body: schemas.DelegationRevocationView = {
        ...storedView(obj),
        delegation_revocation: payloadOf(obj.jws, 'delegation-revocation'),
      };
      return c.json(body);
    })
    .get('/v1/parties/:party_id/delegations', async (c) => {
      const party = c.req.param('party_id');
      if ((await node.parties.partyRow(party)) === undefined) {
        throw new KyodakuError('ERR_NOT_FOUND', 'no such party');
      }
      const rows = await node.delegations.delegationsOf(party);
      const body: schemas.DelegationList = { delegations: await Promise.all(rows.map(view)) };
      return c.json(body);
    });
}
