/**
 * Delegations (spec/kyodaku.md §6.6, http-api.md §3.7): while a performer's delegation to its agency
 * is in force, their records about one voice are one party's will (REQ-DECIDE-013), from when the
 * node logged the delegation until its revocation took effect (REQ-DEL-002); refusals store nothing
 * (REQ-DEL-001, REQ-API-092). Through app.request().
 */
import {
  createDelegation,
  createDelegationRevocation,
  generateKeyPair,
  importSigner,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { openNode } from '../../src/node.ts';
import { makeNode, problemType, type TestNode } from '../helpers.ts';

let clock = Date.parse('2026-03-01T00:00:00Z');
let t: TestNode;
beforeEach(async () => {
  clock = Date.parse('2026-03-01T00:00:00Z');
  t = await makeNode({ now: () => clock });
});
afterEach(() => t.close());

const VOICE = 'kyodaku:voice.example/minase-hikari';

async function decisionAt(at: number, get = t.get) {
  const q = `id=${encodeURIComponent(VOICE)}&purpose=generate.voice&at=${toTimestamp(at)}`;
  return schemas.Decision.parse(await (await get(`/v1/decision?${q}`)).json());
}

/** How many objects the node's log holds. */
const logSize = () => t.node.objects.size;

/** A performer and its agency, each with a record about the same voice: the agency's is newer. */
async function performerAndAgency() {
  const performer = await t.party('performer');
  const agency = await t.party('agency');
  const own = await performer.record({
    ids: [VOICE],
    purposes: { 'generate.voice': 'deny' },
    issued_at: toTimestamp(clock - 2000),
  });
  expect((await t.postJws('/v1/records', own.jws)).status).toBe(201);
  const byAgency = await agency.record({
    ids: [VOICE],
    purposes: { 'generate.voice': 'allow' },
    issued_at: toTimestamp(clock - 1000),
  });
  expect((await t.postJws('/v1/records', byAgency.jws)).status).toBe(201);
  return { performer, agency, own, byAgency };
}

describe('delegations', () => {
  it('REQ-DECIDE-013, REQ-DEL-002: a delegation makes the agency speak for the performer until revoked', async () => {
    const { performer, agency, own, byAgency } = await performerAndAgency();
    clock += 10_000;
    const before = await decisionAt(clock);
    expect([before.decision, before.disputed, before.records.length]).toEqual(['deny', true, 2]);
    const beforeDelegation = clock;

    clock += 10_000;
    // Backdated: it still counts only from when the node logged it.
    const delegation = await signObject(
      'delegation',
      createDelegation({ iss: performer.id, agent: agency.id, issued_at: toTimestamp(clock - 3_600_000) }),
      performer.signer,
    );
    const published = await t.postJws('/v1/delegations', delegation.jws);
    expect(published.status).toBe(201);
    expect(published.headers.get('location')).toBe(`/v1/delegations/${delegation.id}`);
    const view = schemas.DelegationView.parse(await published.json());
    expect(view.delegation.agent).toBe(agency.id);

    const after = await decisionAt(clock);
    expect([after.decision, after.disputed, after.records]).toEqual(['allow', false, [byAgency.id]]);
    const earlier = await decisionAt(beforeDelegation);
    expect([earlier.decision, earlier.disputed]).toEqual(['deny', true]);

    // The performer's newer record decides again: it is the newest of the two.
    clock += 10_000;
    const newer = await performer.record({ ids: [VOICE], purposes: { 'generate.voice': 'deny' } });
    expect((await t.postJws('/v1/records', newer.jws)).status).toBe(201);
    clock += 1_000;
    const performerAgain = await decisionAt(clock);
    expect([performerAgain.decision, performerAgain.disputed, performerAgain.records]).toEqual([
      'deny',
      false,
      [newer.id],
    ]);

    // Both parties list it.
    for (const party of [performer.id, agency.id]) {
      const list = schemas.DelegationList.parse(
        await (await t.get(`/v1/parties/${party}/delegations`)).json(),
      );
      expect(list.delegations.map((d) => d.id)).toEqual([delegation.id]);
    }

    clock += 10_000;
    const whileDelegated = clock;
    clock += 10_000;
    const revocation = await signObject(
      'delegation-revocation',
      createDelegationRevocation({
        iss: performer.id,
        delegation: delegation.id,
        issued_at: toTimestamp(clock),
      }),
      performer.signer,
    );
    expect((await t.postJws('/v1/delegation-revocations', revocation.jws)).status).toBe(201);
    const revoked = schemas.DelegationView.parse(
      await (await t.get(`/v1/delegations/${delegation.id}`)).json(),
    );
    expect([revoked.revoked_by, revoked.revoked_at]).toEqual([revocation.id, toTimestamp(clock)]);
    clock += 1_000;
    const ended = await decisionAt(clock);
    expect([ended.disputed, ended.records.sort()]).toEqual([true, [newer.id, byAgency.id].sort()]);
    expect((await decisionAt(whileDelegated)).disputed).toBe(false);
    expect(own.id).not.toBe(newer.id);

    // Kept across a restart: the index is rebuilt from the database.
    t.node.close();
    t.node.close = () => {};
    const reopened = await openNode({
      db: t.db,
      dataDir: t.dir,
      now: () => clock,
    });
    const app = createApp(reopened);
    const get = (path: string) => app.request(path);
    expect((await decisionAt(whileDelegated, get)).disputed).toBe(false);
    expect((await decisionAt(clock, get)).disputed).toBe(true);
    reopened.close();
  });

  it("REQ-DECIDE-013: a prompt naming the voice is decided as the performer's will once it delegated", async () => {
    const performer = await t.party('performer');
    const agency = await t.party('agency');
    const work = {
      type: 'voice' as const,
      ids: [VOICE],
      titles: { ja: '水瀬ひかり', 'ja-Latn': 'Minase Hikari' },
    };
    for (const [party, value, age] of [
      [performer, 'deny', 2000],
      [agency, 'allow', 1000],
    ] as const) {
      const r = await party.record({
        work,
        purposes: { 'generate.voice': value },
        issued_at: toTimestamp(clock - age),
      });
      expect((await t.postJws('/v1/records', r.jws)).status).toBe(201);
    }
    const check = async () => {
      clock += 1000;
      const response = await t.postJson('/v1/prompt-checks', {
        text: '水瀬ひかりさんの声で歌って',
        purposes: ['generate.voice'],
      });
      expect(response.status).toBe(200);
      const [match] = schemas.PromptCheckResponse.parse(await response.json()).matches;
      return [match?.decision, match?.decisions['generate.voice']?.disputed];
    };
    expect(await check()).toEqual(['deny', true]);
    const delegation = await signObject(
      'delegation',
      createDelegation({ iss: performer.id, agent: agency.id, issued_at: toTimestamp(clock) }),
      performer.signer,
    );
    expect((await t.postJws('/v1/delegations', delegation.jws)).status).toBe(201);
    expect(await check()).toEqual(['allow', false]);
  });

  it('REQ-DEL-001, REQ-API-092: refuses bad delegations and revocations and stores nothing', async () => {
    const performer = await t.party('performer');
    const agency = await t.party('agency');
    const stranger = await generateKeyPair();
    const strangerSigner = await importSigner(stranger.privateJwk);
    const size = logSize();
    const delegate = (agent: string, signer = performer.signer, extra = {}) =>
      signObject(
        'delegation',
        createDelegation({ iss: performer.id, agent, issued_at: toTimestamp(clock), ...extra }),
        signer,
      );

    const unknownAgent = await t.postJws('/v1/delegations', (await delegate(stranger.kid)).jws);
    expect([unknownAgent.status, await problemType(unknownAgent)]).toEqual([
      404,
      'urn:kyodaku:problem:not-found',
    ]);
    const wrongKey = await t.postJws('/v1/delegations', (await delegate(agency.id, strangerSigner)).jws);
    expect(wrongKey.status).toBe(400);
    const future = await t.postJws(
      '/v1/delegations',
      (await delegate(agency.id, performer.signer, { issued_at: toTimestamp(clock + 600_000) })).jws,
    );
    expect([future.status, await problemType(future)]).toEqual([400, 'urn:kyodaku:problem:schema-violation']);

    const unknown = await signObject(
      'delegation-revocation',
      createDelegationRevocation({
        iss: performer.id,
        delegation: 'a'.repeat(64),
        issued_at: toTimestamp(clock),
      }),
      performer.signer,
    );
    const notHeld = await t.postJws('/v1/delegation-revocations', unknown.jws);
    expect([notHeld.status, await problemType(notHeld)]).toEqual([404, 'urn:kyodaku:problem:not-found']);
    expect(logSize()).toBe(size);

    const good = await delegate(agency.id);
    expect((await t.postJws('/v1/delegations', good.jws)).status).toBe(201);
    const byAgency = await signObject(
      'delegation-revocation',
      createDelegationRevocation({ iss: agency.id, delegation: good.id, issued_at: toTimestamp(clock) }),
      agency.signer,
    );
    const notTheirs = await t.postJws('/v1/delegation-revocations', byAgency.jws);
    expect([notTheirs.status, await problemType(notTheirs)]).toEqual([404, 'urn:kyodaku:problem:not-found']);
    const revoke = (reason: string) =>
      signObject(
        'delegation-revocation',
        createDelegationRevocation({
          iss: performer.id,
          delegation: good.id,
          issued_at: toTimestamp(clock),
          reason,
        }),
        performer.signer,
      );
    expect((await t.postJws('/v1/delegation-revocations', (await revoke('first')).jws)).status).toBe(201);
    const twice = await t.postJws('/v1/delegation-revocations', (await revoke('again')).jws);
    expect([twice.status, await problemType(twice)]).toEqual([409, 'urn:kyodaku:problem:conflict']);
    expect(logSize()).toBe(size + 2);
    expect((await t.get(`/v1/delegations/${'b'.repeat(64)}`)).status).toBe(404);
  });
});
