/**
 * A small RFC 8785 canonicaliser written for the tests from the RFC alone, independent of the code
 * under test (client/src/jcs.ts and its `canonicalize` dependency): §3.2.2.2 strings, §3.2.2.3
 * numbers (ECMAScript Number::toString, which String() is), §3.2.3 members sorted by UTF-16 code
 * units. It refuses what I-JSON (RFC 7493) refuses: lone surrogates and non-finite numbers.
 */

const ESCAPES: Readonly<Record<number, string>> = {
  8: '\\b',
  9: '\\t',
  10: '\\n',
  12: '\\f',
  13: '\\r',
  34: '\\"',
  92: '\\\\',
};

export class NotIJson extends Error {}

function referenceString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (!(next >= 0xdc00 && next <= 0xdfff)) throw new NotIJson(`lone high surrogate at ${i}`);
      out += s.slice(i, i + 2);
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      throw new NotIJson(`lone low surrogate at ${i}`);
    } else if (ESCAPES[c] !== undefined) {
      out += ESCAPES[c];
    } else if (c < 0x20) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else {
      out += s[i];
    }
  }
  return `${out}"`;
}

/** The RFC 8785 form of a JSON value (as JSON.parse returns it); throws NotIJson for non-I-JSON. */
export function referenceCanonical(value: unknown): string {
  if (value === null) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new NotIJson('a number beyond the range of a double');
    return String(value); // -0 gives "0"
  }
  if (typeof value === 'string') return referenceString(value);
  if (Array.isArray(value)) return `[${value.map(referenceCanonical).join(',')}]`;
  if (typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // Array.prototype.sort without a comparator orders strings by UTF-16 code units (RFC 8785 §3.2.3).
    const keys = Object.keys(object).sort();
    return `{${keys.map((k) => `${referenceString(k)}:${referenceCanonical(object[k])}`).join(',')}}`;
  }
  throw new TypeError(`not a JSON value: ${typeof value}`);
}

/** Whether `text` is exactly the RFC 8785 form of the JSON it parses to (false when it is not I-JSON). */
export function isReferenceCanonical(text: string): boolean {
  try {
    return referenceCanonical(JSON.parse(text)) === text;
  } catch (error) {
    if (error instanceof NotIJson || error instanceof SyntaxError) return false;
    throw error;
  }
}

/**
 * The text a canonicaliser that does not check I-JSON writes: the RFC 8785 form, with a lone
 * surrogate written as a \uXXXX escape (as JSON.stringify does). Hostile signers produce this.
 */
export function naiveCanonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(naiveCanonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const keys = Object.keys(object).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${naiveCanonical(object[k])}`).join(',')}}`;
  }
  return referenceCanonical(value);
}
