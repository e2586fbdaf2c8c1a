/**
 * Property-based tests (fast-check) of the canonicaliser, the JSON limits and the JWS parser against
 * hostile input: arbitrary Unicode including lone surrogates and non-characters, deep and wide
 * JSON, numbers beyond a double. The oracle is a small RFC 8785 canonicaliser written in the test
 * (helpers/reference-jcs.ts), checked first against the published RFC 8785 vectors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  checkJsonLimits,
  checkObject,
  createRecord,
  generateKeyPair,
  importSigner,
  isWellFormedJson,
  KyodakuError,
  parseJws,
  SIGNED_JSON_LIMITS,
} from '../src/index.ts';
import {
  deepText,
  hostileString,
  hostileUnit,
  hostileValue,
  nameString,
  textAround,
  wideText,
} from './helpers/hostile-json.ts';
import {
  isReferenceCanonical,
  NotIJson,
  naiveCanonical,
  referenceCanonical,
} from './helpers/reference-jcs.ts';
import { PUBLISHED_VECTORS } from './helpers/vectors.ts';

const RUNS = { numRuns: 300 };
const b64 = (bytes: Uint8Array | string) =>
  Buffer.from(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes).toString('base64url');
const KID = 'A'.repeat(43);
const HEADER = `{"alg":"Ed25519","kid":"${KID}","typ":"kyodaku-record+jws"}`;
const ZERO_SIGNATURE = b64(new Uint8Array(64));

/** Depth, widest object and widest array of a parsed value, measured iteratively (independent). */
function measure(value: unknown): { depth: number; members: number; elements: number } {
  let depth = 0;
  let members = 0;
  let elements = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (Array.isArray(v)) {
      depth = Math.max(depth, d + 1);
      elements = Math.max(elements, v.length);
      for (const item of v) stack.push([item, d + 1]);
    } else if (v !== null && typeof v === 'object') {
      depth = Math.max(depth, d + 1);
      members = Math.max(members, Object.keys(v).length);
      for (const item of Object.values(v)) stack.push([item, d + 1]);
    }
  }
  return { depth, members, elements };
}

function withinSignedLimits(text: string): boolean {
  const m = measure(JSON.parse(text));
  return (
    m.depth <= SIGNED_JSON_LIMITS.maxDepth &&
    m.members <= SIGNED_JSON_LIMITS.maxMembers &&
    m.elements <= SIGNED_JSON_LIMITS.maxElements
  );
}

/** Runs `f`; returns the KyodakuError it threw, undefined if it returned, and fails on any other error. */
function outcome(f: () => unknown): KyodakuError | undefined {
  try {
    f();
    return undefined;
  } catch (error) {
    if (error instanceof KyodakuError) return error;
    throw new Error(
      `not a KyodakuError: ${(error as Error)?.constructor?.name}: ${(error as Error)?.message}`,
    );
  }
}

const hostileObject = fc.dictionary(fc.string({ unit: hostileUnit, maxLength: 6 }), hostileValue(3), {
  maxKeys: 5,
});

describe('the reference canonicaliser (the oracle)', () => {
  const dir = new URL('cyberphone-json-canonicalization/', PUBLISHED_VECTORS);
  const names = readdirSync(new URL('input/', dir)).filter((n) => n.endsWith('.json'));
  it.each(names)('agrees with the RFC 8785 vector %s', (name) => {
    const input = JSON.parse(readFileSync(new URL(`input/${name}`, dir), 'utf8'));
    const expected = readFileSync(new URL(`output/${name}`, dir), 'utf8').replace(/\n$/, '');
    expect(referenceCanonical(input)).toBe(expected);
  });
});

describe('canonicalJson and isWellFormedJson (properties)', () => {
  it('canonicalJson equals the reference form of every I-JSON value', () => {
    fc.assert(
      fc.property(hostileValue(5), (value) => {
        let reference: string | undefined;
        try {
          reference = referenceCanonical(value);
        } catch (error) {
          if (!(error instanceof NotIJson)) throw error;
        }
        if (reference !== undefined) expect(canonicalJson(value)).toBe(reference);
        // isWellFormedJson says exactly which values the reference refuses (lone surrogates).
        expect(isWellFormedJson(value)).toBe(reference !== undefined);
      }),
      RUNS,
    );
  });

  it('a string is well-formed exactly when it holds no unpaired surrogate', () => {
    fc.assert(
      fc.property(hostileString(20), (s) => {
        // TextEncoder replaces each unpaired surrogate with U+FFFD, and nothing else.
        const wellFormed =
          new TextDecoder('utf-8', { ignoreBOM: true }).decode(new TextEncoder().encode(s)) === s;
        expect(isWellFormedJson(s)).toBe(wellFormed);
        expect(isWellFormedJson({ [s]: 1 })).toBe(wellFormed);
      }),
      RUNS,
    );
  });
});

