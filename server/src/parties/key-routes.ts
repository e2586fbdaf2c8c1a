/**
 * Key changes and key compromises (spec/http-api.md §3.6, kyodaku.md §6.4, §6.5): publish, get, and
 * a party's keys. Each is verified with the current key of its issuer, then appended through the
 * object log like every other object.
 */
import { checkKeyProof, KyodakuError, type schemas, toTimestamp } from '@kyodaku/client';
import { Hono } from 'hono';
import { jwsBodyLimit, readJws } from '../http/body.ts';
import type { NodeContext } from '../node-context.ts';
import type { StoredObject } from '../objects/job.ts';
import { assertNotFutureDated } from '../objects/time-bound.ts';
import { verifySigned } from '../objects/verify.ts';
import { payloadOf, storedView } from '../objects/views.ts';
import { issuerKeyOf } from './issuer-key.ts';

function keyChangeView(obj: StoredObject): schemas.KeyChangeView {
  return { ...storedView(obj), key_change: payloadOf(obj.jws, 'key-change') };
}

function keyCompromiseView(obj: StoredObject): schemas.KeyCompromiseView {
  return { ...storedView(obj), key_compromise: payloadOf(obj.jws, 'key-compromise') };
}

export function keyRoutes(node: NodeContext) {
  const resolveKey = issuerKeyOf(node.keys);
  const now = () => toTimestamp(node.now());

  async function stored(id: string, kind: string) {
    const obj = await node.objects.objectById(id);
    if (obj === undefined || obj.kind !== kind) throw new KyodakuError('ERR_NOT_FOUND', `no such ${kind}`);
    return obj;
  }

  return new Hono()
    .post('/v1/key-changes', jwsBodyLimit, async (c) => {
      const change = await verifySigned(await readJws(c), 'key-change', resolveKey);
      const newKid = await checkKeyProof(change.payload, change.header.kid);
      assertNotFutureDated(change.payload.issued_at, node.now());
      const obj = await node.keys.putKeyChange(change, newKid, now());
      return c.json(keyChangeView(obj), 201, { location: `/v1/key-changes/${obj.id}` });
    })
    .get('/v1/key-changes/:id', async (c) =>
      c.json(keyChangeView(await stored(c.req.param('id'), 'key-change'))),
    )
    .post('/v1/key-compromises', jwsBodyLimit, async (c) => {
      const declaration = await verifySigned(await readJws(c), 'key-compromise', resolveKey);
      assertNotFutureDated(declaration.payload.issued_at, node.now());
      const obj = await node.keys.putKeyCompromise(declaration, now());
      return c.json(keyCompromiseView(obj), 201, { location: `/v1/key-compromises/${obj.id}` });
    })
    .get('/v1/key-compromises/:id', async (c) =>
      c.json(keyCompromiseView(await stored(c.req.param('id'), 'key-compromise'))),
    )
    .get('/v1/parties/:party_id/keys', async (c) => {
      const keys = await node.keys.keysOf(c.req.param('party_id'));
      if (keys === undefined) throw new KyodakuError('ERR_NOT_FOUND', 'no such party');
      return c.json(keys satisfies schemas.PartyKeys);
    });
}
