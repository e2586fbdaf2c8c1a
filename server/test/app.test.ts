/** The HTTP API of spec/http-api.md, in-process through app.request(). */
import {
  createRecord,
  generateKeyPair,
  importSigner,
  PURPOSES,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signedParty } from '../../client/test/helpers/parties.ts';
import { makeNode, P, problemType, type TestNode } from './helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const ISBN = 'isbn:9784088725093';

describe('node metadata', () => {
  it('REQ-API-001/002/003: serves /.well-known/kyodaku with the node key and the core profile', async () => {
    const response = await t.get('/.well-known/kyodaku');
    expect(response.status).toBe(200);
    const body = schemas.WellKnown.parse(await response.json());
    expect(body.spec_version).toBe('0.1');
    expect(body.profiles).toContain('core');
    expect(body.node.id).toBe(t.node.node.kid);
    expect(body.admin_key).toBe(t.node.admin.kid);
    expect(body.limits.max_batch_ids).toBeGreaterThanOrEqual(10_000);
  });
});

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

describe('records', () => {
  it('REQ-API-013: publishes a record: 201, Location, RecordView with status current', async () => {
    const p = await t.party();
    const record = await p.record({ ids: [ISBN, 'url:https://manga.example/hoshi/*'] });
    const response = await t.postJws('/v1/records', record.jws);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/records/${record.id}`);
    const view = schemas.RecordView.parse(await response.json());
    expect(view).toMatchObject({ id: record.id, jws: record.jws, status: 'current' });
    const got = await t.get(`/v1/records/${record.id}`);
    expect(got.headers.get('cache-control')).toBe('no-cache');
    expect(schemas.RecordView.parse(await got.json()).record).toEqual(record.payload);
  });

  it('REQ-API-030: refuses a record of an unregistered issuer, and one whose kid is not iss', async () => {
    const keys = await generateKeyPair();
    const signer = await importSigner(keys.privateJwk);
    const orphan = await signObject(
      'record',
      createRecord({ iss: keys.kid, work: { type: 'work', ids: [ISBN] }, purposes: { all: 'allow' } }),
      signer,
    );
    expect(await problemType(await t.postJws('/v1/records', orphan.jws))).toBe(P('unknown-key'));
    const p = await t.party();
    const foreign = await signObject(
      'record',
      createRecord({ iss: p.id, work: { type: 'work', ids: [ISBN] }, purposes: { all: 'allow' } }),
      signer,
    );
    expect(await problemType(await t.postJws('/v1/records', foreign.jws))).toBe(P('unknown-key'));
  });

  it('REQ-API-031: refuses a record of an unattested issuer', async () => {
    const p = await t.party('rights-holder', false);
    expect(await problemType(await t.postJws('/v1/records', (await p.record()).jws))).toBe(
      P('unattested-key'),
    );
  });

  it('REQ-API-032: refuses a record of an ai-developer', async () => {
    const p = await t.party('ai-developer');
    expect(await problemType(await t.postJws('/v1/records', (await p.record()).jws))).toBe(P('forbidden'));
  });

  it('REQ-API-034: refuses a record dated more than 300 s in the future', async () => {
    const p = await t.party();
    const at = toTimestamp(Date.now() + 400_000);
    const record = await p.record({ issued_at: at, valid_from: at });
    expect(await problemType(await t.postJws('/v1/records', record.jws))).toBe(P('schema-violation'));
  });

  it('REQ-API-012: refuses the same record twice', async () => {
    const p = await t.party();
    const record = await p.record();
    await t.postJws('/v1/records', record.jws);
    expect(await problemType(await t.postJws('/v1/records', record.jws))).toBe(P('duplicate-object'));
  });

  it('REQ-API-033/035: supersedes a record; the old one stays, superseded; a second supersede is 409', async () => {
    const p = await t.party();
    const first = await p.record({ purposes: { all: 'deny' }, issued_at: toTimestamp(Date.now() - 10_000) });
    await t.postJws('/v1/records', first.jws);
    const second = await p.record({ purposes: { all: 'allow' }, supersedes: first.id });
    expect((await t.postJws('/v1/records', second.jws)).status).toBe(201);
    const old = schemas.RecordView.parse(await (await t.get(`/v1/records/${first.id}`)).json());
    expect(old).toMatchObject({ status: 'superseded', superseded_by: second.id });
    const decision = (await (await t.get(`/v1/decision?id=${ISBN}&purpose=train.genai`)).json()) as {
      decision: string;
      records: string[];
    };
    expect(decision).toMatchObject({ decision: 'allow', records: [second.id] });
    const third = await p.record({ purposes: { all: 'deny' }, supersedes: first.id });
    expect(await problemType(await t.postJws('/v1/records', third.jws))).toBe(P('conflict'));
  });

  it('REQ-API-033: a supersede of another issuer is 403, of an unknown record 404', async () => {
    const a = await t.party();
    const b = await t.party();
    const recordA = await a.record();
    await t.postJws('/v1/records', recordA.jws);
    const hostile = await b.record({ supersedes: recordA.id });
    expect(await problemType(await t.postJws('/v1/records', hostile.jws))).toBe(P('forbidden'));
    const dangling = await b.record({ supersedes: 'e'.repeat(64) });
    expect(await problemType(await t.postJws('/v1/records', dangling.jws))).toBe(P('not-found'));
    expect(schemas.RecordView.parse(await (await t.get(`/v1/records/${recordA.id}`)).json()).status).toBe(
      'current',
    );
  });

  it('REQ-API-036: lists the records of an issuer oldest first, by pages; refuses bad parameters', async () => {
    const p = await t.party();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const record = await p.record({ ids: [`kyodaku:test/work/${i}`] });
      await t.postJws('/v1/records', record.jws);
      ids.push(record.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const response = await t.get(`/v1/records?issuer=${p.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const list = schemas.RecordList.parse(await response.json());
      seen.push(...list.records.map((r) => r.id));
      cursor = list.next_cursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(ids);
    expect(await problemType(await t.get(`/v1/records?issuer=${p.id}&limit=0`))).toBe(P('invalid-request'));
    expect(await problemType(await t.get(`/v1/records?issuer=${p.id}&limit=1001`))).toBe(
      P('invalid-request'),
    );
    expect(await problemType(await t.get(`/v1/records?issuer=${p.id}&cursor=x`))).toBe(P('invalid-request'));
    expect(await problemType(await t.get('/v1/records'))).toBe(P('invalid-request'));
  });

  it('GET of an unknown record is 404', async () => {
    expect(await problemType(await t.get(`/v1/records/${'0'.repeat(64)}`))).toBe(P('not-found'));
  });
});

describe('revocations', () => {
  it('REQ-API-040/041: the issuer revokes its record; nobody else can; twice is 409; unknown is 404', async () => {
    const p = await t.party();
    const other = await t.party();
    const record = await p.record({ purposes: { all: 'allow' } });
    await t.postJws('/v1/records', record.jws);
    const hostile = await signObject(
      'revocation',
      { kind: 'revocation', v: 1, iss: other.id, record: record.id, issued_at: toTimestamp() },
      other.signer,
    );
    expect(await problemType(await t.postJws('/v1/revocations', hostile.jws))).toBe(P('forbidden'));

    const revocation = await p.revocation(record.id, toTimestamp(Date.now() + 2000));
    const response = await t.postJws('/v1/revocations', revocation.jws);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/revocations/${revocation.id}`);
    expect(schemas.RevocationView.parse(await response.json()).revocation.record).toBe(record.id);
    expect(
      schemas.RevocationView.parse(await (await t.get(`/v1/revocations/${revocation.id}`)).json()).id,
    ).toBe(revocation.id);
    const view = schemas.RecordView.parse(await (await t.get(`/v1/records/${record.id}`)).json());
    expect(view).toMatchObject({
      status: 'revoked',
      revoked_by: revocation.id,
      revoked_at: revocation.payload.issued_at,
    });
    const after = toTimestamp(Date.parse(revocation.payload.issued_at));
    const decision = (await (await t.get(`/v1/decision?id=${ISBN}&purpose=tdm&at=${after}`)).json()) as {
      reasons: string[];
    };
    expect(decision.reasons).toEqual(['no-record']);
    // earlier decisions are still answered from history
    const before = (await (
      await t.get(`/v1/decision?id=${ISBN}&purpose=tdm&at=${toTimestamp()}`)
    ).json()) as { decision: string };
    expect(before.decision).toBe('allow');

    const again = await p.revocation(record.id, toTimestamp(Date.now() + 3000));
    expect(await problemType(await t.postJws('/v1/revocations', again.jws))).toBe(P('conflict'));
    const unknown = await p.revocation('d'.repeat(64));
    expect(await problemType(await t.postJws('/v1/revocations', unknown.jws))).toBe(P('not-found'));
    expect(await problemType(await t.get(`/v1/revocations/${'0'.repeat(64)}`))).toBe(P('not-found'));
  });
});

describe('works', () => {
  it('REQ-API-060: normalizes the identifier and lists every record naming it, current and past', async () => {
    const p = await t.party();
    const a = await p.record({ ids: [ISBN], issued_at: toTimestamp(Date.now() - 5000) });
    await t.postJws('/v1/records', a.jws);
    const b = await p.record({ ids: [ISBN], supersedes: a.id });
    await t.postJws('/v1/records', b.jws);
    const pattern = await p.record({ ids: ['url:https://manga.example/hoshi/*'] });
    await t.postJws('/v1/records', pattern.jws);

    const response = await t.get(`/v1/works/${encodeURIComponent('ISBN:978-4-08-872509-3')}`);
    const view = schemas.WorkView.parse(await response.json());
    expect(view.id).toBe(ISBN);
    expect(view.records.map((r) => [r.id, r.status])).toEqual([
      [a.id, 'superseded'],
      [b.id, 'current'],
    ]);
    const byUrl = schemas.WorkView.parse(
      await (
        await t.get(`/v1/works/${encodeURIComponent('url:https://manga.example/hoshi/vol1/p1.png')}`)
      ).json(),
    );
    expect(byUrl.records.map((r) => r.id)).toEqual([pattern.id]);
    const none = schemas.WorkView.parse(await (await t.get('/v1/works/isbn%3A9784063842760')).json());
    expect(none.records).toEqual([]);
    expect(await problemType(await t.get('/v1/works/nonsense'))).toBe(P('invalid-identifier'));
  });
});

describe('decisions', () => {
  it('REQ-QUERY-001/003: no record is deny/no-record, at the time of answering', async () => {
    const response = await t.get(`/v1/decision?id=${ISBN}&purpose=train.genai`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = schemas.Decision.parse(await response.json());
    expect(body).toMatchObject({
      ids: [ISBN],
      decision: 'deny',
      reasons: ['no-record'],
      records: [],
      disputed: false,
    });
    expect(Math.abs(Date.parse(body.at) - Date.now())).toBeLessThan(5000);
  });

  it('REQ-QUERY-004: a group purpose has leaves and the most restrictive answer; conditions come back', async () => {
    const p = await t.party();
    const conditions = {
      compensation: { model: 'per-use' as const, currency: 'JPY', amount: '50', unit: 'image' },
    };
    const record = await p.record({
      purposes: { 'train.genai': 'allow', 'train.finetune': 'conditional', 'train.nongen': 'allow' },
      conditions,
    });
    await t.postJws('/v1/records', record.jws);
    const body = schemas.Decision.parse(await (await t.get(`/v1/decision?id=${ISBN}&purpose=train`)).json());
    expect(body.decision).toBe('conditional');
    expect(Object.keys(body.leaves ?? {})).toEqual(['train.genai', 'train.finetune', 'train.nongen']);
    expect(body.conditions).toEqual([{ record: record.id, conditions }]);
    const all = schemas.Decision.parse(await (await t.get(`/v1/decision?id=${ISBN}&purpose=all`)).json());
    expect(all.decision).toBe('deny');
    expect(Object.keys(all.leaves ?? {})).toHaveLength(12);
  });

  it('several ids of one item; url prefix patterns match', async () => {
    const p = await t.party();
    const record = await p.record({
      ids: ['url:https://manga.example/hoshi/*'],
      purposes: { search: 'allow' },
    });
    await t.postJws('/v1/records', record.jws);
    const body = schemas.Decision.parse(
      await (
        await t.get(
          `/v1/decision?id=${encodeURIComponent('sha256:'.concat('ab'.repeat(32)))}&id=${encodeURIComponent('https://manga.example/hoshi/1.png'.replace(/^/, 'url:'))}&purpose=search`,
        )
      ).json(),
    );
    expect(body).toMatchObject({ decision: 'allow', records: [record.id] });
  });

  it('REQ-DECIDE-005: two issuers claiming one work: disputed, most restrictive', async () => {
    const a = await t.party();
    const b = await t.party();
    await t.postJws('/v1/records', (await a.record({ purposes: { all: 'allow' } })).jws);
    await t.postJws('/v1/records', (await b.record({ purposes: { all: 'deny' } })).jws);
    const body = schemas.Decision.parse(await (await t.get(`/v1/decision?id=${ISBN}&purpose=tdm`)).json());
    expect(body).toMatchObject({ decision: 'deny', disputed: true });
    expect(body.reasons).toContain('disputed');
  });

  it('REQ-QUERY-002/005: refuses missing or unknown purpose, missing or invalid id, bad at, too many ids', async () => {
    expect(await problemType(await t.get(`/v1/decision?id=${ISBN}`))).toBe(P('unknown-purpose'));
    expect(await problemType(await t.get(`/v1/decision?id=${ISBN}&purpose=train.everything`))).toBe(
      P('unknown-purpose'),
    );
    expect(await problemType(await t.get('/v1/decision?purpose=tdm'))).toBe(P('invalid-identifier'));
    expect(await problemType(await t.get('/v1/decision?id=nope&purpose=tdm'))).toBe(P('invalid-identifier'));
    expect(await problemType(await t.get(`/v1/decision?id=${ISBN}&purpose=tdm&at=yesterday`))).toBe(
      P('invalid-request'),
    );
    expect(
      await problemType(await t.get(`/v1/decision?id=${ISBN}&purpose=tdm&at=2026-01-01T00:00:00.5Z`)),
    ).toBe(P('invalid-request'));
    const many = Array.from({ length: 101 }, (_, i) => `id=kyodaku:x/${i}`).join('&');
    expect(await problemType(await t.get(`/v1/decision?${many}&purpose=tdm`))).toBe(P('invalid-request'));
  });

  it('REQ-QUERY-010/012/014: a batch answers every pair in order, equal to the single answers', async () => {
    const p = await t.party();
    const record = await p.record({ purposes: { 'train.genai': 'deny', search: 'allow' } });
    await t.postJws('/v1/records', record.jws);
    const ids = [ISBN, 'isbn:978-4-06-384276-0', 'not an id', 'url:https://manga.example/x'];
    const purposes = ['search', 'train.genai', 'train'];
    const at = toTimestamp();
    const response = await t.postJson('/v1/decisions', { ids, purposes, at });
    expect(response.status).toBe(200);
    const body = schemas.BatchDecisionResponse.parse(await response.json());
    expect(body.at).toBe(at);
    expect(body.results).toHaveLength(ids.length * purposes.length);
    let i = 0;
    for (const id of ids) {
      for (const purpose of purposes) {
        const item = body.results[i++] as Record<string, unknown>;
        expect(item.id).toBe(id);
        if (id === 'not an id') {
          expect((item.error as { type: string }).type).toBe(P('invalid-identifier'));
          continue;
        }
        const single = (await (
          await t.get(`/v1/decision?id=${encodeURIComponent(id)}&purpose=${purpose}&at=${at}`)
        ).json()) as Record<string, unknown>;
        const { ids: _ids, at: _at, leaves: _leaves, ...expected } = single;
        expect(item).toEqual({ id, ...expected });
      }
    }
  });

  it('REQ-QUERY-011: more than max_batch_ids is 413 batch-too-large', async () => {
    const ids = Array.from({ length: 10_001 }, (_, i) => `kyodaku:x/${i}`);
    expect(await problemType(await t.postJson('/v1/decisions', { ids, purposes: ['tdm'] }))).toBe(
      P('batch-too-large'),
    );
    const ok = await t.postJson('/v1/decisions', { ids: ids.slice(0, 10_000), purposes: ['tdm'] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { results: unknown[] }).results).toHaveLength(10_000);
  });

  it('REQ-QUERY-013: malformed JSON, schema violations and unknown purposes', async () => {
    expect(await problemType(await t.postJson('/v1/decisions', '{"ids":'))).toBe(P('malformed-json'));
    expect(await problemType(await t.postJson('/v1/decisions', []))).toBe(P('invalid-request'));
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [ISBN] }))).toBe(P('invalid-request'));
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [], purposes: ['tdm'] }))).toBe(
      P('invalid-request'),
    );
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [1], purposes: ['tdm'] }))).toBe(
      P('invalid-request'),
    );
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: ['x'.repeat(2049)], purposes: ['tdm'] })),
    ).toBe(P('invalid-request'));
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['tdm', 'tdm'] })),
    ).toBe(P('invalid-request'));
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['tdm'], extra: 1 })),
    ).toBe(P('invalid-request'));
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['tdm'], at: 'now' })),
    ).toBe(P('invalid-request'));
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['dance'] }))).toBe(
      P('unknown-purpose'),
    );
    // Every purpose of the vocabulary at once: max_batch_purposes (16).
    expect(PURPOSES).toHaveLength(schemas.LIMITS.maxBatchPurposes);
    expect((await t.postJson('/v1/decisions', { ids: [ISBN], purposes: PURPOSES })).status).toBe(200);
  });
});

describe('errors and limits', () => {
  it('REQ-ERR-004/005: unknown path 404, unsupported method 405 with Allow', async () => {
    expect(await problemType(await t.get('/v2/nothing'))).toBe(P('not-found'));
    const response = await t.app.request('/v1/records', { method: 'DELETE' });
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(await problemType(response)).toBe(P('method-not-allowed'));
    expect(await problemType(await t.app.request('/v1/decision', { method: 'POST' }))).toBe(
      P('method-not-allowed'),
    );
    expect(await problemType(await t.app.request('/.well-known/kyodaku', { method: 'PUT' }))).toBe(
      P('method-not-allowed'),
    );
  });

  it('REQ-ERR-003: a JWS over max_jws_bytes and a body over max_body_bytes are 413', async () => {
    expect(await problemType(await t.postJws('/v1/records', 'a'.repeat(65_536)))).toBe(
      P('payload-too-large'),
    );
    const big = JSON.stringify({ ids: ['x'.repeat(5 * 1024 * 1024)], purposes: ['tdm'] });
    expect(await problemType(await t.postJson('/v1/decisions', big))).toBe(P('payload-too-large'));
  });

  it('REQ-ERR-001/002: problems have the problem media type and no stack traces', async () => {
    const response = await t.postJws('/v1/records', 'x.y.z');
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = schemas.Problem.parse(await response.json());
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts|node_modules|\/work\//);
  });
});

describe('storage', () => {
  it('every accepted object gets a dense seq from 0 (admin requests included)', async () => {
    const p = await t.party(); // party, admin request, attestation
    await t.postJws('/v1/records', (await p.record()).jws);
    const rows = await t.node.client.execute('SELECT seq, kind FROM objects ORDER BY seq');
    expect(rows.rows.map((r) => [Number(r.seq), r.kind])).toEqual([
      [0, 'party'],
      [1, 'admin'],
      [2, 'attestation'],
      [3, 'record'],
    ]);
  });

  it('the database runs in WAL mode with its pragmas on its connection', () => {
    expect(t.node.pragmas).toMatchObject({ journal_mode: 'wal', busy_timeout: 5000 });
  });
});
