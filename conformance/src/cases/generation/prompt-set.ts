/** The `generation` case over the Japanese prompt set of spec/vectors/prompt-checks.json. */
import { createRequire } from 'node:module';
import type { Case } from '../../case.ts';
import { check } from '../../expect.ts';
import { promptCheck } from './support.ts';

const require = createRequire(import.meta.url);

interface CatalogueItem {
  key: string;
  type: 'work' | 'character' | 'voice' | 'likeness';
  titles: Record<string, string>;
  aliases?: Record<string, string[]>;
  related?: string[];
  purposes: Record<string, 'allow' | 'deny' | 'conditional'>;
}

const promptSet = require('@kyodaku/spec/vectors/prompt-checks.json') as {
  catalogue: CatalogueItem[];
  tests: Array<{
    tcId: number;
    input: { text: string };
    expected: Array<{ item: string; text: string; start: number; end: number }>;
  }>;
};

export const promptSetCase: Case = {
  id: 'generation-prompt-set',
  requirements: [
    'REQ-GEN-003',
    'REQ-GEN-004',
    'REQ-GEN-005',
    'REQ-ID-035',
    'REQ-ID-036',
    'REQ-ID-037',
    'REQ-ID-038',
  ],
  level: 'MUST',
  profile: 'generation',
  title: `spec/vectors/prompt-checks.json: the catalogue published under fresh ids, and exactly the expected matches in each of its ${promptSet.tests.length} prompts (most of them Japanese)`,
  async run(ctx) {
    const party = await ctx.sharedParty('generation');
    const ids = new Map(promptSet.catalogue.map((c) => [c.key, ctx.workId(`set/${c.key}`)]));
    for (const c of promptSet.catalogue) {
      await ctx.publishRecord(party, {
        work: {
          type: c.type,
          ids: [ids.get(c.key)!],
          titles: c.titles,
          ...(c.aliases && { aliases: c.aliases }),
          ...(c.related && { related: c.related.map((k) => ids.get(k)!) }),
        },
        purposes: c.purposes,
        ...(Object.values(c.purposes).includes('conditional') && {
          conditions: { attribution: { required: true } },
        }),
      });
    }
    const keyOf = new Map([...ids].map(([k, id]) => [id, k]));
    const failures: string[] = [];
    for (const v of promptSet.tests) {
      const answer = await promptCheck(ctx, { text: v.input.text, purposes: ['generate'] });
      const got = answer.matches
        .filter((m) => keyOf.has(m.item.ids[0]!))
        .map((m) => `${keyOf.get(m.item.ids[0]!)}:${m.start}-${m.end}:${m.text}`);
      const expected = v.expected.map((e) => `${e.item}:${e.start}-${e.end}:${e.text}`);
      if (got.join(' | ') !== expected.join(' | '))
        failures.push(
          `tcId ${v.tcId} ${JSON.stringify(v.input.text)}: got ${got.join(' | ') || 'none'}, expected ${expected.join(' | ') || 'none'}`,
        );
    }
    check(failures.length === 0, `${failures.length} prompts differ:\n${failures.slice(0, 20).join('\n')}`);
  },
};
