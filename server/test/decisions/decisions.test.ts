/** Single and batch decisions (spec/http-api.md §4), in-process through app.request(). */
import { PURPOSES, schemas, toTimestamp } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const ISBN = 'isbn:9784088725093';

describe('decisions', () => {
  it('REQ-QUERY-001/003: no record is deny/no-record, at the time of answering', async () => {
    const response = await t.get(`/v1/decision?id=${ISBN}&purpose=train.genai`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = schemas.Decision.parse(await response.json());
    expect(body).toMatchObject({
      ids: [ISBN],
      decision: 'deny',
      reasons: ['no-record'],
      records: [],
      disputed: false,
    });
    expect(Math.abs(Date.parse(body.at) - Date.now())).toBeLessThan(5000);
  });

  it('REQ-QUERY-004: a group purpose has leaves and the most restrictive answer; conditions come back', async () => {
    const p = await t.party();
    const conditions = {
      compensation: { model: 'per-use' as const, currency: 'JPY', amount: '50', unit: 'image' },
    };
    const record = await p.record({
      purposes: { 'train.genai': 'allow', 'train.finetune': 'conditional', 'train.nongen': 'allow' },
      conditions,
    });
    await t.postJws('/v1/records', record.jws);
    const body = schemas.Decision.parse(await (await t.get(`/v1/decision?id=${ISBN}&purpose=train`)).json());
    expect(body.decision).toBe('conditional');
    expect(Object.keys(body.leaves ?? {})).toEqual(['train.genai', 'train.finetune', 'train.nongen']);
    expect(body.conditions).toEqual([{ record: record.id, conditions }]);
    const all = schemas.Decision.parse(await (await t.get(`/v1/decision?id=${ISBN}&purpose=all`)).json());
    expect(all.decision).toBe('deny');
    expect(Object.keys(all.leaves ?? {})).toHaveLength(12);
  });

  it('several ids of one item; url prefix patterns match', async () => {
    const p = await t.party();
    const record = await p.record({
      ids: ['url:https://manga.example/hoshi/*'],
      purposes: { search: 'allow' },
    });
    await t.postJws('/v1/records', record.jws);
    const body = schemas.Decision.parse(
      await (
        await t.get(
          `/v1/decision?id=${encodeURIComponent('sha256:'.concat('ab'.repeat(32)))}&id=${encodeURIComponent('https://manga.example/hoshi/1.png'.replace(/^/, 'url:'))}&purpose=search`,
        )
      ).json(),
    );
    expect(body).toMatchObject({ decision: 'allow', records: [record.id] });
  });

  it('REQ-DECIDE-005: two issuers claiming one work: disputed, most restrictive', async () => {
    const a = await t.party();
    const b = await t.party();
    await t.postJws('/v1/records', (await a.record({ purposes: { all: 'allow' } })).jws);
    await t.postJws('/v1/records', (await b.record({ purposes: { all: 'deny' } })).jws);
    const body = schemas.Decision.parse(await (await t.get(`/v1/decision?id=${ISBN}&purpose=tdm`)).json());
    expect(body).toMatchObject({ decision: 'deny', disputed: true });
    expect(body.reasons).toContain('disputed');
  });

  it('REQ-QUERY-002/005: refuses missing or unknown purpose, missing or invalid id, bad at, too many ids', async () => {
    expect(await problemType(await t.get(`/v1/decision?id=${ISBN}`))).toBe(P('unknown-purpose'));
    expect(await problemType(await t.get(`/v1/decision?id=${ISBN}&purpose=train.everything`))).toBe(
      P('unknown-purpose'),
    );
    expect(await problemType(await t.get('/v1/decision?purpose=tdm'))).toBe(P('invalid-identifier'));
    expect(await problemType(await t.get('/v1/decision?id=nope&purpose=tdm'))).toBe(P('invalid-identifier'));
    expect(await problemType(await t.get(`/v1/decision?id=${ISBN}&purpose=tdm&at=yesterday`))).toBe(
      P('invalid-request'),
    );
    expect(
      await problemType(await t.get(`/v1/decision?id=${ISBN}&purpose=tdm&at=2026-01-01T00:00:00.5Z`)),
    ).toBe(P('invalid-request'));
    const many = Array.from({ length: 101 }, (_, i) => `id=kyodaku:x/${i}`).join('&');
    expect(await problemType(await t.get(`/v1/decision?${many}&purpose=tdm`))).toBe(P('invalid-request'));
  });

  it('REQ-QUERY-010/012/014: a batch answers every pair in order, equal to the single answers', async () => {
    const p = await t.party();
    const record = await p.record({ purposes: { 'train.genai': 'deny', search: 'allow' } });
    await t.postJws('/v1/records', record.jws);
    const ids = [ISBN, 'isbn:978-4-06-384276-0', 'not an id', 'url:https://manga.example/x'];
    const purposes = ['search', 'train.genai', 'train'];
    const at = toTimestamp();
    const response = await t.postJson('/v1/decisions', { ids, purposes, at });
    expect(response.status).toBe(200);
    const body = schemas.BatchDecisionResponse.parse(await response.json());
    expect(body.at).toBe(at);
    expect(body.results).toHaveLength(ids.length * purposes.length);
    let i = 0;
    for (const id of ids) {
      for (const purpose of purposes) {
        const item = body.results[i++] as Record<string, unknown>;
        expect(item.id).toBe(id);
        if (id === 'not an id') {
          expect((item.error as { type: string }).type).toBe(P('invalid-identifier'));
          continue;
        }
        const single = (await (
          await t.get(`/v1/decision?id=${encodeURIComponent(id)}&purpose=${purpose}&at=${at}`)
        ).json()) as Record<string, unknown>;
        const { ids: _ids, at: _at, leaves: _leaves, ...expected } = single;
        expect(item).toEqual({ id, ...expected });
      }
    }
  });

  it('REQ-QUERY-011: more than max_batch_ids is 413 batch-too-large', async () => {
    const ids = Array.from({ length: 10_001 }, (_, i) => `kyodaku:x/${i}`);
    expect(await problemType(await t.postJson('/v1/decisions', { ids, purposes: ['tdm'] }))).toBe(
      P('batch-too-large'),
    );
    const ok = await t.postJson('/v1/decisions', { ids: ids.slice(0, 10_000), purposes: ['tdm'] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { results: unknown[] }).results).toHaveLength(10_000);
  });

  it('REQ-QUERY-013: malformed JSON, schema violations and unknown purposes', async () => {
    expect(await problemType(await t.postJson('/v1/decisions', '{"ids":'))).toBe(P('malformed-json'));
    expect(await problemType(await t.postJson('/v1/decisions', []))).toBe(P('invalid-request'));
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [ISBN] }))).toBe(P('invalid-request'));
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [], purposes: ['tdm'] }))).toBe(
      P('invalid-request'),
    );
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [1], purposes: ['tdm'] }))).toBe(
      P('invalid-request'),
    );
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: ['x'.repeat(2049)], purposes: ['tdm'] })),
    ).toBe(P('invalid-request'));
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['tdm', 'tdm'] })),
    ).toBe(P('invalid-request'));
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['tdm'], extra: 1 })),
    ).toBe(P('invalid-request'));
    expect(
      await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['tdm'], at: 'now' })),
    ).toBe(P('invalid-request'));
    expect(await problemType(await t.postJson('/v1/decisions', { ids: [ISBN], purposes: ['dance'] }))).toBe(
      P('unknown-purpose'),
    );
    // Every purpose of the vocabulary at once: max_batch_purposes (16).
    expect(PURPOSES).toHaveLength(schemas.LIMITS.maxBatchPurposes);
    expect((await t.postJson('/v1/decisions', { ids: [ISBN], purposes: PURPOSES })).status).toBe(200);
  });
});
