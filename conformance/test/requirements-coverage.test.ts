/** Every MUST requirement of the core documents has a case, and every cited id exists in the spec. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ALL_CASES } from '../src/cases/index.ts';
import { CORE_DOCUMENTS, FEDERATION_DOCUMENTS, NOT_IN_CORE } from '../src/requirements.ts';

const SPEC = fileURLToPath(new URL('../../spec/', import.meta.url));

interface Requirement {
  id: string;
  document: string;
  level: 'MUST' | 'SHOULD' | 'MAY';
}

/** Requirement definitions: a bullet or paragraph that starts with **REQ-…**; its level from its text. */
function requirementsIn(document: string): Requirement[] {
  const text = readFileSync(`${SPEC}${document}`, 'utf8');
  const found: Requirement[] = [];
  const blocks = text.split(/\n(?=- \*\*REQ-|\*\*REQ-|\n)/);
  for (const block of blocks) {
    const m = /^(?:- )?\*\*(REQ-[A-Z]+-\d{3})\*\*/.exec(block.trim());
    if (!m) continue;
    const level = /\(SHOULD\)/.test(block.slice(0, 40))
      ? 'SHOULD'
      : /\bMUST\b|\bSHALL\b|\bREQUIRED\b/.test(block)
        ? 'MUST'
        : /\bSHOULD\b/.test(block)
          ? 'SHOULD'
          : 'MAY';
    found.push({ id: m[1]!, document, level });
  }
  return found;
}

const all = readdirSync(SPEC)
  .filter((f) => f.endsWith('.md'))
  .flatMap(requirementsIn);
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
      expect(c.id).toMatch(/^(core|log|federation|generation|snapshot|interop)-[a-z0-9-]+$/);
      expect(c.requirements.length).toBeGreaterThan(0);
    }
  });
});
