/** Usage declarations (spec/usage.md §3, §4, §6.1) through app.request(). */
import { createHash } from 'node:crypto';
import { manifestOf, schemas, usageBodyOf } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';
import { developer, holderWithRecord } from './usage-helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const BOOK = 'isbn:9784088725093';
const OTHER = 'isbn:9784088725109';

async function citationsOf(response: Response) {
  expect(response.status).toBe(422);
  const body = (await response.clone().json()) as {
    citations: Array<{ item: number; record?: string; reason: string }>;
  };
  expect(await problemType(response)).toBe(P('invalid-citation'));
  return body.citations;
}

describe('usage declarations', () => {
  it('REQ-USAGE-001, REQ-USAGE-010: accepts a declaration citing the allowing record, logs it with a label', async () => {
    const { holder, record } = await holderWithRecord(t, { 'train.genai': 'allow' }, [BOOK]);
    const dev = await developer(t);
    const size = t.node.objects.size;
    const response = await dev.declare([{ ids: [BOOK], purpose: 'train.genai', records: [record.id] }]);
    expect(response.status).toBe(201);
    const view = schemas.DeclarationView.parse(await response.json());
    expect(response.headers.get('location')).toBe(`/v1/usage/${view.id}`);
    expect(view.log.index).toBe(size);
    expect(view.label).toBe(String(size + 1));
    expect(t.node.objects.size).toBe(size + 2);
    const got = schemas.DeclarationView.parse(await (await t.get(`/v1/usage/${view.id}`)).json());
    expect(got.jws).toBe(view.jws);

    const uses = schemas.UsageUseList.parse(await (await t.get(`/v1/usage?holder=${holder.id}`)).json());
    expect(uses.uses).toEqual([
      expect.objectContaining({
        declaration: view.id,
        declarant: dev.id,
        record: record.id,
        purpose: 'train.genai',
        holder: holder.id,
        uses: 1,
      }),
    ]);
    const byId = schemas.UsageUseList.parse(await (await t.get(`/v1/usage?id=${BOOK}`)).json());
    expect(byId.uses).toHaveLength(1);
    expect(schemas.UsageUseList.parse(await (await t.get(`/v1/usage?id=${OTHER}`)).json()).uses).toHaveLength(
      0,
    );
    const mine = schemas.DeclarationList.parse(await (await t.get(`/v1/usage?declarant=${dev.id}`)).json());
    expect(mine.declarations.map((d) => d.id)).toEqual([view.id]);
  });

  it('REQ-USAGE-012: refuses citations of denying, revoked, unrelated and unknown records; nothing is stored', async () => {
    const denying = await holderWithRecord(t, { all: 'deny' }, [BOOK]);
    const revoked = await holderWithRecord(t, { all: 'allow' }, [OTHER]);
    expect(
      (await t.postJws('/v1/revocations', (await revoked.holder.revocation(revoked.record.id)).jws)).status,
    ).toBe(201);
    const dev = await developer(t);
    const size = t.node.objects.size;
    const cases: Array<[string, { ids: string[]; records: string[] }]> = [
      ['denying', { ids: [BOOK], records: [denying.record.id] }],
      ['revoked', { ids: [OTHER], records: [revoked.record.id] }],
      ['unrelated', { ids: ['isbn:9784063842760'], records: [denying.record.id] }],
      ['unknown', { ids: [BOOK], records: ['0'.repeat(64)] }],
    ];
    for (const [reason, item] of cases) {
      const citations = await citationsOf(await dev.declare([{ ...item, purpose: 'train.genai' }]));
      expect(citations[0]).toMatchObject({ item: 0, record: item.records[0], reason });
    }
    expect(t.node.objects.size).toBe(size);
    const uses = schemas.UsageUseList.parse(
      await (await t.get(`/v1/usage?holder=${denying.holder.id}`)).json(),
    );
    expect(uses.uses).toHaveLength(0);
    expect(
      schemas.DeclarationList.parse(await (await t.get(`/v1/usage?declarant=${dev.id}`)).json()).declarations,
    ).toHaveLength(0);
  });

  it('REQ-USAGE-010: an item must cite every deciding record, and only those', async () => {
    const a = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const b = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const citations = await citationsOf(
      await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [a.record.id] }]),
    );
    expect(citations).toEqual([{ item: 0, record: b.record.id, reason: 'uncited' }]);
    const both = await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [a.record.id, b.record.id] }]);
    expect(both.status).toBe(201);
  });

  it('REQ-USAGE-010, REQ-USAGE-012: refuses a use the decision denies although the cited record allows (a dispute)', async () => {
    const a = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    await holderWithRecord(t, { all: 'deny' }, [BOOK]);
    const dev = await developer(t);
    const citations = await citationsOf(
      await dev.declare([{ ids: [BOOK], purpose: 'tdm', records: [a.record.id] }]),
    );
    expect(citations).toEqual([{ item: 0, reason: 'denied' }]);
  });

  it('REQ-USAGE-003: refuses a declarant who is not an attested AI developer', async () => {
    const { record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const holder = await t.party();
    const { signer, id } = holder;
    const dev = await developer(t);
    const signed = await dev.declaration({ items: [{ ids: [BOOK], purpose: 'tdm', records: [record.id] }] });
    expect(signed.payload.iss).toBe(dev.id);
    const asHolder = await (await import('@kyodaku/client')).signObject(
      'usage-declaration',
      { ...signed.payload, iss: id },
      signer,
    );
    expect(await problemType(await t.postJws('/v1/usage', asHolder.jws))).toBe(P('forbidden'));
    const unattested = await t.party('ai-developer', false);
    const byUnattested = await (await import('@kyodaku/client')).signObject(
      'usage-declaration',
      { ...signed.payload, iss: unattested.id },
      unattested.signer,
    );
    expect(await problemType(await t.postJws('/v1/usage', byUnattested.jws))).toBe(P('unattested-key'));
  });

  it('REQ-USAGE-004: a manifest declaration: items from the manifest; a wrong hash or count is refused', async () => {
    const { holder, record } = await holderWithRecord(t, { all: 'allow' }, [BOOK, OTHER]);
    const dev = await developer(t);
    const items = [
      { ids: [BOOK], purpose: 'train.genai' as const, records: [record.id], uses: 3 },
      { ids: [OTHER], purpose: 'input.index' as const, records: [record.id] },
    ];
    const response = await dev.declareManifest(items);
    expect(response.status).toBe(201);
    const view = schemas.DeclarationView.parse(await response.json());
    const manifest = await t.get(`/v1/usage/${view.id}/manifest`);
    expect(await manifest.text()).toBe((await manifestOf(items)).text);
    const uses = schemas.UsageUseList.parse(
      await (await t.get(`/v1/usage?holder=${holder.id}&limit=1`)).json(),
    );
    expect(uses.uses).toHaveLength(1);
    const next = schemas.UsageUseList.parse(
      await (await t.get(`/v1/usage?holder=${holder.id}&limit=1&cursor=${uses.next_cursor}`)).json(),
    );
    expect(next.uses.map((u) => u.purpose)).toEqual(['input.index']);
    expect(next.next_cursor).toBeNull();

    const size = t.node.objects.size;
    const real = await manifestOf(items);
    const wrongCount = await dev.declaration({ manifest: { ...real.ref, count: 3 } });
    expect(
      await problemType(
        await t.postJws('/v1/usage', usageBodyOf(wrongCount.jws, real), 'application/x-ndjson'),
      ),
    ).toBe(P('invalid-request'));
    const other = await manifestOf(items.slice(0, 1));
    const wrongHash = await dev.declaration({ manifest: real.ref });
    expect(
      await problemType(
        await t.postJws('/v1/usage', usageBodyOf(wrongHash.jws, other), 'application/x-ndjson'),
      ),
    ).toBe(P('invalid-request'));
    expect(await problemType(await t.postJws('/v1/usage', wrongHash.jws))).toBe(P('invalid-request'));
    expect(t.node.objects.size).toBe(size);
  });

  it('REQ-ID-004, REQ-USAGE-004: a manifest line with an identifier not in normalized form is a schema violation', async () => {
    const { record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const text = `${JSON.stringify({ ids: ['ISBN:978-4-08-872509-3'], purpose: 'tdm', records: [record.id] })}\n`;
    const sha256 = createHash('sha256').update(text).digest('hex');
    const signed = await dev.declaration({ manifest: { sha256, count: 1 } });
    const response = await t.postJws('/v1/usage', `${signed.jws}\n${text}`, 'application/x-ndjson');
    expect(await problemType(response)).toBe(P('schema-violation'));
  });

  it('REQ-USAGE-002, REQ-USAGE-001: refuses a declaration dated more than 300 s ahead, and one with both items and manifest', async () => {
    const { record } = await holderWithRecord(t, { all: 'allow' }, [BOOK]);
    const dev = await developer(t);
    const items = [{ ids: [BOOK], purpose: 'tdm' as const, records: [record.id] }];
    const future = new Date(t.node.now() + 301_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    expect(await problemType(await dev.declare(items, { issued_at: future }))).toBe(P('schema-violation'));
    await expect(dev.declare(items, { manifest: { sha256: '0'.repeat(64), count: 1 } })).rejects.toThrow(
      /either items or a manifest/,
    );
  });
});
