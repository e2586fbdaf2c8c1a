/**
 * Identifiers (spec/identifiers.md): spec/vectors/identifiers.json with check digits computed
 * independently, spec/vectors/name-folding.json, URL prefix patterns and the exports; hostile
 * input is in identifiers-hostile.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  foldName,
  IDENTIFIER_SCHEMES,
  isUrlPrefixPattern,
  normalizeIdentifier,
  tryNormalizeIdentifier,
  urlPrefixMatches,
} from '../src/identifiers.ts';
import {
  expectInvalid,
  identifierVectors,
  nameVectors,
  specRequirements,
  type Vector,
} from './helpers/identifier-vectors.ts';

/** The scheme of a vector's input, as normalizeIdentifier would read it (ASCII letters only folded). */
const schemeOf = (input: string): string =>
  input.slice(0, input.indexOf(':')).replace(/[A-Z]/g, (c) => c.toLowerCase());

// ---- check digits computed here, independently of the module under test ----

const digitsOf = (value: string): string => value.replace(/[- .]/g, '').toUpperCase();

/** GS1 mod 10 over a whole code including its check digit: weight 1 on the check digit, 3 next to it, ... */
function gs1Valid(code: string): boolean {
  let sum = 0;
  for (let i = 0; i < code.length; i++) sum += Number(code[i]) * ((code.length - i) % 2 === 0 ? 3 : 1);
  return sum % 10 === 0;
}

/** ISBN-10 check character from the first nine digits: (11 - sum(w_i * d_i) mod 11) mod 11 with w = 10..2. */
function isbn10Check(nine: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (10 - i) * Number(nine[i]);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? 'X' : String(check);
}

function ean13From12(twelve: string): string {
  for (let d = 0; d <= 9; d++) if (gs1Valid(`${twelve}${d}`)) return `${twelve}${d}`;
  throw new Error('unreachable');
}

/** ISO 15707: check = (10 - (1 + sum(i * d_i)) mod 10) mod 10 over the nine digits. */
function iswcCheck(nine: string): string {
  let sum = 1;
  for (let i = 1; i <= 9; i++) sum += i * Number(nine[i - 1]);
  return String((10 - (sum % 10)) % 10);
}

/** ISO/IEC 7064 MOD 37,36 as written in python-stdnum: isum = 2 * ((isum + d) mod 36 or 36) mod 37. */
function isanCheck(hex: string): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let isum = 36;
  for (const ch of hex) isum = (2 * ((isum + alphabet.indexOf(ch)) % 36 || 36)) % 37;
  return alphabet[(37 - isum) % 36]!;
}

/** Splits a hyphen-free ISAN into its hex part and the check characters it carries. */
function splitIsan(plain: string): { hex: string; checks: [string, string][] } {
  if (plain.length === 16 || plain.length === 24) return { hex: plain, checks: [] };
  if (plain.length === 17) return { hex: plain.slice(0, 16), checks: [[plain.slice(0, 16), plain[16]!]] };
  const rootEpisode = plain.slice(0, 16);
  const version = plain.slice(17, 25);
  return {
    hex: rootEpisode + version,
    checks: [
      [rootEpisode, plain[16]!],
      [rootEpisode + version, plain[25]!],
    ],
  };
}

/** Verifies the check digits of a vector without the module: valid vectors must check, BadCheckDigit ones must not. */
function independentCheck(vector: Vector): void {
  const scheme = schemeOf(vector.input);
  const value = vector.input.slice(vector.input.indexOf(':') + 1);
  const bad = vector.flags.includes('BadCheckDigit');
  const valid = vector.result === 'valid';
  const wrongPrefix = vector.flags.includes('WrongPrefix');
  if (scheme === 'isbn' && (valid || bad || wrongPrefix)) {
    const digits = digitsOf(value);
    if (digits.length === 10) {
      expect(isbn10Check(digits.slice(0, 9)) === digits[9]).toBe(!bad);
      if (valid) expect(vector.output).toBe(`isbn:${ean13From12(`978${digits.slice(0, 9)}`)}`);
    } else {
      expect(digits).toHaveLength(13);
      expect(gs1Valid(digits)).toBe(!bad);
      if (valid) expect(vector.output).toBe(`isbn:${digits}`);
    }
  }
  if (scheme === 'jan' && (valid || bad || wrongPrefix)) {
    expect(gs1Valid(value)).toBe(!bad);
  }
  if (scheme === 'iswc' && (valid || bad)) {
    const digits = digitsOf(value).slice(1);
    expect(iswcCheck(digits.slice(0, 9)) === digits[9]).toBe(!bad);
    if (valid) expect(vector.output).toBe(`iswc:T${digits}`);
  }
  if (scheme === 'isan' && (valid || bad)) {
    const { hex, checks } = splitIsan(digitsOf(value));
    const allMatch = checks.every(([data, check]) => isanCheck(data) === check);
    expect(allMatch).toBe(!bad);
    if (valid) expect(vector.output).toBe(`isan:${hex}`);
  }
}

