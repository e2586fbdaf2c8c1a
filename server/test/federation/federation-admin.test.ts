/**
 * Unfollow, resume and a feed with a gap (spec/federation.md §6.2, §6.4, §7), end to end: a mirror
 * as a real `kyodaku-server` process on a loopback port with its own database file, restarted on the
 * same file, following hand-made peers whose logs and feeds the tests write.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, importSigner, signObject, toTimestamp } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import {
  eventually,
  type HandMadePeer,
  handMadePeer,
  type RemoteNode,
  remoteNode,
} from './federation-helpers.ts';

interface Evidence {
  reason: string;
  detail: string;
  kept: string | null;
  offending: string;
  at: string;
}

interface PeerStatus {
  url: string;
  origin: string;
  node_key: string;
  state: string;
  cursor: number;
  checkpoint: { size: number; root: string; note: string } | null;
  peer_size: number | null;
  objects: number;
  last_error: string | null;
  evidence: Evidence | null;
}

const MIRROR_ENV = {
  KYODAKU_ORIGIN: 'mirror-admin.test/kyodaku',
  KYODAKU_FOLLOW_POLL_MS: '100',
  KYODAKU_FOLLOW_BACKOFF_MS: '100',
  KYODAKU_FOLLOW_PAGE_SIZE: '50',
};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const feedReads = (peer: HandMadePeer, from = 0) =>
  peer.requests.slice(from).filter((r) => r.path.startsWith('/v1/log/entries'));
/** The `after` of a feed request (-1 without it). */
const afterOf = (path: string) => Number(new URL(path, 'http://x').searchParams.get('after') ?? '-1');

