/**
 * What the decision cases share: terms and conditions to publish, a record for a fresh work, and a
 * check of some members of a decision.
 */
import type { RecordInput, schemas } from '@kyodaku/client';
import type { Context, Published } from '../../context.ts';
import { equal } from '../../expect.ts';

/** Common terms and others for one leaf (kyodaku.md §7.3, "Terms per purpose"). */
export const PER_PURPOSE = {
  attribution: { required: true },
  compensation: { model: 'free' as const },
  by_purpose: {
    'generate.character': {
      compensation: { model: 'per-use' as const, currency: 'JPY', amount: '80', unit: 'image' },
      territory: ['JP'],
    },
  },
};

export const CONDITIONS = {
  attribution: { required: true },
  compensation: { model: 'per-use' as const, currency: 'JPY', amount: '50' },
};

export type WorkType = RecordInput['work']['type'];

/** Publishes a record of the shared publisher that names a fresh work id; returns both. */
export async function publishForNewWork(
  ctx: Context,
  input: Omit<Partial<RecordInput>, 'work'>,
  type: WorkType = 'work',
): Promise<{ work: string; record: Published }> {
  const p = await ctx.sharedParty('publisher');
  const work = ctx.workId();
  const record = await ctx.publishRecord(p, { work: { type, ids: [work] }, ...input });
  return { work, record };
}

/** The members of the decision that `expected` names must equal it (the others are not checked). */
export function expectMembers(
  d: schemas.DecisionResponse,
  expected: Partial<schemas.DecisionResponse>,
  what: string,
) {
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, d[k as keyof typeof d]]));
  equal(actual, expected, what);
}
