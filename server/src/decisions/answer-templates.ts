/**
 * Serialized decision answers for the common hit: one record in force decides. Its answer depends
 * only on the record's profile (purposes, conditions), the purpose asked and the record's id, so
 * the JSON is made once per (profile, purpose, with or without leaves) by the library's decide()
 * with a placeholder id, and a hit joins the template's parts with the real id. The JSON is the tail
 * of an answer object after its `"purpose"` and `"at"` members (`"decision":…}`).
 */
import {
  type ConsentRecord,
  type Decision,
  decide,
  PURPOSES,
  type Purpose,
  type RecordState,
} from '@kyodaku/client';
import type { RecordProfile } from './record-profiles.ts';

const PURPOSE_NUMBER = new Map<Purpose, number>(PURPOSES.map((p, i) => [p, i]));
const ALWAYS = { from: '0001-01-01T00:00:00Z', at: '9999-12-31T23:59:59Z' };
const PLACEHOLDERS = ['0'.repeat(64), 'f'.repeat(64)] as const;
/** Bound on cached templates (a registry with a distinct profile per record must not grow it forever). */
const MAX_TEMPLATES = 100_000;

/** The tail of a decision after `purpose` and `at`, with or without `leaves` (a batch item has none). */
export function answerTail(decision: Decision, withLeaves: boolean): string {
  if (withLeaves) {
    const { purpose: _p, at: _a, ...rest } = decision;
    return JSON.stringify(rest).slice(1);
  }
  const { purpose: _p, at: _a, leaves: _l, ...rest } = decision;
  return JSON.stringify(rest).slice(1);
}

/** The answer for no record in force (a miss), per purpose, with and without leaves. */
const MISS = new Map<string, string>();
for (const purpose of PURPOSES) {
  const decision = decide({ ids: [], purpose, at: ALWAYS.at }, []);
  MISS.set(`${purpose}+`, answerTail(decision, true));
  MISS.set(`${purpose}-`, answerTail(decision, false));
}

export function missTail(purpose: Purpose, withLeaves: boolean): string {
  return MISS.get(`${purpose}${withLeaves ? '+' : '-'}`)!;
}

function soleRecordTail(profile: RecordProfile, id: string, purpose: Purpose, withLeaves: boolean): string {
  const record: ConsentRecord = {
    kind: 'record',
    v: 1,
    iss: 'template',
    work: { type: 'work', ids: ['template'] },
    purposes: profile.purposes,
    valid_from: ALWAYS.from,
    issued_at: ALWAYS.from,
  };
  if (profile.conditions !== undefined) record.conditions = profile.conditions;
  const state: RecordState = { id, record };
  return answerTail(decide({ ids: ['template'], purpose, at: ALWAYS.at }, [state]), withLeaves);
}

export class AnswerTemplates {
  readonly #cache = new Map<number, string[] | null>();

  /**
   * The parts of the answer tail when the one record in force has this profile: join them with the
   * record's id. Null when the template cannot be used (the profile's conditions contain the
   * placeholder text): the caller then decides the slow way.
   */
  parts(
    profileNumber: number,
    profile: RecordProfile,
    purpose: Purpose,
    withLeaves: boolean,
  ): string[] | null {
    const key = (profileNumber * PURPOSES.length + PURPOSE_NUMBER.get(purpose)!) * 2 + (withLeaves ? 1 : 0);
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const [a, b] = PLACEHOLDERS.map((id) => soleRecordTail(profile, id, purpose, withLeaves).split(id));
    const same = a!.length === b!.length && a!.every((part, i) => part === b![i]);
    if (this.#cache.size >= MAX_TEMPLATES) this.#cache.clear();
    this.#cache.set(key, same ? a! : null);
    return same ? a! : null;
  }
}
