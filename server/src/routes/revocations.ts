/** Record revocations by their issuer (spec/http-api.md §3.3). */
import { KyodakuError, type schemas, toTimestamp } from '@kyodaku/client';
import { Hono } from 'hono';
import { readJws } from '../http-body.ts';
import { issuerKeyOf, verifySigned } from '../log/verify.ts';
import type { NodeContext } from '../node-context.ts';
import { logRefOf, revocationView } from '../views.ts';
import { publishBodyLimit } from './records.ts';

export function revocationRoutes(node: NodeContext) {
  const resolveKey = issuerKeyOf(node.store);
  return new Hono()
    .post('/v1/revocations', publishBodyLimit, async (c) => {
      const revocation = await verifySigned(await readJws(c), 'revocation', resolveKey);
      const stored = await node.store.putRevocation(revocation, toTimestamp(node.now()));
      // revocationView from memory: the payload as signed, not parsed again.
      const body: schemas.RevocationView = {
        id: stored.id,
        jws: stored.jws,
        received_at: stored.receivedAt,
        log: logRefOf(stored),
        revocation: revocation.signedPayload as schemas.RevocationView['revocation'],
      };
      return c.json(body, 201, { location: `/v1/revocations/${revocation.id}` });
    })
    .get('/v1/revocations/:id', async (c) => {
      const obj = await node.store.objectById(c.req.param('id'));
      if (obj === undefined || obj.kind !== 'revocation')
        throw new KyodakuError('ERR_NOT_FOUND', 'no such revocation');
      return c.json(revocationView(obj));
    });
}
