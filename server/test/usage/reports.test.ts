/** The signed holder report with compensation (spec/usage.md §6.2) and the AI developer listing (§7). */
import { schemas, toTimestamp, verifyObject } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dueFor, fromUnits, toUnits } from '../../src/usage/compensation.ts';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';
import { developer, holderWithRecord } from './usage-helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const BOOK = 'isbn:9784088725093';
const SONG = 'isbn:9784088725109';
const VOICE = 'isbn:9784063842760';

describe('usage reports', () => {
  it('REQ-USAGE-031: per-use, flat-fee and revenue-share terms give the amounts due, signed by the node', async () => {
    const perUse = await holderWithRecord(t, { 'generate.character': 'conditional' }, [BOOK], {
      compensation: { model: 'per-use', currency: 'JPY', amount: '50', unit: 'image' },
    });
    const holder = perUse.holder;
    const flat = await holder.record({
      ids: [SONG],
      purposes: { train: 'conditional' },
      conditions: { compensation: { model: 'flat-fee', currency: 'JPY', amount: '10000' } },
    });
    expect((await t.postJws('/v1/records', flat.jws)).status).toBe(201);
    const share = await holder.record({
      ids: [VOICE],
      purposes: { 'input.system': 'conditional' },
      conditions: { compensation: { model: 'revenue-share', amount: '2.5' } },
    });
    expect((await t.postJws('/v1/records', share.jws)).status).toBe(201);
    const dev = await developer(t);
    const first = await dev.declare([
      { ids: [BOOK], purpose: 'generate.character', records: [perUse.record.id], uses: 3 },
      { ids: [SONG], purpose: 'train.genai', records: [flat.id] },
    ]);
    expect(first.status).toBe(201);
    const second = await dev.declare(
      [
        { ids: [VOICE], purpose: 'input.system', records: [share.id] },
        { ids: [BOOK], purpose: 'generate.character', records: [perUse.record.id], uses: 1 },
      ],
      { revenue: { amount: '1000000.5', currency: 'JPY' } },
    );
    expect(second.status).toBe(201);
    const withoutRevenue = await dev.declare([
      { ids: [VOICE], purpose: 'input.system', records: [share.id] },
    ]);
    expect(withoutRevenue.status).toBe(201);

    const response = await t.get(`/v1/usage/report?holder=${holder.id}`);
    expect(response.status).toBe(200);
    const { jws, report } = schemas.UsageReportResponse.parse(await response.json());
    const verified = await verifyObject(jws, 'usage-report', () => t.node.node.publicJwk);
    expect(verified.payload).toEqual(report);
    expect(report).toMatchObject({ holder: holder.id, node: t.node.node.kid, declarations: 3, items: 5 });
    expect(report.evaluated_at.size).toBe(t.node.objects.size);
    // 50 × 3 + 10000 + 50 × 1 + 2.5 % of 1000000.5 / 2 items (12500.00625)
    expect(report.totals).toEqual([{ currency: 'JPY', amount: '22700.00625' }]);
    expect(report.purposes).toEqual([
      {
        purpose: 'generate.character',
        items: 2,
        uses: 4,
        due: [{ currency: 'JPY', amount: '200' }],
        unpriced: 0,
      },
      {
        purpose: 'input.system',
        items: 2,
        uses: 2,
        due: [{ currency: 'JPY', amount: '12500.00625' }],
        unpriced: 1,
      },
      { purpose: 'train.genai', items: 1, uses: 1, due: [{ currency: 'JPY', amount: '10000' }], unpriced: 0 },
    ]);
    const line = (declaration: string, purpose: string) =>
      report.lines.find((l) => l.declaration === declaration && l.purpose === purpose);
    const ids = await Promise.all(
      [first, second, withoutRevenue].map(async (r) => ((await r.json()) as { id: string }).id),
    );
    expect(line(ids[0]!, 'generate.character')).toMatchObject({
      items: 1,
      uses: 3,
      due: [{ currency: 'JPY', amount: '150' }],
    });
    expect(line(ids[0]!, 'train.genai')).toMatchObject({
      items: 1,
      due: [{ currency: 'JPY', amount: '10000' }],
    });
    expect(line(ids[1]!, 'input.system')).toMatchObject({
      due: [{ currency: 'JPY', amount: '12500.00625' }],
    });
    expect(line(ids[2]!, 'input.system')).toMatchObject({ due: [], unpriced: 1 });
    expect(report.lines[0]!.declaration).toBe(ids[2]);

    const other = await t.party();
    const empty = schemas.UsageReportResponse.parse(
      await (await t.get(`/v1/usage/report?holder=${other.id}`)).json(),
    );
    expect(empty.report).toMatchObject({ declarations: 0, items: 0, lines: [], purposes: [], totals: [] });
    expect(await problemType(await t.get('/v1/usage/report?holder=nobody'))).toBe(P('invalid-request'));
  });

  it('REQ-USAGE-031: amounts are exact decimals, rounded down to 8 digits per citation', () => {
    expect(fromUnits(toUnits('0.1') + toUnits('0.2'))).toBe('0.3');
    expect(dueFor({ model: 'per-use', currency: 'EUR', amount: '0.00000001' }, 3, undefined, 1)).toEqual({
      currency: 'EUR',
      units: 3n,
    });
    const third = dueFor({ model: 'revenue-share', amount: '100' }, 1, { amount: '1', currency: 'USD' }, 3);
    expect(third !== 'unpriced' && third !== undefined && fromUnits(third.units)).toBe('0.33333333');
    expect(dueFor({ model: 'free' }, 5, undefined, 1)).toBeUndefined();
    expect(dueFor({ model: 'flat-fee', amount: '5' }, 1, undefined, 1)).toBe('unpriced');
  });

  it('REQ-USAGE-030: GET /v1/usage needs exactly one of holder, id and declarant', async () => {
    const p = await t.party();
    for (const query of ['', `?holder=${p.id}&declarant=${p.id}`, '?holder=x', `?holder=${p.id}&cursor=zz`]) {
      expect(await problemType(await t.get(`/v1/usage${query}`)), query).toBe(P('invalid-request'));
    }
    expect(await problemType(await t.get('/v1/usage?id=isbn:123'))).toBe(P('invalid-identifier'));
  });
});

