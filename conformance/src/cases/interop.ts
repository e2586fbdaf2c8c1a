/**
 * The `interop` profile (spec/interop.md §9): the export routes. Records are published under fresh
 * url identifiers of this run; each export is compared with what the spec derives from them, and read
 * back with the protocol library's readers of the foreign formats (themselves checked against
 * spec/vectors/interop.json). Import and the pre-crawl check are client-side: no case here.
 */
import { interop } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context } from '../context.ts';
import { check, equal, expectProblem } from '../expect.ts';
import type { HttpResponse } from '../http.ts';

const query = (...ids: string[]) => ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');

/** GET /v1/interop/{format}; asserts 200, the media type and no-store. */
async function exported(ctx: Context, format: string, q: string, type: string): Promise<HttpResponse> {
  const path = `/v1/interop/${format}?${q}`;
  const res = await ctx.http.get(path);
  check(res.status === 200, `GET ${path}: expected 200, got ${res.status} ${res.text.slice(0, 200)}`);
  check(res.contentType === type, `GET ${path}: expected content type ${type}, got "${res.contentType}"`);
  equal(res.headers.get('cache-control'), 'no-store', `cache-control of GET ${path}`);
  return res;
}

/** A record of this run about a url prefix: its identifier and the robots.txt path of it. */
async function publishOnUrl(ctx: Context, input: Parameters<Context['publishRecord']>[1]) {
  const base = ctx.urlBase();
  const id = `${base}*`;
  const party = await ctx.sharedParty('interop');
  const record = await ctx.publishRecord(party, { work: { type: 'work', ids: [id] }, ...input });
  return { id, path: new URL(base.slice(4)).pathname, record: record.id };
}

/** The path and query of an export of an item. */
const exportPath = (format: string, ...ids: string[]) => `/v1/interop/${format}?${query(...ids)}`;

/**
 * The path and query of a URL the node names, which must be absolute (http or https). Only these are
 * compared: the node builds its URLs from the host it was asked at, which a proxy may change.
 */
function pathOf(value: unknown, what: string): string {
  check(
    typeof value === 'string' && /^https?:\/\//.test(value),
    `${what} is not an absolute URL: ${String(value)}`,
  );
  const url = new URL(value);
  return `${url.pathname}${url.search}`;
}

