/** The decision algorithm (spec/kyodaku.md §8) against spec/vectors/decisions.json. */
import { describe, expect, it } from 'vitest';
import { type DecisionQuery, decide, type RecordState } from '../src/index.ts';
import { readJson, SPEC_VECTORS } from './helpers/vectors.ts';

interface DecisionVector {
  tcId: number;
  comment: string;
  input: { records: RecordState[]; query: DecisionQuery };
  expected: {
    decision: string;
    reasons: string[];
    records: string[];
    disputed: boolean;
    conditionsFrom?: string[];
    conditions?: Array<{ record: string; conditions: Record<string, unknown> }>;
    leaves?: Record<string, string>;
  };
}

describe('spec/vectors/decisions.json', () => {
  const { tests } = readJson<{ tests: DecisionVector[] }>(SPEC_VECTORS, 'decisions.json');

  it.each(tests)('$tcId $comment', ({ input, expected }) => {
    const answer = decide(input.query, input.records);
    expect(answer.decision).toBe(expected.decision);
    expect([...answer.reasons].sort()).toEqual([...expected.reasons].sort());
    expect(answer.records).toEqual(expected.records);
    expect(answer.disputed).toBe(expected.disputed);
    expect(answer.purpose).toBe(input.query.purpose);
    expect(answer.at).toBe(input.query.at);
    expect((answer.conditions ?? []).map((c) => c.record)).toEqual(expected.conditionsFrom ?? []);
    if (expected.conditions) expect(answer.conditions).toEqual(expected.conditions);
    if (expected.leaves) {
      expect(
        Object.fromEntries(Object.entries(answer.leaves ?? {}).map(([leaf, a]) => [leaf, a.decision])),
      ).toEqual(expected.leaves);
    } else {
      expect(answer.leaves).toBeUndefined();
    }
  });

  it('never allows when the record list is empty, for every purpose', () => {
    for (const purpose of ['all', 'train', 'input', 'generate', 'tdm', 'search', 'generate.voice'] as const) {
      expect(decide({ ids: ['isbn:9784088725093'], purpose, at: '2026-01-01T00:00:00Z' }, []).decision).toBe(
        'deny',
      );
    }
  });
});
