/**
 * spec/vectors/prompt-checks.json against the reference node: the catalogue published as records
 * (one item each), every prompt checked, and the matches of catalogue items compared with those
 * written in the vectors (span, text, item). At least 200 of the prompts are Japanese.
 */
import { readFileSync } from 'node:fs';
import type { schemas } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeNode, type TestNode } from '../helpers.ts';

interface CatalogueItem {
  key: string;
  type: 'work' | 'character' | 'voice' | 'likeness';
  titles: Record<string, string>;
  aliases?: Record<string, string[]>;
  related?: string[];
  purposes: Record<string, 'allow' | 'deny' | 'conditional'>;
}

interface PromptVector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: { text: string };
  expected: Array<{ item: string; text: string; start: number; end: number }>;
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../spec/vectors/prompt-checks.json', import.meta.url), 'utf8'),
) as {
  algorithm: string;
  numberOfTests: number;
  notes: Record<string, string>;
  catalogue: CatalogueItem[];
  tests: PromptVector[];
};

const idOf = (key: string) => `kyodaku:prompt-set.example/${key}`;

let t: TestNode;
beforeAll(async () => {
  t = await makeNode();
  const party = await t.party();
  for (const c of vectors.catalogue) {
    const record = await party.record({
      work: {
        type: c.type,
        ids: [idOf(c.key)],
        titles: c.titles,
        ...(c.aliases && { aliases: c.aliases }),
        ...(c.related && { related: c.related.map(idOf) }),
      },
      purposes: c.purposes,
      ...(Object.values(c.purposes).includes('conditional') && {
        conditions: { attribution: { required: true } },
      }),
    });
    const response = await t.postJws('/v1/records', record.jws);
    if (response.status !== 201) throw new Error(`${c.key}: ${await response.text()}`);
  }
}, 60_000);
afterAll(() => t?.close());

describe('spec/vectors/prompt-checks.json', () => {
  it('is well-formed, with at least 200 Japanese prompts', () => {
    expect(vectors.algorithm).toBe('kyodaku-prompt-check');
    expect(vectors.tests).toHaveLength(vectors.numberOfTests);
    const keys = new Set(vectors.catalogue.map((c) => c.key));
    vectors.tests.forEach((v, i) => {
      expect(v.tcId).toBe(i + 1);
      for (const flag of v.flags) expect(vectors.notes, flag).toHaveProperty(flag);
      const cps = Array.from(v.input.text);
      for (const e of v.expected) {
        expect(keys.has(e.item), e.item).toBe(true);
        expect(cps.slice(e.start, e.end).join(''), `tcId ${v.tcId}`).toBe(e.text);
      }
    });
    const japanese = vectors.tests.filter((v) =>
      /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(v.input.text),
    );
    expect(japanese.length).toBeGreaterThanOrEqual(200);
  });

  it('the node reports exactly the expected matches of catalogue items in every prompt', async () => {
    const byId = new Map(vectors.catalogue.map((c) => [idOf(c.key), c.key]));
    const failures: string[] = [];
    for (const v of vectors.tests) {
      const response = await t.postJson('/v1/prompt-checks', { text: v.input.text, purposes: ['generate'] });
      const answer = (await response.json()) as schemas.PromptCheckResponse;
      const got = answer.matches
        .filter((m) => byId.has(m.item.ids[0]!))
        .map((m) => `${byId.get(m.item.ids[0]!)}:${m.start}-${m.end}:${m.text}`);
      const expected = v.expected.map((e) => `${e.item}:${e.start}-${e.end}:${e.text}`);
      if (got.join(' | ') !== expected.join(' | '))
        failures.push(
          `tcId ${v.tcId} ${JSON.stringify(v.input.text)}\n  got      ${got.join(' | ')}\n  expected ${expected.join(' | ')}`,
        );
    }
    expect(failures, failures.join('\n')).toEqual([]);
  }, 60_000);
});
