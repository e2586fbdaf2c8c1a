/** Key change and key compromise (spec/kyodaku.md §6.4, §6.5; http-api.md §3.6), through app.request(). */
import {
  createKeyCompromise,
  createRecord,
  generateKeyPair,
  importSigner,
  type RecordInput,
  type Signer,
  schemas,
  signKeyChange,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let clock = Date.parse('2026-03-01T00:00:00Z');
let t: TestNode;
beforeEach(async () => {
  clock = Date.parse('2026-03-01T00:00:00Z');
  t = await makeNode({ now: () => clock });
});
afterEach(() => t.close());

const ISBN = 'isbn:9784088725093';

async function newKey() {
  const keys = await generateKeyPair();
  return { keys, signer: await importSigner(keys.privateJwk) };
}

function record(iss: string, signer: Signer, purposes: RecordInput['purposes'], ids = [ISBN]) {
  return signObject(
    'record',
    createRecord({
      iss,
      work: { type: 'work', ids },
      purposes,
      issued_at: toTimestamp(clock - 1000),
    }),
    signer,
  );
}

async function decision(ids = [ISBN], purpose = 'train.genai') {
  const q = ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');
  const body = (await (
    await t.get(`/v1/decision?${q}&purpose=${purpose}&at=${toTimestamp(clock)}`)
  ).json()) as {
    decision: string;
    records: string[];
  };
  return body;
}

/** A key compromise of `iss` declaring `key` compromised since `since`, issued now, signed by `signer`. */
function compromiseOf(iss: string, key: string, since: string, signer: Signer) {
  return signObject(
    'key-compromise',
    createKeyCompromise({ iss, key, compromised_at: since, issued_at: toTimestamp(clock) }),
    signer,
  );
}

async function rotate(iss: string, oldSigner: Signer) {
  const next = await newKey();
  const change = await signKeyChange({
    iss,
    oldSigner,
    newSigner: next.signer,
    newKey: next.keys.publicJwk,
    issued_at: toTimestamp(clock),
  });
  return { next, change, response: await t.postJws('/v1/key-changes', change.jws) };
}

describe('key change', () => {
  it('REQ-KEY-005, REQ-KEY-004: a rotation keeps decisions; the new key publishes, the old key is refused', async () => {
    const p = await t.party();
    const before = await record(p.id, p.signer, { train: 'allow' });
    expect((await t.postJws('/v1/records', before.jws)).status).toBe(201);
    clock += 10_000;
    const { next, change, response } = await rotate(p.id, p.signer);
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/v1/key-changes/${change.id}`);
    expect(schemas.KeyChangeView.parse(await response.json()).key_change.iss).toBe(p.id);
    expect(await decision()).toMatchObject({ decision: 'allow', records: [before.id] });

    clock += 10_000;
    const stale = await record(p.id, p.signer, { train: 'deny' }, ['url:https://example.com/stolen']);
    const refused = await t.postJws('/v1/records', stale.jws);
    expect(refused.status).toBe(400);
    expect(await problemType(refused)).toBe(P('unknown-key'));

    const fresh = await record(p.id, next.signer, { train: 'deny' });
    expect((await t.postJws('/v1/records', fresh.jws)).status).toBe(201);
    expect(await decision()).toMatchObject({ decision: 'deny', records: [fresh.id] });

    const keys = schemas.PartyKeys.parse(await (await t.get(`/v1/parties/${p.id}/keys`)).json());
    expect(keys.current).toBe(next.keys.kid);
    expect(keys.keys.map((k) => k.kid)).toEqual([p.id, next.keys.kid]);
    expect((await t.get(`/v1/key-changes/${change.id}`)).status).toBe(200);
  });

  it('REQ-KEY-002: refuses a key change whose proof is not by the new key', async () => {
    const p = await t.party();
    const next = await newKey();
    const other = await newKey();
    const change = await signKeyChange({
      iss: p.id,
      oldSigner: p.signer,
      newSigner: other.signer,
      newKey: other.keys.publicJwk,
      issued_at: toTimestamp(clock),
    });
    // The proof is by `other`, the key change names `next`.
    const forged = await signObject(
      'key-change',
      { ...change.payload, new_key: next.keys.publicJwk },
      p.signer,
    );
    const response = await t.postJws('/v1/key-changes', forged.jws);
    expect(response.status).toBe(400);
    expect(await problemType(response)).toBe(P('invalid-signature'));
    expect(schemas.PartyKeys.parse(await (await t.get(`/v1/parties/${p.id}/keys`)).json()).current).toBe(
      p.id,
    );
  });

  it('REQ-KEY-001: refuses a key change not signed by the current key', async () => {
    const p = await t.party();
    const stranger = await newKey();
    const next = await newKey();
    const change = await signKeyChange({
      iss: p.id,
      oldSigner: stranger.signer,
      newSigner: next.signer,
      newKey: next.keys.publicJwk,
      issued_at: toTimestamp(clock),
    });
    const response = await t.postJws('/v1/key-changes', change.jws);
    expect(response.status).toBe(400);
    expect(await problemType(response)).toBe(P('unknown-key'));
  });

  it('REQ-KEY-003: refuses a new key that is already a party', async () => {
    const p = await t.party();
    const q = await t.party();
    const change = await signKeyChange({
      iss: p.id,
      oldSigner: p.signer,
      newSigner: q.signer,
      newKey: q.keys.publicJwk,
      issued_at: toTimestamp(clock),
    });
    const response = await t.postJws('/v1/key-changes', change.jws);
    expect(response.status).toBe(409);
    expect(await problemType(response)).toBe(P('conflict'));
  });
});

describe('key compromise', () => {
  it('REQ-KEY-007: records logged after compromised_at stop counting, earlier ones still count', async () => {
    const p = await t.party();
    const early = await record(p.id, p.signer, { train: 'allow' });
    expect((await t.postJws('/v1/records', early.jws)).status).toBe(201);
    clock += 3_600_000;
    const compromisedAt = toTimestamp(clock);
    clock += 60_000;
    // The thief's record, dated before the compromise but logged after it.
    const stolen = await signObject(
      'record',
      createRecord({
        iss: p.id,
        work: { type: 'work', ids: ['url:https://example.com/stolen'] },
        purposes: { train: 'allow' },
        issued_at: toTimestamp(clock - 7_200_000),
      }),
      p.signer,
    );
    expect((await t.postJws('/v1/records', stolen.jws)).status).toBe(201);
    expect((await decision(['url:https://example.com/stolen'])).decision).toBe('allow');

    clock += 60_000;
    const { next, response } = await rotate(p.id, p.signer);
    expect(response.status).toBe(201);
    const declaration = await compromiseOf(p.id, p.id, compromisedAt, next.signer);
    const declared = await t.postJws('/v1/key-compromises', declaration.jws);
    expect(declared.status).toBe(201);
    expect(schemas.KeyCompromiseView.parse(await declared.json()).key_compromise.key).toBe(p.id);

    expect((await decision(['url:https://example.com/stolen'])).decision).toBe('deny');
    expect(await decision()).toMatchObject({ decision: 'allow', records: [early.id] });
    // The views say so: the stolen record is disqualified by the declaration, the early one current.
    const stolenView = schemas.RecordView.parse(await (await t.get(`/v1/records/${stolen.id}`)).json());
    expect([stolenView.status, stolenView.compromised_by]).toEqual(['disqualified', declaration.id]);
    const earlyView = schemas.RecordView.parse(await (await t.get(`/v1/records/${early.id}`)).json());
    expect([earlyView.status, earlyView.compromised_by]).toEqual(['current', undefined]);
    const work = schemas.WorkView.parse(
      await (await t.get(`/v1/works/${encodeURIComponent('url:https://example.com/stolen')}`)).json(),
    );
    expect(work.records.map((r) => r.status)).toEqual(['disqualified']);
    const keys = schemas.PartyKeys.parse(await (await t.get(`/v1/parties/${p.id}/keys`)).json());
    expect(keys.keys[0]).toMatchObject({
      kid: p.id,
      compromised_at: compromisedAt,
      compromised_by: declaration.id,
    });

    // Kept across a restart: the index is rebuilt from the database.
    const { openNode } = await import('../../src/node.ts');
    const { createApp } = await import('../../src/app.ts');
    t.node.close();
    t.node.close = () => {};
    const reopened = await openNode({
      db: t.db,
      dataDir: t.dir,
      now: () => clock,
    });
    const app = createApp(reopened);
    const q = `id=${encodeURIComponent('url:https://example.com/stolen')}&purpose=train.genai&at=${toTimestamp(clock)}`;
    expect(((await (await app.request(`/v1/decision?${q}`)).json()) as { decision: string }).decision).toBe(
      'deny',
    );
    reopened.close();
  });

  it('REQ-KEY-006: refuses a compromise of the current key, of a foreign key, and twice', async () => {
    const p = await t.party();
    const current = await compromiseOf(p.id, p.id, toTimestamp(clock - 1000), p.signer);
    const own = await t.postJws('/v1/key-compromises', current.jws);
    expect(own.status).toBe(409);
    expect(await problemType(own)).toBe(P('conflict'));

    const q = await t.party();
    const foreign = await compromiseOf(p.id, q.id, toTimestamp(clock - 1000), p.signer);
    const notMine = await t.postJws('/v1/key-compromises', foreign.jws);
    expect(notMine.status).toBe(404);
    expect(await problemType(notMine)).toBe(P('not-found'));
  });
});

describe('party registration after a key change', () => {
  it('REQ-KEY-004: refuses a registration with the old key, and one with the new key as a new party', async () => {
    const p = await t.party();
    const { next, response } = await rotate(p.id, p.signer);
    expect(response.status).toBe(201);
    const update = await signObject('party', { ...p.party.payload, issued_at: toTimestamp(clock) }, p.signer);
    const old = await t.postJws('/v1/parties', update.jws);
    expect(old.status).toBe(400);
    expect(await problemType(old)).toBe(P('unknown-key'));
    const asNew = await signObject(
      'party',
      { ...p.party.payload, key: next.keys.publicJwk, issued_at: toTimestamp(clock) },
      next.signer,
    );
    const taken = await t.postJws('/v1/parties', asNew.jws);
    expect(taken.status).toBe(409);
    expect(await problemType(taken)).toBe(P('conflict'));
  });
});

describe('key compromise of revocations and supersessions', () => {
  it('REQ-KEY-007: a revocation and a supersession by the thief, logged after compromised_at, are undone', async () => {
    const p = await t.party();
    const kept = await record(p.id, p.signer, { train: 'allow' });
    const replaced = await record(p.id, p.signer, { train: 'allow' }, ['url:https://example.com/replaced']);
    expect((await t.postJws('/v1/records', kept.jws)).status).toBe(201);
    expect((await t.postJws('/v1/records', replaced.jws)).status).toBe(201);
    clock += 3_600_000;
    const compromisedAt = toTimestamp(clock);
    clock += 60_000;
    const revocation = await p.revocation(kept.id, toTimestamp(clock - 1000));
    expect((await t.postJws('/v1/revocations', revocation.jws)).status).toBe(201);
    const successor = await signObject(
      'record',
      createRecord({
        iss: p.id,
        work: { type: 'work', ids: ['url:https://example.com/replaced'] },
        purposes: { train: 'deny' },
        supersedes: replaced.id,
        issued_at: toTimestamp(clock - 1000),
      }),
      p.signer,
    );
    expect((await t.postJws('/v1/records', successor.jws)).status).toBe(201);
    expect((await decision()).decision).toBe('deny');
    expect((await decision(['url:https://example.com/replaced'])).decision).toBe('deny');

    clock += 60_000;
    const { next } = await rotate(p.id, p.signer);
    const declaration = await compromiseOf(p.id, p.id, compromisedAt, next.signer);
    expect((await t.postJws('/v1/key-compromises', declaration.jws)).status).toBe(201);
    expect(await decision()).toMatchObject({ decision: 'allow', records: [kept.id] });
    expect(await decision(['url:https://example.com/replaced'])).toMatchObject({
      decision: 'allow',
      records: [replaced.id],
    });
    const view = schemas.RecordView.parse(await (await t.get(`/v1/records/${kept.id}`)).json());
    expect(view.status).toBe('current');
  });
});
