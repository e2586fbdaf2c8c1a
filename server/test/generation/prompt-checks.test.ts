/** POST /v1/prompt-checks (spec/generation.md): the name index, matches, decisions, errors, receipts. */
import { schemas, toTimestamp, verifyReceipt } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { openNode } from '../../src/node.ts';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

type PromptCheckResponse = schemas.PromptCheckResponse;

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

const NARUTO = 'kyodaku:test.example/char/naruto';
const GOKU = 'kyodaku:test.example/char/goku';

async function publish(
  party: Awaited<ReturnType<TestNode['party']>>,
  input: Parameters<Awaited<ReturnType<TestNode['party']>>['record']>[0],
) {
  const record = await party.record(input);
  const response = await t.postJws('/v1/records', record.jws);
  expect(response.status, await response.clone().text()).toBe(201);
  return record.id;
}

async function check(body: Record<string, unknown>): Promise<PromptCheckResponse> {
  const response = await t.postJson('/v1/prompt-checks', body);
  expect(response.status, await response.clone().text()).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return schemas.PromptCheckResponse.parse(await response.json());
}

const spans = (r: PromptCheckResponse) =>
  r.matches.map((m) => `${m.text}@${m.start}-${m.end}=${m.item.ids[0]}`);

describe('the generation profile', () => {
  it('REQ-GEN-001: is listed in the metadata with its limits', async () => {
    const meta = (await (await t.get('/.well-known/kyodaku')).json()) as schemas.WellKnown;
    expect(meta.profiles).toContain('generation');
    expect(meta.limits.max_prompt_chars).toBe(16_384);
    expect(meta.limits.max_prompt_matches).toBe(1000);
  });

  it('REQ-GEN-003, REQ-GEN-004: finds titles and aliases in Japanese and English, with spans in code points', async () => {
    const party = await t.party();
    const naruto = await publish(party, {
      work: {
        type: 'character',
        ids: [NARUTO],
        titles: { ja: 'うずまきナルト', en: 'Naruto Uzumaki' },
        aliases: { en: ['Naruto'], ja: ['ナルト'] },
      },
      purposes: { 'generate.character': 'deny' },
    });
    await publish(party, {
      work: { type: 'character', ids: [GOKU], titles: { ja: '孫悟空' }, aliases: { ja: ['ソン・ゴクウ'] } },
      purposes: { generate: 'allow' },
    });
    const r = await check({ text: '🎨 ナルトとSon Gokuが戦う絵', purposes: ['generate.character'] });
    expect(spans(r)).toEqual([`ナルト@2-5=${NARUTO}`, `Son Goku@6-14=${GOKU}`]);
    expect(r.matches[0]).toMatchObject({
      name: 'Naruto',
      lang: 'en',
      item: { type: 'character', ids: [NARUTO] },
      named_by: [naruto],
      decision: 'deny',
      decisions: { 'generate.character': { decision: 'deny', reasons: ['denied'], records: [naruto] } },
    });
    expect(r.matches[1]!.decision).toBe('allow');
    expect(r.decision).toBe('deny');
    // The whole name is one match: not also its parts (REQ-GEN-004).
    expect(
      spans(await check({ text: 'draw Naruto Uzumaki, うずまきナルト', purposes: ['generate'] })),
    ).toEqual([`Naruto Uzumaki@5-19=${NARUTO}`, `うずまきナルト@21-28=${NARUTO}`]);
    // Not inside a word of a spaced script (REQ-GEN-003 rule 3).
    expect((await check({ text: 'Narutos and Songokus', purposes: ['generate'] })).matches).toEqual([]);
  });

  it('REQ-GEN-006: a matched item without an allowing record is denied, also when no record is in force', async () => {
    const party = await t.party();
    await publish(party, {
      work: { type: 'character', ids: [NARUTO], titles: { en: 'Naruto' } },
      purposes: { train: 'deny' },
    });
    await publish(party, {
      work: { type: 'character', ids: [GOKU], titles: { en: 'Goku' } },
      purposes: { generate: 'allow' },
      valid_from: toTimestamp(t.node.now() + 86_400_000),
    });
    const r = await check({ text: 'Naruto meets Goku', purposes: ['generate.character', 'generate.style'] });
    expect(r.matches.map((m) => [m.text, m.decision, m.decisions['generate.character']!.reasons])).toEqual([
      ['Naruto', 'deny', ['not-granted']],
      ['Goku', 'deny', ['no-record']],
    ]);
    expect(r.decision).toBe('deny');
  });

  it('REQ-GEN-006: answers allow and conditional with the conditions of the records', async () => {
    const party = await t.party();
    const id = await publish(party, {
      work: { type: 'voice', ids: [NARUTO], titles: { ja: 'ナルトの声' }, aliases: { en: ['Naruto voice'] } },
      purposes: { 'generate.voice': 'conditional', 'generate.character': 'allow' },
      conditions: { attribution: { required: true } },
    });
    const r = await check({
      text: 'naruto voice please',
      purposes: ['generate.voice', 'generate.character'],
    });
    expect(r.matches).toHaveLength(1);
    expect(r.matches[0]!.decisions['generate.voice']).toEqual({
      decision: 'conditional',
      reasons: ['conditional'],
      records: [id],
      disputed: false,
      conditions: [{ record: id, conditions: { attribution: { required: true } } }],
    });
    expect(r.matches[0]!.decisions['generate.character']!.decision).toBe('allow');
    expect([r.matches[0]!.decision, r.decision]).toEqual(['conditional', 'conditional']);
  });

  it('REQ-GEN-002: keeps the names of a revoked record, and its item is then denied', async () => {
    const party = await t.party();
    const id = await publish(party, {
      work: { type: 'character', ids: [NARUTO], titles: { en: 'Naruto' } },
      purposes: { generate: 'allow' },
    });
    expect((await check({ text: 'Naruto', purposes: ['generate'] })).decision).toBe('allow');
    expect((await t.postJws('/v1/revocations', (await party.revocation(id)).jws)).status).toBe(201);
    const r = await check({ text: 'Naruto', purposes: ['generate'] });
    expect([r.matches.length, r.decision, r.matches[0]!.decisions.generate!.reasons]).toEqual([
      1,
      'deny',
      ['no-record'],
    ]);
  });

  it('REQ-GEN-007: a text without a registered name is allow with no matches; at is the node time', async () => {
    const before = toTimestamp(t.node.now());
    const r = await check({ text: 'a cat on a sofa, watercolour', purposes: ['generate'] });
    expect([r.decision, r.matches, r.truncated]).toEqual(['allow', [], false]);
    expect(r.at >= before).toBe(true);
    const at = '2026-01-01T00:00:00Z';
    expect((await check({ text: 'x', purposes: ['generate'], at })).at).toBe(at);
  });

  it('REQ-GEN-002: loads the names of the records it holds at start-up', async () => {
    const party = await t.party();
    await publish(party, {
      work: { type: 'character', ids: [NARUTO], titles: { ja: 'ナルト' } },
      purposes: { generate: 'deny' },
    });
    t.node.close();
    const node = await openNode({ db: t.db, dataDir: t.dir });
    try {
      const response = await createApp(node).request('/v1/prompt-checks', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'なるとの絵', purposes: ['generate'] }),
      });
      const r = (await response.json()) as PromptCheckResponse;
      expect(spans(r)).toEqual([`なると@0-3=${NARUTO}`]);
    } finally {
      node.close();
    }
  });

  it('REQ-GEN-009: answers at most 1,000 matches and says so', async () => {
    const party = await t.party();
    await publish(party, {
      work: { type: 'character', ids: [NARUTO], titles: { ja: '葵' } },
      purposes: { generate: 'deny' },
    });
    const r = await check({ text: '葵'.repeat(1500), purposes: ['generate'] });
    expect([r.matches.length, r.truncated, r.decision]).toEqual([1000, true, 'deny']);
  });
});

