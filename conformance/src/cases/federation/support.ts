/**
 * Shared steps of the federation cases: a peer the suite serves (src/peer/peer.ts), the admin
 * requests on peers (`follow`, `unfollow`, `resume`; spec/federation.md §7), the target's peer
 * status (§6.4) and bounded waiting.
 */
import { rawPublicKey, type Signer, signObject, verifyCheckpoint } from '@kyodaku/client';
import type { Context } from '../../context.ts';
import { check, equal } from '../../expect.ts';
import type { HttpResponse } from '../../http.ts';
import { CaseFailure } from '../../outcome.ts';
import { SuitePeer } from '../../peer/peer.ts';

/**
 * How long a case waits for the target to catch up with a peer. A follower polls at least every
 * 60 s (REQ-FED-020, SHOULD); set KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS to wait longer or shorter.
 */
export function waitBudgetMs(): number {
  const env = Number(process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS);
  return Number.isFinite(env) && env > 0 ? env : 90_000;
}

/** Where the suite's peers listen; the target must reach it (KYODAKU_CONFORMANCE_PEER_HOST). */
const PEER_HOST = process.env.KYODAKU_CONFORMANCE_PEER_HOST ?? '127.0.0.1';

export interface PeerStatus {
  url?: unknown;
  origin?: unknown;
  node_key?: unknown;
  state?: unknown;
  cursor?: unknown;
  checkpoint?: { size?: unknown; root?: unknown; note?: unknown } | null;
  lag?: unknown;
  last_error?: unknown;
  refusals?: Array<{ index?: unknown; reason?: unknown }>;
  evidence?: {
    reason?: unknown;
    detail?: unknown;
    kept?: unknown;
    offending?: unknown;
    at?: unknown;
  } | null;
  [member: string]: unknown;
}