describe('terms per purpose', () => {
  it('REQ-DECIDE-006, REQ-USAGE-031: one record sets other fees per purpose; decisions and the report follow them', async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'conditional' }, [BOOK], {
      attribution: { required: true },
      compensation: { model: 'flat-fee', currency: 'JPY', amount: '1000' },
      by_purpose: {
        'generate.character': {
          compensation: { model: 'per-use', currency: 'JPY', amount: '30' },
          territory: ['JP'],
        },
        input: { compensation: { model: 'per-use', currency: 'USD', amount: '0.01' } },
      },
    });
    const conditionsOf = async (purpose: string) => {
      const d = schemas.Decision.parse(
        await (await t.get(`/v1/decision?id=${BOOK}&purpose=${purpose}`)).json(),
      );
      return d.conditions;
    };
    expect(await conditionsOf('generate.character')).toEqual([
      {
        record: record.id,
        conditions: {
          attribution: { required: true },
          compensation: { model: 'per-use', currency: 'JPY', amount: '30' },
          territory: ['JP'],
        },
      },
    ]);
    expect(await conditionsOf('input.user')).toEqual([
      {
        record: record.id,
        conditions: {
          attribution: { required: true },
          compensation: { model: 'per-use', currency: 'USD', amount: '0.01' },
        },
      },
    ]);
    expect(await conditionsOf('train.genai')).toEqual([
      {
        record: record.id,
        conditions: {
          attribution: { required: true },
          compensation: { model: 'flat-fee', currency: 'JPY', amount: '1000' },
        },
      },
    ]);
    const dev = await developer(t);
    const declared = await dev.declare([
      { ids: [BOOK], purpose: 'generate.character', records: [record.id], uses: 10 },
      { ids: [BOOK], purpose: 'input.system', records: [record.id], uses: 500 },
      { ids: [BOOK], purpose: 'train.genai', records: [record.id] },
    ]);
    expect(declared.status).toBe(201);
    const { report } = schemas.UsageReportResponse.parse(
      await (await t.get(`/v1/usage/report?holder=${holder.id}`)).json(),
    );
    expect(report.totals).toEqual([
      { currency: 'JPY', amount: '1300' },
      { currency: 'USD', amount: '5' },
    ]);
  });
});

describe('AI developers and services', () => {
  it('GET /v1/businesses lists the attested AI developers with their declarations', async () => {
    const { record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    await t.party('ai-developer', false);
    await t.party();
    expect((await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [record.id] }])).status).toBe(201);
    const list = schemas.BusinessList.parse(await (await t.get('/v1/businesses')).json());
    expect(list.businesses).toEqual([
      {
        party_id: dev.id,
        names: { en: 'Test ai-developer' },
        attested_since: expect.any(String),
        declarations: 1,
      },
    ]);
    expect(list.businesses[0]!.attested_since <= toTimestamp(t.node.now())).toBe(true);
  });
});
