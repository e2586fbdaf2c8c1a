/** RFC 8785 JSON Canonicalization Scheme (JCS), via the reference implementation. */
import canonicalizeModule from 'canonicalize';

// The package is CommonJS (`module.exports = serialize`): under Node's ESM interop the default import
// is the function itself, while its typings describe an ES default export.
const canonicalize = canonicalizeModule as unknown as (value: unknown) => string | undefined;

/**
 * The JCS canonical form of a JSON value. Throws on values JSON cannot carry (NaN, Infinity). The
 * canonicaliser recurses: give it only values whose depth is bounded (json-limits.ts). A string with
 * a lone surrogate comes out as a `\uXXXX` escape, as JSON.stringify writes it; such text is not
 * I-JSON and has no RFC 8785 form, so signers and verifiers refuse it (isWellFormedJson).
 */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return text;
}

/** The JCS canonical form as UTF-8 bytes. */
export function canonicalBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(canonicalJson(value));
}
