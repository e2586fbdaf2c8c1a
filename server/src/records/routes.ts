/** Consent records: publish, get, list by issuer (spec/http-api.md §3.2). */
import { KyodakuError, schemas } from '@kyodaku/client';
import { Hono } from 'hono';
import { publishBodyLimit, readJws } from '../http/body.ts';
import { singleQuery } from '../http/query.ts';
import type { NodeContext } from '../node-context.ts';
import type { Publisher } from '../publish/publisher.ts';
import { recordView } from './views.ts';

export function recordRoutes(node: NodeContext, publisher: Publisher) {
  async function view(id: string) {
    const row = await node.records.recordRow(id);
    const obj = row && (await node.objects.objectById(id));
    if (row === undefined || obj === undefined) {
      // A followed record, with its origin (spec/federation.md REQ-FED-033).
      const [followed] = (await node.federation?.recordViews([id], node.now())) ?? [];
      if (followed !== undefined) return followed as schemas.RecordView;
      throw new KyodakuError('ERR_NOT_FOUND', 'no such record');
    }
    return recordView(
      node.federation?.withFollowedChanges(row) ?? row,
      obj,
      node.now(),
      node.keys.compromiseOf(obj.jws, obj.receivedAt),
    );
  }

  return new Hono()
    .post('/v1/records', publishBodyLimit, async (c) => {
      const published = await (await publisher.verify('record', await readJws(c))).store();
      return c.json(published.view(), 201, { location: published.location });
    })
    .get('/v1/records', async (c) => {
      const issuer = singleQuery(c, 'issuer');
      if (issuer === undefined || !schemas.KeyId.safeParse(issuer).success) {
        throw new KyodakuError('ERR_INVALID_REQUEST', 'issuer must be a party id');
      }
      const limitText = singleQuery(c, 'limit') ?? '100';
      const limit = /^[1-9]\d{0,6}$/.test(limitText) ? Number(limitText) : 0;
      if (limit < 1 || limit > schemas.LIMITS.maxPageSize) {
        throw new KyodakuError('ERR_INVALID_REQUEST', `limit must be 1..${schemas.LIMITS.maxPageSize}`);
      }
      const cursor = singleQuery(c, 'cursor');
      if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
        throw new KyodakuError('ERR_INVALID_REQUEST', 'cursor is not one this node issued');
      }
      const rows = await node.records.recordsOfIssuer(
        issuer,
        cursor === undefined ? -1 : Number(cursor),
        limit + 1,
      );
      const page = rows.slice(0, limit);
      const body: schemas.RecordList = {
        records: page.map(({ record, object }) =>
          recordView(
            node.federation?.withFollowedChanges(record) ?? record,
            object,
            node.now(),
            node.keys.compromiseOf(object.jws, object.receivedAt),
          ),
        ),
        next_cursor: rows.length > limit ? String(page[page.length - 1]!.record.seq) : null,
      };
      return c.json(body);
    })
    .get('/v1/records/:id', async (c) => {
      return c.json(await view(c.req.param('id')), 200, { 'cache-control': 'no-cache' });
    });
}
