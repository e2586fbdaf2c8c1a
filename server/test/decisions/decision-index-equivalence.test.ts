/**
 * The decision index answers exactly as the library's decide() over the same records: randomized
 * registries (supersede, revoke, expiry, disputes, url prefix patterns, group purposes, attestation
 * expiry and revocation) built both through the write path and through the start-up load path, and
 * compared as serialized JSON (so member order counts too).
 */
import {
  type ConsentRecord,
  type Decision,
  decide,
  PERMISSION_VALUES,
  PURPOSES,
  type Purpose,
  type RecordState,
  takesEffectAt,
} from '@kyodaku/client';
import { describe, expect, it } from 'vitest';
import { answerTail, missTail } from '../../src/decisions/answer-templates.ts';
import { type AttestationState, DecisionIndex } from '../../src/decisions/decision-index.ts';

/** mulberry32: a small seeded PRNG so a failure names its scenario. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}

const TIMES = Array.from(
  { length: 12 },
  (_, i) => `2026-0${1 + Math.floor(i / 4)}-1${i % 4}T0${i % 3}:00:00Z`,
).sort();
const IDS = [
  'kyodaku:a.example/works/1',
  'kyodaku:a.example/works/2',
  'isbn:9784000000001',
  'url:https://a.example/p/1',
  'url:https://a.example/p/2',
  'url:https://a.example/q/1',
  'url:https://b.example/p/1',
];
const PATTERNS = ['url:https://a.example/p/*', 'url:https://a.example/*', 'url:https://b.example/*'];
const CONDITIONS = [
  { compensation: { model: 'per-use', currency: 'JPY', amount: '50', unit: 'image' } },
  { attribution: { required: true } },
  { note: { en: 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff' } },
] as ConsentRecord['conditions'][];
const HEX = '0123456789abcdef';

interface Scenario {
  states: RecordState[];
  attestations: Map<string, AttestationState[]>;
}

function scenario(seed: number): Scenario {
  const r = prng(seed);
  const issuers = Array.from({ length: 1 + r.int(4) }, (_, i) => `party-${seed}-${i}`);
  const attestations = new Map<string, AttestationState[]>();
  for (const party of issuers) {
    const list: AttestationState[] = [];
    for (let k = 0, n = r.int(3); k <= n; k++) {
      const a: AttestationState = { id: `att-${party}-${k}`, role: 'rights-holder', from: r.pick(TIMES) };
      if (r.next() < 0.3) a.expiresAt = r.pick(TIMES);
      list.push(a);
    }
    if (r.next() < 0.15) list.length = 0;
    attestations.set(party, list);
  }
  const states: RecordState[] = [];
  for (let k = 0, n = 1 + r.int(12); k < n; k++) {
    const purposes: Record<string, string> = {};
    for (let j = 0, m = 1 + r.int(4); j < m; j++) purposes[r.pick(PURPOSES)] = r.pick(PERMISSION_VALUES);
    const ids = [r.pick([...IDS, ...PATTERNS])];
    if (r.next() < 0.3) ids.push(r.pick([...IDS, ...PATTERNS]));
    const record: ConsentRecord = {
      kind: 'record',
      v: 1,
      iss: r.pick(issuers),
      work: { type: 'work', ids },
      purposes: purposes as ConsentRecord['purposes'],
      valid_from: r.pick(TIMES),
      issued_at: r.pick(TIMES),
    };
    if (r.next() < 0.4) record.conditions = r.pick(CONDITIONS);
    if (r.next() < 0.3) record.valid_until = r.pick(TIMES);
    const id = r.next() < 0.05 ? `other-id-${k}` : Array.from({ length: 64 }, () => HEX[r.int(16)]).join('');
    // Logged when issued, or later (a backdated record), or earlier (dated ahead of the node's clock).
    states.push({ id, record, loggedAt: r.next() < 0.5 ? record.issued_at : r.pick(TIMES) });
  }
  // Supersede and revoke as the store allows: a superseded record is current and of the same issuer.
  for (const state of states) {
    if (r.next() < 0.25) {
      const later = states.find(
        (s) =>
          s !== state && s.record.iss === state.record.iss && s.record.issued_at >= state.record.issued_at,
      );
      if (later !== undefined && state.supersededAt === undefined && state.revokedAt === undefined)
        state.supersededAt = takesEffectAt(later.record.issued_at, later.loggedAt!);
    }
    if (r.next() < 0.2) state.revokedAt = r.pick(TIMES);
  }
  return { states, attestations };
}

/** The reference: decide() over the records whose issuer has an attestation in force at `at`. */
function expected(s: Scenario, ids: string[], purpose: Purpose, at: string): Decision {
  const attested = (party: string) =>
    (s.attestations.get(party) ?? []).some(
      (a) =>
        a.from <= at &&
        (a.expiresAt === undefined || at < a.expiresAt) &&
        (a.revokedAt === undefined || at < a.revokedAt),
    );
  return decide(
    { ids, purpose, at },
    s.states.filter((st) => attested(st.record.iss)),
  );
}

