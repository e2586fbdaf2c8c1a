import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  foldName,
  IDENTIFIER_SCHEMES,
  InvalidIdentifierError,
  isUrlPrefixPattern,
  normalizeIdentifier,
  tryNormalizeIdentifier,
  urlPrefixMatches,
} from '../src/identifiers.ts';

interface Vector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: string;
  result: 'valid' | 'invalid' | 'acceptable';
  output?: string;
}

interface VectorFile {
  algorithm: string;
  specVersion: string;
  source: string;
  numberOfTests: number;
  notes: Record<string, string>;
  tests: Vector[];
}

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const identifierVectors = JSON.parse(read('spec/vectors/identifiers.json')) as VectorFile;
const nameVectors = JSON.parse(read('spec/vectors/name-folding.json')) as VectorFile;
const specRequirements = new Set(read('spec/identifiers.md').match(/REQ-ID-\d{3}/g));

function expectInvalid(input: string): InvalidIdentifierError {
  let thrown: unknown;
  try {
    normalizeIdentifier(input);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidIdentifierError);
  const error = thrown as InvalidIdentifierError;
  expect(error.code).toBe('ERR_INVALID_IDENTIFIER');
  expect(error.reason).toMatch(/\S/);
  return error;
}

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

describe('hostile input', () => {
  /** Small deterministic PRNG (mulberry32) so a failure can be replayed. */
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const PIECES = [
    ...IDENTIFIER_SCHEMES.map((s) => `${s}:`),
    'URL:',
    'http://',
    'https://',
    'HTTPS://',
    'example.com',
    '漫画.jp',
    'xn--',
    '[::1]',
    ':80',
    ':443',
    '/',
    '//',
    '\\',
    '.',
    '..',
    '/./',
    '/../',
    '%2e',
    '%2E%2e',
    '%41',
    '%7e',
    '%',
    '%G1',
    '%E6%BC%AB',
    '?',
    '#',
    '@',
    '*',
    ':',
    ' ',
    '-',
    '~',
    'ISCC:',
    'doi:',
    'https://doi.org/',
    '10.1000/',
    'T-',
    '978',
    '4-08-872509-3',
    'X',
    'Q',
    '0000-0000-D07A-0090',
    'KACYPXW445FTYNJ3',
    'a',
    'Z',
    '\u212A',
    '\u0130',
    'ー',
    '\u3000',
    '\uFF0E',
    '\u3002',
    '\u00AD',
    '\uD800',
    '\uDC00',
    '\u{1D49C}',
    '\u0000',
    '\u0085',
  ];

  /** Anything that normalizes is short, printable ASCII, of a known scheme, and a fixed point. */
  function checkTotal(input: string): void {
    let output: string;
    try {
      output = normalizeIdentifier(input);
    } catch (error) {
      if (!(error instanceof InvalidIdentifierError))
        throw new Error(`unexpected error for ${JSON.stringify(input)}`);
      expect(error.code).toBe('ERR_INVALID_IDENTIFIER');
      return;
    }
    expect(output.length).toBeLessThanOrEqual(2048);
    expect(output).toMatch(/^[!-~]+$/);
    expect(IDENTIFIER_SCHEMES).toContain(output.slice(0, output.indexOf(':')));
    expect(normalizeIdentifier(output), JSON.stringify(input)).toBe(output);
  }

  it('Should throw only InvalidIdentifierError for random code units, and be idempotent when it accepts', () => {
    const random = prng(0x6b796f64);
    for (let n = 0; n < 20_000; n++) {
      const length = Math.floor(random() * 40);
      let s = random() < 0.8 ? IDENTIFIER_SCHEMES[Math.floor(random() * IDENTIFIER_SCHEMES.length)]! : '';
      if (random() < 0.9) s += ':';
      for (let i = 0; i < length; i++) {
        const r = random();
        if (r < 0.6) s += String.fromCharCode(0x20 + Math.floor(random() * 0x5f));
        else if (r < 0.7) s += String.fromCharCode(Math.floor(random() * 0x20));
        else if (r < 0.8) s += String.fromCharCode(0xd7f0 + Math.floor(random() * 0x820));
        else s += String.fromCharCode(Math.floor(random() * 0x10000));
      }
      checkTotal(s);
    }
  });

  it('Should throw only InvalidIdentifierError for random concatenations of meaningful pieces', () => {
    const random = prng(0x61636b);
    for (let n = 0; n < 20_000; n++) {
      let s = '';
      const count = 1 + Math.floor(random() * 10);
      for (let i = 0; i < count; i++) s += PIECES[Math.floor(random() * PIECES.length)];
      checkTotal(s);
    }
  });

  it('Should throw only InvalidIdentifierError for mutations of every vector input', () => {
    const random = prng(0x7665637);
    for (const vector of identifierVectors.tests) {
      for (let n = 0; n < 40; n++) {
        const chars = [...vector.input];
        const at = Math.floor(random() * (chars.length + 1));
        const piece = PIECES[Math.floor(random() * PIECES.length)]!;
        const op = random();
        if (op < 0.4) chars.splice(at, 0, piece);
        else if (op < 0.7) chars.splice(at, 1);
        else chars.splice(at, 1, piece);
        checkTotal(chars.join(''));
      }
    }
  });

  it('Should reject a 100,000-character input of every scheme quickly', () => {
    for (const scheme of IDENTIFIER_SCHEMES) {
      for (const filler of ['a', '1', '/', '%41', '漫', '\uD800']) {
        const input = `${scheme}:${scheme === 'url' ? 'https://example.com/' : ''}${filler.repeat(100_000)}`;
        const start = performance.now();
        expect(expectInvalid(input).reason).toMatch(/2048/);
        expect(performance.now() - start).toBeLessThan(50);
      }
    }
    const start = performance.now();
    expectInvalid(`url:https://example.com/${'a'.repeat(10_000_000)}`);
    expect(performance.now() - start).toBeLessThan(50);
  });

  it('Should reject values that are not strings with InvalidIdentifierError', () => {
    for (const value of [undefined, null, 42, {}, ['isbn:9784088725093'], Symbol('x')]) {
      let thrown: unknown;
      try {
        normalizeIdentifier(value as unknown as string);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidIdentifierError);
      expect(tryNormalizeIdentifier(value as unknown as string)).toBeUndefined();
    }
  });

  it('Should not confuse inherited object properties with schemes', () => {
    for (const input of ['constructor:x', '__proto__:x', 'toString:x', 'hasOwnProperty:x'])
      expectInvalid(input);
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