export const interopCases: Case[] = defineCases([
  {
    id: 'interop-wk-profile',
    requirements: ['REQ-INTEROP-060', 'REQ-API-002'],
    level: 'MUST',
    profile: 'interop',
    title: 'the metadata lists interop and the node serves GET /v1/interop/{format} for every format',
    async run(ctx) {
      check(ctx.suite.wellKnown.profiles.includes('interop'), 'profiles lacks "interop"');
      const { id } = await publishOnUrl(ctx, { purposes: { all: 'deny' } });
      const types: Record<string, string> = {
        aipref: 'text/plain',
        robots: 'text/plain',
        tdmrep: 'application/json',
        'tdmrep-html': 'text/html',
        'tdm-policy': 'application/ld+json',
        cawg: 'application/json',
        rsl: 'application/rsl+xml',
        odrl: 'application/ld+json',
      };
      for (const [format, type] of Object.entries(types)) await exported(ctx, format, query(id), type);
    },
  },
  {
    id: 'interop-optin-export',
    requirements: ['REQ-INTEROP-061', 'REQ-INTEROP-010', 'REQ-INTEROP-002'],
    level: 'MUST',
    profile: 'interop',
    title:
      'an item without a record exports every leaf denied: aipref n for every label, every CAWG entry notAllowed',
    async run(ctx) {
      const id = ctx.workId('unregistered');
      const aipref = await exported(ctx, 'aipref', query(id), 'text/plain');
      equal(aipref.text, 'train-ai=n, ai-use=n, search=n\n', 'aipref body');
      equal(aipref.headers.get('content-usage'), 'train-ai=n, ai-use=n, search=n', 'Content-Usage');
      const cawg = (await exported(ctx, 'cawg', query(id), 'application/json')).json as interop.CawgAssertion;
      const uses = new Set(Object.values(cawg.data.entries).map((e) => e.use));
      equal([...uses], ['notAllowed'], 'the uses of the CAWG entries');
    },
  },
  {
    id: 'interop-aipref-robots',
    requirements: ['REQ-INTEROP-010', 'REQ-INTEROP-011', 'REQ-INTEROP-002', 'REQ-INTEROP-061'],
    level: 'MUST',
    profile: 'interop',
    title: 'aipref and robots.txt lines state the record: y only where every covered leaf allows',
    async run(ctx) {
      const { id, path, record } = await publishOnUrl(ctx, {
        purposes: {
          'train.genai': 'allow',
          'train.finetune': 'deny',
          'input.system': 'allow',
          search: 'allow',
        },
      });
      const aipref = await exported(ctx, 'aipref', query(id), 'text/plain');
      const expected = 'train-ai=n, ai-use=y, search=y';
      equal(aipref.headers.get('content-usage'), expected, 'Content-Usage');
      equal(aipref.text, `${expected}\n`, 'aipref body');
      check(
        interop.readPreference(expected).errors.length === 0,
        'the expression parses as an RFC 9651 dictionary',
      );
      equal(aipref.headers.get('kyodaku-records'), record, 'Kyodaku-Records');
      const robots = await exported(ctx, 'robots', query(id), 'text/plain');
      equal(robots.text, `User-Agent: *\nContent-Usage: ${path} ${expected}\n`, 'robots.txt lines');
    },
  },
  {
    id: 'interop-tdmrep-odrl',
    requirements: ['REQ-INTEROP-020', 'REQ-INTEROP-022', 'REQ-INTEROP-050', 'REQ-INTEROP-002'],
    level: 'MUST',
    profile: 'interop',
    title:
      "a conditional training leaf is a TDMRep reservation whose policy is the item's TDM Policy (an Offer by the issuer); the ODRL export states the duty",
    async run(ctx) {
      const { id, path } = await publishOnUrl(ctx, {
        purposes: { train: 'conditional', tdm: 'allow' },
        conditions: { attribution: { required: true } },
      });
      const issuer = (await ctx.sharedParty('interop')).kid;
      const policy = exportPath('tdm-policy', id);
      const tdm = await exported(ctx, 'tdmrep', query(id), 'application/json');
      equal(tdm.headers.get('tdm-reservation'), '1', 'tdm-reservation');
      equal(pathOf(tdm.headers.get('tdm-policy'), 'tdm-policy'), policy, 'tdm-policy');
      const [rule, ...others] = tdm.json as Array<Record<string, unknown>>;
      equal(others, [], 'the rules after the first');
      equal([rule?.location, rule?.['tdm-reservation']], [path, 1], 'location and tdm-reservation');
      equal(pathOf(rule?.['tdm-policy'], "the rule's tdm-policy"), policy, "the rule's tdm-policy");
      const offer = (await exported(ctx, 'tdm-policy', query(id), 'application/ld+json')).json as {
        '@context': unknown;
        '@type': string;
        profile: string;
        uid: string;
        assigner: { uid: string };
        permission: unknown;
      };
      equal(
        offer['@context'],
        ['http://www.w3.org/ns/odrl.jsonld', 'http://www.w3.org/ns/tdmrep.jsonld'],
        '@context of the TDM Policy',
      );
      equal(
        [offer['@type'], offer.profile, pathOf(offer.uid, 'uid')],
        ['Offer', 'http://www.w3.org/ns/tdmrep', policy],
        '@type, profile, uid',
      );
      equal(pathOf(offer.assigner.uid, 'assigner uid'), `/v1/parties/${issuer}`, 'assigner uid');
      equal(
        offer.permission,
        [{ target: id, action: 'tdm:mine', duty: [{ action: 'obtainConsent' }] }],
        'permission',
      );
      const odrl = (await exported(ctx, 'odrl', query(id), 'application/ld+json')).json as {
        '@context': unknown[];
        '@type': string;
        uid: string;
        permission?: Array<{ action: string; duty?: unknown }>;
        prohibition?: Array<{ action: string }>;
      };
      check(
        odrl['@context'][0] === 'http://www.w3.org/ns/odrl.jsonld',
        'the @context includes the ODRL context',
      );
      equal(odrl['@type'], 'Set', '@type');
      equal(pathOf(odrl.uid, 'uid'), exportPath('odrl', id), 'uid');
      const genai = odrl.permission?.find((r) => r.action === 'kyodaku:train.genai');
      equal(genai?.duty, [{ action: 'attribute' }], 'the duty of kyodaku:train.genai');
      check(
        odrl.prohibition?.some((r) => r.action === 'kyodaku:search'),
        'search (no value) is prohibited',
      );
      const open = await publishOnUrl(ctx, { purposes: { train: 'allow', tdm: 'allow' } });
      const free = await exported(ctx, 'tdmrep', query(open.id), 'application/json');
      equal(free.headers.get('tdm-reservation'), '0', 'tdm-reservation when every TDMRep leaf allows');
    },
  },
  {
    id: 'interop-tdmrep-html',
    requirements: ['REQ-INTEROP-024', 'REQ-INTEROP-020'],
    level: 'MUST',
    profile: 'interop',
    title:
      "the tdmrep-html export is the HTML meta elements of the item's declaration: reserved with the TDM Policy when conditional, 0 when every TDMRep leaf allows",
    async run(ctx) {
      const { id } = await publishOnUrl(ctx, {
        purposes: { train: 'conditional', tdm: 'allow' },
        conditions: { attribution: { required: true } },
      });
      const html = await exported(ctx, 'tdmrep-html', query(id), 'text/html');
      const read = interop.readTdmHtmlMeta(`<head>${html.text}</head>`);
      equal([read.errors, read.warnings], [[], []], 'the meta elements read without findings');
      equal(read.value?.reservation, 1, 'tdm-reservation');
      equal(pathOf(read.value?.policy, 'tdm-policy'), exportPath('tdm-policy', id), 'tdm-policy');
      equal(html.text.trim().split('\n').length, 2, 'one meta element per line');
      const open = await publishOnUrl(ctx, { purposes: { train: 'allow', tdm: 'allow' } });
      const free = await exported(ctx, 'tdmrep-html', query(open.id), 'text/html');
      equal(free.text, '<meta name="tdm-reservation" content="0">\n', 'when every TDMRep leaf allows');
    },
  },
  {
    id: 'interop-cawg',
    requirements: ['REQ-INTEROP-030', 'REQ-INTEROP-002'],
    level: 'MUST',
    profile: 'interop',
    title:
      'the CAWG assertion: cawg.training-mining, one entry per CAWG 1.1 entry and custom leaf, constrained pointing at the terms',
    async run(ctx) {
      const { id } = await publishOnUrl(ctx, {
        purposes: {
          'input.system': 'conditional',
          'input.user': 'allow',
          tdm: 'allow',
          'generate.voice': 'deny',
        },
        conditions: { compensation: { model: 'per-use', currency: 'JPY', amount: '5' } },
      });
      const assertion = (await exported(ctx, 'cawg', query(id), 'application/json'))
        .json as interop.CawgAssertion;
      equal(assertion.label, 'cawg.training-mining', 'label');
      const entries = assertion.data.entries;
      const inference = entries['cawg.ai_inference'];
      equal(inference?.use, 'constrained', 'the use of cawg.ai_inference');
      equal(
        pathOf(inference?.constraints_info, 'constraints_info'),
        exportPath('odrl', id),
        'constraints_info',
      );
      equal(entries['cawg.data_mining'], { use: 'allowed' }, 'cawg.data_mining');
      equal(entries['cawg.ai_generative_training'], { use: 'notAllowed' }, 'cawg.ai_generative_training');
      equal(entries['org.kyodaku.generate.voice'], { use: 'notAllowed' }, 'org.kyodaku.generate.voice');
      equal(Object.keys(entries).length, 10, 'the number of entries (4 CAWG, 6 custom)');
    },
  },
  {
    id: 'interop-rsl',
    requirements: ['REQ-INTEROP-040', 'REQ-INTEROP-002'],
    level: 'MUST',
    profile: 'interop',
    title:
      'license.xml: free permits for allowed usages, paid and geo-limited ones for conditional, prohibits for denied',
    async run(ctx) {
      const { id, path } = await publishOnUrl(ctx, {
        purposes: { search: 'allow', 'input.index': 'conditional', train: 'deny' },
        conditions: {
          compensation: { model: 'flat-fee', currency: 'EUR', amount: '100' },
          territory: ['FR'],
        },
      });
      const res = await exported(ctx, 'rsl', query(id), 'application/rsl+xml');
      const read = interop.readRsl(res.text);
      equal(read.errors, [], 'the RSL document reads without errors');
      equal(read.value.length, 1, 'one <content>');
      const content = read.value[0]!;
      equal(content.url, path, '<content url>');
      const p = content.permissions;
      equal(
        [p.search, p['input.index'], p['train.genai'], p['input.system']],
        ['allow', 'conditional', 'deny', 'deny'],
        'search, input.index, train.genai, input.system',
      );
      equal(
        content.conditions,
        { compensation: { model: 'flat-fee', amount: '100', currency: 'EUR' }, territory: ['FR'] },
        'the payment and geo permit',
      );
      const terms = /<terms>([^<]*)<\/terms>/.exec(res.text)?.[1]?.replaceAll('&amp;', '&');
      equal(pathOf(terms, '<terms>'), exportPath('odrl', id), '<terms>');
    },
  },
  {
    id: 'interop-at',
    requirements: ['REQ-INTEROP-061'],
    level: 'MUST',
    profile: 'interop',
    title: 'an export decides at the time given: before the record, every leaf is denied',
    async run(ctx) {
      const { id } = await publishOnUrl(ctx, { purposes: { all: 'allow' } });
      const now = await exported(ctx, 'aipref', query(id), 'text/plain');
      equal(now.headers.get('content-usage'), 'train-ai=y, ai-use=y, search=y', 'Content-Usage now');
      const before = await exported(ctx, 'aipref', `${query(id)}&at=${ctx.time(-86_400)}`, 'text/plain');
      equal(
        before.headers.get('content-usage'),
        'train-ai=n, ai-use=n, search=n',
        'Content-Usage a day before',
      );
    },
  },
  {
    id: 'interop-errors',
    requirements: ['REQ-INTEROP-062', 'REQ-INTEROP-022', 'REQ-ERR-001'],
    level: 'MUST',
    profile: 'interop',
    title:
      'GET /v1/interop/{format} answers problems: no or bad id, a url format without a url id, an unknown format',
    async run(ctx) {
      const isbn = 'isbn:9784088725093';
      expectProblem(await ctx.http.get('/v1/interop/aipref'), 'invalid-identifier');
      expectProblem(await ctx.http.get('/v1/interop/aipref?id=not-an-identifier'), 'invalid-identifier');
      for (const format of ['robots', 'tdmrep', 'rsl'])
        expectProblem(await ctx.http.get(`/v1/interop/${format}?${query(isbn)}`), 'invalid-request');
      expectProblem(await ctx.http.get(`/v1/interop/no-such-format?${query(isbn)}`), 'not-found');
      expectProblem(
        await ctx.http.get(`/v1/interop/tdm-policy?${query(ctx.workId('unregistered'))}`),
        'not-found',
      );
      expectProblem(await ctx.http.get(`/v1/interop/aipref?${query(isbn)}&at=yesterday`), 'invalid-request');
    },
  },
]);
