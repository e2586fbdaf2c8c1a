/**
 * Federation end to end (spec/federation.md): two origin nodes (a publishers' node and a voice
 * actors' node) and a mirror, each a real `kyodaku-server` process on a loopback port with its own
 * database file, plus a hand-made peer that serves forged objects and then rewrites its log.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createAttestation,
  createKeyCompromise,
  createRecord,
  createRevocation,
  generateKeyPair,
  importSigner,
  signKeyChange,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedParty } from '../../../client/test/helpers/parties.ts';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';
import {
  eventually,
  type HandMadePeer,
  handMadePeer,
  type RemoteNode,
  remoteNode,
} from './federation-helpers.ts';

interface Answer {
  decision: string;
  disputed: boolean;
  reasons: string[];
  records: string[];
  origins?: Record<string, string>;
}

interface PeerStatus {
  url: string;
  origin: string;
  state: string;
  cursor: number;
  lag: number | null;
  objects: number;
  refused: number;
  evidence: { reason: string; kept: string | null; offending: string; at: string } | null;
  refusals: Array<{ index: number; reason: string }>;
}

const MIRROR_ENV = {
  KYODAKU_ORIGIN: 'mirror.test/kyodaku',
  KYODAKU_FOLLOW_POLL_MS: '100',
  KYODAKU_FOLLOW_PAGE_SIZE: '50',
};

describe('federation: two origins and a mirror', () => {
  let servers: ServerProcess[] = [];
  let publishers: RemoteNode;
  let voices: RemoteNode;
  let mirror: RemoteNode;
  let mirrorServer: ServerProcess;
  let mirrorDir: string;
  let evil: HandMadePeer | undefined;

  const decision = (node: RemoteNode, id: string, purpose: string) =>
    node.get<Answer>(`/v1/decision?id=${encodeURIComponent(id)}&purpose=${purpose}`);
  const peerOf = async (origin: string) =>
    (await mirror.get<{ peers: PeerStatus[] }>('/v1/peers')).peers.find((p) => p.origin === origin);
  /** Waits until the mirror has processed everything the origin's latest checkpoint covers. */
  const caughtUp = (origin: RemoteNode) =>
    eventually(async () => {
      const size = Number((await (await fetch(`${origin.url}/v1/log/checkpoint`)).text()).split('\n')[1]);
      const peer = await peerOf(origin.origin);
      return peer && peer.cursor + 1 === size && peer.lag === 0 ? peer : undefined;
    }, `the mirror to catch up with ${origin.origin}`);

  beforeAll(async () => {
    mirrorDir = mkdtempSync(join(tmpdir(), 'kyodaku-mirror-'));
    const [a, b, m] = await Promise.all([
      startServer({ env: { KYODAKU_ORIGIN: 'publishers.test/kyodaku' } }),
      startServer({ env: { KYODAKU_ORIGIN: 'voices.test/kyodaku' } }),
      startServer({ dataDir: mirrorDir, env: MIRROR_ENV }),
    ]);
    servers = [a, b];
    mirrorServer = m;
    [publishers, voices, mirror] = await Promise.all([remoteNode(a), remoteNode(b), remoteNode(m)]);
  }, 60_000);

  afterAll(async () => {
    await mirrorServer?.stop();
    await Promise.all(servers.map((s) => s.stop()));
    await evil?.close();
    rmSync(mirrorDir, { recursive: true, force: true });
  });

  let seikaiRecord: string;
  let seikai: Awaited<ReturnType<RemoteNode['party']>>;

  it("answers on the mirror for records of both origins, with each record's origin, and disputes across nodes", async () => {
    seikai = await publishers.party('rights-holder', 'Seikai Publishing');
    const agency = await voices.party('agency', 'Aoi Voice Agency');
    seikaiRecord = (
      await seikai.record({ ids: ['kyodaku:seikai/hoshi'], purposes: { 'train.genai': 'allow' } })
    ).id;
    const voice = await agency.record({
      ids: ['kyodaku:voices/aoi'],
      work: { type: 'voice', ids: ['kyodaku:voices/aoi'], titles: { ja: '青井そら' } },
      purposes: { 'generate.voice': 'allow' },
    });
    await seikai.record({ ids: ['kyodaku:shared/disputed'], purposes: { train: 'allow' } });
    await agency.record({ ids: ['kyodaku:shared/disputed'], purposes: { train: 'deny' } });

    for (const origin of [publishers, voices]) {
      const response = await mirror.follow(origin);
      expect(response.status, await response.clone().text()).toBe(201);
      const status = (await response.json()) as PeerStatus;
      expect(status.origin).toBe(origin.origin);
    }
    await caughtUp(publishers);
    await caughtUp(voices);

    const a = await decision(mirror, 'kyodaku:seikai/hoshi', 'train.genai');
    expect(a).toMatchObject({ decision: 'allow', records: [seikaiRecord] });
    expect(a.origins).toEqual({ [seikaiRecord]: 'publishers.test/kyodaku' });
    const b = await decision(mirror, 'kyodaku:voices/aoi', 'generate.voice');
    expect(b).toMatchObject({ decision: 'allow', records: [voice.id] });
    expect(b.origins).toEqual({ [voice.id]: 'voices.test/kyodaku' });
    // A prompt check on the mirror names the origin of the record behind each decision (REQ-GEN-006).
    const check = (await (
      await fetch(`${mirror.url}/v1/prompt-checks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: '青井そらの声で', purposes: ['generate.voice'] }),
      })
    ).json()) as { matches: Array<{ decisions: Record<string, { records: string[]; origins?: object }> }> };
    expect(check.matches[0]?.decisions['generate.voice']).toMatchObject({
      records: [voice.id],
      origins: { [voice.id]: 'voices.test/kyodaku' },
    });

    // Each origin alone sees one claimant; the mirror sees the dispute and the most restrictive wins.
    expect((await decision(publishers, 'kyodaku:shared/disputed', 'train.genai')).decision).toBe('allow');
    const disputed = await decision(mirror, 'kyodaku:shared/disputed', 'train.genai');
    expect(disputed).toMatchObject({ decision: 'deny', disputed: true });
    expect(new Set(Object.values(disputed.origins ?? {}))).toEqual(
      new Set(['publishers.test/kyodaku', 'voices.test/kyodaku']),
    );

    const work = await mirror.get<{
      records: Array<{ id: string; origin?: { origin: string; index: number } }>;
    }>(`/v1/works/${encodeURIComponent('kyodaku:seikai/hoshi')}`);
    expect(work.records).toHaveLength(1);
    expect(work.records[0]).toMatchObject({
      id: seikaiRecord,
      origin: { origin: 'publishers.test/kyodaku' },
    });

    const wk = await mirror.get<{ profiles: string[]; federation: { follows: Array<{ origin: string }> } }>(
      '/.well-known/kyodaku',
    );
    expect(wk.profiles).toContain('federation');
    expect(wk.federation.follows.map((f) => f.origin).sort()).toEqual([
      'publishers.test/kyodaku',
      'voices.test/kyodaku',
    ]);
  }, 60_000);

  it('refuses a follow request not signed by its admin key, and a peer whose node key is not the pinned one', async () => {
    const forged = await publishers.adminRequest({
      action: 'follow',
      url: voices.url,
      node_key: voices.nodeKey,
    });
    expect((await mirror.post('/v1/peers', forged)).status).toBe(401);
    const wrongKey = await mirror.follow({ url: voices.url, nodeKey: publishers.nodeKey });
    expect(wrongKey.status).toBe(400);
  });

  it('follows a revocation on an origin', async () => {
    await seikai.revoke(seikaiRecord);
    const answer = await eventually(async () => {
      const a = await decision(mirror, 'kyodaku:seikai/hoshi', 'train.genai');
      return a.decision === 'deny' ? a : undefined;
    }, 'the revocation to reach the mirror');
    expect(answer.reasons).toEqual(['no-record']);
    const work = await mirror.get<{ records: Array<{ status: string }> }>(
      `/v1/works/${encodeURIComponent('kyodaku:seikai/hoshi')}`,
    );
    expect(work.records.map((r) => r.status)).toEqual(['revoked']);
  }, 60_000);

  it('resumes from its stored cursor after a restart mid-sync, without duplicates', async () => {
    await mirrorServer.stop();
    const many = await publishers.party('rights-holder', 'Bulk Publisher');
    const ids: string[] = [];
    for (let i = 0; i < 300; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          many.record({ ids: [`kyodaku:bulk/${i + j}`], purposes: { 'train.genai': 'allow' } }),
        ),
      );
      ids.push(...batch.map((r) => r.id));
    }
    mirrorServer = await startServer({ dataDir: mirrorDir, env: MIRROR_ENV });
    mirror = await remoteNode(mirrorServer);
    const before = await peerOf(publishers.origin);
    // Stop it again as soon as it has moved, most likely in the middle of the catch-up.
    await eventually(async () => {
      const p = await peerOf(publishers.origin);
      return p && before && p.cursor > before.cursor ? p : undefined;
    }, 'the mirror to make progress');
    await mirrorServer.stop();
    mirrorServer = await startServer({ dataDir: mirrorDir, env: MIRROR_ENV });
    mirror = await remoteNode(mirrorServer);
    const peer = await caughtUp(publishers);

    // Objects held from the origin = its log entries less its admin requests, each exactly once.
    let verifiable = 0;
    for (let after: number | null = -1; after !== null; ) {
      const page: { entries: Array<{ jws: string }>; next: number | null } = await publishers.get(
        after < 0 ? '/v1/log/entries?limit=1000' : `/v1/log/entries?after=${after}&limit=1000`,
      );
      for (const e of page.entries) {
        const typ = JSON.parse(Buffer.from(e.jws.split('.')[0]!, 'base64url').toString()).typ;
        if (typ !== 'kyodaku-admin+jws') verifiable++;
      }
      after = page.next;
    }
    expect(peer.objects).toBe(verifiable);
    expect(peer.refused).toBe(0);
    for (const n of [0, 137, 299]) {
      const work = await mirror.get<{ records: Array<{ id: string }> }>(
        `/v1/works/${encodeURIComponent(`kyodaku:bulk/${n}`)}`,
      );
      expect(work.records.map((r) => r.id)).toEqual([ids[n]]);
      expect((await decision(mirror, `kyodaku:bulk/${n}`, 'train.genai')).decision).toBe('allow');
    }
  }, 120_000);

  it('refuses and reports a bad signature, an unattested issuer, a foreign attestation and objects dated far ahead, then stops on a rewritten log, losing nothing else', async () => {
    evil = await handMadePeer('evil.test/kyodaku');
    const now = Date.now();
    const member = async (name: string) => {
      const { keys, signer, party } = await signedParty({
        names: { en: name },
        issuedAt: toTimestamp(now - 120_000),
      });
      const record = (id: string) =>
        signObject(
          'record',
          createRecord({
            iss: keys.kid,
            work: { type: 'work', ids: [id] },
            purposes: { 'train.genai': 'allow' },
            issued_at: toTimestamp(now - 30_000),
          }),
          signer,
        );
      const futureRecord = (id: string) =>
        signObject(
          'record',
          createRecord({
            iss: keys.kid,
            work: { type: 'work', ids: [id] },
            purposes: { 'train.genai': 'allow' },
            issued_at: '9999-12-31T23:59:59Z',
            valid_from: '9999-12-31T23:59:59Z',
          }),
          signer,
        );
      const revocation = (record: string, at: string) =>
        signObject('revocation', createRevocation({ iss: keys.kid, record, issued_at: at }), signer);
      return { keys, party, record, futureRecord, revocation };
    };
    const p = await member('Evil member');
    const q = await member('Unattested');
    const attest = (
      node: { kid: string; signer: Awaited<ReturnType<typeof importSigner>> },
      party: typeof p.party,
    ) =>
      createAttestation({ node: node.kid, party: party.payload, issued_at: toTimestamp(now - 60_000) }).then(
        (a) => signObject('attestation', a, node.signer),
      );
    const rogue = await generateKeyPair();
    const rogueSigner = await importSigner(rogue.privateJwk);
    const ok = await p.record('kyodaku:evil/ok');
    const good2 = await p.record('kyodaku:evil/other');
    const badSig = `${(await p.record('kyodaku:evil/bad-sig')).jws.split('.').slice(0, 2).join('.')}.${good2.jws.split('.')[2]}`;
    evil.entries.push(
      p.party.jws, // 0
      (await attest({ kid: evil.nodeKey, signer: evil.signer }, p.party)).jws, // 1
      ok.jws, // 2
      badSig, // 3: bad signature
      q.party.jws, // 4
      (await q.record('kyodaku:evil/unattested')).jws, // 5: issuer not attested
      (await attest({ kid: rogue.kid, signer: rogueSigner }, q.party)).jws, // 6: not the pinned node key
      (await q.record('kyodaku:evil/unattested-2')).jws, // 7: still not attested
      (await p.revocation(ok.id, '9999-12-31T23:59:59Z')).jws, // 8: dated far ahead (REQ-FED-017)
      (await p.futureRecord('kyodaku:evil/future')).jws, // 9: dated far ahead
    );
    expect((await mirror.follow(evil)).status).toBe(201);
    const status = await eventually(async () => {
      const s = await peerOf(evil!.origin);
      return s && s.cursor === 9 ? s : undefined;
    }, 'the mirror to process the hand-made peer');
    expect(status.state).toBe('following');
    expect(status.refusals.map((r) => [r.index, r.reason])).toEqual([
      [3, 'invalid-signature'],
      [5, 'unattested-key'],
      [6, 'unknown-key'],
      [7, 'unattested-key'],
      [8, 'schema-violation'],
      [9, 'schema-violation'],
    ]);
    expect(status.objects).toBe(4);
    const okAnswer = await decision(mirror, 'kyodaku:evil/ok', 'train.genai');
    expect(okAnswer).toMatchObject({ decision: 'allow', origins: { [ok.id]: 'evil.test/kyodaku' } });
    for (const id of [
      'kyodaku:evil/bad-sig',
      'kyodaku:evil/unattested',
      'kyodaku:evil/unattested-2',
      'kyodaku:evil/future',
    ]) {
      expect((await decision(mirror, id, 'train.genai')).decision).toBe('deny');
    }

    // The peer rewrites entry 2 and grows its log: its new checkpoint is not consistent with the kept one.
    evil.entries[2] = (await p.record('kyodaku:evil/rewritten')).jws;
    evil.entries.push(good2.jws);
    const stopped = await eventually(async () => {
      const s = await peerOf(evil!.origin);
      return s?.state === 'stopped-inconsistent' ? s : undefined;
    }, 'the mirror to stop following the rewritten log');
    expect(stopped.evidence).toMatchObject({ reason: 'inconsistent-checkpoint' });
    expect(stopped.evidence?.kept).toContain('evil.test/kyodaku\n10\n');
    expect(stopped.evidence?.offending).toContain('evil.test/kyodaku\n11\n');
    expect(stopped.cursor).toBe(9);
    // What was verified before stays; nothing of the rewritten history is taken; other origins unaffected.
    expect((await decision(mirror, 'kyodaku:evil/ok', 'train.genai')).decision).toBe('allow');
    expect((await decision(mirror, 'kyodaku:evil/rewritten', 'train.genai')).decision).toBe('deny');
    expect((await decision(mirror, 'kyodaku:voices/aoi', 'generate.voice')).decision).toBe('allow');
    expect((await peerOf(voices.origin))?.state).toBe('following');
  }, 60_000);
  it('applies a followed key change and key compromise (REQ-FED-018, REQ-FED-019)', async () => {
    const peer = await handMadePeer('keys.test/kyodaku');
    try {
      const now = Date.now();
      const { keys, signer, party } = await signedParty({
        names: { en: 'Rotating member' },
        issuedAt: toTimestamp(now - 120_000),
      });
      const next = await generateKeyPair();
      const nextSigner = await importSigner(next.privateJwk);
      const record = (id: string, by: typeof signer) =>
        signObject(
          'record',
          createRecord({
            iss: keys.kid,
            work: { type: 'work', ids: [id] },
            purposes: { 'train.genai': 'allow' },
            issued_at: toTimestamp(Date.now() - 30_000),
          }),
          by,
        );
      const attestation = await signObject(
        'attestation',
        await createAttestation({
          node: peer.nodeKey,
          party: party.payload,
          issued_at: toTimestamp(now - 60_000),
        }),
        peer.signer,
      );
      const before = await record('kyodaku:keys/before', signer);
      peer.entries.push(
        party.jws, // 0
        attestation.jws, // 1
        before.jws, // 2: old key, logged before compromised_at
      );
      expect((await mirror.follow(peer)).status).toBe(201);
      await eventually(async () => {
        const s = await peerOf(peer.origin);
        return s && s.cursor === 2 ? s : undefined;
      }, 'the mirror to process the first entries');
      expect((await decision(mirror, 'kyodaku:keys/before', 'train.genai')).decision).toBe('allow');
      await new Promise((done) => setTimeout(done, 1_100));
      const compromisedAt = toTimestamp(Date.now());
      const change = await signKeyChange({
        iss: keys.kid,
        oldSigner: signer,
        newSigner: nextSigner,
        newKey: next.publicJwk,
        issued_at: compromisedAt,
      });
      const compromise = await signObject(
        'key-compromise',
        createKeyCompromise({
          iss: keys.kid,
          key: keys.kid,
          compromised_at: compromisedAt,
          issued_at: compromisedAt,
        }),
        nextSigner,
      );
      const stolen = await record('kyodaku:keys/stolen', signer);
      const stolenId = stolen.id;
      peer.entries.push(
        stolen.jws, // 3: old key, logged after compromised_at
        // 4: a revocation by the old key, logged after compromised_at: it does not count
        (
          await signObject(
            'revocation',
            createRevocation({ iss: keys.kid, record: before.id, issued_at: compromisedAt }),
            signer,
          )
        ).jws,
        change.jws, // 5: key change, in the same page as what follows
        (await record('kyodaku:keys/after', nextSigner)).jws, // 6: new key
        (await record('kyodaku:keys/old-after-change', signer)).jws, // 7: old key after the change
        compromise.jws, // 8
      );
      const status = await eventually(async () => {
        const s = await peerOf(peer.origin);
        return s && s.cursor === 8 ? s : undefined;
      }, 'the mirror to process the key change and compromise');
      expect(status.state).toBe('following');
      expect(status.refusals.map((r) => [r.index, r.reason])).toEqual([[7, 'unknown-key']]);
      expect((await decision(mirror, 'kyodaku:keys/after', 'train.genai')).decision).toBe('allow');
      expect((await decision(mirror, 'kyodaku:keys/before', 'train.genai')).decision).toBe('allow');
      expect((await decision(mirror, 'kyodaku:keys/stolen', 'train.genai')).decision).toBe('deny');
      const stolenView = (await (await fetch(`${mirror.url}/v1/records/${stolenId}`)).json()) as {
        status: string;
        compromised_by?: string;
      };
      expect([stolenView.status, stolenView.compromised_by]).toEqual(['disqualified', compromise.id]);
      expect((await decision(mirror, 'kyodaku:keys/old-after-change', 'train.genai')).decision).toBe('deny');

      // After a restart the mirror rebuilds the party's key and the compromise from what it stored.
      await mirrorServer.stop();
      mirrorServer = await startServer({ dataDir: mirrorDir, env: MIRROR_ENV });
      mirror = await remoteNode(mirrorServer);
      peer.entries.push((await record('kyodaku:keys/after-restart', nextSigner)).jws); // 9
      // 10: a key change back to the party's first key: a key belongs to one party once (REQ-KEY-003)
      const back = await signKeyChange({
        iss: keys.kid,
        oldSigner: nextSigner,
        newSigner: signer,
        newKey: keys.publicJwk,
      });
      peer.entries.push(back.jws);
      await eventually(async () => {
        const s = await peerOf(peer.origin);
        return s && s.cursor === 10 ? s : undefined;
      }, 'the restarted mirror to process the new-key record');
      expect((await peerOf(peer.origin))?.refusals.map((r) => [r.index, r.reason])).toEqual([
        [7, 'unknown-key'],
        [10, 'conflict'],
      ]);
      expect((await decision(mirror, 'kyodaku:keys/after-restart', 'train.genai')).decision).toBe('allow');
      expect((await decision(mirror, 'kyodaku:keys/before', 'train.genai')).decision).toBe('allow');
      expect((await decision(mirror, 'kyodaku:keys/stolen', 'train.genai')).decision).toBe('deny');
    } finally {
      await peer.close();
    }
  }, 60_000);
});
