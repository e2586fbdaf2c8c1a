/** The HTTP SDK (KyodakuNode) against a real kyodaku-server process on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, createRevocation } from '../src/builders.ts';
import { KyodakuError } from '../src/errors.ts';
import { objectIdOf, signObject } from '../src/jws.ts';
import { generateKeyPair, importSigner } from '../src/keys.ts';
import { KyodakuNode } from '../src/node-client.ts';
import { LIMITS } from '../src/schemas/messages.ts';
import { adminSignerOf, attestedParty } from './helpers/parties.ts';
import { closedPortUrl, type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let node: KyodakuNode;

beforeAll(async () => {
  server = await startServer();
  node = new KyodakuNode(server.url);
});
afterAll(() => server?.stop());

async function failure(promise: Promise<unknown>): Promise<KyodakuError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KyodakuError);
  return error as KyodakuError;
}

describe('KyodakuNode', () => {
  it('Should read the node metadata, validated by the shared schema', async () => {
    const meta = await node.wellKnown();
    expect(meta.spec_version).toBe('0.1');
    expect(meta.profiles).toContain('core');
    expect(meta.limits.max_batch_ids).toBeGreaterThanOrEqual(10_000);
  });

  it('Should register, attest, publish, read, list, look up, decide and revoke', async () => {
    const party = await attestedParty(server);
    const view = await node.getParty(party.kid);
    expect(view.status).toBe('attested');
    expect(view.attestations).toHaveLength(1);

    const published = await party.publish({
      work: { type: 'work', ids: ['isbn:978-4-08-872509-3', 'url:https://example.jp/books/1'] },
      purposes: { train: 'deny', search: 'allow', 'generate.character': 'conditional' },
      conditions: { compensation: { model: 'per-use', currency: 'JPY', amount: '50' } },
    });
    expect(published.status).toBe('current');
    expect((await node.getRecord(published.id)).record.work.ids).toContain('isbn:9784088725093');
    const page = await node.listRecords(party.kid, { limit: 10 });
    expect(page.records.map((r) => r.id)).toEqual([published.id]);
    expect(page.next_cursor).toBeNull();
    expect((await node.work('isbn:9784088725093')).records.map((r) => r.id)).toEqual([published.id]);

    expect((await node.decide({ ids: 'isbn:9784088725093', purpose: 'search' })).decision).toBe('allow');
    const train = await node.decide({ ids: ['url:https://example.jp/books/1'], purpose: 'train' });
    expect(train.decision).toBe('deny');
    expect(train.leaves?.['train.genai']?.decision).toBe('deny');
    const batch = await node.decideBatch({
      ids: ['isbn:9784088725093', 'url:https://nobody.example/x', 'nonsense'],
      purposes: ['generate.character', 'search'],
    });
    expect(batch.results.map((r) => ('decision' in r ? r.decision : 'invalid'))).toEqual([
      'conditional',
      'allow',
      'deny',
      'deny',
      'invalid',
      'invalid',
    ]);

    const revocation = await signObject(
      'revocation',
      createRevocation({ iss: party.kid, record: published.id, reason: 'test' }),
      party.signer,
    );
    await node.revokeRecord(revocation);
    expect((await node.getRecord(published.id)).status).toBe('revoked');
    expect((await node.decide({ ids: 'isbn:9784088725093', purpose: 'search' })).reasons).toEqual([
      'no-record',
    ]);
  });

  it('Should turn problem responses into KyodakuErrors with stable codes and keep the problem', async () => {
    const notFound = await failure(node.getRecord('0'.repeat(64)));
    expect(notFound.code).toBe('ERR_NOT_FOUND');
    expect(notFound.detail).toMatchObject({ type: 'urn:kyodaku:problem:not-found', status: 404 });

    expect((await failure(node.decide({ ids: 'nonsense', purpose: 'train' }))).code).toBe(
      'ERR_INVALID_IDENTIFIER',
    );
    expect((await failure(node.decide({ ids: 'isbn:9784088725093', purpose: 'nope' }))).code).toBe(
      'ERR_UNKNOWN_PURPOSE',
    );

    const party = await attestedParty(server);
    const record = {
      work: { type: 'work' as const, ids: ['doi:10.1000/xyz'] },
      purposes: { all: 'deny' as const },
    };
    const first = await party.publish(record);
    const duplicate = await failure(node.publishRecord(first.jws));
    expect(duplicate.code).toBe('ERR_DUPLICATE');
    expect(duplicate.detail).toMatchObject({ id: first.id });
  });

  it('Should publish many objects in one request, with one result per entry in order and refusals as results', async () => {
    const party = await attestedParty(server);
    const sign = (ids: string[]) =>
      signObject(
        'record',
        createRecord({ iss: party.kid, work: { type: 'work', ids }, purposes: { train: 'deny' } }),
        party.signer,
      );
    const first = await sign(['doi:10.1000/bulk-1']);
    const second = await sign(['doi:10.1000/bulk-2']);
    const revocation = await signObject(
      'revocation',
      createRevocation({ iss: party.kid, record: first.id }),
      party.signer,
    );
    // The revocation comes first yet is applied after the record it revokes (REQ-API-082).
    const results = await node.publishMany([revocation, first, second.jws, second, 'not-a-jws']);
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 409, 400]);
    expect(results[0]).toMatchObject({ id: revocation.id, kind: 'revocation' });
    expect(results[1]).toMatchObject({ id: first.id, kind: 'record', location: `/v1/records/${first.id}` });
    expect(results[3]).toMatchObject({
      problem: { type: 'urn:kyodaku:problem:duplicate-object', id: second.id },
    });
    expect(results[4]).toMatchObject({ problem: { type: 'urn:kyodaku:problem:malformed-jws' } });
    expect((await node.getRecord(first.id)).status).toBe('revoked');
    expect((await node.getRecord(second.id)).status).toBe('current');
  });

  it('Should refuse an empty or oversized bulk publication before sending it', async () => {
    // A node that cannot be reached: an error other than ERR_NETWORK proves nothing was sent.
    const offline = new KyodakuNode(await closedPortUrl());
    expect((await failure(offline.publishMany([]))).code).toBe('ERR_INVALID_REQUEST');
    const tooMany = Array.from({ length: LIMITS.maxBatchObjects + 1 }, () => 'a.b.c');
    expect((await failure(offline.publishMany(tooMany))).code).toBe('ERR_BATCH_TOO_LARGE');
    expect((await failure(offline.publishMany(['a.b.c']))).code).toBe('ERR_NETWORK');
  });

  it('Should refuse a bulk publication answer without one result per entry', async () => {
    const id = await objectIdOf('a.b.c');
    const answer = { results: [{ status: 201, id, kind: 'record', location: `/v1/records/${id}` }] };
    const short = new KyodakuNode('http://node.test', {
      fetch: async () => Response.json(answer),
    });
    expect((await short.publishMany(['a.b.c'])).map((r) => r.status)).toEqual([201]);
    expect((await failure(short.publishMany(['a.b.c', 'd.e.f']))).code).toBe('ERR_SCHEMA');
  });

  it('Should refuse a record of an unattested key and an admin request not signed by the admin key', async () => {
    const party = await attestedParty(server);
    const attestation = (await node.getParty(party.kid)).attestations[0]!;
    await node.revokeAttestation(await adminSignerOf(server), {
      attestation: attestation.id,
      reason: 'test',
    });
    const unattested = await failure(
      party.publish({ work: { type: 'work', ids: ['doi:10.1000/abc'] }, purposes: { all: 'allow' } }),
    );
    expect(unattested.code).toBe('ERR_UNATTESTED');

    const stranger = await importSigner((await generateKeyPair()).privateJwk);
    expect((await failure(node.attest(stranger, { party: party.kid }))).code).toBe('ERR_UNAUTHORIZED');
  });

  it('Should list peers and sign peer admin requests; a stranger key, an unknown peer and a bad url are refused', async () => {
    expect(await node.peers()).toEqual({ peers: [] });
    const admin = await adminSignerOf(server);
    const unknown = await closedPortUrl();
    const stranger = await importSigner((await generateKeyPair()).privateJwk);
    expect((await failure(node.unfollowPeer(stranger, unknown))).code).toBe('ERR_UNAUTHORIZED');
    expect((await failure(node.unfollowPeer(admin, unknown))).code).toBe('ERR_NOT_FOUND');
    expect((await failure(node.resumePeer(admin, { url: unknown, nodeKey: stranger.kid }))).code).toBe(
      'ERR_NOT_FOUND',
    );
    // A peer that cannot be reached is the request's fault (REQ-FED-041).
    expect((await failure(node.followPeer(admin, { url: unknown, nodeKey: stranger.kid }))).code).toBe(
      'ERR_INVALID_REQUEST',
    );
    // Checked by the schema before anything is signed or sent.
    expect(
      (await failure(node.followPeer(admin, { url: `${unknown}?q=1`, nodeKey: stranger.kid }))).code,
    ).toBe('ERR_SCHEMA');
    expect(await node.peers()).toEqual({ peers: [] });
  });

  it('Should report a node that does not answer as ERR_NETWORK', async () => {
    const error = await failure(new KyodakuNode(await closedPortUrl()).wellKnown());
    expect(error.code).toBe('ERR_NETWORK');
  });

  it('Should refuse a base URL that is not http(s)', () => {
    expect(() => new KyodakuNode('ftp://example.org')).toThrow(KyodakuError);
  });
});
