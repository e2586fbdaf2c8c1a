/** GET /v1/interop/{format} (spec/interop.md §4–§9): exports derived from the signed records. */
import { interop, type schemas } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const PAGE = 'url:https://manga.example/series/one/*';
const ISBN = 'isbn:9784088725093';
const q = (...ids: string[]) => ids.map((id) => `id=${encodeURIComponent(id)}`).join('&');

async function publishRecord() {
  const party = await t.party();
  const record = await party.record({
    ids: [ISBN, PAGE],
    purposes: {
      train: 'deny',
      'input.system': 'conditional',
      'input.user': 'conditional',
      search: 'allow',
      tdm: 'allow',
    },
    conditions: {
      compensation: { model: 'per-use', currency: 'JPY', amount: '50', url: 'https://manga.example/licence' },
      territory: ['JP'],
    },
  });
  const response = await t.postJws('/v1/records', record.jws);
  expect(response.status, await response.clone().text()).toBe(201);
  return record.id;
}

async function exported(format: string, query: string) {
  const response = await t.get(`/v1/interop/${format}?${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response;
}

describe('the interop profile', () => {
  it('REQ-INTEROP-060: is listed in the metadata', async () => {
    const meta = (await (await t.get('/.well-known/kyodaku')).json()) as schemas.WellKnown;
    expect(meta.profiles).toContain('interop');
  });

  it('REQ-INTEROP-061, REQ-INTEROP-010: an item without records exports every leaf denied (opt-in)', async () => {
    const response = await exported('aipref', q(ISBN));
    expect(await response.text()).toBe('train-ai=n, ai-use=n, search=n\n');
    expect(response.headers.get('content-usage')).toBe('train-ai=n, ai-use=n, search=n');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('kyodaku-records')).toBe('');
  });

  it('REQ-INTEROP-010, REQ-INTEROP-011: aipref and robots.txt lines from a signed record', async () => {
    const id = await publishRecord();
    const aipref = await exported('aipref', q(ISBN));
    expect(aipref.headers.get('content-usage')).toBe('train-ai=n, ai-use=n, search=y');
    expect(aipref.headers.get('kyodaku-records')).toBe(id);
    const robots = await exported('robots', q(ISBN, PAGE));
    expect(await robots.text()).toBe(
      'User-Agent: *\nContent-Usage: /series/one/ train-ai=n, ai-use=n, search=y\n',
    );
    // What the export says reads back as the record says, for what aipref can say.
    const read = interop.readPreference('train-ai=n, ai-use=n, search=y').value;
    expect(read).toEqual({
      'train.genai': 'deny',
      'train.finetune': 'deny',
      'input.system': 'deny',
      search: 'allow',
    });
  });

  it('REQ-INTEROP-020: tdmrep.json and header fields, the policy being the ODRL export', async () => {
    await publishRecord();
    const response = await exported('tdmrep', q(PAGE));
    expect(response.headers.get('tdm-reservation')).toBe('1');
    expect(response.headers.get('tdm-policy')).toBeNull();
    expect(await response.json()).toEqual([{ location: '/series/one/', 'tdm-reservation': 1 }]);
  });

  it('REQ-INTEROP-024: the HTML meta elements of the declaration, read back by the importer', async () => {
    const party = await t.party();
    const record = await party.record({
      ids: [ISBN],
      purposes: { train: 'conditional', tdm: 'allow' },
      conditions: { attribution: { required: true } },
    });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    const response = await exported('tdmrep-html', q(ISBN));
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('kyodaku-records')).toBe(record.id);
    const policy = `http://localhost/v1/interop/tdm-policy?${q(ISBN)}`;
    const html = await response.text();
    expect(html).toBe(
      `<meta name="tdm-reservation" content="1">\n<meta name="tdm-policy" content="${policy.replace(/&/g, '&amp;')}">\n`,
    );
    expect(interop.readTdmHtmlMeta(`<head>${html}</head>`).value).toEqual({ reservation: 1, policy });
    const unregistered = await exported('tdmrep-html', q('isbn:9784063842760'));
    expect(await unregistered.text()).toBe('<meta name="tdm-reservation" content="1">\n');
  });

  it('REQ-INTEROP-020: a conditional training leaf is a reservation with the policy', async () => {
    const party = await t.party();
    const record = await party.record({
      ids: [PAGE],
      purposes: { train: 'conditional', tdm: 'allow' },
      conditions: { attribution: { required: true } },
    });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    const response = await exported('tdmrep', q(PAGE));
    const policy = `http://localhost/v1/interop/tdm-policy?${q(PAGE)}`;
    expect(response.headers.get('tdm-policy')).toBe(policy);
    expect(await response.json()).toEqual([
      { location: '/series/one/', 'tdm-reservation': 1, 'tdm-policy': policy },
    ]);
    const odrl = await exported('odrl', q(PAGE));
    expect(odrl.headers.get('content-type')).toBe('application/ld+json');
    const body = (await odrl.json()) as {
      uid: string;
      permission: Array<{ action: string; duty?: unknown }>;
    };
    expect(body.uid).toBe(`http://localhost/v1/interop/odrl?${q(PAGE)}`);
    expect(body.permission.find((r) => r.action === 'kyodaku:train.genai')?.duty).toEqual([
      { action: 'attribute' },
    ]);
  });

  it("REQ-INTEROP-022: the TDMRep policy is an Offer by the record's issuer, as TDMRep profiles ODRL", async () => {
    const party = await t.party();
    const record = await party.record({
      ids: [PAGE],
      purposes: { train: 'conditional' },
      conditions: {
        compensation: { model: 'flat-fee', currency: 'EUR', amount: '900', url: 'https://manga.example/tdm' },
      },
    });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    const uid = `http://localhost/v1/interop/tdm-policy?${q(PAGE)}`;
    const response = await exported('tdm-policy', q(PAGE));
    expect(response.headers.get('content-type')).toBe('application/ld+json');
    expect(await response.json()).toEqual({
      '@context': ['http://www.w3.org/ns/odrl.jsonld', 'http://www.w3.org/ns/tdmrep.jsonld'],
      '@type': 'Offer',
      profile: 'http://www.w3.org/ns/tdmrep',
      uid,
      assigner: {
        uid: `http://localhost/v1/parties/${party.id}`,
        'vcard:fn': 'Test rights-holder',
        'vcard:hasURL': 'https://manga.example/tdm',
      },
      permission: [
        { target: PAGE, action: 'tdm:mine', duty: [{ action: 'obtainConsent' }, { action: 'compensate' }] },
      ],
    });
    const unregistered = await t.get(`/v1/interop/tdm-policy?${q(ISBN)}`);
    expect(unregistered.status).toBe(404);
    expect(await problemType(unregistered)).toBe(P('not-found'));
  });

  it('REQ-INTEROP-030: the CAWG assertion, constrained entries pointing at the terms', async () => {
    await publishRecord();
    const response = await exported('cawg', q(ISBN));
    const assertion = (await response.json()) as interop.CawgAssertion;
    expect(assertion.label).toBe('cawg.training-mining');
    expect(assertion.data.entries['cawg.ai_generative_training']).toEqual({ use: 'notAllowed' });
    expect(assertion.data.entries['cawg.data_mining']).toEqual({ use: 'allowed' });
    expect(assertion.data.entries['cawg.ai_inference']).toEqual({
      use: 'constrained',
      constraints_info: `http://localhost/v1/interop/odrl?${q(ISBN)}`,
    });
    expect(assertion.data.entries['org.kyodaku.search']).toEqual({ use: 'allowed' });
  });

  it('REQ-INTEROP-040: license.xml that reads back as the record', async () => {
    await publishRecord();
    const response = await exported('rsl', q(PAGE));
    expect(response.headers.get('content-type')).toBe('application/rsl+xml');
    const xml = await response.text();
    const read = interop.readRsl(xml);
    expect(read.errors).toEqual([]);
    expect(read.value).toEqual([
      {
        url: '/series/one/',
        line: 3,
        permissions: {
          search: 'allow',
          'input.system': 'conditional',
          'input.user': 'conditional',
          'train.genai': 'deny',
          'train.finetune': 'deny',
          'train.nongen': 'deny',
          'input.index': 'deny',
        },
        conditions: {
          compensation: {
            model: 'per-use',
            amount: '50',
            currency: 'JPY',
            url: 'https://manga.example/licence',
          },
          territory: ['JP'],
        },
      },
    ]);
  });

  it('REQ-INTEROP-050: an ODRL policy with duties and constraints', async () => {
    await publishRecord();
    const body = (await (await exported('odrl', q(ISBN))).json()) as {
      '@context': unknown[];
      '@type': string;
      permission: Array<Record<string, unknown>>;
      prohibition: Array<Record<string, unknown>>;
    };
    expect(body['@context'][0]).toBe('http://www.w3.org/ns/odrl.jsonld');
    expect(body['@type']).toBe('Set');
    expect(body.prohibition.map((r) => r.action)).toContain('kyodaku:train.genai');
    expect(body.permission.find((r) => r.action === 'kyodaku:input.user')).toEqual({
      target: ISBN,
      action: 'kyodaku:input.user',
      duty: [
        {
          action: [
            {
              'rdf:value': { '@id': 'odrl:compensate' },
              refinement: [
                {
                  leftOperand: 'payAmount',
                  operator: 'eq',
                  rightOperand: { '@value': '50', '@type': 'xsd:decimal' },
                  unit: 'urn:iso:std:iso:4217:JPY',
                },
              ],
            },
          ],
          target: 'https://manga.example/licence',
        },
      ],
      constraint: [{ leftOperand: 'spatial', operator: 'isAnyOf', rightOperand: ['JP'] }],
    });
    expect(body.permission.find((r) => r.action === 'kyodaku:search')).toEqual({
      target: ISBN,
      action: 'kyodaku:search',
    });
  });

  it('REQ-INTEROP-061: decides at the time given', async () => {
    await publishRecord();
    const before = await exported('aipref', `${q(ISBN)}&at=2001-01-01T00:00:00Z`);
    expect(before.headers.get('content-usage')).toBe('train-ai=n, ai-use=n, search=n');
  });

  it('REQ-INTEROP-062: answers problems for a bad request', async () => {
    expect(await problemType(await t.get('/v1/interop/aipref'))).toBe(P('invalid-identifier'));
    expect(await problemType(await t.get('/v1/interop/aipref?id=nope'))).toBe(P('invalid-identifier'));
    expect(await problemType(await t.get(`/v1/interop/robots?${q(ISBN)}`))).toBe(P('invalid-request'));
    expect(await problemType(await t.get(`/v1/interop/rsl?${q(ISBN)}`))).toBe(P('invalid-request'));
    expect(await problemType(await t.get(`/v1/interop/tdmrep?${q(ISBN)}`))).toBe(P('invalid-request'));
    const unknown = await t.get(`/v1/interop/pdf?${q(ISBN)}`);
    expect(unknown.status).toBe(404);
    expect(await problemType(unknown)).toBe(P('not-found'));
    expect(await problemType(await t.get(`/v1/interop/aipref?${q(ISBN)}&at=yesterday`))).toBe(
      P('invalid-request'),
    );
    expect((await t.app.request(`/v1/interop/aipref?${q(ISBN)}`, { method: 'POST' })).status).toBe(405);
  });
});
