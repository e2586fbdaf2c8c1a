/**
 * The snapshot profile (spec/snapshot.md §5, §7): GET /v1/snapshot (the signed manifest and the
 * checkpoint it is bound to), GET /v1/snapshot/filters/{sha256} (a filter file, immutable),
 * GET /v1/snapshot/delta?from={snapshot id} (a signed delta from a snapshot the client holds to the
 * current one) and GET /v1/snapshot/deltas/{sha256} (a delta file, immutable).
 */
import { KyodakuError } from '@kyodaku/client';
import { Hono } from 'hono';
import type { NodeContext } from '../node-context.ts';
import { type SnapshotOptions, Snapshots } from './snapshots.ts';

const SHA256 = /^[0-9a-f]{64}$/;

const immutable = (contentType: string) => ({
  'content-type': contentType,
  'cache-control': 'public, max-age=31536000, immutable',
});

export function snapshotRoutes(node: NodeContext, options: SnapshotOptions = {}) {
  const snapshots = new Snapshots(node, options);
  return new Hono()
    .get('/v1/snapshot', async (c) => {
      const s = await snapshots.current();
      c.header('cache-control', 'no-cache');
      return c.json({ snapshot: s.jws, checkpoint: s.checkpoint });
    })
    .get('/v1/snapshot/filters/:sha256', (c) => {
      const sha256 = c.req.param('sha256');
      const bytes = SHA256.test(sha256) ? snapshots.file(sha256) : undefined;
      if (bytes === undefined) {
        throw new KyodakuError(
          'ERR_NOT_FOUND',
          'no filter file of the current or previous snapshot has this SHA-256',
        );
      }
      return c.body(new Uint8Array(bytes), 200, immutable('application/vnd.kyodaku.snapshot-filter'));
    })
    .get('/v1/snapshot/delta', async (c) => {
      const from = c.req.query('from');
      if (from === undefined || !SHA256.test(from)) {
        throw new KyodakuError(
          'ERR_INVALID_REQUEST',
          'from: the id of a snapshot (64 lowercase hex digits, the SHA-256 of its manifest JWS)',
        );
      }
      const { delta, to } = await snapshots.delta(from);
      c.header('cache-control', 'no-cache');
      return c.json({ delta: delta.jws, snapshot: to.jws, checkpoint: to.checkpoint });
    })
    .get('/v1/snapshot/deltas/:sha256', (c) => {
      const sha256 = c.req.param('sha256');
      const bytes = SHA256.test(sha256) ? snapshots.deltaFile(sha256) : undefined;
      if (bytes === undefined) {
        throw new KyodakuError(
          'ERR_NOT_FOUND',
          'no delta file to the current or previous snapshot has this SHA-256',
        );
      }
      return c.body(new Uint8Array(bytes), 200, immutable('application/vnd.kyodaku.snapshot-delta'));
    });
}
