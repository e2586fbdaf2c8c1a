/** Parties and attestations (spec/http-api.md §3.1, §3.4), in-process through app.request(). */
import { generateKeyPair, importSigner, schemas, signObject, toTimestamp } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedParty } from '../../../client/test/helpers/parties.ts';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const ISBN = 'isbn:9784088725093';

describe('parties', () => {
  it('REQ-API-013: registers a self-signed party: 201, Location, PartyView', async () => {
    const { keys, party } = await signedParty({ names: { ja: '星海社出版' }, issuedAt: toTimestamp() });
    const response = await t.postJws('/v1/parties', party.jws);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/parties/${keys.kid}`);
    const view = schemas.PartyView.parse(await response.json());
    expect(view).toMatchObject({ id: party.id, party_id: keys.kid, status: 'unattested', attestations: [] });
    const got = schemas.PartyView.parse(await (await t.get(`/v1/parties/${keys.kid}`)).json());
    expect(got.id).toBe(party.id);
  });

  it('REQ-API-012: refuses the same party object twice with duplicate-object naming it', async () => {
    const p = await t.party('rights-holder', false);
    const response = await t.postJws('/v1/parties', p.party.jws);
    expect(response.status).toBe(409);
    const body = (await response.json()) as { type: string; id: string };
    expect(body.type).toBe(P('duplicate-object'));
    expect(body.id).toBe(p.party.id);
  });

  it('REQ-API-022: an update must be later than the current registration', async () => {
    const p = await t.party('rights-holder', false);
    const older = await signObject(
      'party',
      { ...p.party.payload, names: { en: 'Older' }, issued_at: '2020-01-01T00:00:00Z' },
      p.signer,
    );
    expect(await problemType(await t.postJws('/v1/parties', older.jws))).toBe(P('conflict'));
    const newer = await signObject(
      'party',
      { ...p.party.payload, names: { en: 'Newer' }, issued_at: toTimestamp() },
      p.signer,
    );
    expect((await t.postJws('/v1/parties', newer.jws)).status).toBe(201);
    const view = schemas.PartyView.parse(await (await t.get(`/v1/parties/${p.id}`)).json());
    expect(view.party.names).toEqual({ en: 'Newer' });
  });

  it('REQ-API-021: refuses a party whose kid is not the thumbprint of its key', async () => {
    const a = await generateKeyPair();
    const b = await generateKeyPair();
    const signer = await importSigner(b.privateJwk);
    const party = await signObject(
      'party',
      {
        kind: 'party',
        v: 1,
        key: a.publicJwk,
        role: 'performer',
        names: { en: 'X' },
        issued_at: toTimestamp(),
      },
      signer,
    );
    expect(await problemType(await t.postJws('/v1/parties', party.jws))).toBe(P('unknown-key'));
  });

  it('REQ-API-020: refuses a small-order key', async () => {
    const b = await generateKeyPair();
    const signer = await importSigner(b.privateJwk);
    // the identity point: small order
    const key = {
      kty: 'OKP' as const,
      crv: 'Ed25519' as const,
      x: 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    };
    const party = await signObject(
      'party',
      { kind: 'party', v: 1, key, role: 'performer', names: { en: 'X' }, issued_at: toTimestamp() },
      signer,
    );
    expect(await problemType(await t.postJws('/v1/parties', party.jws))).toBe(P('invalid-key'));
  });

  it('REQ-API-011: refuses a tampered signature and stores nothing', async () => {
    const { keys, party } = await signedParty({
      role: 'performer',
      names: { en: 'X' },
      issuedAt: toTimestamp(),
    });
    const [h, p, s] = party.jws.split('.') as [string, string, string];
    const bad = `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`;
    expect(await problemType(await t.postJws('/v1/parties', bad))).toBe(P('invalid-signature'));
    expect(await problemType(await t.get(`/v1/parties/${keys.kid}`))).toBe(P('not-found'));
    expect(t.node.objects.size).toBe(0);
  });

  it('REQ-API-011: refuses malformed JWS, wrong typ', async () => {
    expect(await problemType(await t.postJws('/v1/parties', 'not a jws'))).toBe(P('malformed-jws'));
    const p = await t.party('rights-holder');
    const record = await p.record();
    expect(await problemType(await t.postJws('/v1/parties', record.jws))).toBe(P('type-mismatch'));
  });

  it('REQ-API-010: refuses another media type with 415', async () => {
    const { party } = await signedParty({ role: 'performer', names: { en: 'X' }, issuedAt: toTimestamp() });
    expect(await problemType(await t.postJws('/v1/parties', party.jws, 'application/json'))).toBe(
      P('unsupported-media-type'),
    );
    expect(await problemType(await t.postJws('/v1/parties', party.jws, 'text/plain'))).toBe(
      P('unsupported-media-type'),
    );
  });

  it('GET of an unknown party is 404 not-found', async () => {
    expect(await problemType(await t.get(`/v1/parties/${'A'.repeat(43)}`))).toBe(P('not-found'));
  });
});

describe('attestations', () => {
  it('REQ-API-052: the admin attests a party; the node signs it with its node key', async () => {
    const p = await t.party('agency', false);
    const response = await t.postJws(
      '/v1/attestations',
      (await t.admin({ action: 'attest', party: p.id })).jws,
    );
    expect(response.status).toBe(201);
    const view = schemas.AttestationView.parse(await response.json());
    expect(response.headers.get('location')).toBe(`/v1/attestations/${view.id}`);
    expect(view.attestation).toMatchObject({ node: t.node.node.kid, party: p.id, key: p.id, role: 'agency' });
    expect(view.jws.split('.')[0]).toBe(
      Buffer.from(
        JSON.stringify({ alg: 'Ed25519', kid: t.node.node.kid, typ: 'kyodaku-attestation+jws' }),
      ).toString('base64url'),
    );
    expect(schemas.AttestationView.parse(await (await t.get(`/v1/attestations/${view.id}`)).json()).id).toBe(
      view.id,
    );
    const party = schemas.PartyView.parse(await (await t.get(`/v1/parties/${p.id}`)).json());
    expect(party.status).toBe('attested');
    expect(party.attestations.map((a) => a.id)).toEqual([view.id]);
  });

  it('REQ-API-052: attests with the requested role', async () => {
    const p = await t.party('rights-holder', false);
    const response = await t.postJws(
      '/v1/attestations',
      (await t.admin({ action: 'attest', party: p.id, role: 'agency' })).jws,
    );
    expect(((await response.json()) as { attestation: { role: string } }).attestation.role).toBe('agency');
  });

  it('REQ-API-012: a second attest in the same second makes the same attestation: 409 naming it, not 500', async () => {
    const frozen = Date.now();
    const still = await makeNode({ now: () => frozen });
    try {
      const p = await still.party('rights-holder', false);
      const attest = async () =>
        still.postJws('/v1/attestations', (await still.admin({ action: 'attest', party: p.id })).jws);
      const first = await attest();
      expect(first.status).toBe(201);
      const { id } = (await first.json()) as { id: string };
      const size = still.node.objects.size;
      const second = await attest();
      expect(second.status).toBe(409);
      expect(await second.json()).toMatchObject({ type: P('duplicate-object'), id });
      expect(still.node.objects.size).toBe(size);
    } finally {
      still.close();
    }
  });

  it('REQ-API-052: 404 for an unregistered party', async () => {
    const response = await t.postJws(
      '/v1/attestations',
      (await t.admin({ action: 'attest', party: 'B'.repeat(43) })).jws,
    );
    expect(await problemType(response)).toBe(P('not-found'));
  });

  it('REQ-API-050: refuses an admin request not signed by the admin key', async () => {
    const p = await t.party('rights-holder', false);
    const request = await t.admin({ action: 'attest', party: p.id }, p.signer);
    expect(await problemType(await t.postJws('/v1/attestations', request.jws))).toBe(P('unauthorized'));
  });

  it('REQ-API-051: refuses a stale admin request and a replayed one', async () => {
    const p = await t.party('rights-holder', false);
    const stale = await t.admin({
      action: 'attest',
      party: p.id,
      issued_at: toTimestamp(Date.now() - 301_000),
    });
    expect(await problemType(await t.postJws('/v1/attestations', stale.jws))).toBe(P('unauthorized'));
    const future = await t.admin({
      action: 'attest',
      party: p.id,
      issued_at: toTimestamp(Date.now() + 301_000),
    });
    expect(await problemType(await t.postJws('/v1/attestations', future.jws))).toBe(P('unauthorized'));
    const request = await t.admin({ action: 'attest', party: p.id });
    expect((await t.postJws('/v1/attestations', request.jws)).status).toBe(201);
    expect(await problemType(await t.postJws('/v1/attestations', request.jws))).toBe(P('duplicate-object'));
  });

  it('REQ-API-054: an admin request for the other action is refused with invalid-request', async () => {
    const request = await t.admin({ action: 'revoke-attestation', attestation: '0'.repeat(64) });
    expect(await problemType(await t.postJws('/v1/attestations', request.jws))).toBe(P('invalid-request'));
  });

  it('REQ-API-053: revokes an attestation; records of that key are then refused and stop counting', async () => {
    const p = await t.party('rights-holder');
    const record = await p.record({ purposes: { all: 'allow' } });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    const before = (await (await t.get(`/v1/decision?id=${ISBN}&purpose=train.genai`)).json()) as {
      decision: string;
    };
    expect(before.decision).toBe('allow');

    const revoke = await t.admin({
      action: 'revoke-attestation',
      attestation: p.attestationId,
      reason: 'key lost',
    });
    const response = await t.postJws('/v1/attestations/revocations', revoke.jws);
    expect(response.status).toBe(201);
    const view = schemas.AttestationRevocationView.parse(await response.json());
    expect(response.headers.get('location')).toBe(`/v1/attestations/revocations/${view.id}`);
    expect(view.revocation).toMatchObject({ node: t.node.node.kid, attestation: p.attestationId });
    expect((await (await t.get(`/v1/attestations/revocations/${view.id}`)).json()) as unknown).toMatchObject({
      id: view.id,
    });
    expect(
      ((await (await t.get(`/v1/attestations/${p.attestationId}`)).json()) as { revoked: boolean }).revoked,
    ).toBe(true);

    const later = (await (
      await t.get(`/v1/decision?id=${ISBN}&purpose=train.genai&at=${toTimestamp(Date.now() + 2000)}`)
    ).json()) as {
      decision: string;
      reasons: string[];
    };
    expect(later).toMatchObject({ decision: 'deny', reasons: ['no-record'] });
    const another = await p.record({ ids: ['isbn:9784063842760'] });
    expect(await problemType(await t.postJws('/v1/records', another.jws))).toBe(P('unattested-key'));

    const again = await t.admin({ action: 'revoke-attestation', attestation: p.attestationId });
    expect(await problemType(await t.postJws('/v1/attestations/revocations', again.jws))).toBe(P('conflict'));
    const unknown = await t.admin({ action: 'revoke-attestation', attestation: 'f'.repeat(64) });
    expect(await problemType(await t.postJws('/v1/attestations/revocations', unknown.jws))).toBe(
      P('not-found'),
    );
  });

  it('GET of unknown attestations is 404', async () => {
    expect(await problemType(await t.get(`/v1/attestations/${'0'.repeat(64)}`))).toBe(P('not-found'));
    expect(await problemType(await t.get(`/v1/attestations/revocations/${'0'.repeat(64)}`))).toBe(
      P('not-found'),
    );
  });
});
