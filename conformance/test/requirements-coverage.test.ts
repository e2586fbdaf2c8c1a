/**
 * Every MUST requirement of the core documents has a case, every rejection requirement a negative
 * one (spec/conformance.md §7), and every cited id exists in the spec.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ALL_CASES } from '../src/cases/index.ts';
import { MUTATIONS } from '../src/cases/signed-objects/mutations.ts';
import { ROUTES } from '../src/cases/signed-objects/routes.ts';
import { IDENTIFIER_VECTOR_REQUIREMENTS } from '../src/cases/works.ts';
import { coverageReport, negativeCoverage } from '../src/coverage.ts';
import {
  CORE_DOCUMENTS,
  CRAWLER_DOCUMENTS,
  DEPRECATED,
  FEDERATION_DOCUMENTS,
  GENERATION_DOCUMENTS,
  INTEROP_CLIENT_SIDE,
  INTEROP_DOCUMENTS,
  LOG_DOCUMENTS,
  NOT_IN_CORE,
  SNAPSHOT_DOCUMENTS,
  USAGE_DOCUMENTS,
} from '../src/requirements.ts';

interface Requirement {
  id: string;
  document: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
  deprecated: boolean;
}

// spec/requirements.json is extracted from spec/*.md (a spec test keeps it current).
const require = createRequire(import.meta.url);
const all = (require('@kyodaku/spec/requirements.json') as { requirements: Requirement[] }).requirements;
const identifierVectors = require('@kyodaku/spec/vectors/identifiers.json') as {
  tests: Array<{ requirements: string[] }>;
};
const core = all.filter((r) => (CORE_DOCUMENTS as readonly string[]).includes(r.document));
const cited = new Set(ALL_CASES.flatMap((c) => c.requirements));

describe('requirement coverage', () => {
  it('finds the requirements of the core documents', () => {
    expect(core.length).toBeGreaterThan(100);
    expect(core.map((r) => r.id)).toContain('REQ-CONF-001');
  });

  it('cites every MUST requirement of the core documents in some case', () => {
    const missing = core
      .filter((r) => r.level === 'MUST' && !cited.has(r.id) && !(r.id in NOT_IN_CORE))
      .map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('cites every MUST requirement of the federation documents in a federation case', () => {
    const federation = all.filter((r) => (FEDERATION_DOCUMENTS as readonly string[]).includes(r.document));
    expect(federation.length).toBeGreaterThan(20);
    const byFederation = new Set(
      ALL_CASES.filter((c) => c.profile === 'federation').flatMap((c) => c.requirements),
    );
    const missing = federation.filter((r) => r.level === 'MUST' && !byFederation.has(r.id)).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('cites every MUST requirement of the generation documents, and the name matching of identifiers.md, in a generation case', () => {
    const generation = all.filter(
      (r) =>
        (GENERATION_DOCUMENTS as readonly string[]).includes(r.document) ||
        NOT_IN_CORE[r.id]?.startsWith('generation'),
    );
    expect(generation.length).toBeGreaterThan(10);
    const byGeneration = new Set(
      ALL_CASES.filter((c) => c.profile === 'generation').flatMap((c) => c.requirements),
    );
    expect(generation.filter((r) => r.level === 'MUST' && !byGeneration.has(r.id)).map((r) => r.id)).toEqual(
      [],
    );
  });

  it('has a generation case for every rule of the match keys, in Japanese and in English', () => {
    const ids = new Set(ALL_CASES.map((c) => c.id));
    for (const rule of [
      'kana',
      'smallkana',
      'longvowel',
      'romaji',
      'separator',
      'honorific',
      'width',
      'case',
    ])
      expect([...ids].filter((id) => id.startsWith(`generation-fold-${rule}-`)).length, rule).toBeGreaterThan(
        0,
      );
    const langs = new Set(
      [...ids].filter((id) => id.startsWith('generation-fold-')).map((id) => id.split('-').at(-1)),
    );
    expect([...langs].sort()).toEqual(['en', 'ja']);
  });

  it('cites every MUST requirement of the interop documents in an interop case, or names it client-side', () => {
    const interop = all.filter((r) => (INTEROP_DOCUMENTS as readonly string[]).includes(r.document));
    expect(interop.length).toBeGreaterThan(15);
    const interopCited = new Set(
      ALL_CASES.filter((c) => c.profile === 'interop').flatMap((c) => c.requirements),
    );
    expect(
      interop
        .filter((r) => r.level === 'MUST' && !interopCited.has(r.id) && !(r.id in INTEROP_CLIENT_SIDE))
        .map((r) => r.id),
    ).toEqual([]);
    expect(
      Object.keys(INTEROP_CLIENT_SIDE).filter(
        (id) => interopCited.has(id) || !interop.some((r) => r.id === id),
      ),
    ).toEqual([]);
  });

  it('cites every MUST requirement of the usage documents in a usage case', () => {
    const usage = all.filter((r) => (USAGE_DOCUMENTS as readonly string[]).includes(r.document));
    expect(usage.length).toBeGreaterThan(10);
    const byUsage = new Set(ALL_CASES.filter((c) => c.profile === 'usage').flatMap((c) => c.requirements));
    expect(usage.filter((r) => r.level === 'MUST' && !byUsage.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('cites every MUST requirement of the log documents in some case', () => {
    const log = all.filter((r) => (LOG_DOCUMENTS as readonly string[]).includes(r.document));
    expect(log.length).toBeGreaterThan(20);
    expect(log.filter((r) => r.level === 'MUST' && !cited.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('cites every MUST requirement of the snapshot documents in a snapshot case', () => {
    const snapshot = all.filter((r) => (SNAPSHOT_DOCUMENTS as readonly string[]).includes(r.document));
    expect(snapshot.length).toBeGreaterThan(5);
    const bySnapshot = new Set(
      ALL_CASES.filter((c) => c.profile === 'snapshot').flatMap((c) => c.requirements),
    );
    expect(snapshot.filter((r) => r.level === 'MUST' && !bySnapshot.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('cites every MUST requirement of the crawler-identity documents in a crawler-identity case', () => {
    const crawler = all.filter((r) => (CRAWLER_DOCUMENTS as readonly string[]).includes(r.document));
    expect(crawler.length).toBeGreaterThan(5);
    const byCrawler = new Set(
      ALL_CASES.filter((c) => c.profile === 'crawler-identity').flatMap((c) => c.requirements),
    );
    expect(crawler.filter((r) => r.level === 'MUST' && !byCrawler.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  it('lists as deprecated exactly the ids the spec has retired', () => {
    expect(Object.keys(DEPRECATED).sort()).toEqual(
      all
        .filter((r) => r.deprecated)
        .map((r) => r.id)
        .sort(),
    );
  });

  it('has one identifier case per requirement the identifier vectors cite', () => {
    const fromVectors = [...new Set(identifierVectors.tests.flatMap((t) => t.requirements))].sort();
    expect([...IDENTIFIER_VECTOR_REQUIREMENTS]).toEqual(fromVectors);
  });

  it('cites only requirement ids that the spec defines', () => {
    const defined = new Set(all.map((r) => r.id));
    const unknown = [...cited].filter((id) => !defined.has(id));
    expect(unknown).toEqual([]);
  });

  it('excludes from core only ids that exist', () => {
    const defined = new Set(all.map((r) => r.id));
    expect(Object.keys(NOT_IN_CORE).filter((id) => !defined.has(id))).toEqual([]);
  });

  it('gives every case a stable, unique id and at least one requirement', () => {
    const ids = ALL_CASES.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of ALL_CASES) {
      expect(c.id).toMatch(
        /^(core|log|federation|generation|usage|snapshot|interop|crawler-identity)-[a-z0-9-]+$/,
      );
      expect(c.requirements.length).toBeGreaterThan(0);
    }
  });

  it('tests every rejection requirement negatively (--coverage lists none)', () => {
    const coverage = negativeCoverage(ALL_CASES);
    expect(coverage.rejections.length).toBeGreaterThan(70);
    expect(
      coverage.uncovered.map((r) => r.id),
      coverageReport(coverage),
    ).toEqual([]);
  });

  it('says a case tests negatively only requirements it cites', () => {
    const stray = ALL_CASES.flatMap((c) =>
      (c.refuses ?? []).filter((r) => !c.requirements.includes(r)).map((r) => `${c.id}: ${r}`),
    );
    expect(stray).toEqual([]);
  });

  it('has a case for every route and mutation of the signed-object table', () => {
    const ids = new Set(ALL_CASES.map((c) => c.id));
    const generated = ROUTES.flatMap((r) => MUTATIONS.map((m) => `${r.profile}-jws-${r.name}-${m.name}`));
    const onRecords = MUTATIONS.filter((m) => m.recordCase).map((m) => `core-jws-record-${m.name}`);
    expect(generated.filter((id) => !ids.has(id) && !onRecords.includes(id))).toEqual([]);
  });

  it('keeps the ids and requirements of the record cases the table took over', () => {
    const byId = new Map(ALL_CASES.map((c) => [c.id, c.requirements]));
    const sig = (...reqs: string[]) => [...reqs, 'REQ-API-011', 'REQ-ERR-001'];
    const before: Record<string, string[]> = {
      'core-sig-alg-none': sig('REQ-SIG-002'),
      'core-sig-alg-hs256': sig('REQ-SIG-002'),
      'core-sig-alg-eddsa': ['REQ-SIG-002'],
      'core-sig-header-jwk': sig('REQ-SIG-001'),
      'core-sig-header-jku': sig('REQ-SIG-001'),
      'core-sig-header-x5c': sig('REQ-SIG-001'),
      'core-sig-header-crit': sig('REQ-SIG-001'),
      'core-sig-typ-party': sig('REQ-SIG-004'),
      'core-sig-typ-jwt': sig('REQ-SIG-004'),
      'core-sig-typ-missing': sig('REQ-SIG-004'),
      'core-sig-kid-not-thumbprint': sig('REQ-SIG-003'),
      'core-sig-kid-other-party': sig('REQ-SIG-003', 'REQ-API-030'),
      'core-sig-signature-other-key': sig('REQ-SIG-007'),
      'core-sig-tampered-payload': sig('REQ-SIG-008'),
      'core-sig-signature-bit-flip': sig('REQ-SIG-007'),
      'core-sig-signature-malleated': sig('REQ-SIG-007'),
    };
    for (const [id, requirements] of Object.entries(before)) expect(byId.get(id), id).toEqual(requirements);
  });
});
