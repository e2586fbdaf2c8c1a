/**
 * Identifiers under hostile input: random code units, random pieces, mutated vector inputs, very
 * long inputs and values that are not strings are refused only with InvalidIdentifierError, and
 * inherited object properties are not schemes.
 */
import { describe, expect, it } from 'vitest';
import {
  IDENTIFIER_SCHEMES,
  InvalidIdentifierError,
  normalizeIdentifier,
  tryNormalizeIdentifier,
} from '../src/identifiers.ts';
import { expectInvalid, identifierVectors } from './helpers/identifier-vectors.ts';

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
