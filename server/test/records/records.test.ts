/** Records, revocations and works (spec/http-api.md §3.2, §3.3, §3.6), in-process through app.request(). */
import {
  createRecord,
  generateKeyPair,
  importSigner,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const ISBN = 'isbn:9784088725093';

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

  it('REQ-API-014: refuses a party update, a record and a revocation dated more than 300 s ahead; stores none; at 300 s it accepts', async () => {
    const p = await t.party();
    const record = await p.record({ purposes: { all: 'allow' } });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    const size = t.node.objects.size;
    const far = '9999-12-31T23:59:59Z';
    const ahead = toTimestamp(t.node.now() + 305_000);
    for (const at of [far, ahead]) {
      const revocation = await p.revocation(record.id, at);
      expect(await problemType(await t.postJws('/v1/revocations', revocation.jws))).toBe(
        P('schema-violation'),
      );
      const superseding = await p.record({ supersedes: record.id, issued_at: at, valid_from: at });
      expect(await problemType(await t.postJws('/v1/records', superseding.jws))).toBe(P('schema-violation'));
      const update = await signObject('party', { ...p.party.payload, issued_at: at }, p.signer);
      expect(await problemType(await t.postJws('/v1/parties', update.jws))).toBe(P('schema-violation'));
    }
    expect(t.node.objects.size).toBe(size);
    const view = schemas.RecordView.parse(await (await t.get(`/v1/records/${record.id}`)).json());
    expect(view.status).toBe('current');
    // The issuer can still correct the record at once, and a revocation at the bound is accepted.
    const edge = await p.revocation(record.id, toTimestamp(t.node.now() + 300_000));
    expect((await t.postJws('/v1/revocations', edge.jws)).status).toBe(201);
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
  it('REQ-API-040/041: the issuer revokes its record; nobody else can; twice or superseded is 409; unknown is 404', async () => {
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
    // A superseded record is no longer current: its issuer revokes the record that superseded it.
    const first = await p.record({ ids: ['isbn:9784088725000'], issued_at: toTimestamp(Date.now() - 5000) });
    expect((await t.postJws('/v1/records', first.jws)).status).toBe(201);
    const second = await p.record({ ids: ['isbn:9784088725000'], supersedes: first.id });
    expect((await t.postJws('/v1/records', second.jws)).status).toBe(201);
    const ofSuperseded = await p.revocation(first.id);
    expect(await problemType(await t.postJws('/v1/revocations', ofSuperseded.jws))).toBe(P('conflict'));
    expect((await t.postJws('/v1/revocations', (await p.revocation(second.id)).jws)).status).toBe(201);
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
