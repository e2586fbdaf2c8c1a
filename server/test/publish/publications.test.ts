/** Bulk publication, POST /v1/publications (spec/http-api.md §3.5), in-process through app.request(). */
import { schemas } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

async function publish(objects: unknown) {
  const response = await t.postJson('/v1/publications', { objects });
  expect(response.status).toBe(200);
  return schemas.PublicationResponse.parse(await response.json()).results;
}

const ok = (r: schemas.PublicationResult) => {
  if (r.status !== 201) throw new Error(`refused: ${JSON.stringify(r)}`);
  const { id, kind, location, log } = r as { id: string; kind: string; location: string; log: unknown };
  return { id, kind, location, log: schemas.EntryRef.parse(log) };
};
const problemOf = (r: schemas.PublicationResult) => {
  if (r.status === 201) throw new Error(`accepted: ${JSON.stringify(r)}`);
  const problem = schemas.Problem.parse((r as { problem: unknown }).problem);
  expect(problem.status).toBe(r.status);
  return problem.type;
};

describe('POST /v1/publications', () => {
  it('REQ-API-080/083/084: accepts records in order, each stored, logged and decided on at once', async () => {
    const p = await t.party();
    const records = await Promise.all(
      Array.from({ length: 50 }, (_, i) => p.record({ ids: [`url:https://bulk.example/works/${i}`] })),
    );
    const results = await publish(records.map((r) => r.jws));
    expect(results).toHaveLength(50);
    const indexes = results.map((r, i) => {
      const accepted = ok(r);
      expect(accepted.id).toBe(records[i]!.id);
      expect(accepted.kind).toBe('record');
      expect(accepted.location).toBe(`/v1/records/${records[i]!.id}`);
      return accepted.log.index;
    });
    // Dense and in entry order in the log.
    expect(indexes).toEqual(indexes.map((_, i) => indexes[0]! + i));
    const view = await t.get(`/v1/records/${records[7]!.id}`);
    expect(view.status).toBe(200);
    const body = schemas.RecordView.parse(await view.json());
    expect(body.log).toEqual(results[7]!.log);
    const decision = await t.get(
      `/v1/decision?id=${encodeURIComponent('url:https://bulk.example/works/7')}&purpose=train`,
    );
    expect(((await decision.json()) as { records: string[] }).records).toEqual([records[7]!.id]);
  });

  it('REQ-API-081: refuses each bad entry with the problem of its single endpoint, accepting the rest', async () => {
    const p = await t.party();
    const unattested = await t.party('rights-holder', false);
    const aiDeveloper = await t.party('ai-developer');
    const good = await p.record({ ids: ['isbn:9784088725093'] });
    const [h, pl, sig] = (await p.record({ ids: ['isbn:9784063842760'] })).jws.split('.');
    const badSignature = `${h}.${pl}.${sig!.startsWith('A') ? `B${sig!.slice(1)}` : `A${sig!.slice(1)}`}`;
    const admin = await t.admin({ action: 'attest', party: p.id });
    const results = await publish([
      good.jws,
      badSignature,
      (await unattested.record()).jws,
      (await aiDeveloper.record()).jws,
      admin.jws,
      'not a jws',
      p.party.jws,
    ]);
    expect(ok(results[0]!).id).toBe(good.id);
    expect(problemOf(results[1]!)).toBe(P('invalid-signature'));
    expect(problemOf(results[2]!)).toBe(P('unattested-key'));
    expect(problemOf(results[3]!)).toBe(P('forbidden'));
    expect(problemOf(results[4]!)).toBe(P('type-mismatch'));
    expect(results[5]!.status).toBe(400);
    // The party registration was accepted before: a duplicate, with the existing object's id.
    expect(problemOf(results[6]!)).toBe(P('duplicate-object'));
    expect((results[6] as { problem: { id?: string } }).problem.id).toBe(p.party.id);
    // The same answers as the single endpoints.
    expect(await problemType(await t.postJws('/v1/records', badSignature))).toBe(P('invalid-signature'));
    expect(await problemType(await t.postJws('/v1/records', admin.jws))).toBe(P('type-mismatch'));
    // Nothing of a refused entry is stored.
    const listed = await t.get(`/v1/records?issuer=${p.id}`);
    expect(((await listed.json()) as { records: unknown[] }).records).toHaveLength(1);
  });

  it('REQ-API-082: entries see the objects they act on in the same request; duplicates refused', async () => {
    const p = await t.party();
    const first = await p.record({ ids: ['isbn:9784088725093'], purposes: { all: 'deny' } });
    const second = await p.record({
      ids: ['isbn:9784088725093'],
      purposes: { all: 'allow' },
      supersedes: first.id,
    });
    const revocation = await p.revocation(second.id);
    const results = await publish([first.jws, second.jws, first.jws, revocation.jws]);
    expect(ok(results[0]!).kind).toBe('record');
    expect(ok(results[1]!).kind).toBe('record');
    expect(problemOf(results[2]!)).toBe(P('duplicate-object'));
    expect(ok(results[3]!)).toMatchObject({
      kind: 'revocation',
      location: `/v1/revocations/${revocation.id}`,
    });
    const view = schemas.RecordView.parse(await (await t.get(`/v1/records/${second.id}`)).json());
    expect(view.status).toBe('revoked');
    const old = schemas.RecordView.parse(await (await t.get(`/v1/records/${first.id}`)).json());
    expect(old.status).toBe('superseded');
    // A revocation before its record in the same request is applied after it.
    const third = await p.record({ ids: ['isbn:9784063842760'] });
    const early = await p.revocation(third.id);
    const again = await publish([early.jws, third.jws]);
    expect(ok(again[0]!).kind).toBe('revocation');
    expect(ok(again[1]!).id).toBe(third.id);
    expect(again[0]!.status === 201 && again[1]!.status === 201).toBe(true);
    const revoked = schemas.RecordView.parse(await (await t.get(`/v1/records/${third.id}`)).json());
    expect(revoked.status).toBe('revoked');
  });

  it('REQ-API-012/081: a large group with an object committed before: the duplicate is refused, the rest accepted', async () => {
    const p = await t.party();
    const earlier = await p.record({ ids: ['url:https://bulk.example/earlier'] });
    expect((await t.postJws('/v1/records', earlier.jws)).status).toBe(201);
    const fresh = await Promise.all(
      Array.from({ length: 120 }, (_, i) => p.record({ ids: [`url:https://bulk.example/fresh/${i}`] })),
    );
    // Large enough to be committed by the writer thread, where the UNIQUE index finds the duplicate.
    const results = await publish([
      ...fresh.slice(0, 60).map((r) => r.jws),
      earlier.jws,
      ...fresh.slice(60).map((r) => r.jws),
    ]);
    expect(problemOf(results[60]!)).toBe(P('duplicate-object'));
    const accepted = results.filter((r) => r.status === 201).map((r) => ok(r).log.index);
    expect(accepted).toHaveLength(120);
    // Dense: the refused entry took no index.
    expect(accepted).toEqual(accepted.map((_, i) => accepted[0]! + i));
    const listed = await t.get(`/v1/records?issuer=${p.id}&limit=1000`);
    expect(((await listed.json()) as { records: unknown[] }).records).toHaveLength(121);
  });

  it('REQ-ERR-002: hostile entries are each refused with a 4xx problem, never a 5xx', async () => {
    const p = await t.party();
    const good = await p.record();
    const [h, pl, sig] = good.jws.split('.') as [string, string, string];
    const bigHeader = Buffer.from(
      JSON.stringify({ alg: 'Ed25519', kid: p.id, typ: 'x'.repeat(10_000) }),
    ).toString('base64url');
    const hostile = [
      '',
      '..',
      '\u0000',
      'é.é.é',
      'a'.repeat(70_000),
      `${h}.${pl}`,
      `${h}.${pl}.${sig}.${sig}`,
      `${bigHeader}.${pl}.${sig}`,
      `${h}.${pl}.${'A'.repeat(86)}`,
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${pl}.`,
    ];
    const results = await publish([...hostile, good.jws]);
    for (const [i, r] of results.slice(0, -1).entries()) {
      expect(r.status, `entry ${i}`).toBeGreaterThanOrEqual(400);
      expect(r.status, `entry ${i}`).toBeLessThan(500);
      problemOf(r);
    }
    expect(results[4]!.status).toBe(413);
    expect(ok(results.at(-1)!).id).toBe(good.id);
  });

  it('REQ-API-080: refuses a malformed request as a whole and stores nothing', async () => {
    const p = await t.party();
    const record = await p.record();
    const sizeBefore = t.node.objects.size;
    const tooMany = Array.from({ length: schemas.LIMITS.maxBatchObjects + 1 }, () => record.jws);
    expect(await problemType(await t.postJson('/v1/publications', { objects: tooMany }))).toBe(
      P('batch-too-large'),
    );
    expect(await problemType(await t.postJson('/v1/publications', '{"objects": ['))).toBe(
      P('malformed-json'),
    );
    for (const body of [{}, { objects: [] }, { objects: [1] }, { objects: [record.jws], extra: 1 }, []]) {
      expect(await problemType(await t.postJson('/v1/publications', body))).toBe(P('invalid-request'));
    }
    const asJose = await t.postJws('/v1/publications', record.jws);
    expect(await problemType(asJose)).toBe(P('unsupported-media-type'));
    expect(t.node.objects.size).toBe(sizeBefore);
    const metadata = schemas.WellKnown.parse(await (await t.get('/.well-known/kyodaku')).json());
    expect(metadata.limits.max_batch_objects).toBeGreaterThanOrEqual(1000);
  });
});
