/** Record revocations by their issuer (spec/http-api.md §3.3). */
import { KyodakuError, toTimestamp, verifyObject } from '@kyodaku/client';
import { Hono } from 'hono';
import { jwsBodyLimit, readJws } from '../http-body.ts';
import { issuerKeyResolver } from '../issuer-key.ts';
import type { NodeContext } from '../node-context.ts';
import { revocationView } from '../views.ts';

export function revocationRoutes(node: NodeContext) {
  const resolveKey = issuerKeyResolver(node);
  return new Hono()
    .post('/v1/revocations', jwsBodyLimit, async (c) => {
      const revocation = await verifyObject(await readJws(c), 'revocation', resolveKey);
      const stored = await node.store.putRevocation(revocation, toTimestamp(node.now()));
      return c.json(revocationView(stored), 201, { location: `/v1/revocations/${revocation.id}` });
    })
    .get('/v1/revocations/:id', async (c) => {
      const obj = await node.store.objectById(c.req.param('id'));
      if (obj === undefined || obj.kind !== 'revocation')
        throw new KyodakuError('ERR_NOT_FOUND', 'no such revocation');
      return c.json(revocationView(obj));
    });
}
