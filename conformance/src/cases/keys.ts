/** Key change and key compromise (kyodaku.md §6.4, §6.5; http-api.md §3.6). */
import { createKeyCompromise, schemas, signKeyChange, signObject, toTimestamp } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context, TestKey, TestParty } from '../context.ts';
import { equal, expectJson, expectProblem } from '../expect.ts';
import { craftJws } from '../jws-craft.ts';

/** A key change of `party` from its current key `current` to a fresh key (not posted). */
async function keyChange(ctx: Context, party: TestParty, current: TestKey, next?: TestKey) {
  const newKey = next ?? (await ctx.newKey());
  const change = await signKeyChange({
    iss: party.kid,
    oldSigner: current.signer,
    newSigner: newKey.signer,
    newKey: newKey.publicJwk,
    issued_at: ctx.time(-30),
  });
  return { newKey, change };
}

/** Rotates `party` to a fresh key and asserts 201; returns the new key. */
async function rotate(ctx: Context, party: TestParty): Promise<TestKey> {
  const { newKey, change } = await keyChange(ctx, party, party);
  expectJson(
    await ctx.post('/v1/key-changes', change.jws),
    201,
    schemas.KeyChangeView,
    'POST /v1/key-changes',
  );
  return newKey;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const keyCases: Case[] = defineCases([
  {
    id: 'core-key-rotate-keeps-decisions',
    requirements: ['REQ-KEY-005', 'REQ-API-091', 'REQ-KEY-004'],
    level: 'MUST',
    profile: 'core',
    title:
      'after a key change the party keeps its records and decisions, and records signed with the new key are accepted',
    async run(ctx) {
      const p = await ctx.party('rights-holder');
      const work = ctx.workId();
      const before = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { all: 'allow' },
      });
      const newKey = await rotate(ctx, p);
      const kept = await ctx.decision(work, 'train.genai');
      equal([kept.decision, kept.records], ['allow', [before.id]], 'decision after the key change');
      const next = await ctx.signRecord(
        p,
        { work: { type: 'work', ids: [work] }, purposes: { all: 'deny' }, issued_at: ctx.time(-10) },
        newKey.signer,
      );
      expectJson(
        await ctx.post('/v1/records', next.jws),
        201,
        schemas.RecordView,
        'a record signed with the new key',
      );
      const after = await ctx.decision(work, 'train.genai');
      equal([after.decision, after.records], ['deny', [next.id]], 'decision by the new record');
    },
  },
  {
    id: 'core-key-old-key-refused',
    requirements: ['REQ-KEY-004', 'REQ-SIG-003'],
    refuses: ['REQ-KEY-004'],
    level: 'MUST',
    profile: 'core',
    title: 'after a key change a record signed with the old key is 400 unknown-key and not stored',
    async run(ctx) {
      const p = await ctx.party('rights-holder');
      await rotate(ctx, p);
      const stale = await ctx.signRecord(p, { issued_at: ctx.time(-10) });
      expectProblem(await ctx.post('/v1/records', stale.jws), 'unknown-key');
      await ctx.expectNotStored(`/v1/records/${stale.id}`);
    },
  },
  {
    id: 'core-key-change-needs-both-keys',
    requirements: ['REQ-KEY-001', 'REQ-KEY-002', 'REQ-API-090'],
    refuses: ['REQ-KEY-001', 'REQ-KEY-002', 'REQ-API-090'],
    level: 'MUST',
    profile: 'core',
    title:
      'a key change not signed by the current key is 400 unknown-key; one whose proof is not by new_key is 400 invalid-signature',
    async run(ctx) {
      const p = await ctx.party('rights-holder');
      const stranger = await ctx.newKey();
      const byStranger = await keyChange(ctx, p, stranger);
      expectProblem(await ctx.post('/v1/key-changes', byStranger.change.jws), 'unknown-key');
      await ctx.expectNotStored(`/v1/key-changes/${byStranger.change.id}`);

      // The proof is by another key than the one the change binds.
      const other = await keyChange(ctx, p, p);
      const claimed = await ctx.newKey();
      const forged = await signObject(
        'key-change',
        { ...other.change.payload, new_key: claimed.publicJwk },
        p.signer,
      );
      expectProblem(await ctx.post('/v1/key-changes', forged.jws), 'invalid-signature');
      await ctx.expectNotStored(`/v1/key-changes/${forged.id}`);

      // Dated more than 300 seconds ahead.
      const ahead = await ctx.newKey();
      const future = await signKeyChange({
        iss: p.kid,
        oldSigner: p.signer,
        newSigner: ahead.signer,
        newKey: ahead.publicJwk,
        issued_at: ctx.time(3600),
      });
      expectProblem(await ctx.post('/v1/key-changes', future.jws), 'schema-violation');
      await ctx.expectNotStored(`/v1/key-changes/${future.id}`);
    },
  },
  {
    id: 'core-key-change-taken-key',
    requirements: ['REQ-KEY-003'],
    refuses: ['REQ-KEY-003'],
    level: 'MUST',
    profile: 'core',
    title: 'a key change to a key that is another party is 409 conflict',
    async run(ctx) {
      const p = await ctx.party('rights-holder');
      const q = await ctx.party('rights-holder', { attest: false });
      const { change } = await keyChange(ctx, p, p, q);
      expectProblem(await ctx.post('/v1/key-changes', change.jws), 'conflict');
      await ctx.expectNotStored(`/v1/key-changes/${change.id}`);
    },
  },
  {
    id: 'core-key-compromise-refusals',
    requirements: ['REQ-KEY-006'],
    refuses: ['REQ-KEY-006'],
    level: 'MUST',
    profile: 'core',
    title:
      'a compromise of the current key is 409 conflict, of a key not of the party 404 not-found, dated before compromised_at 400 schema-violation',
    async run(ctx) {
      const p = await ctx.party('rights-holder');
      const declare = (key: string, compromisedAt: string, issuedAt = ctx.time(-10)) =>
        signObject(
          'key-compromise',
          createKeyCompromise({ iss: p.kid, key, compromised_at: compromisedAt, issued_at: issuedAt }),
          p.signer,
        );
      const current = await declare(p.kid, ctx.time(-60));
      expectProblem(await ctx.post('/v1/key-compromises', current.jws), 'conflict');
      const stranger = await ctx.newKey();
      const foreign = await declare(stranger.kid, ctx.time(-60));
      expectProblem(await ctx.post('/v1/key-compromises', foreign.jws), 'not-found');
      await ctx.expectNotStored(`/v1/key-compromises/${foreign.id}`);
      // compromised_at later than issued_at (signed as is: the client's builders refuse it).
      const backwards = await craftJws({
        header: { alg: 'Ed25519', kid: p.kid, typ: 'kyodaku-key-compromise+jws' },
        payload: {
          ...createKeyCompromise({
            iss: p.kid,
            key: p.kid,
            compromised_at: ctx.time(0),
            issued_at: ctx.time(-60),
          }),
        },
        signer: p.signer,
      });
      expectProblem(await ctx.post('/v1/key-compromises', backwards), 'schema-violation');
    },
  },
  {
    id: 'core-key-compromise-since',
    requirements: ['REQ-KEY-007', 'REQ-API-091'],
    level: 'MUST',
    profile: 'core',
    title:
      'after a declared compromise, records signed with the key and logged since compromised_at stop counting; earlier ones still count',
    async run(ctx) {
      const p = await ctx.party('rights-holder');
      const early = ctx.workId('early');
      const late = ctx.workId('late');
      const first = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [early] },
        purposes: { all: 'allow' },
      });
      const compromisedAt = toTimestamp(Date.parse(first.view.received_at) + 1000);
      await sleep(Math.max(0, Date.parse(compromisedAt) - Date.now()) + 1100);
      // The thief's record: dated two minutes ago, logged after compromised_at.
      const stolen = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [late] },
        purposes: { all: 'allow' },
      });
      equal(stolen.view.received_at >= compromisedAt, true, 'the second record logged after compromised_at');
      const newKey = await rotate(ctx, p);
      const declaration = await signObject(
        'key-compromise',
        createKeyCompromise({
          iss: p.kid,
          key: p.kid,
          compromised_at: compromisedAt,
          issued_at: ctx.time(0),
        }),
        newKey.signer,
      );
      expectJson(
        await ctx.post('/v1/key-compromises', declaration.jws),
        201,
        schemas.KeyCompromiseView,
        'POST /v1/key-compromises',
      );
      equal(
        (await ctx.decision(late, 'train.genai')).decision,
        'deny',
        'decision on the record logged after',
      );
      const kept = await ctx.decision(early, 'train.genai');
      equal([kept.decision, kept.records], ['allow', [first.id]], 'decision on the record logged before');
      const view = await ctx.recordView(stolen.id);
      equal(
        [view.status, (view as { compromised_by?: unknown }).compromised_by],
        ['disqualified', declaration.id],
        'status and compromised_by of the record logged after (http-api.md §3.2)',
      );
      equal((await ctx.recordView(first.id)).status, 'current', 'status of the record logged before');
    },
  },
]);
