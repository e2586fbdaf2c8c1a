/** Consent records and record revocations (http-api.md §3.2, §3.3; kyodaku.md §6.3). */
import { objectIdOf, type RecordInput, type Signer, schemas, signObject } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context, Published, TestKey, TestParty } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';

/** Publishes a record of `party` allowing every purpose (`all`) for a fresh work id; returns both. */
async function publishAllowAll(
  ctx: Context,
  party: TestParty,
  validity: Pick<Partial<RecordInput>, 'issued_at' | 'valid_from' | 'valid_until'> = {},
): Promise<{ work: string; record: Published }> {
  const work = ctx.workId();
  const record = await ctx.publishRecord(party, {
    work: { type: 'work', ids: [work] },
    purposes: { all: 'allow' },
    ...validity,
  });
  return { work, record };
}

/** A revocation of `record` naming `iss`, signed by `signer` and issued 30 seconds ago (not posted). */
function signRevocation(ctx: Context, iss: string, record: string, signer: Signer) {
  return signObject(
    'revocation',
    { kind: 'revocation', v: 1, iss, record, issued_at: ctx.time(-30) },
    signer,
  );
}

/** After a refused attack: the attacked record is still current and the decision is still `decision`. */
async function expectUntouched(
  ctx: Context,
  record: string,
  work: string,
  purpose: string,
  decision: string,
) {
  equal((await ctx.recordView(record)).status, 'current', 'status of the attacked record');
  equal((await ctx.decision(work, purpose)).decision, decision, 'decision');
}

/** A record whose issuer the node must not take: refused with the problem type, and not stored. */
const REFUSED_ISSUERS: {
  id: string;
  requirements: string[];
  title: string;
  issuer(ctx: Context): Promise<TestKey>;
  problem: string;
}[] = [
  {
    id: 'core-record-unregistered-issuer',
    requirements: ['REQ-API-030', 'REQ-SIG-003'],
    title: 'a record of an unregistered issuer is 400 unknown-key',
    issuer: (ctx) => ctx.newKey(),
    problem: 'unknown-key',
  },
  {
    id: 'core-record-unattested',
    requirements: ['REQ-API-031'],
    title:
      'a record of a registered but unattested party is 403 unattested-key (a key is not trusted by registering)',
    issuer: (ctx) => ctx.party('rights-holder', { attest: false }),
    problem: 'unattested-key',
  },
  {
    id: 'core-record-ai-developer',
    requirements: ['REQ-API-032'],
    title: 'a record of an attested ai-developer is 403 forbidden',
    issuer: (ctx) => ctx.party('ai-developer'),
    problem: 'forbidden',
  },
];

