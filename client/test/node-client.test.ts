/** The HTTP SDK (KyodakuNode) against a real kyodaku-server process on loopback. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRevocation } from '../src/builders.ts';
import { KyodakuError } from '../src/errors.ts';
import { signObject } from '../src/jws.ts';
import { generateKeyPair, importSigner } from '../src/keys.ts';
import { KyodakuNode } from '../src/node-client.ts';
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

  it('Should report a node that does not answer as ERR_NETWORK', async () => {
    const error = await failure(new KyodakuNode(await closedPortUrl()).wellKnown());
    expect(error.code).toBe('ERR_NETWORK');
  });

  it('Should refuse a base URL that is not http(s)', () => {
    expect(() => new KyodakuNode('ftp://example.org')).toThrow(KyodakuError);
  });
});
