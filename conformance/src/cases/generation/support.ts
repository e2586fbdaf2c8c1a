/** What the cases of the `generation` profile share: the prompt check call, publishing names, spans. */
import { NameIndex, type RecordInput, schemas } from '@kyodaku/client';
import type { Context, TestParty } from '../../context.ts';
import { equal, expectJson } from '../../expect.ts';

export type Answer = schemas.PromptCheckResponse;
export type Match = schemas.PromptMatch;

export const PATH = '/v1/prompt-checks';

/** POST /v1/prompt-checks; asserts 200 and the schema. */
export async function promptCheck(ctx: Context, body: Record<string, unknown>): Promise<Answer> {
  const res = await ctx.postJson(PATH, body);
  return expectJson(res, 200, schemas.PromptCheckResponse, `POST ${PATH}`);
}

/** Publishes one record about a fresh item with these names; returns the item's id and the record id. */
export async function publishNames(
  ctx: Context,
  party: TestParty,
  names: { titles?: Record<string, string>; aliases?: Record<string, string[]> },
  input: Partial<RecordInput> = {},
  type: 'work' | 'character' | 'voice' | 'likeness' = 'character',
): Promise<{ item: string; record: string }> {
  const item = ctx.workId('gen');
  const { view, id } = await ctx.publishRecord(party, {
    purposes: { generate: 'deny' },
    ...input,
    work: { type, ids: [item], ...names },
  });
  equal(view.record.work.ids, [item], 'the published record names the item');
  return { item, record: id };
}

/** The spans the library finds for `names` in `text`, less those inside a longer one (REQ-GEN-004). */
export function expectedSpans(names: readonly string[], text: string): string[] {
  const index = new NameIndex<string>();
  for (const n of names) index.add(n, n);
  const spans = index
    .search(text)
    .map((m) => [m.start, m.end] as const)
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const out: string[] = [];
  let maxEnd = -1;
  for (const [start, end] of spans) {
    if (end <= maxEnd) continue;
    maxEnd = end;
    const key = `${start}-${end}`;
    if (!out.includes(key)) out.push(key);
  }
  return out;
}

export const ownSpans = (answer: Answer, item: string) =>
  answer.matches.filter((m) => m.item.ids.includes(item)).map((m) => `${m.start}-${m.end}`);

/** Japanese when a vector's input has kana or kanji, else English. */
export const isJapanese = (s: string) => /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u.test(s);

/** Latin letters of this run's id (for names unique to the run that a spaced script keeps whole). */
export function runTag(ctx: Context): string {
  return (
    ctx.suite.runId
      .replace(/[^a-z]/gi, '')
      .slice(0, 6)
      .toLowerCase() || 'run'
  );
}