/** Runs `body` with fresh peers (each with its own origin and node key), closing them afterwards. */
export async function withPeers(
  ctx: Context,
  count: number,
  body: (...peers: SuitePeer[]) => Promise<void>,
): Promise<void> {
  const peers: SuitePeer[] = [];
  try {
    for (let i = 0; i < count; i++) {
      ctx.suite.counter.n += 1;
      peers.push(
        await SuitePeer.start({
          origin: `peer-${ctx.suite.runId}-${ctx.suite.counter.n}.conformance.test/kyodaku`,
          host: PEER_HOST,
        }),
      );
    }
    await body(...peers);
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
}

export const withPeer = (ctx: Context, body: (peer: SuitePeer) => Promise<void>) => withPeers(ctx, 1, body);

/** An admin request of action `follow` signed with the admin key (or `signer`). */
export async function followRequest(
  ctx: Context,
  url: string,
  nodeKey: string,
  options: { signer?: Signer; issuedAt?: string; action?: string } = {},
): Promise<string> {
  const payload = {
    kind: 'admin',
    v: 1,
    issued_at: options.issuedAt ?? ctx.time(),
    nonce: ctx.nonce(),
    action: options.action ?? 'follow',
    ...(options.action === 'attest' ? { party: nodeKey } : { url, node_key: nodeKey }),
  };
  // biome-ignore lint/suspicious/noExplicitAny: the payload is an AdminRequest of some action
  return (await signObject('admin', payload as any, options.signer ?? ctx.admin)).jws;
}

export async function postFollow(ctx: Context, jws: string): Promise<HttpResponse> {
  return ctx.post('/v1/peers', jws);
}

/** An admin request of any action on peers (`unfollow`, `resume`, …) signed with the admin key. */
export async function peerRequest(
  ctx: Context,
  members: Record<string, unknown>,
  options: { signer?: Signer } = {},
): Promise<string> {
  const payload = { kind: 'admin', v: 1, issued_at: ctx.time(), nonce: ctx.nonce(), ...members };
  // biome-ignore lint/suspicious/noExplicitAny: the payload is an AdminRequest of some action
  return (await signObject('admin', payload as any, options.signer ?? ctx.admin)).jws;
}

/** Unfollows the peer; asserts 200 and the status in state `unfollowed` (REQ-FED-051). */
export async function unfollow(ctx: Context, peer: SuitePeer): Promise<PeerStatus> {
  const res = await postFollow(ctx, await peerRequest(ctx, { action: 'unfollow', url: peer.url }));
  check(
    res.status === 200,
    `POST /v1/peers (unfollow ${peer.url}): expected 200, got ${res.status} ${res.text.slice(0, 300)} (REQ-FED-051)`,
  );
  const status = res.json as PeerStatus;
  equal(status?.state, 'unfollowed', 'state in the answer to unfollow (REQ-FED-051)');
  return status;
}

/** Resumes the stopped peer pinning `nodeKey` (REQ-FED-054): the raw answer. */
export async function postResume(
  ctx: Context,
  peer: SuitePeer,
  nodeKey = peer.node.kid,
): Promise<HttpResponse> {
  return postFollow(ctx, await peerRequest(ctx, { action: 'resume', url: peer.url, node_key: nodeKey }));
}

/** Follows the peer pinning its node key; asserts 201 and the status of a new peer. */
export async function follow(ctx: Context, peer: SuitePeer): Promise<PeerStatus> {
  const res = await postFollow(ctx, await followRequest(ctx, peer.url, peer.node.kid));
  check(
    res.status === 201,
    `POST /v1/peers (follow ${peer.url}): expected 201, got ${res.status} ${res.text.slice(0, 300)} (REQ-FED-041)`,
  );
  const status = res.json as PeerStatus;
  check(
    status?.origin === peer.origin,
    `the status of the new peer names origin ${String(status?.origin)}, not ${peer.origin} (REQ-FED-041)`,
  );
  return status;
}

/** GET /v1/peers and the status of the peer with `origin`. */
export async function peerStatus(ctx: Context, origin: string): Promise<PeerStatus | undefined> {
  const res = await ctx.http.get('/v1/peers');
  check(res.status === 200, `GET /v1/peers: expected 200, got ${res.status} (REQ-FED-040)`);
  const peers = (res.json as { peers?: unknown })?.peers;
  check(Array.isArray(peers), 'GET /v1/peers: no "peers" array (REQ-FED-040)');
  return (peers as PeerStatus[]).find((p) => p?.origin === origin);
}

/** Polls `probe` until it returns a value, for at most the wait budget. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  budgetMs = waitBudgetMs(),
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let delay = 100;
  let last = '';
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      if (!(error instanceof CaseFailure)) throw error;
      last = `: ${error.message}`;
    }
    if (Date.now() > deadline) throw new CaseFailure(`waited ${budgetMs} ms for ${what}${last}`);
    await new Promise((done) => setTimeout(done, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

/** Waits until the target processed every entry of the peer's current checkpoint. */
export async function caughtUp(ctx: Context, peer: SuitePeer): Promise<PeerStatus> {
  const size = Math.min(peer.size, peer.entries.length);
  return eventually(`the target to process the ${size} entries of ${peer.origin}`, async () => {
    const s = await peerStatus(ctx, peer.origin);
    check(s !== undefined, `GET /v1/peers does not list ${peer.origin} (REQ-FED-040)`);
    check(
      s.state !== 'stopped-inconsistent',
      `the target stopped following a consistent peer: ${s.last_error}`,
    );
    return typeof s.cursor === 'number' && s.cursor + 1 >= size ? s : undefined;
  });
}

/** Waits until the target stopped following the peer (REQ-FED-022). */
export function stopped(ctx: Context, peer: SuitePeer, why: string): Promise<PeerStatus> {
  return eventually(`the target to stop following ${peer.origin} (${why}; REQ-FED-022)`, async () => {
    const s = await peerStatus(ctx, peer.origin);
    return s?.state === 'stopped-inconsistent' ? s : undefined;
  });
}

/** The single decision for an identifier; asserts 200. */
/** A peer with a member and one record, followed and caught up with (`status` when caught up). */
export async function followedWithRecord(ctx: Context, peer: SuitePeer) {
  const member = await peer.party();
  const work = ctx.workId('followed');
  const record = await peer.record(member, { ids: [work] });
  await follow(ctx, peer);
  const status = await caughtUp(ctx, peer);
  equal((await decide(ctx, work)).decision, 'allow', 'decision for a record of the followed peer');
  return { member, work, record, status };
}

export async function decide(ctx: Context, id: string, purpose = 'train.genai') {
  return (await ctx.decision(id, purpose)) as Awaited<ReturnType<Context['decision']>> & {
    origins?: Record<string, unknown>;
  };
}

/** Waits until the decision for `id` is `want`. */
export function decisionBecomes(
  ctx: Context,
  id: string,
  want: string,
  why: string,
  purpose = 'train.genai',
) {
  return eventually(`the decision for ${id} to become ${want} (${why})`, async () => {
    const d = await decide(ctx, id, purpose);
    return d.decision === want ? d : undefined;
  });
}

/** The kept checkpoint of a status verifies under the peer's key and origin, and covers the cursor. */
export function checkKeptCheckpoint(status: PeerStatus, peer: SuitePeer): void {
  const cp = status.checkpoint;
  check(cp !== null && typeof cp === 'object', 'the peer status has no kept checkpoint (REQ-FED-040)');
  check(typeof cp.note === 'string', 'the kept checkpoint has no note (REQ-FED-040)');
  const verifier = { name: peer.origin, publicKey: rawPublicKey(peer.node.publicJwk) };
  let size: number;
  try {
    size = verifyCheckpoint(cp.note, verifier).size;
  } catch (error) {
    throw new CaseFailure(`the kept checkpoint is not one the peer signed: ${(error as Error).message}`);
  }
  check(cp.size === size, `checkpoint.size ${String(cp.size)} is not the size of its note (${size})`);
  check(
    typeof status.cursor === 'number' && status.cursor < size,
    `the cursor ${String(status.cursor)} is not covered by the kept checkpoint of size ${size} (REQ-FED-010, REQ-FED-016)`,
  );
}

/** The records `GET /v1/works/{id}` lists for a work id. */
export async function workRecords(ctx: Context, id: string): Promise<Array<{ id?: unknown }>> {
  const res = await ctx.http.get(`/v1/works/${encodeURIComponent(id)}`);
  check(res.status === 200, `GET /v1/works/${id}: ${res.status}`);
  return ((res.json as { records?: Array<{ id?: unknown }> }).records ?? []) as Array<{ id?: unknown }>;
}
