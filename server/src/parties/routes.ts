/** Parties: self-signed registration and lookup (spec/http-api.md §3.1). */
import { Hono } from 'hono';
import { jwsBodyLimit, readJws } from '../http/body.ts';
import type { NodeContext } from '../node-context.ts';
import type { Publisher } from '../publish/publisher.ts';
import { loadPartyView } from './party-view.ts';

export function partyRoutes(node: NodeContext, publisher: Publisher) {
  return new Hono()
    .post('/v1/parties', jwsBodyLimit, async (c) => {
      const published = await (await publisher.verify('party', await readJws(c))).store();
      return c.json(await published.view(), 201, { location: published.location });
    })
    .get('/v1/parties/:party_id', async (c) => c.json(await loadPartyView(node, c.req.param('party_id'))));
}
