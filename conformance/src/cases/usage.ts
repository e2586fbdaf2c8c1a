/** The `usage` profile (spec/usage.md): declarations, labels, holders' queries, reports. */
import {
  keyIdOf,
  manifestOf,
  schemas,
  type UsageItem,
  usageBodyOf,
  verifyLabel,
  verifyObject,
} from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import { usageCitationCases } from './usage-citations.ts';
import { declaration, declare, expectDeclarations, holderRecord, NDJSON } from './usage-fixtures.ts';
import { usageFollowedCases } from './usage-followed.ts';
import { usageTrustCases } from './usage-trust.ts';

export const usageCases: Case[] = defineCases([
  {
    id: 'usage-declaration-accepted',
    requirements: ['REQ-USAGE-001'],
    level: 'MUST',
    profile: 'usage',
    title: 'a declaration citing the allowing record is accepted: 201, Location, the view, its label',
    async run(ctx) {
      const { work, record } = await holderRecord(ctx, { 'train.genai': 'allow' });
      const dev = await ctx.party('ai-developer');
      const res = await declare(ctx, dev, [{ ids: [work], purpose: 'train.genai', records: [record.id] }]);
      const view = expectJson(res, 201, schemas.DeclarationView, 'POST /v1/usage');
      equal(res.headers.get('location'), `/v1/usage/${view.id}`, 'Location');
      check(view.label !== null, 'an accepted declaration for a current period gets a label (REQ-USAGE-020)');
      const got = expectJson(
        await ctx.http.get(`/v1/usage/${view.id}`),
        200,
        schemas.DeclarationView,
        'GET /v1/usage/{id}',
      );
      equal(got.jws, view.jws, 'the declaration as published');
    },
  },
  ...usageCitationCases,
  ...usageTrustCases,
  ...usageFollowedCases,
  {
    id: 'usage-declaration-future-dated',
    requirements: ['REQ-USAGE-002'],
    refuses: ['REQ-USAGE-002'],
    level: 'MUST',
    profile: 'usage',
    title: 'a declaration dated more than 300 s ahead is 400 schema-violation and not stored',
    async run(ctx) {
      const { work, record } = await holderRecord(ctx, { all: 'allow' });
      const dev = await ctx.party('ai-developer');
      const items = [{ ids: [work], purpose: 'tdm' as const, records: [record.id] }];
      expectProblem(await declare(ctx, dev, items, { issued_at: ctx.time(900) }), 'schema-violation');
      await expectDeclarations(ctx, dev.kid, 0);
    },
  },
  {
    id: 'usage-declarant-role',
    requirements: ['REQ-USAGE-003'],
    refuses: ['REQ-USAGE-003'],
    level: 'MUST',
    profile: 'usage',
    title: 'a declaration by an unattested party is 403 unattested-key, by a rights holder 403 forbidden',
    async run(ctx) {
      const { work, record } = await holderRecord(ctx, { all: 'allow' });
      const items = [{ ids: [work], purpose: 'tdm' as const, records: [record.id] }];
      const unattested = await ctx.party('ai-developer', { attest: false });
      expectProblem(await declare(ctx, unattested, items), 'unattested-key');
      const holder = await ctx.party();
      expectProblem(await declare(ctx, holder, items), 'forbidden');
      await expectDeclarations(ctx, unattested.kid, 0);
      await expectDeclarations(ctx, holder.kid, 0);
    },
  },
  {
    id: 'usage-manifest',
    requirements: ['REQ-USAGE-004', 'REQ-USAGE-001'],
    refuses: ['REQ-USAGE-004'],
    level: 'MUST',
    profile: 'usage',
    title:
      'a declaration by manifest is accepted with its manifest; a wrong hash, a wrong count or no manifest is 400',
    async run(ctx) {
      const { work, record } = await holderRecord(ctx, { all: 'allow' });
      const dev = await ctx.party('ai-developer');
      const items: UsageItem[] = [
        { ids: [work], purpose: 'tdm', records: [record.id] },
        { ids: [work], purpose: 'input.index', records: [record.id], uses: 2 },
      ];
      const manifest = await manifestOf(items);
      const wrongCount = await declaration(ctx, dev, { manifest: { ...manifest.ref, count: 3 } });
      expectProblem(
        await ctx.post('/v1/usage', usageBodyOf(wrongCount.jws, manifest), NDJSON),
        'invalid-request',
      );
      const good = await declaration(ctx, dev, { manifest: manifest.ref });
      const other = await manifestOf(items.slice(0, 1));
      expectProblem(await ctx.post('/v1/usage', usageBodyOf(good.jws, other), NDJSON), 'invalid-request');
      expectProblem(await ctx.post('/v1/usage', good.jws), 'invalid-request');
      await expectDeclarations(ctx, dev.kid, 0);
      const res = await ctx.post('/v1/usage', usageBodyOf(good.jws, manifest), NDJSON);
      const view = expectJson(res, 201, schemas.DeclarationView, 'a declaration with its manifest');
      const got = await ctx.http.get(`/v1/usage/${view.id}/manifest`);
      equal(got.text, manifest.text, 'the manifest as received');
    },
  },
  {
    id: 'usage-label',
    requirements: ['REQ-USAGE-020', 'REQ-USAGE-021', 'REQ-USAGE-023'],
    level: 'MUST',
    profile: 'usage',
    title: 'the label is served by number, logged at that index, and verifies under the node key',
    async run(ctx) {
      const { work, record } = await holderRecord(ctx, { 'train.genai': 'allow' });
      const dev = await ctx.party('ai-developer');
      const res = await declare(ctx, dev, [{ ids: [work], purpose: 'train.genai', records: [record.id] }]);
      const declared = expectJson(res, 201, schemas.DeclarationView, 'POST /v1/usage');
      const view = expectJson(
        await ctx.http.get(`/v1/labels/${declared.label}`),
        200,
        schemas.LabelView,
        'GET /v1/labels/{number}',
      );
      equal(view.status, 'valid', 'status');
      equal(view.label.number, declared.label, 'number');
      equal(view.log.index, Number(declared.label), 'the label is the log entry of its number');
      equal(view.label.declaration, declared.id, 'the declaration');
      equal(view.label.valid_from, declared.received_at, 'valid_from: when the node logged the declaration');
      check(view.label.valid_until <= declared.declaration.period.until, 'valid_until within the period');
      const nodeKey = ctx.suite.wellKnown.node.key;
      equal(view.label.node, await keyIdOf(nodeKey), 'the node key id');
      const verdict = await verifyLabel(view.jws, nodeKey, ctx.time());
      equal(verdict.status, 'valid', 'offline verification');
      expectProblem(await ctx.http.get(`/v1/labels/${declared.log.index}`), 'not-found');
    },
  },
  {
    id: 'usage-label-revoked',
    requirements: ['REQ-USAGE-022', 'REQ-USAGE-023'],
    level: 'MUST',
    profile: 'usage',
    title: 'revoking a cited record revokes the label with a revocation signed by the node',
    async run(ctx) {
      const { holder, work, record } = await holderRecord(ctx, { all: 'allow' });
      const dev = await ctx.party('ai-developer');
      const declared = expectJson(
        await declare(ctx, dev, [{ ids: [work], purpose: 'tdm', records: [record.id] }]),
        201,
        schemas.DeclarationView,
        'POST /v1/usage',
      );
      await ctx.revokeRecord(holder, record.id, ctx.time(-1));
      let view: schemas.LabelView | undefined;
      for (let i = 0; i < 50 && view?.status !== 'revoked'; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        view = expectJson(
          await ctx.http.get(`/v1/labels/${declared.label}`),
          200,
          schemas.LabelView,
          'the label',
        );
      }
      equal(view!.status, 'revoked', 'status after the cited record was revoked');
      check(view!.revocation !== undefined, 'the label revocation is served');
      const verdict = await verifyLabel(
        view!.jws,
        ctx.suite.wellKnown.node.key,
        ctx.time(60),
        view!.revocation,
      );
      equal(verdict.status, 'revoked', 'offline verification with the revocation');
    },
  },
  {
    id: 'usage-holder-queries',
    requirements: ['REQ-USAGE-030'],
    level: 'MUST',
    profile: 'usage',
    title:
      'uses are listed by holder and by identifier, paged without gaps; one of holder, id, declarant is required',
    async run(ctx) {
      const { holder, work, record } = await holderRecord(ctx, { all: 'allow' });
      const dev = await ctx.party('ai-developer');
      const items: UsageItem[] = ['tdm', 'search', 'input.index'].map((purpose) => ({
        ids: [work],
        purpose,
        records: [record.id],
      }));
      const declared = expectJson(
        await declare(ctx, dev, items),
        201,
        schemas.DeclarationView,
        'POST /v1/usage',
      );
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 5; i++) {
        const page: schemas.UsageUseList = expectJson(
          await ctx.http.get(
            `/v1/usage?holder=${holder.kid}&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
          ),
          200,
          schemas.UsageUseList,
          'GET /v1/usage?holder=',
        );
        for (const u of page.uses) {
          equal(u.declaration, declared.id, 'declaration');
          equal(u.record, record.id, 'record');
          seen.push(u.purpose);
        }
        cursor = page.next_cursor;
        if (cursor === null) break;
      }
      equal([...seen].sort(), ['input.index', 'search', 'tdm'], 'every use once');
      const byId = expectJson(
        await ctx.http.get(`/v1/usage?id=${encodeURIComponent(work)}`),
        200,
        schemas.UsageUseList,
        'GET /v1/usage?id=',
      );
      equal(byId.uses.length, 3, 'uses of the identifier');
      expectProblem(await ctx.http.get('/v1/usage'), 'invalid-request');
      expectProblem(
        await ctx.http.get(`/v1/usage?holder=${holder.kid}&declarant=${dev.kid}`),
        'invalid-request',
      );
    },
  },
  {
    id: 'usage-report',
    requirements: ['REQ-USAGE-031'],
    level: 'MUST',
    profile: 'usage',
    title: 'the holder report counts the uses and the compensation due, signed by the node',
    async run(ctx) {
      const { holder, work, record } = await holderRecord(
        ctx,
        { 'generate.character': 'conditional' },
        { compensation: { model: 'per-use', currency: 'JPY', amount: '12.5' } },
      );
      const dev = await ctx.party('ai-developer');
      expectJson(
        await declare(ctx, dev, [
          { ids: [work], purpose: 'generate.character', records: [record.id], uses: 4 },
        ]),
        201,
        schemas.DeclarationView,
        'POST /v1/usage',
      );
      const res = await ctx.http.get(`/v1/usage/report?holder=${holder.kid}`);
      const { jws, report } = expectJson(res, 200, schemas.UsageReportResponse, 'GET /v1/usage/report');
      const nodeKey = ctx.suite.wellKnown.node.key;
      const verified = await verifyObject(jws, 'usage-report', () => nodeKey);
      equal(verified.payload, report, 'the report is the signed payload');
      equal(report.holder, holder.kid, 'holder');
      equal(report.items, 1, 'items');
      equal(report.lines[0]?.uses, 4, 'uses');
      equal(report.totals, [{ currency: 'JPY', amount: '50' }], 'totals (12.5 × 4)');
      equal(
        report.purposes,
        [
          {
            purpose: 'generate.character',
            items: 1,
            uses: 4,
            due: [{ currency: 'JPY', amount: '50' }],
            unpriced: 0,
          },
        ],
        'per purpose',
      );
    },
  },
]);