/** Through the write path: records added as accepted, then superseded / revoked, attestations revoked. */
function viaWrites(s: Scenario, seed: number): DecisionIndex {
  const r = prng(seed ^ 0x5eed);
  const index = new DecisionIndex();
  for (const [party, list] of s.attestations) {
    for (const a of list) index.addAttestation(party, { ...a, revokedAt: undefined });
  }
  for (const { id, record, loggedAt } of s.states) {
    index.addRecord({
      loggedAt: loggedAt!,
      id,
      iss: record.iss,
      type: record.work.type,
      ids: record.work.ids,
      purposes: record.purposes,
      ...(record.conditions !== undefined && { conditions: record.conditions }),
      issuedAt: record.issued_at,
      validFrom: record.valid_from,
      ...(record.valid_until !== undefined && { validUntil: record.valid_until }),
    });
  }
  for (const { id, record, supersededAt, revokedAt } of s.states) {
    if (supersededAt !== undefined) index.markSuperseded(id, record.work.ids, supersededAt);
    if (revokedAt !== undefined) index.markRevoked(id, record.work.ids, revokedAt);
  }
  for (const [party, list] of s.attestations) {
    for (const a of list) {
      if (r.next() < 0.2) {
        a.revokedAt = r.pick(TIMES);
        index.revokeAttestation(party, a.id, a.revokedAt);
      }
    }
  }
  return index;
}

/** Through the start-up path: rows as the database holds them. */
function viaLoad(s: Scenario): DecisionIndex {
  const index = new DecisionIndex();
  for (const [party, list] of s.attestations) for (const a of list) index.addAttestation(party, { ...a });
  for (const { id, record, supersededAt, revokedAt, loggedAt } of s.states) {
    index.addStoredRecord({
      loggedAt: loggedAt!,
      id,
      issuer: record.iss,
      ids: JSON.stringify(record.work.ids),
      purposes: JSON.stringify(record.purposes),
      conditions: record.conditions === undefined ? null : JSON.stringify(record.conditions),
      issuedAt: record.issued_at,
      validFrom: record.valid_from,
      validUntil: record.valid_until ?? null,
      supersededAt: supersededAt ?? null,
      revokedAt: revokedAt ?? null,
    });
  }
  return index;
}

const SCENARIOS = 250;
const QUERIES = 50;

describe('decision index equivalence with decide()', () => {
  it(`answers ${SCENARIOS} random registries exactly as decide() does`, () => {
    let hits = 0;
    let disputed = 0;
    let conditional = 0;
    for (let seed = 1; seed <= SCENARIOS; seed++) {
      const s = scenario(seed);
      const written = viaWrites(s, seed);
      const loaded = viaLoad(s);
      const r = prng(seed * 7919);
      for (let q = 0; q < QUERIES; q++) {
        const ids = [r.pick([...IDS, ...PATTERNS])];
        if (r.next() < 0.25) ids.push(r.pick(IDS));
        const purpose = r.pick(PURPOSES);
        const at = r.pick(TIMES);
        const want = expected(s, ids, purpose, at);
        if (want.records.length > 0) hits++;
        if (want.disputed) disputed++;
        if (want.decision === 'conditional') conditional++;
        const where = `seed ${seed}, query ${JSON.stringify({ ids, purpose, at })}`;
        for (const [name, index] of [
          ['writes', written],
          ['load', loaded],
        ] as const) {
          for (const withLeaves of [true, false]) {
            const got = index.answer(ids, purpose, at, withLeaves) ?? missTail(purpose, withLeaves);
            expect(got, `${name} ${withLeaves ? 'single' : 'batch'}: ${where}`).toBe(
              answerTail(want, withLeaves),
            );
          }
          expect(index.decide(ids, purpose, at), `${name} decide: ${where}`).toEqual(want);
          const named = new Set(
            s.states
              .filter((st) =>
                st.record.work.ids.some(
                  (rid) =>
                    ids.includes(rid) ||
                    (rid.endsWith('*') &&
                      ids.some((id) => !id.endsWith('*') && id.startsWith(rid.slice(0, -1)))),
                ),
              )
              .map((st) => st.id),
          );
          expect(new Set(index.candidates(ids).map((c) => c.id)), `${name} candidates: ${where}`).toEqual(
            named,
          );
        }
      }
    }
    // The scenarios must exercise answers, not only misses.
    expect(hits).toBeGreaterThan(SCENARIOS * QUERIES * 0.1);
    expect(disputed).toBeGreaterThan(SCENARIOS * QUERIES * 0.01);
    expect(conditional).toBeGreaterThan(SCENARIOS * QUERIES * 0.01);
  });
});