describe('spec/vectors/identifiers.json', () => {
  it('is well-formed: sequential tcIds, known flags, known requirement ids, every scheme valid and invalid', () => {
    expect(identifierVectors.algorithm).toBe('kyodaku-identifier-normalization');
    expect(identifierVectors.source).toBe('spec/identifiers.md');
    expect(identifierVectors.tests).toHaveLength(identifierVectors.numberOfTests);
    identifierVectors.tests.forEach((vector, i) => {
      expect(vector.tcId).toBe(i + 1);
      expect(vector.requirements.length).toBeGreaterThan(0);
      for (const id of vector.requirements) expect(specRequirements, id).toContain(id);
      for (const flag of vector.flags) expect(identifierVectors.notes, flag).toHaveProperty(flag);
      expect(vector.result === 'valid').toBe(typeof vector.output === 'string');
    });
    for (const scheme of IDENTIFIER_SCHEMES) {
      const ofScheme = identifierVectors.tests.filter((v) => schemeOf(v.input) === scheme);
      expect(ofScheme.some((v) => v.result === 'valid')).toBe(true);
      expect(ofScheme.some((v) => v.result === 'invalid')).toBe(true);
    }
    expect(identifierVectors.tests.length).toBeGreaterThanOrEqual(60);
  });

  it('has check digits that hold (valid vectors) or fail (BadCheckDigit vectors), computed independently', () => {
    for (const vector of identifierVectors.tests) independentCheck(vector);
  });

  for (const vector of identifierVectors.tests) {
    const title = `tcId ${vector.tcId} ${vector.result}: ${vector.comment}`;
    if (vector.result === 'valid') {
      it(`${title} — normalizes to the exact output, which is a fixed point`, () => {
        expect(normalizeIdentifier(vector.input)).toBe(vector.output);
        expect(normalizeIdentifier(vector.output!)).toBe(vector.output);
        expect(tryNormalizeIdentifier(vector.input)).toBe(vector.output);
      });
    } else {
      it(`${title} — is rejected with ERR_INVALID_IDENTIFIER`, () => {
        expectInvalid(vector.input);
        expect(tryNormalizeIdentifier(vector.input)).toBeUndefined();
      });
    }
  }
});

describe('spec/vectors/name-folding.json', () => {
  it('is well-formed', () => {
    expect(nameVectors.algorithm).toBe('kyodaku-name-folding');
    expect(nameVectors.tests).toHaveLength(nameVectors.numberOfTests);
    nameVectors.tests.forEach((vector, i) => {
      expect(vector.tcId).toBe(i + 1);
      for (const id of vector.requirements) expect(specRequirements, id).toContain(id);
      for (const flag of vector.flags) expect(nameVectors.notes, flag).toHaveProperty(flag);
    });
  });

  for (const vector of nameVectors.tests) {
    it(`tcId ${vector.tcId}: ${vector.comment}`, () => {
      expect(foldName(vector.input)).toBe(vector.output);
      expect(foldName(vector.output!)).toBe(vector.output);
    });
  }
});

describe('url prefix patterns', () => {
  const pattern = 'url:https://example.com/manga/*';
  it.each([
    ['url:https://example.com/manga/', true],
    ['url:https://example.com/manga/onepiece/1', true],
    ['url:https://example.com/manga/?page=2', true],
    ['url:https://example.com/manga', false],
    ['url:https://example.com/Manga/onepiece', false],
    ['url:http://example.com/manga/onepiece', false],
    ['url:https://example.com:8443/manga/onepiece', false],
    ['url:https://example.com.evil.example/manga/', false],
    ['url:https://example.com/manga/onepiece/*', false],
    ['isbn:9784088725093', false],
  ])('Should match %s: %s', (candidate, matches) => {
    expect(urlPrefixMatches(pattern, candidate)).toBe(matches);
  });

  it('Should treat only a normalized url identifier with a trailing * as a pattern', () => {
    expect(isUrlPrefixPattern(pattern)).toBe(true);
    expect(isUrlPrefixPattern('url:https://example.com/manga/')).toBe(false);
    expect(isUrlPrefixPattern('kyodaku:x*')).toBe(false);
    expect(urlPrefixMatches('url:https://example.com/manga/', 'url:https://example.com/manga/')).toBe(false);
  });

  it('Should never let a pattern cross from one origin to another', () => {
    const root = normalizeIdentifier('url:https://example.com/*');
    expect(urlPrefixMatches(root, normalizeIdentifier('url:https://example.com'))).toBe(true);
    expect(urlPrefixMatches(root, normalizeIdentifier('url:https://example.com.evil.example/'))).toBe(false);
    expect(urlPrefixMatches(root, normalizeIdentifier('url:https://example.com:444/'))).toBe(false);
  });

  it('Should not match a candidate that escapes the prefix through dot segments once normalized', () => {
    const candidate = normalizeIdentifier('url:https://example.com/manga/%2e%2e/private');
    expect(candidate).toBe('url:https://example.com/private');
    expect(urlPrefixMatches(pattern, candidate)).toBe(false);
  });

  it('Should match a candidate whose percent-encoded unreserved characters decode into the prefix', () => {
    expect(urlPrefixMatches(pattern, normalizeIdentifier('url:https://example.com/%6Danga/x'))).toBe(true);
  });
});

describe('exports', () => {
  it('Should list the ten schemes in a frozen array', () => {
    expect(IDENTIFIER_SCHEMES).toEqual([
      'url',
      'sha256',
      'isbn',
      'isrc',
      'iswc',
      'isan',
      'doi',
      'iscc',
      'jan',
      'kyodaku',
    ]);
    expect(Object.isFrozen(IDENTIFIER_SCHEMES)).toBe(true);
  });

  it('Should give InvalidIdentifierError a stable code, a reason and a name', () => {
    const error = expectInvalid('isbn:4-08-872509-4');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidIdentifierError');
    expect(error.reason).toBe('ISBN-10 check digit mismatch');
  });
});
