/**
 * One `generation` case per rule of the match keys and language (identifiers.md §5.1): every
 * spelling of spec/vectors/name-keys.json with the same key is found in a prompt.
 */
import { createRequire } from 'node:module';
import type { Case } from '../../case.ts';
import { check } from '../../expect.ts';
import { expectedSpans, isJapanese, ownSpans, promptCheck, publishNames } from './support.ts';

interface KeyVector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: string;
  kind: 'name' | 'text';
  output: string;
}

const require = createRequire(import.meta.url);
const keyVectors = (require('@kyodaku/spec/vectors/name-keys.json') as { tests: KeyVector[] }).tests;

/** The spellings of the name-key vectors, grouped by their match key (names only, non-empty keys). */
const spellings = new Map<string, string[]>();
for (const v of keyVectors) {
  if (v.kind !== 'name' || v.output === '') continue;
  const list = spellings.get(v.output) ?? [];
  list.push(v.input);
  spellings.set(v.output, list);
}

/** One case per rule of the match keys (a vector flag) and language: every spelling of its names is found. */
export function foldingCases(): Case[] {
  const flags = [...new Set(keyVectors.flatMap((v) => v.flags))].filter((f) => f !== 'Empty');
  const cases: Case[] = [];
  for (const flag of flags) {
    for (const lang of ['ja', 'en'] as const) {
      const vectors = keyVectors.filter(
        (v) =>
          v.kind === 'name' &&
          v.output !== '' &&
          v.flags.includes(flag) &&
          isJapanese(v.input) === (lang === 'ja'),
      );
      if (vectors.length === 0) continue;
      const requirements = [
        ...new Set(['REQ-GEN-003', 'REQ-ID-033', ...vectors.flatMap((v) => v.requirements)]),
      ].sort();
      cases.push({
        id: `generation-fold-${flag.toLowerCase()}-${lang}`,
        requirements,
        level: 'MUST',
        profile: 'generation',
        title: `match keys, ${flag} (${lang === 'ja' ? 'Japanese' : 'English'}): ${vectors
          .map((v) => v.input)
          .join(
            ', ',
          )} are found in prompts in every spelling of spec/vectors/name-keys.json with the same key`,
        async run(ctx) {
          const party = await ctx.sharedParty('generation');
          const names = vectors.map((v) => v.input);
          const { item } = await publishNames(ctx, party, { aliases: { [lang]: names } });
          const failures: string[] = [];
          for (const v of vectors) {
            for (const spelling of spellings.get(v.output) ?? [v.input]) {
              const text = isJapanese(spelling) ? `「${spelling}」の絵を描いて` : `draw ${spelling} please`;
              const answer = await promptCheck(ctx, { text, purposes: ['generate.character'] });
              const got = ownSpans(answer, item);
              const expected = expectedSpans(names, text);
              if (got.join() !== expected.join())
                failures.push(
                  `${JSON.stringify(text)}: spans ${got.join(' ') || 'none'}, expected ${expected.join(' ')}`,
                );
            }
          }
          check(failures.length === 0, failures.join('\n'));
        },
      });
    }
  }
  return cases;
}
