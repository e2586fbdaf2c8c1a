/** JCS (RFC 8785) against the published cyberphone/json-canonicalization vectors in spec/vectors/published/cyberphone-json-canonicalization. */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson } from '../src/index.ts';
import { PUBLISHED_VECTORS } from './helpers/vectors.ts';

const dir = new URL('cyberphone-json-canonicalization/', PUBLISHED_VECTORS);
const names = readdirSync(new URL('input/', dir)).filter((n) => n.endsWith('.json'));

describe('RFC 8785 published vectors', () => {
  it('finds the vectors', () => {
    expect(names.length).toBeGreaterThanOrEqual(6);
  });

  it.each(names)('%s canonicalizes to output/ and outhex/', (name) => {
    const input = JSON.parse(readFileSync(new URL(`input/${name}`, dir), 'utf8'));
    const expected = readFileSync(new URL(`output/${name}`, dir), 'utf8').replace(/\n$/, '');
    expect(canonicalJson(input)).toBe(expected);
    const hex = readFileSync(new URL(`outhex/${name.replace('.json', '.txt')}`, dir), 'utf8')
      .replace(/\s+/g, '')
      .toLowerCase();
    expect(Buffer.from(canonicalBytes(input)).toString('hex')).toBe(hex);
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
  });
});