describe('Should refuse a bad prompt check (REQ-GEN-008)', () => {
  const post = (body: string, type = 'application/json') =>
    t.app.request('/v1/prompt-checks', { method: 'POST', body, headers: { 'content-type': type } });
  const cases: Array<[string, string, number, string]> = [
    ['text/plain', JSON.stringify({ text: 'x', purposes: ['generate'] }), 415, 'unsupported-media-type'],
    ['application/json', '{"text":', 400, 'malformed-json'],
    ['application/json', '{"text":"\\ud800","purposes":["generate"]}', 400, 'malformed-json'],
    ['application/json', JSON.stringify({ purposes: ['generate'] }), 400, 'invalid-request'],
    ['application/json', JSON.stringify({ text: '', purposes: ['generate'] }), 400, 'invalid-request'],
    ['application/json', JSON.stringify({ text: 'x' }), 400, 'invalid-request'],
    ['application/json', JSON.stringify({ text: 'x', purposes: [] }), 400, 'invalid-request'],
    [
      'application/json',
      JSON.stringify({ text: 'x', purposes: ['generate', 'generate'] }),
      400,
      'invalid-request',
    ],
    [
      'application/json',
      JSON.stringify({ text: 'x', purposes: ['generate'], at: 'now' }),
      400,
      'invalid-request',
    ],
    [
      'application/json',
      JSON.stringify({ text: 'x', purposes: ['generate'], extra: 1 }),
      400,
      'invalid-request',
    ],
    [
      'application/json',
      JSON.stringify({ text: 'x', purposes: ['generate'], receipt: {} }),
      400,
      'invalid-request',
    ],
    ['application/json', JSON.stringify({ text: 'x', purposes: ['generate.music'] }), 400, 'unknown-purpose'],
    [
      'application/json',
      JSON.stringify({ text: 'a'.repeat(16_385), purposes: ['generate'] }),
      413,
      'payload-too-large',
    ],
  ];
  for (const [type, body, status, problem] of cases) {
    it(`${status} ${problem}: ${body.slice(0, 60)}`, async () => {
      const response = await post(body, type);
      expect(response.status).toBe(status);
      expect(await problemType(response)).toBe(P(problem));
    });
  }

  it('counts code points: 16,384 astral characters are accepted', async () => {
    const response = await post(JSON.stringify({ text: '𠮷'.repeat(16_384), purposes: ['generate'] }));
    expect(response.status).toBe(200);
  });
});