export const recordCases: Case[] = defineCases([
  {
    id: 'core-record-language-tags-well-formed',
    requirements: ['REQ-ID-032'],
    level: 'MUST',
    profile: 'core',
    title:
      'titles and aliases keyed by well-formed language tags (script, region, variants, extensions, private use, grandfathered, any case) are taken',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const tags = [
        ['ja-JP-u-ca-japanese', 'zh-Hant-TW', 'es-419', 'sl-rozaj-biske', 'EN-us'],
        ['x-whatever', 'i-klingon', 'en-a-bbb-x-a-ccc', 'zh-yue-HK', 'de-CH-1901'],
      ] as const;
      const r = await ctx.publishRecord(p, {
        work: {
          type: 'work',
          ids: [ctx.workId()],
          titles: Object.fromEntries(tags[0].map((t) => [t, 'Hoshi'])),
          aliases: Object.fromEntries(tags[1].map((t) => [t, ['Hoshi no Umi']])),
        },
      });
      equal(Object.keys(r.view.record.work.titles ?? {}).sort(), [...tags[0]].sort(), 'title languages');
    },
  },
  {
    id: 'core-record-publish',
    requirements: ['REQ-API-013', 'REQ-SIG-011', 'REQ-API-035'],
    level: 'MUST',
    profile: 'core',
    title: 'a record is published with 201, Location, and id = SHA-256 of its JWS; GET serves it as current',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const record = await ctx.signRecord(p);
      const res = await ctx.post('/v1/records', record.jws);
      const view = expectJson(res, 201, schemas.RecordView, 'POST /v1/records');
      equal(view.id, await objectIdOf(record.jws), 'id');
      equal(view.jws, record.jws, 'jws');
      equal(view.status, 'current', 'status');
      const location = res.headers.get('location');
      check(
        location?.endsWith(`/v1/records/${view.id}`),
        `Location ${location} does not name /v1/records/${view.id}`,
      );
      const got = await ctx.recordView(view.id);
      equal([got.id, got.jws, got.status], [view.id, record.jws, 'current'], 'GET the record');
    },
  },
  {
    id: 'core-record-unknown',
    requirements: ['REQ-ERR-004'],
    level: 'MUST',
    profile: 'core',
    title: 'GET of an unknown record id is 404 not-found',
    async run(ctx) {
      expectProblem(await ctx.http.get(`/v1/records/${'0'.repeat(64)}`), 'not-found');
    },
  },
  ...REFUSED_ISSUERS.map(
    ({ id, requirements, title, issuer, problem }): Case => ({
      id,
      requirements,
      refuses: requirements,
      level: 'MUST',
      profile: 'core',
      title,
      async run(ctx) {
        const record = await ctx.signRecord(await issuer(ctx));
        expectProblem(await ctx.post('/v1/records', record.jws), problem);
        await ctx.expectNotStored(`/v1/records/${record.id}`);
      },
    }),
  ),
  {
    id: 'core-record-replay',
    requirements: ['REQ-API-012'],
    refuses: ['REQ-API-012'],
    level: 'MUST',
    profile: 'core',
    title: 'replaying an accepted record is 409 duplicate-object with the existing id',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const record = await ctx.publishRecord(p);
      const res = await ctx.post('/v1/records', record.jws);
      expectProblem(res, 'duplicate-object');
      equal((res.json as { id?: unknown }).id, record.id, 'problem member id');
    },
  },
  {
    id: 'core-record-wrong-media-type',
    requirements: ['REQ-API-010', 'REQ-ERR-006'],
    refuses: ['REQ-API-010', 'REQ-ERR-006'],
    level: 'MUST',
    profile: 'core',
    title: 'a valid record sent as application/json (or without a media type) is 415 and not stored',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const record = await ctx.signRecord(p);
      expectProblem(await ctx.post('/v1/records', record.jws, 'application/json'), 'unsupported-media-type');
      expectProblem(
        await ctx.post('/v1/records', JSON.stringify(record.jws), 'application/json'),
        'unsupported-media-type',
      );
      expectProblem(
        await ctx.post('/v1/records', record.jws, 'application/jose+json'),
        'unsupported-media-type',
      );
      await ctx.expectNotStored(`/v1/records/${record.id}`);
    },
  },
  {
    id: 'core-record-supersede',
    requirements: ['REQ-RECORD-003', 'REQ-DECIDE-003', 'REQ-API-035', 'REQ-RECORD-005'],
    level: 'MUST',
    profile: 'core',
    title:
      'a superseding record replaces the old one: old status superseded (still served), the decision follows the new',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const old = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
        issued_at: ctx.time(-300),
      });
      const next = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'deny' },
        supersedes: old.id,
        issued_at: ctx.time(-200),
      });
      const oldView = await ctx.recordView(old.id);
      equal(
        [oldView.status, oldView.superseded_by, oldView.jws],
        ['superseded', next.id, old.jws],
        'the superseded record',
      );
      const d = await ctx.decision(work, 'train.genai');
      equal([d.decision, d.records], ['deny', [next.id]], 'decision after supersede');
    },
  },
  {
    id: 'core-record-supersede-foreign',
    requirements: ['REQ-RECORD-003', 'REQ-API-033'],
    refuses: ['REQ-RECORD-003', 'REQ-API-033'],
    level: 'MUST',
    profile: 'core',
    title: "superseding another issuer's record is 403 forbidden and changes nothing",
    async run(ctx) {
      const owner = await ctx.party();
      const attacker = await ctx.party();
      const work = ctx.workId();
      const victim = await ctx.publishRecord(owner, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'deny' },
      });
      const hostile = await ctx.signRecord(attacker, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
        supersedes: victim.id,
      });
      expectProblem(await ctx.post('/v1/records', hostile.jws), 'forbidden');
      await ctx.expectNotStored(`/v1/records/${hostile.id}`);
      await expectUntouched(ctx, victim.id, work, 'train.genai', 'deny');
    },
  },
  {
    id: 'core-record-supersede-unknown-or-done',
    requirements: ['REQ-API-033'],
    refuses: ['REQ-API-033'],
    level: 'MUST',
    profile: 'core',
    title:
      'superseding an unknown record is 404; superseding an already superseded or revoked record is 409 conflict',
    async run(ctx) {
      const p = await ctx.party();
      const unknown = await ctx.signRecord(p, { supersedes: 'cd'.repeat(32) });
      expectProblem(await ctx.post('/v1/records', unknown.jws), 'not-found');
      const a = await ctx.publishRecord(p, { issued_at: ctx.time(-300) });
      await ctx.publishRecord(p, { supersedes: a.id, issued_at: ctx.time(-250) });
      const twice = await ctx.signRecord(p, { supersedes: a.id, issued_at: ctx.time(-200) });
      expectProblem(await ctx.post('/v1/records', twice.jws), 'conflict');
      const b = await ctx.publishRecord(p, { issued_at: ctx.time(-300) });
      await ctx.revokeRecord(p, b.id);
      const afterRevoke = await ctx.signRecord(p, { supersedes: b.id, issued_at: ctx.time(-30) });
      expectProblem(await ctx.post('/v1/records', afterRevoke.jws), 'conflict');
    },
  },
  {
    id: 'core-record-expired',
    requirements: ['REQ-DECIDE-003', 'REQ-API-035'],
    level: 'MUST',
    profile: 'core',
    title: 'a record whose valid_until has passed is expired and does not count',
    async run(ctx) {
      const { work, record: r } = await publishAllowAll(ctx, await ctx.party(), {
        issued_at: ctx.time(-7200),
        valid_from: ctx.time(-7200),
        valid_until: ctx.time(-3600),
      });
      equal((await ctx.recordView(r.id)).status, 'expired', 'status');
      const d = await ctx.decision(work, 'train.genai');
      equal([d.decision, d.reasons], ['deny', ['no-record']], 'decision');
    },
  },
  {
    id: 'core-record-valid-until-future',
    requirements: ['REQ-DECIDE-003'],
    level: 'MUST',
    profile: 'core',
    title: 'a record counts before its valid_until and not at or after it',
    async run(ctx) {
      const until = ctx.time(3600);
      const { work } = await publishAllowAll(ctx, await ctx.party(), { valid_until: until });
      equal(
        (await ctx.decision(work, 'search', ctx.time(1800))).decision,
        'allow',
        'decision before valid_until',
      );
      equal((await ctx.decision(work, 'search', until)).decision, 'deny', 'decision at valid_until');
    },
  },
  {
    id: 'core-record-pending',
    requirements: ['REQ-DECIDE-003', 'REQ-API-035'],
    level: 'MUST',
    profile: 'core',
    title: 'a record before its valid_from is pending and does not count; it counts from valid_from',
    async run(ctx) {
      const from = ctx.time(3600);
      const { work, record: r } = await publishAllowAll(ctx, await ctx.party(), { valid_from: from });
      equal((await ctx.recordView(r.id)).status, 'pending', 'status');
      equal((await ctx.decision(work, 'search')).decision, 'deny', 'decision now');
      equal((await ctx.decision(work, 'search', from)).decision, 'allow', 'decision at valid_from');
    },
  },
  {
    id: 'core-record-listing',
    requirements: ['REQ-API-035', 'REQ-RECORD-005'],
    level: 'MUST',
    profile: 'core',
    title:
      "an issuer's records are listed oldest first, paged with next_cursor, including superseded and revoked ones",
    async run(ctx) {
      const p = await ctx.party();
      const a = await ctx.publishRecord(p, { issued_at: ctx.time(-400) });
      const b = await ctx.publishRecord(p, { supersedes: a.id, issued_at: ctx.time(-300) });
      const c = await ctx.publishRecord(p, { issued_at: ctx.time(-200) });
      await ctx.revokeRecord(p, c.id);
      const seen: { id: string; status: string }[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 5; page++) {
        const q = new URLSearchParams({ issuer: p.kid, limit: '2', ...(cursor && { cursor }) });
        const list = expectJson(
          await ctx.http.get(`/v1/records?${q}`),
          200,
          schemas.RecordList,
          'GET /v1/records',
        );
        check(list.records.length <= 2, `page of ${list.records.length} records with limit 2`);
        seen.push(...list.records.map((r) => ({ id: r.id, status: r.status })));
        cursor = list.next_cursor;
        if (cursor === null) break;
      }
      equal(
        seen,
        [
          { id: a.id, status: 'superseded' },
          { id: b.id, status: 'current' },
          { id: c.id, status: 'revoked' },
        ],
        'records listed',
      );
    },
  },
  {
    id: 'core-record-listing-invalid',
    requirements: ['REQ-API-036'],
    refuses: ['REQ-API-036'],
    level: 'MUST',
    profile: 'core',
    title:
      'a listing without a valid issuer, with a bad limit or with a foreign cursor is 400 invalid-request',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const bad = [
        '/v1/records',
        '/v1/records?issuer=not-a-party-id',
        `/v1/records?issuer=${p.kid}&limit=0`,
        `/v1/records?issuer=${p.kid}&limit=${ctx.limits.max_page_size + 1}`,
        `/v1/records?issuer=${p.kid}&limit=2.5`,
        `/v1/records?issuer=${p.kid}&limit=ten`,
        `/v1/records?issuer=${p.kid}&cursor=not-a-cursor-we-issued`,
      ];
      for (const path of bad) expectProblem(await ctx.http.get(path), 'invalid-request');
    },
  },
  {
    id: 'core-revoke',
    requirements: ['REQ-RECORD-004', 'REQ-DECIDE-003', 'REQ-API-035', 'REQ-RECORD-005'],
    level: 'MUST',
    profile: 'core',
    title: 'a revoked record is kept with status revoked and no longer counts',
    async run(ctx) {
      const p = await ctx.party();
      const { work, record: r } = await publishAllowAll(ctx, p);
      equal((await ctx.decision(work, 'search')).decision, 'allow', 'decision before revocation');
      const rev = await ctx.revokeRecord(p, r.id);
      const view = await ctx.recordView(r.id);
      equal([view.status, view.revoked_by, view.jws], ['revoked', rev.id, r.jws], 'the revoked record');
      check(view.revoked_at !== undefined, 'revoked_at missing');
      expectJson(
        await ctx.http.get(`/v1/revocations/${rev.id}`),
        200,
        schemas.RevocationView,
        'GET the revocation',
      );
      const d = await ctx.decision(work, 'search');
      equal([d.decision, d.reasons], ['deny', ['no-record']], 'decision after revocation');
    },
  },
  {
    id: 'core-revoke-foreign',
    requirements: ['REQ-RECORD-004', 'REQ-API-040'],
    refuses: ['REQ-RECORD-004', 'REQ-API-040'],
    level: 'MUST',
    profile: 'core',
    title: "revoking another issuer's record is 403 forbidden (also with a forged iss)",
    async run(ctx) {
      const owner = await ctx.party();
      const attacker = await ctx.party();
      const { work, record: r } = await publishAllowAll(ctx, owner);
      const own = await signRevocation(ctx, attacker.kid, r.id, attacker.signer);
      expectProblem(await ctx.post('/v1/revocations', own.jws), 'forbidden');
      const forged = await signRevocation(ctx, owner.kid, r.id, attacker.signer);
      const res = await ctx.post('/v1/revocations', forged.jws);
      expectProblem(res, 'forbidden', 'unknown-key');
      await expectUntouched(ctx, r.id, work, 'search', 'allow');
    },
  },
  {
    id: 'core-revoke-unknown-or-twice',
    requirements: ['REQ-API-041'],
    refuses: ['REQ-API-041'],
    level: 'MUST',
    profile: 'core',
    title: 'revoking an unknown record is 404; revoking a revoked record is 409 conflict',
    async run(ctx) {
      const p = await ctx.party();
      const unknown = await signRevocation(ctx, p.kid, 'ef'.repeat(32), p.signer);
      expectProblem(await ctx.post('/v1/revocations', unknown.jws), 'not-found');
      const r = await ctx.publishRecord(p);
      await ctx.revokeRecord(p, r.id, ctx.time(-60));
      const again = await signRevocation(ctx, p.kid, r.id, p.signer);
      expectProblem(await ctx.post('/v1/revocations', again.jws), 'conflict');
    },
  },
  {
    id: 'core-revoke-future-dated',
    requirements: ['REQ-API-014'],
    refuses: ['REQ-API-014'],
    level: 'MUST',
    profile: 'core',
    title:
      'a revocation dated more than 300 s ahead is 400 schema-violation and changes nothing; one dated now is taken',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const r = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
      });
      for (const at of [ctx.time(900), '9999-12-31T23:59:59Z']) {
        const revocation = await signObject(
          'revocation',
          { kind: 'revocation', v: 1, iss: p.kid, record: r.id, issued_at: at },
          p.signer,
        );
        expectProblem(await ctx.post('/v1/revocations', revocation.jws), 'schema-violation');
        await ctx.expectNotStored(`/v1/revocations/${revocation.id}`);
      }
      await expectUntouched(ctx, r.id, work, 'train.genai', 'allow');
      await ctx.revokeRecord(p, r.id, ctx.time(-30));
    },
  },
  {
    id: 'core-party-update-future-dated',
    requirements: ['REQ-API-014'],
    refuses: ['REQ-API-014'],
    level: 'MUST',
    profile: 'core',
    title: 'a party update dated more than 300 s ahead is 400 schema-violation; an update dated now is taken',
    async run(ctx) {
      const p = await ctx.party();
      const far = await signObject('party', { ...p.party, issued_at: ctx.time(900) }, p.signer);
      expectProblem(await ctx.post('/v1/parties', far.jws), 'schema-violation');
      const now = await signObject('party', { ...p.party, issued_at: ctx.time(-10) }, p.signer);
      expectJson(await ctx.post('/v1/parties', now.jws), 201, schemas.PartyView, 'a party update dated now');
    },
  },
  {
    id: 'core-revoke-superseded',
    requirements: ['REQ-API-041'],
    refuses: ['REQ-API-041'],
    level: 'MUST',
    profile: 'core',
    title: 'revoking a superseded record is 409 conflict; its issuer revokes the superseding record',
    async run(ctx) {
      const p = await ctx.party();
      const first = await ctx.publishRecord(p, { issued_at: ctx.time(-300) });
      const second = await ctx.publishRecord(p, {
        work: first.view.record.work,
        supersedes: first.id,
        issued_at: ctx.time(-120),
      });
      const ofSuperseded = await signRevocation(ctx, p.kid, first.id, p.signer);
      expectProblem(await ctx.post('/v1/revocations', ofSuperseded.jws), 'conflict');
      await ctx.expectNotStored(`/v1/revocations/${ofSuperseded.id}`);
      await ctx.revokeRecord(p, second.id, ctx.time(-30));
    },
  },
]);
