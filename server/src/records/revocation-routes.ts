/** Record revocations by their issuer (spec/http-api.md §3.3). */
import { KyodakuError } from '@kyodaku/client';
import { Hono } from 'hono';
import { publishBodyLimit, readJws } from '../http/body.ts';
import type { NodeContext } from '../node-context.ts';
import type { Publisher } from '../publish/publisher.ts';
import { revocationView } from './views.ts';

export function revocationRoutes(node: NodeContext, publisher: Publisher) {
  return new Hono()
    .post('/v1/revocations', publishBodyLimit, async (c) => {
      const published = await (await publisher.verify('revocation', await readJws(c))).store();
      return c.json(published.view(), 201, { location: published.location });
    })
    .get('/v1/revocations/:id', async (c) => {
      const obj = await node.objects.objectById(c.req.param('id'));
      if (obj === undefined || obj.kind !== 'revocation')
        throw new KyodakuError('ERR_NOT_FOUND', 'no such revocation');
      return c.json(revocationView(obj));
    });
}
