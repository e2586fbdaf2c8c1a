/**
 * Language tags of titles and aliases (spec/identifiers.md REQ-ID-032): well-formed per RFC 5646,
 * against spec/vectors/language-tags.json (with the examples of RFC 5646 Appendix A).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { schemas } from '../src/index.ts';

const vectors = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../spec/vectors/language-tags.json', import.meta.url)), 'utf8'),
) as { well_formed: Array<{ tag: string }>; not_well_formed: Array<{ tag: string; why: string }> };
const VALID = vectors.well_formed.map((v) => v.tag);
const INVALID = vectors.not_well_formed.map((v) => v.tag);

describe('REQ-ID-032: language tags', () => {
  it('has vectors', () => {
    expect(VALID.length).toBeGreaterThan(30);
    expect(INVALID.length).toBeGreaterThan(10);
  });
  for (const tag of VALID) {
    it(`accepts ${tag}`, () => {
      expect(schemas.LangText.safeParse({ [tag]: 'x' }).success).toBe(true);
    });
  }
  for (const tag of INVALID) {
    it(`refuses ${JSON.stringify(tag)}`, () => {
      expect(schemas.LangText.safeParse({ [tag]: 'x' }).success).toBe(false);
      expect(schemas.LangNames.safeParse({ [tag]: ['x'] }).success).toBe(false);
    });
  }
});
