/**
 * Bounds on the shape of JSON text (spec/kyodaku.md REQ-JSON-001, spec/http-api.md REQ-JSON-003),
 * checked by one iterative scan of the text before anything parses or walks it, so that no
 * recursive step (a canonicaliser, a schema, a serializer) ever sees input nested deeper than the
 * limit; for request bodies the same scan refuses duplicate member names (REQ-API-007); and the
 * check that every string of a parsed value is well-formed Unicode (REQ-JSON-002, REQ-JSON-004).
 */
import { KyodakuError } from './errors.ts';

export interface JsonLimits {
  /** Most levels of nested arrays and objects (`{}` is 1, `{"a":[]}` is 2). */
  maxDepth: number;
  /** Most members of one object. */
  maxMembers: number;
  /** Most elements of one array. */
  maxElements: number;
  /** Refuse an object that names a member twice (400 malformed-json; I-JSON, RFC 7493 §2.3). */
  uniqueMembers?: boolean;
}

/** The limits of a signed object's protected header and payload (REQ-JSON-001). */
export const SIGNED_JSON_LIMITS: Readonly<JsonLimits> = { maxDepth: 32, maxMembers: 1000, maxElements: 1000 };

/**
 * The limits of a JSON request body (REQ-JSON-003): arrays as long as the largest batch allows, and
 * no member named twice (REQ-API-007).
 */
export const BODY_JSON_LIMITS: Readonly<JsonLimits> = {
  maxDepth: 32,
  maxMembers: 1000,
  maxElements: 100_000,
  uniqueMembers: true,
};

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const STRING_END = /["\\]/g;

function tooComplex(what: string, message: string): never {
  throw new KyodakuError('ERR_JSON_TOO_COMPLEX', `${what} ${message}`);
}

/**
 * Checks the nesting depth and the member and element counts of JSON text without parsing it:
 * every `[` or `{` outside a string opens a level, `]` or `}` closes one, and a `,` directly inside
 * a container starts its next member or element. Text that is not JSON passes or fails alike; the
 * parser that runs next refuses it. Throws ERR_JSON_TOO_COMPLEX naming `what`.
 */
export function checkJsonLimits(text: string, limits: Readonly<JsonLimits>, what: string): void {
  // counts[d - 1]: members or elements so far of the open container at depth d (0: none yet).
  const counts: number[] = [];
  const isArray: boolean[] = [];
  // With uniqueMembers: the member names so far of each open object, and whether a name comes next.
  const names: Array<Set<string> | undefined> = [];
  const nameNext: boolean[] = [];
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) continue;
    if (depth > 0 && (c === CLOSE_ARRAY || c === CLOSE_OBJECT)) {
      depth--;
      continue;
    }
    if (depth > 0) {
      if (c === COMMA) {
        nameNext[depth - 1] = !isArray[depth - 1];
        const count = ++counts[depth - 1]!;
        if (isArray[depth - 1] ? count > limits.maxElements : count > limits.maxMembers) {
          tooComplex(
            what,
            isArray[depth - 1]
              ? `has an array of more than ${limits.maxElements} elements`
              : `has an object of more than ${limits.maxMembers} members`,
          );
        }
        continue;
      }
      if (counts[depth - 1] === 0) counts[depth - 1] = 1;
    }
    if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (depth === limits.maxDepth)
        tooComplex(what, `nests arrays and objects deeper than ${limits.maxDepth}`);
      counts[depth] = 0;
      isArray[depth] = c === OPEN_ARRAY;
      nameNext[depth] = c === OPEN_OBJECT;
      names[depth] = limits.uniqueMembers && c === OPEN_OBJECT ? new Set() : undefined;
      depth++;
    } else if (c === QUOTE) {
      const start = i;
      // Skip to the closing quote; a backslash escapes the character after it.
      for (;;) {
        STRING_END.lastIndex = i + 1;
        const end = STRING_END.exec(text);
        if (end === null) return; // unterminated: not JSON, the parser refuses it
        i = end.index;
        if (text.charCodeAt(i) === BACKSLASH) i++;
        else break;
      }
      const seen = depth > 0 && nameNext[depth - 1] ? names[depth - 1] : undefined;
      if (depth > 0) nameNext[depth - 1] = false;
      if (seen !== undefined) {
        let name: string;
        try {
          name = JSON.parse(text.slice(start, i + 1)) as string;
        } catch {
          return; // not a JSON string: the parser refuses it
        }
        if (seen.has(name)) {
          throw new KyodakuError(
            'ERR_PAYLOAD_JSON',
            `${what} names the member ${JSON.stringify(name)} twice`,
          );
        }
        seen.add(name);
      }
    }
  }
}

/** A lone surrogate: with the `u` flag a paired surrogate is one astral code point, not Cs. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Whether every string and member name of a parsed JSON value is well-formed Unicode (no lone
 * surrogate). Iterative; call it on values whose text passed checkJsonLimits.
 */
export function isWellFormedJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (LONE_SURROGATE.test(v)) return false;
    } else if (Array.isArray(v)) {
      for (const item of v) stack.push(item);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, item] of Object.entries(v)) {
        if (LONE_SURROGATE.test(key)) return false;
        stack.push(item);
      }
    }
  }
  return true;
}
