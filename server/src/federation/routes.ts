/**
 * Peers (spec/federation.md §6.4, §7): `POST /v1/peers` executes the admin requests `follow`,
 * `unfollow` and `resume`; `GET /v1/peers` shows every peer's state, cursor, lag, kept checkpoint,
 * errors and evidence.
 */
import { KyodakuError, toTimestamp } from '@kyodaku/client';
import { Hono } from 'hono';
import { logAdminRequest, verifyAdminRequest } from '../http/admin-auth.ts';
import { jwsBodyLimit, readJws } from '../http/body.ts';
import type { NodeContext } from '../node-context.ts';
import { normalizePeerUrl, PeerConfigError, parsePeer } from './peer-config.ts';

const PEER_ACTIONS = ['follow', 'unfollow', 'resume'] as const;

/** A peer configuration error is the request's fault (400), never the node's. */
async function asRequestError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PeerConfigError) throw new KyodakuError('ERR_INVALID_REQUEST', error.message);
    throw error;
  }
}

export function peerRoutes(node: NodeContext) {
  return new Hono()
    .get('/v1/peers', (c) =>
      c.json({ peers: node.federation?.statuses() ?? [] }, 200, { 'cache-control': 'no-store' }),
    )
    .post('/v1/peers', jwsBodyLimit, async (c) => {
      const request = await verifyAdminRequest(node, await readJws(c), PEER_ACTIONS);
      const federation = node.federation;
      if (federation === undefined)
        throw new KyodakuError('ERR_NOT_FOUND', 'this node does not follow peers');
      const payload = request.payload;
      let created = false;
      const status = await asRequestError(async () => {
        switch (payload.action) {
          case 'follow': {
            const result = await federation.follow(
              parsePeer({ url: payload.url, node_key: payload.node_key }),
            );
            created = result.created;
            return result.status;
          }
          case 'unfollow':
            return federation.unfollow(normalizePeerUrl(payload.url));
          case 'resume':
            return federation.resume(parsePeer({ url: payload.url, node_key: payload.node_key }));
        }
      });
      await logAdminRequest(node, request, toTimestamp(node.now()));
      return c.json(status, created ? 201 : 200, {
        location: `/v1/peers?url=${encodeURIComponent(status.url)}`,
      });
    });
}
