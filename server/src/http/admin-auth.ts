/**
 * Administrative requests (spec/http-api.md §3.4): a `kyodaku-admin+jws` signed by the node's admin
 * key, dated within 300 seconds of the node's clock, executed at most once.
 */
import { type AdminRequest, KyodakuError, type SignedObject, verifyObject } from '@kyodaku/client';
import type { NodeContext } from '../node-context.ts';
import type { StoredObject } from '../objects/job.ts';

/** Largest difference between an admin request's issued_at and the node's clock, in seconds. */
export const ADMIN_CLOCK_WINDOW_S = 300;

/**
 * Verifies an administrative request for an endpoint that executes `actions` (one, or several that
 * the payload's `action` chooses between, as `POST /v1/peers` does).
 */
export async function verifyAdminRequest<A extends AdminRequest['action']>(
  node: NodeContext,
  jws: string,
  actions: A | readonly A[],
): Promise<SignedObject<'admin'> & { payload: Extract<AdminRequest, { action: A }> }> {
  const request = await verifyObject(jws, 'admin', (kid) => {
    if (kid !== node.admin.kid)
      throw new KyodakuError('ERR_UNAUTHORIZED', 'not signed by the admin key of this node');
    return node.admin.publicJwk;
  });
  const allowed: readonly string[] = typeof actions === 'string' ? [actions] : actions;
  if (!allowed.includes(request.payload.action)) {
    const names = allowed.map((a) => `"${a}"`).join(', ');
    const what = allowed.length === 1 ? 'the action' : 'the actions';
    throw new KyodakuError('ERR_INVALID_REQUEST', `this endpoint executes ${what} ${names}`);
  }
  if (await node.objects.objectById(request.id)) {
    throw new KyodakuError('ERR_DUPLICATE', 'this request was already executed', {
      detail: { id: request.id },
    });
  }
  const skew = Math.abs(Date.parse(request.payload.issued_at) - node.now()) / 1000;
  if (skew > ADMIN_CLOCK_WINDOW_S) {
    throw new KyodakuError(
      'ERR_UNAUTHORIZED',
      `issued_at is more than ${ADMIN_CLOCK_WINDOW_S} s from the node's clock`,
    );
  }
  return request as SignedObject<'admin'> & { payload: Extract<AdminRequest, { action: A }> };
}

/** Appends an executed administrative request that changes no index table (e.g. `follow`). */
export async function logAdminRequest(
  node: NodeContext,
  request: SignedObject<'admin'>,
  receivedAt: string,
): Promise<StoredObject> {
  const [stored] = await node.objects.publish({
    id: request.id,
    plan: () => ({ objects: [{ id: request.id, kind: 'admin', jws: request.jws, receivedAt }] }),
  });
  return stored!;
}
