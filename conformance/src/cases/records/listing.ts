/** Listing a party's records (http-api.md §3.2). */
import { schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { check, equal, expectJson, expectProblem } from '../../expect.ts';

export const recordListingCases: Case[] = defineCases([
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
]);