describe('federation: unfollow, resume and a gapped feed', () => {
  let mirrorDir: string;
  let mirrorServer: ServerProcess;
  let mirror: RemoteNode;
  const peers: HandMadePeer[] = [];

  const restartMirror = async () => {
    await mirrorServer.stop();
    mirrorServer = await startServer({ dataDir: mirrorDir, env: MIRROR_ENV });
    mirror = await remoteNode(mirrorServer);
  };
  const admin = async (payload: Record<string, unknown>) =>
    mirror.post('/v1/peers', await mirror.rawAdminRequest(payload));
  const statusOf = async (peer: HandMadePeer) =>
    (await mirror.get<{ peers: PeerStatus[] }>('/v1/peers')).peers.find((p) => p.origin === peer.origin);
  const decision = async (id: string) =>
    (await mirror.get<{ decision: string }>(`/v1/decision?id=${encodeURIComponent(id)}&purpose=train.genai`))
      .decision;
  const atCursor = (peer: HandMadePeer, cursor: number) =>
    eventually(async () => {
      const s = await statusOf(peer);
      return s && s.cursor === cursor && s.state === 'following' ? s : undefined;
    }, `the mirror to process ${peer.origin} up to ${cursor}`);
  const newPeer = async (origin: string) => {
    const peer = await handMadePeer(origin);
    peers.push(peer);
    return peer;
  };
  const expectProblem = async (response: Response, status: number, type: string) => {
    const text = await response.text();
    expect(response.status, text).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(text).type).toBe(`urn:kyodaku:problem:${type}`);
  };

  beforeAll(async () => {
    mirrorDir = mkdtempSync(join(tmpdir(), 'kyodaku-mirror-admin-'));
    mirrorServer = await startServer({ dataDir: mirrorDir, env: MIRROR_ENV });
    mirror = await remoteNode(mirrorServer);
  }, 30_000);

  afterAll(async () => {
    await mirrorServer?.stop();
    await Promise.all(peers.map((p) => p.close()));
    rmSync(mirrorDir, { recursive: true, force: true });
  });

  it('unfollow stops polling and keeps the objects counting, across a restart; follow again resumes from the cursor without duplicates', async () => {
    const peer = await newPeer('paused.test/kyodaku');
    const member = await peer.member('Paused member');
    const one = await member.record('kyodaku:paused/one');
    const two = await member.record('kyodaku:paused/two');
    peer.entries.push(member.party.jws, member.attestation.jws, one.jws);
    expect((await mirror.follow(peer)).status).toBe(201);
    await atCursor(peer, 2);
    expect(await decision('kyodaku:paused/one')).toBe('allow');

    const response = await admin({ action: 'unfollow', url: peer.url });
    expect(response.status, await response.clone().text()).toBe(200);
    const unfollowed = (await response.json()) as PeerStatus;
    expect(unfollowed).toMatchObject({ state: 'unfollowed', cursor: 2, checkpoint: { size: 3 } });

    // Nothing reaches the peer any more, whatever it logs; what was verified keeps counting.
    const seen = peer.requests.length;
    peer.entries.push(two.jws);
    await sleep(1000);
    expect(peer.requests.slice(seen).map((r) => r.path)).toEqual([]);
    expect(await decision('kyodaku:paused/one')).toBe('allow');
    expect(await decision('kyodaku:paused/two')).toBe('deny');
    expect(await statusOf(peer)).toMatchObject({ state: 'unfollowed', cursor: 2, objects: 3 });
    const wk = await mirror.get<{ federation: { follows: Array<{ origin: string; state: string }> } }>(
      '/.well-known/kyodaku',
    );
    expect(wk.federation.follows.find((f) => f.origin === peer.origin)?.state).toBe('unfollowed');
    await expectProblem(await admin({ action: 'unfollow', url: peer.url }), 409, 'conflict');

    // The state persists: after a restart the peer is still unfollowed and still not polled.
    await restartMirror();
    await sleep(500);
    expect(peer.requests.slice(seen).map((r) => r.path)).toEqual([]);
    expect(await statusOf(peer)).toMatchObject({ state: 'unfollowed', cursor: 2, objects: 3 });
    expect(await decision('kyodaku:paused/one')).toBe('allow');

    // Follow again: 200, from the stored cursor, each object once.
    const again = await mirror.follow(peer);
    expect(again.status, await again.clone().text()).toBe(200);
    expect(((await again.json()) as PeerStatus).state).not.toBe('unfollowed');
    const caught = await atCursor(peer, 3);
    expect(caught.objects).toBe(4);
    expect(await decision('kyodaku:paused/two')).toBe('allow');
    const reads = feedReads(peer, seen);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.map((r) => afterOf(r.path)).every((after) => after >= 2)).toBe(true);
    const work = await mirror.get<{ records: Array<{ id: string }> }>(
      `/v1/works/${encodeURIComponent('kyodaku:paused/one')}`,
    );
    expect(work.records.map((r) => r.id)).toEqual([one.id]);
  }, 60_000);

  it('a peer that rewrote its log is stopped; follow and unfollow are refused; resume succeeds only once the log extends the kept checkpoint', async () => {
    const peer = await newPeer('forked.test/kyodaku');
    const member = await peer.member('Forked member');
    const kept = await member.record('kyodaku:forked/kept');
    const later = await member.record('kyodaku:forked/later');
    const rewritten = await member.record('kyodaku:forked/rewritten');
    peer.entries.push(member.party.jws, member.attestation.jws, kept.jws);
    expect((await mirror.follow(peer)).status).toBe(201);
    await atCursor(peer, 2);

    // Rewrite entry 2 and grow in one step.
    peer.entries[2] = rewritten.jws;
    peer.entries.push(later.jws);
    const stopped = await eventually(async () => {
      const s = await statusOf(peer);
      return s?.state === 'stopped-inconsistent' ? s : undefined;
    }, 'the mirror to stop following the rewritten log');
    expect(stopped.evidence).toMatchObject({ reason: 'inconsistent-checkpoint' });
    expect(stopped.evidence?.kept).toContain('forked.test/kyodaku\n3\n');
    expect(stopped.evidence?.offending).toContain('forked.test/kyodaku\n4\n');
    expect(stopped.cursor).toBe(2);

    await expectProblem(await mirror.follow(peer), 409, 'conflict');
    await expectProblem(await admin({ action: 'unfollow', url: peer.url }), 409, 'conflict');
    // A pin that is not the peer's node key; then the right pin, but the log is still rewritten.
    await expectProblem(
      await admin({ action: 'resume', url: peer.url, node_key: mirror.nodeKey }),
      400,
      'invalid-request',
    );
    await expectProblem(
      await admin({ action: 'resume', url: peer.url, node_key: peer.nodeKey }),
      409,
      'conflict',
    );
    expect(await statusOf(peer)).toMatchObject({ state: 'stopped-inconsistent', evidence: stopped.evidence });
    expect(await decision('kyodaku:forked/kept')).toBe('allow');
    expect(await decision('kyodaku:forked/rewritten')).toBe('deny');

    // Stopped and its evidence persist across a restart; a stopped peer is not polled.
    await restartMirror();
    const seen = peer.requests.length;
    await sleep(500);
    expect(peer.requests.length).toBe(seen);
    expect(await statusOf(peer)).toMatchObject({ state: 'stopped-inconsistent', evidence: stopped.evidence });

    // The peer's operator restores the history the mirror kept: resume proves it and goes on.
    peer.entries[2] = kept.jws;
    const resumed = await admin({ action: 'resume', url: peer.url, node_key: peer.nodeKey });
    expect(resumed.status, await resumed.clone().text()).toBe(200);
    const status = (await resumed.json()) as PeerStatus;
    expect(status.state).not.toBe('stopped-inconsistent');
    expect(status.cursor).toBe(2);
    expect(status.evidence).toEqual(stopped.evidence);
    const caught = await atCursor(peer, 3);
    expect(caught.objects).toBe(4);
    expect(await decision('kyodaku:forked/later')).toBe('allow');
    expect(await decision('kyodaku:forked/rewritten')).toBe('deny');
    expect(feedReads(peer, seen).every((r) => afterOf(r.path) >= 2)).toBe(true);
    await expectProblem(
      await admin({ action: 'resume', url: peer.url, node_key: peer.nodeKey }),
      409,
      'conflict',
    );
  }, 60_000);

  it('a feed page with a gap is a malformed answer: nothing of it is taken, the follower backs off and reads it again, and never stops', async () => {
    const peer = await newPeer('gap.test/kyodaku');
    const member = await peer.member('Gap member');
    const records = [];
    for (const n of [1, 2, 3]) records.push(await member.record(`kyodaku:gap/${n}`));
    peer.entries.push(member.party.jws, member.attestation.jws, ...records.map((r) => r.jws));
    peer.feedSkip.add(3);
    expect((await mirror.follow(peer)).status).toBe(201);
    const backingOff = await eventually(async () => {
      const s = await statusOf(peer);
      return s?.state === 'backing-off' && feedReads(peer).length >= 5 ? s : undefined;
    }, 'the mirror to read the gapped page again, backing off');
    expect(backingOff.last_error).toMatch(/not contiguous/);
    expect(backingOff.cursor).toBe(-1);
    expect(backingOff.evidence).toBeNull();
    expect(await decision('kyodaku:gap/1')).toBe('deny');
    // The retries space out: the k-th wait is at least 100 · 2^k ms (a loaded machine only adds to
    // a wait, so only the lower bound is checked; 5 ms of slack for timers that fire early).
    const times = feedReads(peer).map((r) => r.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    gaps.forEach((gap, k) => {
      expect(gap).toBeGreaterThanOrEqual(100 * 2 ** k - 5);
    });

    peer.feedSkip.clear();
    const caught = await atCursor(peer, 4);
    expect(caught.last_error).toBeNull();
    expect(caught.objects).toBe(5);
    expect(await decision('kyodaku:gap/2')).toBe('allow');
  }, 60_000);

  it('answers bad peer admin requests with problems, never a 500, and changes nothing', async () => {
    const peer = await newPeer('admin-errors.test/kyodaku');
    expect((await mirror.follow(peer)).status).toBe(201);
    const unknown = 'http://127.0.0.1:9/not-followed';
    await expectProblem(await admin({ action: 'unfollow', url: unknown }), 404, 'not-found');
    await expectProblem(
      await admin({ action: 'resume', url: unknown, node_key: peer.nodeKey }),
      404,
      'not-found',
    );
    await expectProblem(
      await admin({ action: 'resume', url: peer.url, node_key: peer.nodeKey }),
      409,
      'conflict',
    );
    await expectProblem(
      await admin({ action: 'unfollow', url: 'ftp://example.test' }),
      400,
      'schema-violation',
    );
    await expectProblem(
      await admin({ action: 'unfollow', url: peer.url, node_key: peer.nodeKey }),
      400,
      'schema-violation',
    );
    await expectProblem(
      await admin({ action: 'resume', url: peer.url, node_key: 'not-a-key' }),
      400,
      'schema-violation',
    );
    await expectProblem(await admin({ action: 'resume', url: peer.url }), 400, 'schema-violation');
    await expectProblem(await admin({ action: 'attest', party: peer.nodeKey }), 400, 'invalid-request');
    await expectProblem(await mirror.post('/v1/peers', 'not a jws'), 400, 'malformed-jws');
    const stranger = await importSigner((await generateKeyPair()).privateJwk);
    const notAdmin = await signObject(
      'admin',
      {
        kind: 'admin',
        v: 1,
        action: 'unfollow',
        url: peer.url,
        issued_at: toTimestamp(Date.now()),
        nonce: 'stranger-nonce-0001',
      },
      stranger,
    );
    await expectProblem(await mirror.post('/v1/peers', notAdmin.jws), 401, 'unauthorized');
    await expectProblem(
      await admin({ action: 'follow', url: peer.url, node_key: mirror.nodeKey }),
      400,
      'invalid-request',
    );
    expect((await statusOf(peer))?.state).toMatch(/^(starting|following)$/);

    // A request is executed once: its replay is a duplicate, even after it took effect.
    const request = await mirror.adminRequest({ action: 'unfollow', url: peer.url });
    expect((await mirror.post('/v1/peers', request)).status).toBe(200);
    await expectProblem(await mirror.post('/v1/peers', request), 409, 'duplicate-object');
    expect((await statusOf(peer))?.state).toBe('unfollowed');
  }, 30_000);
});
