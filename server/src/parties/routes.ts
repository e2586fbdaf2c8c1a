/** Parties: self-signed registration, lookup and search by name (spec/http-api.md §3.1). */
import { KyodakuError, type schemas } from '@kyodaku/client';
import { Hono } from 'hono';
import { jwsBodyLimit, readJws } from '../http/body.ts';
import { singleQuery } from '../http/query.ts';
import type { NodeContext } from '../node-context.ts';
import type { Publisher } from '../publish/publisher.ts';
import { loadPartyView } from './party-view.ts';

export function partyRoutes(node: NodeContext, publisher: Publisher) {
  return new Hono()
    .post('/v1/parties', jwsBodyLimit, async (c) => {
      const published = await (await publisher.verify('party', await readJws(c))).store();
      return c.json(await published.view(), 201, { location: published.location });
    })
    .get('/v1/parties', async (c) => {
      // REQ-API-102: parties by name, with the folding of prompt checks.
      const name = singleQuery(c, 'name');
      if (name === undefined || name.length === 0 || name.length > 200) {
        throw new KyodakuError('ERR_INVALID_REQUEST', 'name must be 1 to 200 characters');
      }
      const limitText = singleQuery(c, 'limit') ?? '20';
      const limit = /^[1-9]\d{0,2}$/.test(limitText) ? Number(limitText) : 0;
      if (limit < 1 || limit > 100) throw new KyodakuError('ERR_INVALID_REQUEST', 'limit must be 1..100');
      const ids = node.parties.names.search(name, limit);
      const body: schemas.PartyList = {
        parties: await Promise.all(ids.map((id) => loadPartyView(node, id))),
      };
      return c.json(body);
    })
    .get('/v1/parties/:party_id', async (c) => c.json(await loadPartyView(node, c.req.param('party_id'))));
}
