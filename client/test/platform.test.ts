/** The browser's platform (web/build.ts bundles it in place of platform.ts) gives the same bytes as Node's. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as browser from '../src/platform.browser.ts';
import * as node from '../src/platform.ts';

const bytes = fc.uint8Array({ maxLength: 300 });

describe('platform.browser.ts against platform.ts', () => {
  it('hashes alike: SHA-256 of one or several parts, SHA-512, hex SHA-256 of text', () => {
    fc.assert(
      fc.property(fc.array(bytes, { maxLength: 4 }), fc.string(), (parts, text) => {
        expect(browser.sha256(...parts)).toEqual(node.sha256(...parts));
        expect(browser.sha512(parts[0] ?? new Uint8Array())).toEqual(
          node.sha512(parts[0] ?? new Uint8Array()),
        );
        expect(browser.sha256HexOfText(text)).toBe(node.sha256HexOfText(text));
        expect(browser.utf8Length(text)).toBe(node.utf8Length(text));
      }),
    );
  });

  it('encodes alike: hex, base64, latin1 bytes', () => {
    fc.assert(
      fc.property(bytes, (b) => {
        expect(browser.toHex(b)).toBe(node.toHex(b));
        expect(browser.toBase64(b)).toBe(node.toBase64(b));
        expect(browser.fromBase64(node.toBase64(b))).toEqual(node.fromBase64(node.toBase64(b)));
        const latin1 = String.fromCharCode(...b);
        expect(browser.latin1Bytes(latin1)).toEqual(node.latin1Bytes(latin1));
      }),
    );
  });

  it('decodes non-canonical or broken base64 to bytes whose canonical form differs from the text', () => {
    for (const text of ['YQ', 'YR==', 'Y Q==', '*', 'YQ==YQ==']) {
      for (const p of [browser, node]) expect(p.toBase64(p.fromBase64(text)), text).not.toBe(text);
    }
  });
});
