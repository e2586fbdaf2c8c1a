/** GET /v1/works/{identifier}: every record the node holds that names an identifier (spec §4). */
import { KyodakuError, type schemas, tryNormalizeIdentifier } from '@kyodaku/client';
import { Hono } from 'hono';
import type { NodeContext } from '../node-context.ts';
import { recordView } from './views.ts';

export function workRoutes(node: NodeContext) {
  return new Hono().get('/v1/works/:identifier{[\\s\\S]+}', async (c) => {
    const raw = c.req.param('identifier');
    const id = tryNormalizeIdentifier(raw);
    if (id === undefined)
      throw new KyodakuError('ERR_INVALID_IDENTIFIER', 'the identifier does not normalize');
    const states = node.index.candidates([id]);
    const rows = await node.records.recordsWithObjects(states.map((s) => s.id));
    // On a mirror, followed records too, each with its origin (spec/federation.md REQ-FED-033).
    const followed = (await node.federation?.recordViews(
      states.map((s) => s.id),
      node.now(),
    )) as schemas.RecordView[] | undefined;
    const body: schemas.WorkView = {
      id,
      records: [
        ...rows.map(({ record, object }) =>
          recordView(
            node.federation?.withFollowedChanges(record) ?? record,
            object,
            node.now(),
            node.keys.compromiseOf(object.jws, object.receivedAt),
          ),
        ),
        ...(followed ?? []),
      ],
    };
    return c.json(body);
  });
}
