/**
 * Peers (spec/federation.md §6.4, §7): `POST /v1/peers` follows a peer on an admin request of
 * action `follow`; `GET /v1/peers` shows every peer's state, cursor, lag, kept checkpoint and errors.
 */
import { KyodakuError, toTimestamp } from '@kyodaku/client';
import { Hono } from 'hono';
import { verifyAdminRequest } from '../admin.ts';
import { PeerConfigError, parsePeer } from '../federation/peer-config.ts';
import { jwsBodyLimit, readJws } from '../http-body.ts';
import type { NodeContext } from '../node-context.ts';

export function peerRoutes(node: NodeContext) {
  return new Hono()
    .get('/v1/peers', (c) =>
      c.json({ peers: node.federation?.statuses() ?? [] }, 200, { 'cache-control': 'no-store' }),
    )
    .post('/v1/peers', jwsBodyLimit, async (c) => {
      const request = await verifyAdminRequest(node, await readJws(c), 'follow');
      const federation = node.federation;
      if (federation === undefined)
        throw new KyodakuError('ERR_NOT_FOUND', 'this node does not follow peers');
      let result: Awaited<ReturnType<typeof federation.follow>>;
      try {
        result = await federation.follow(
          parsePeer({ url: request.payload.url, node_key: request.payload.node_key }),
        );
      } catch (error) {
        if (error instanceof PeerConfigError) throw new KyodakuError('ERR_INVALID_REQUEST', error.message);
        throw error;
      }
      await node.store.putAdmin(request, toTimestamp(node.now()));
      return c.json(result.status, result.created ? 201 : 200, {
        location: `/v1/peers?url=${encodeURIComponent(result.status.url)}`,
      });
    });
}
