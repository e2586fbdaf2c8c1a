/** Work lookup and identifier normalization over HTTP (http-api.md §4, identifiers.md). */
import { createRequire } from 'node:module';
import { schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { decisionPath } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';

interface IdentifierVector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: string;
  result: 'valid' | 'invalid';
  output?: string;
}

const require = createRequire(import.meta.url);
const vectors = (require('@kyodaku/spec/vectors/identifiers.json') as { tests: IdentifierVector[] }).tests;

/** A random ISBN-13 with prefix 978-4 and its ISBN-10 form, both with valid check digits. */
export function randomIsbn(): { isbn13: string; isbn10: string } {
  const body = `4${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  const digits13 = `978${body}`;
  const sum13 = [...digits13].reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 1 : 3), 0);
  const check13 = (10 - (sum13 % 10)) % 10;
  const sum10 = [...body].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const c10 = (11 - (sum10 % 11)) % 11;
  return { isbn13: `isbn:${digits13}${check13}`, isbn10: `isbn:${body}${c10 === 10 ? 'X' : c10}` };
}

function isWellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/**
 * The identifier requirements that spec/vectors/identifiers.json exercises, one case each. Written
 * out so that a reader sees what is tested; test/requirements-coverage.test.ts keeps it equal to the
 * set the vectors cite.
 */
export const IDENTIFIER_VECTOR_REQUIREMENTS = [
  'REQ-ID-001',
  'REQ-ID-006',
  'REQ-ID-007',
  'REQ-ID-008',
  'REQ-ID-009',
  'REQ-ID-010',
  'REQ-ID-011',
  'REQ-ID-012',
  'REQ-ID-013',
  'REQ-ID-014',
  'REQ-ID-015',
  'REQ-ID-018',
  'REQ-ID-019',
  'REQ-ID-020',
  'REQ-ID-021',
  'REQ-ID-022',
  'REQ-ID-023',
  'REQ-ID-024',
  'REQ-ID-025',
  'REQ-ID-026',
  'REQ-ID-027',
  'REQ-ID-028',
  'REQ-ID-029',
  'REQ-ID-030',
] as const;

const vectorCases: Case[] = IDENTIFIER_VECTOR_REQUIREMENTS.map((req) => ({
  id: `core-id-vectors-${req.slice('REQ-ID-'.length)}`,
  requirements: [req, 'REQ-API-060', 'REQ-ID-005'],
  // Negative for the requirement when one of its vectors is an identifier to refuse.
  refuses: vectors.some((v) => v.requirements.includes(req) && v.result === 'invalid')
    ? [req, 'REQ-API-060']
    : [],
  level: 'MUST' as const,
  profile: 'core' as const,
  title: `GET /v1/decision and /v1/works normalize or refuse every identifier vector of ${req} (spec/vectors/identifiers.json)`,
  async run(ctx) {
    const failures: string[] = [];
    let checked = 0;
    for (const v of vectors.filter((t) => t.requirements.includes(req))) {
      if (!isWellFormed(v.input)) continue; // cannot travel as UTF-8; see core-id-invalid-utf8
      checked += 1;
      const fromDecision = await ctx.http.get(decisionPath(v.input, 'train'));
      const fromWorks =
        v.input === '' ? undefined : await ctx.http.get(`/v1/works/${encodeURIComponent(v.input)}`);
      for (const [where, res, got] of [
        ['GET /v1/decision', fromDecision, (fromDecision.json as { ids?: unknown[] } | undefined)?.ids?.[0]],
        ['GET /v1/works', fromWorks, (fromWorks?.json as { id?: unknown } | undefined)?.id],
      ] as const) {
        if (res === undefined) continue;
        const label = `tcId ${v.tcId} (${v.comment}) ${JSON.stringify(v.input).slice(0, 80)} at ${where}`;
        if (v.result === 'valid') {
          if (res.status !== 200 || got !== v.output) {
            failures.push(
              `${label}: expected 200 ${JSON.stringify(v.output)}, got ${res.status} ${res.text.slice(0, 120)}`,
            );
          }
        } else {
          try {
            expectProblem(res, 'invalid-identifier');
          } catch (error) {
            failures.push(`${label}: ${(error as Error).message}`);
          }
        }
      }
    }
    if (checked === 0) ctx.skip('no vector of this requirement can be sent over HTTP');
    check(
      failures.length === 0,
      `${failures.length} of ${checked} vectors: ${failures.slice(0, 5).join('; ')}`,
    );
  },
}));

export const workCases: Case[] = defineCases([
  {
    id: 'core-works-lookup',
    requirements: ['REQ-API-060', 'REQ-ID-003', 'REQ-ID-005'],
    level: 'MUST',
    profile: 'core',
    title: 'GET /v1/works finds a record by any form of its identifier and answers the normalized id',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const { isbn13, isbn10 } = randomIsbn();
      const r = await ctx.publishRecord(p, { work: { type: 'work', ids: [isbn13] } });
      for (const form of [isbn13, isbn10, isbn10.replace('isbn:', 'ISBN:')]) {
        const view = expectJson(
          await ctx.http.get(`/v1/works/${encodeURIComponent(form)}`),
          200,
          schemas.WorkView,
          `GET /v1/works/${form}`,
        );
        equal(view.id, isbn13, `id for ${form}`);
        check(
          view.records.some((rec) => rec.id === r.id),
          `the record is not listed for ${form}`,
        );
      }
    },
  },
  {
    id: 'core-works-history',
    requirements: ['REQ-API-035', 'REQ-RECORD-005'],
    level: 'MUST',
    profile: 'core',
    title: 'GET /v1/works lists current and past records of the identifier',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const a = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        issued_at: ctx.time(-300),
      });
      const b = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        supersedes: a.id,
        issued_at: ctx.time(-200),
      });
      await ctx.revokeRecord(p, b.id);
      const view = expectJson(
        await ctx.http.get(`/v1/works/${encodeURIComponent(work)}`),
        200,
        schemas.WorkView,
        'GET the work',
      );
      const statuses = Object.fromEntries(view.records.map((r) => [r.id, r.status]));
      equal([statuses[a.id], statuses[b.id]], ['superseded', 'revoked'], 'statuses of the work records');
    },
  },
  {
    id: 'core-works-unknown',
    requirements: ['REQ-API-060'],
    level: 'MUST',
    profile: 'core',
    title: 'an identifier nobody has a record for gives 200 with an empty list',
    async run(ctx) {
      const id = ctx.workId();
      const view = expectJson(
        await ctx.http.get(`/v1/works/${encodeURIComponent(id)}`),
        200,
        schemas.WorkView,
        'GET /v1/works',
      );
      equal([view.id, view.records], [id, []], 'work view');
    },
  },
  {
    id: 'core-works-invalid',
    requirements: ['REQ-API-060', 'REQ-ID-002'],
    refuses: ['REQ-API-060', 'REQ-ID-002'],
    level: 'MUST',
    profile: 'core',
    title: 'an identifier that does not normalize is 400 invalid-identifier',
    async run(ctx) {
      for (const bad of ['isbn:9784088725094', 'nope:123', 'url:ftp://example.com/', 'sha256:abc']) {
        expectProblem(await ctx.http.get(`/v1/works/${encodeURIComponent(bad)}`), 'invalid-identifier');
      }
    },
  },
  {
    id: 'core-id-invalid-utf8',
    requirements: ['REQ-ID-008', 'REQ-ID-002'],
    refuses: ['REQ-ID-008', 'REQ-ID-002'],
    level: 'MUST',
    profile: 'core',
    title:
      'an identifier whose percent-decoded bytes are not UTF-8 (a lone surrogate, 0xFF) is 400 invalid-identifier',
    async run(ctx) {
      for (const raw of ['url%3Ahttps%3A%2F%2Fa.example%2F%ED%A0%80', 'kyodaku%3Aa%FFb']) {
        expectProblem(await ctx.http.get(`/v1/works/${raw}`), 'invalid-identifier');
        expectProblem(await ctx.http.get(`/v1/decision?id=${raw}&purpose=train`), 'invalid-identifier');
      }
    },
  },
  ...vectorCases,
]);