describe('receipts (REQ-GEN-010)', () => {
  it('signs one result per match and purpose, logs the receipt, and appends nothing without one', async () => {
    const party = await t.party();
    await publish(party, {
      work: { type: 'character', ids: [NARUTO], titles: { en: 'Naruto' } },
      purposes: { generate: 'deny' },
    });
    const size = async () => Number((await (await t.get('/v1/log/checkpoint')).text()).split('\n')[1]);
    const before = await size();
    await check({ text: 'Naruto', purposes: ['generate.character'] });
    expect(await size()).toBe(before);
    const query = { text: 'Naruto and Naruto', purposes: ['generate.character', 'generate.style'] };
    const nonce = 'prompt-nonce-0123456789';
    const response = await t.postJson('/v1/prompt-checks', { ...query, receipt: { nonce } });
    const body = (await response.json()) as PromptCheckResponse & { receipt: string; receipt_log: unknown };
    const receipt = await verifyReceipt(body.receipt, t.node.node.publicJwk, { nonce, query });
    expect(receipt.payload.results.map((r) => [r.ids, r.purpose, r.decision, r.refs.length])).toEqual([
      [[NARUTO], 'generate.character', 'deny', 1],
      [[NARUTO], 'generate.style', 'deny', 1],
      [[NARUTO], 'generate.character', 'deny', 1],
      [[NARUTO], 'generate.style', 'deny', 1],
    ]);
    const none = (await (
      await t.postJson('/v1/prompt-checks', { text: 'nothing', purposes: ['generate'], receipt: { nonce } })
    ).json()) as { receipt: string };
    const empty = await verifyReceipt(none.receipt, t.node.node.publicJwk, {
      nonce,
      query: { text: 'nothing', purposes: ['generate'] },
    });
    expect(empty.payload.results).toEqual([]);
  });
});

describe('the name index is kept in step', () => {
  it('REQ-GEN-002: takes every record the decision index takes, own or followed (DecisionIndex.onRecord)', async () => {
    // What federation does with a followed record (FollowedState.apply): no HTTP publication.
    const { indexedRecordOf } = await import('../../src/decisions/decision-index.ts');
    t.node.index.addRecord(
      indexedRecordOf(
        'a'.repeat(64),
        {
          kind: 'record',
          v: 1,
          iss: 'b'.repeat(43),
          work: { type: 'character', ids: [GOKU], titles: { ja: '孫悟空' } },
          purposes: { generate: 'deny' },
          valid_from: '2026-01-01T00:00:00Z',
          issued_at: '2026-01-01T00:00:00Z',
        },
        '2026-01-01T00:00:00Z',
      ),
    );
    const r = await check({ text: '孫悟空を描いて', purposes: ['generate'] });
    expect(r.matches.map((m) => [m.text, m.named_by, m.decision])).toEqual([
      ['孫悟空', ['a'.repeat(64)], 'deny'],
    ]);
  });
});