describe('checkJsonLimits (properties)', () => {
  /** A value wrapped `levels` times in arrays or objects (with siblings), around a leaf. */
  const wrapped = fc
    .tuple(
      hostileValue(2),
      fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 3 })), { maxLength: 40 }),
      fc.oneof(fc.constant(0), fc.integer({ min: 995, max: 1005 })),
    )
    .map(([leaf, levels, wide]) => {
      let value: unknown = leaf;
      for (const [array, siblings] of levels) {
        value = array
          ? [...Array(siblings).fill(0), value]
          : { ...Object.fromEntries(Array.from({ length: siblings }, (_, i) => [`s${i}`, 0])), v: value };
      }
      return wide === 0 ? value : { wide: Array(wide).fill(value === null ? 0 : null), v: value };
    });

  it('refuses exactly the texts whose depth, members or elements exceed the limits', () => {
    fc.assert(
      fc.property(wrapped, fc.constantFrom(undefined, 1, '\t'), (value, space) => {
        const text = JSON.stringify(value, null, space);
        const failure = outcome(() => checkJsonLimits(text, SIGNED_JSON_LIMITS, 'text'));
        expect(failure?.code ?? 'ok').toBe(withinSignedLimits(text) ? 'ok' : 'ERR_JSON_TOO_COMPLEX');
      }),
      RUNS,
    );
  });

  it('never throws anything but ERR_JSON_TOO_COMPLEX on any text, JSON or not', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: hostileUnit, maxLength: 200 }), deepText, wideText(1000)),
        (text) => {
          const failure = outcome(() => checkJsonLimits(text, SIGNED_JSON_LIMITS, 'text'));
          if (failure !== undefined) expect(failure.code).toBe('ERR_JSON_TOO_COMPLEX');
        },
      ),
      RUNS,
    );
  });
});

describe('parseJws (properties)', () => {
  it('throws nothing but KyodakuError on arbitrary strings', () => {
    const segment = fc.oneof(
      fc.base64String({ maxLength: 60 }).map((s) => s.replace(/=/g, '')),
      hostileString(20),
    );
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 5 }).map((parts) => parts.join('.')),
        (jws) => {
          outcome(() => parseJws(jws, 'record'));
        },
      ),
      RUNS,
    );
  });

  it('throws nothing but KyodakuError on arbitrary header and payload bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (h, p) => {
        outcome(() => parseJws(`${b64(h)}.${b64(p)}.${ZERO_SIGNATURE}`, 'record'));
      }),
      RUNS,
    );
  });

  it('accepts a header and payload exactly when they are within the limits and their RFC 8785 form', () => {
    const header = fc.oneof(
      { weight: 3, arbitrary: fc.constant(HEADER) },
      {
        weight: 1,
        arbitrary: textAround(fc.constant({ alg: 'Ed25519', kid: KID, typ: 'kyodaku-record+jws' })),
      },
      {
        weight: 1,
        arbitrary: hostileString(8).map((typ) =>
          naiveCanonical({ alg: 'Ed25519', kid: KID, typ: `kyodaku-record+jws${typ}` }),
        ),
      },
    );
    let accepted = 0;
    fc.assert(
      fc.property(header, textAround(hostileObject), (headerText, payloadText) => {
        const failure = outcome(() =>
          parseJws(`${b64(headerText)}.${b64(payloadText)}.${ZERO_SIGNATURE}`, 'record'),
        );
        if (failure === undefined) {
          accepted++;
          // Accepted: an independent re-canonicalisation gives the same bytes.
          expect(isReferenceCanonical(headerText)).toBe(true);
          expect(isReferenceCanonical(payloadText)).toBe(true);
        }
        if (headerText === HEADER) {
          const parsed = (() => {
            try {
              return JSON.parse(payloadText) as unknown;
            } catch {
              return undefined;
            }
          })();
          const isObject = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
          const wanted =
            payloadText.length < 40_000 &&
            isObject &&
            withinSignedLimits(payloadText) &&
            isReferenceCanonical(payloadText);
          // Not over-refusing either: every canonical object payload within the limits is accepted.
          if (payloadText.length < 40_000) expect(failure === undefined).toBe(wanted);
        }
      }),
      RUNS,
    );
    // The property is not vacuous: a good share of the inputs are accepted.
    expect(accepted).toBeGreaterThanOrEqual(RUNS.numRuns / 20);
  });
});

describe('checkObject on signed records with hostile names (properties)', () => {
  it('accepts only records whose exact signed bytes are their RFC 8785 form', async () => {
    const keys = await generateKeyPair();
    const signer = await importSigner(keys.privateJwk);
    const base = createRecord({
      iss: keys.kid,
      work: { type: 'work', ids: ['isbn:9784088725093'] },
      purposes: { all: 'deny' },
      issued_at: '2026-01-10T00:00:00Z',
    });
    const header = `{"alg":"Ed25519","kid":"${keys.kid}","typ":"kyodaku-record+jws"}`;
    const record = fc
      .tuple(nameString, fc.array(nameString, { minLength: 1, maxLength: 3 }))
      .map(([title, aliases]) => ({
        ...base,
        work: { ...base.work, titles: { en: title }, aliases: { ja: aliases } },
      }));
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(textAround(record), async (payloadText) => {
        const input = `${b64(header)}.${b64(payloadText)}`;
        const signature = await crypto.subtle.sign('Ed25519', signer.privateKey, Buffer.from(input, 'ascii'));
        const failure = outcome(() => checkObject(`${input}.${b64(new Uint8Array(signature))}`, 'record'));
        if (failure === undefined) {
          accepted++;
          expect(isReferenceCanonical(payloadText)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
    expect(accepted).toBeGreaterThan(10);
  });
});
