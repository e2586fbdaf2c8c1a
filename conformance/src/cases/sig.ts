/**
 * Hostile JWS on the record endpoint (spec/kyodaku.md §5, http-api.md REQ-API-011): every one must be
 * refused with the problem type of the verification order, and nothing may be stored. Signature,
 * header, typ and key mutations run on every route that takes a signed object (signed-objects.ts);
 * these are the encoding, payload and size checks, which do not depend on the kind.
 */
import { objectIdOf } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import type { Context, TestParty } from '../context.ts';
import { check, expectProblem } from '../expect.ts';
import { b64, bytesOf, craftJws, splitJws } from '../jws-craft.ts';

const RECORD_TYP = 'kyodaku-record+jws';

interface Fixture {
  ctx: Context;
  victim: TestParty;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** A valid signed record (not published) of the victim. */
  valid: string;
}

async function fixture(ctx: Context): Promise<Fixture> {
  const victim = await ctx.sharedParty('sig-victim');
  const valid = await ctx.signRecord(victim, { purposes: { all: 'allow' } });
  const payload = JSON.parse(Buffer.from(splitJws(valid.jws)[1], 'base64url').toString('utf8'));
  return {
    ctx,
    victim,
    header: { alg: 'Ed25519', kid: victim.kid, typ: RECORD_TYP },
    payload,
    valid: valid.jws,
  };
}

/** Posts a hostile JWS to /v1/records, expects the problem, and checks that nothing was stored. */
async function refused(ctx: Context, jws: string | Uint8Array, types: string[]): Promise<void> {
  const res = await ctx.post('/v1/records', jws);
  expectProblem(res, ...types);
  if (typeof jws === 'string') await ctx.expectNotStored(`/v1/records/${await objectIdOf(jws)}`);
}

function hostile(
  id: string,
  requirements: string[],
  title: string,
  types: string[],
  build: (f: Fixture) => Promise<string | Uint8Array>,
): Case {
  return {
    id,
    requirements: [...requirements, 'REQ-API-011', 'REQ-ERR-001'],
    refuses: [...requirements, 'REQ-API-011'],
    level: 'MUST',
    profile: 'core',
    title,
    async run(ctx) {
      const f = await fixture(ctx);
      await refused(ctx, await build(f), types);
    },
  };
}

/** A JWS with the fixture's payload and the given header, signed by the victim's key. */
const withHeader = (f: Fixture, header: Record<string, unknown> | string) =>
  craftJws({ header, payload: f.payload, signer: f.victim.signer });

/** A JWS with the fixture's header and the given payload bytes, signed by the victim's key. */
const withPayload = (f: Fixture, payload: Record<string, unknown> | string | Uint8Array) =>
  craftJws({ header: f.header, payload, signer: f.victim.signer });

/** The canonical payload text with `replace` applied at the first occurrence of `find`. */
function payloadText(f: Fixture, find: string, replace: string): string {
  const text = JSON.stringify(sortDeep(f.payload));
  check(text.includes(find), `internal: "${find}" not in the payload`);
  return text.replace(find, replace);
}

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** Bytes of the canonical payload with raw bytes spliced in place of `marker`. */
function payloadBytes(f: Fixture, marker: string, raw: number[]): Uint8Array {
  const text = payloadText(f, '"kind":"record"', `"kind":"record","x":"${marker}"`);
  const [before, after] = text.split(marker) as [string, string];
  return new Uint8Array([...bytesOf(before), ...raw, ...bytesOf(after)]);
}

export const sigCases: Case[] = defineCases([
  {
    id: 'core-sig-valid-reference',
    requirements: ['REQ-SIG-001', 'REQ-SIG-007', 'REQ-API-013'],
    level: 'MUST',
    profile: 'core',
    title: 'a correctly signed record of an attested party is accepted (the baseline of the hostile cases)',
    async run(ctx) {
      const f = await fixture(ctx);
      const res = await ctx.post('/v1/records', f.valid);
      check(res.status === 201, `expected 201, got ${res.status} ${res.text.slice(0, 200)}`);
    },
  },
  hostile('core-sig-alg-es256', ['REQ-SIG-002'], 'alg ES256 is refused', ['unsupported-algorithm'], (f) =>
    withHeader(f, { ...f.header, alg: 'ES256' }),
  ),
  hostile('core-sig-alg-rs256', ['REQ-SIG-002'], 'alg RS256 is refused', ['unsupported-algorithm'], (f) =>
    withHeader(f, { ...f.header, alg: 'RS256' }),
  ),
  hostile(
    'core-sig-alg-missing',
    ['REQ-SIG-002'],
    'a header without alg is refused',
    ['unsupported-algorithm'],
    (f) => withHeader(f, { kid: f.victim.kid, typ: RECORD_TYP }),
  ),
  ...(
    [
      // jwk, jku, x5c and crit: every route, in signed-objects.ts
      ['x5u', 'a certificate URL (x5u)'],
      ['x5t', 'a certificate thumbprint (x5t)'],
      ['b64', 'b64: false with crit'],
      ['extra', 'an unknown member'],
    ] as const
  ).map(([member, what]) =>
    hostile(
      `core-sig-header-${member}`,
      ['REQ-SIG-001'],
      `a header with ${what} is refused as forbidden-header`,
      ['forbidden-header'],
      async (f) => {
        const extra: Record<string, unknown> = {
          x5u: 'https://attacker.example/cert.pem',
          x5t: 'dGh1bWJwcmludA',
          b64: false,
          extra: 'member',
        };
        const header: Record<string, unknown> = { ...f.header, [member]: extra[member] };
        if (member === 'b64') header.crit = ['b64'];
        return craftJws({ header, payload: f.payload, signer: f.victim.signer });
      },
    ),
  ),
  hostile(
    'core-sig-signature-63-bytes',
    ['REQ-SIG-007'],
    'a 63-byte signature is refused as malformed-jws',
    ['malformed-jws'],
    async (f) => {
      const [h, p, s] = splitJws(f.valid);
      return `${h}.${p}.${b64(new Uint8Array(Buffer.from(s, 'base64url')).subarray(0, 63))}`;
    },
  ),
  hostile(
    'core-sig-b64-trailing-bits',
    ['REQ-SIG-006'],
    'a signature part with non-zero unused trailing bits is refused as malformed-jws',
    ['malformed-jws'],
    async (f) => {
      const [h, p, s] = splitJws(f.valid);
      // 64 bytes = 86 characters; the last one carries 2 bits of data and 4 unused bits
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      const last = alphabet.indexOf(s.at(-1)!);
      return `${h}.${p}.${s.slice(0, -1)}${alphabet[last | 1]}`;
    },
  ),
  hostile(
    'core-sig-b64-padding',
    ['REQ-SIG-006'],
    'base64url with padding is refused',
    ['malformed-jws'],
    async (f) => `${f.valid}==`,
  ),
  hostile(
    'core-sig-b64-alphabet',
    ['REQ-SIG-006'],
    'characters outside the base64url alphabet are refused',
    ['malformed-jws'],
    async (f) => {
      const [h, p, s] = splitJws(f.valid);
      return `${h}.${p}.+${s.slice(1)}`;
    },
  ),
  hostile(
    'core-sig-two-parts',
    ['REQ-SIG-006'],
    'a JWS of two parts is refused',
    ['malformed-jws'],
    async (f) => splitJws(f.valid).slice(0, 2).join('.'),
  ),
  hostile(
    'core-sig-four-parts',
    ['REQ-SIG-006'],
    'a JWS of four parts is refused',
    ['malformed-jws'],
    async (f) => `${f.valid}.AAAA`,
  ),
  hostile(
    'core-sig-empty-body',
    ['REQ-SIG-006'],
    'an empty body is refused as malformed-jws',
    ['malformed-jws'],
    async () => '',
  ),
  hostile(
    'core-sig-header-whitespace',
    ['REQ-SIG-001', 'REQ-SIG-005'],
    'a header with insignificant whitespace (not JCS) is refused',
    ['non-canonical-json'],
    (f) => withHeader(f, JSON.stringify(f.header, null, 1)),
  ),
  hostile(
    'core-sig-header-unsorted',
    ['REQ-SIG-001', 'REQ-SIG-005'],
    'a header with members out of order is refused',
    ['non-canonical-json'],
    (f) => withHeader(f, JSON.stringify({ typ: RECORD_TYP, kid: f.victim.kid, alg: 'Ed25519' })),
  ),
  hostile(
    'core-sig-header-invalid-utf8',
    ['REQ-SIG-005'],
    'a header that is not UTF-8 is refused',
    ['invalid-utf8'],
    async (f) =>
      craftJws({
        header: new Uint8Array([
          ...bytesOf(`{"alg":"Ed25519","kid":"${f.victim.kid}","typ":"kyodaku-record+jws","x":"`),
          0xff,
          ...bytesOf('"}'),
        ]),
        payload: f.payload,
        signer: f.victim.signer,
      }),
  ),
  hostile(
    'core-sig-header-not-object',
    ['REQ-SIG-005'],
    'a header that is a JSON array is refused',
    ['malformed-json'],
    (f) => withHeader(f, '["Ed25519"]'),
  ),
  hostile(
    'core-sig-payload-whitespace',
    ['REQ-SIG-005', 'REQ-SIG-008'],
    'a signed payload with insignificant whitespace is refused (verifiers do not re-serialize)',
    ['non-canonical-json'],
    (f) => withPayload(f, JSON.stringify(sortDeep(f.payload), null, 2)),
  ),
  hostile(
    'core-sig-payload-unsorted',
    ['REQ-SIG-005'],
    'a signed payload with members out of order is refused',
    ['non-canonical-json'],
    (f) => withPayload(f, JSON.stringify({ v: 1, ...(sortDeep(f.payload) as object) })),
  ),
  hostile(
    'core-sig-payload-duplicate-member',
    ['REQ-SIG-005'],
    'a signed payload with a duplicate member (deny then allow) is refused',
    ['non-canonical-json'],
    (f) =>
      withPayload(
        f,
        payloadText(f, '"purposes":{"all":"allow"}', '"purposes":{"all":"deny"},"purposes":{"all":"allow"}'),
      ),
  ),
  hostile(
    'core-sig-payload-escape',
    ['REQ-SIG-005'],
    'a payload with an escape JCS does not use (\\u0072) is refused',
    ['non-canonical-json'],
    (f) => withPayload(f, payloadText(f, '"kind":"record"', '"kind":"\\u0072ecord"')),
  ),
  hostile(
    'core-sig-payload-number-form',
    ['REQ-SIG-005'],
    'a payload with the number 1.0 instead of 1 is refused',
    ['non-canonical-json'],
    (f) => withPayload(f, payloadText(f, '"v":1', '"v":1.0')),
  ),
  hostile(
    'core-sig-payload-invalid-utf8',
    ['REQ-SIG-005'],
    'a payload with a lone continuation byte is refused',
    ['invalid-utf8'],
    (f) => withPayload(f, payloadBytes(f, '@@', [0x80])),
  ),
  hostile(
    'core-sig-payload-overlong-utf8',
    ['REQ-SIG-005'],
    'a payload with an overlong UTF-8 encoding is refused',
    ['invalid-utf8'],
    (f) => withPayload(f, payloadBytes(f, '@@', [0xc1, 0x81])),
  ),
  hostile(
    'core-sig-payload-cesu8',
    ['REQ-SIG-005'],
    'a payload with an encoded surrogate (CESU-8) is refused',
    ['invalid-utf8'],
    (f) => withPayload(f, payloadBytes(f, '@@', [0xed, 0xa0, 0x80])),
  ),
  hostile(
    'core-sig-payload-bom',
    ['REQ-SIG-005'],
    'a payload with a byte order mark is refused',
    ['malformed-json', 'non-canonical-json'],
    (f) =>
      withPayload(f, new Uint8Array([0xef, 0xbb, 0xbf, ...bytesOf(JSON.stringify(sortDeep(f.payload)))])),
  ),
  hostile(
    'core-sig-payload-not-json',
    ['REQ-SIG-005'],
    'a payload that is not JSON is refused',
    ['malformed-json'],
    (f) => withPayload(f, 'record: allow everything'),
  ),
  hostile(
    'core-sig-payload-array',
    ['REQ-SIG-005'],
    'a payload that is a JSON array, not an object, is refused',
    ['malformed-json'],
    (f) => withPayload(f, '[{"kind":"record"}]'),
  ),
  hostile(
    'core-sig-oversize',
    ['REQ-SIG-009', 'REQ-ERR-003', 'REQ-ERR-006', 'REQ-LOG-002'],
    'a signed JWS of more than 65,535 bytes is refused with 413',
    ['payload-too-large'],
    async (f) =>
      withPayload(f, {
        ...f.payload,
        work: { ...(f.payload.work as object), titles: { en: 'x'.repeat(70_000) } },
      }),
  ),
  hostile(
    'core-sig-schema-extra-member',
    ['REQ-SIG-010'],
    'a signed payload with a member the schema does not define is refused',
    ['schema-violation'],
    (f) => withPayload(f, { ...f.payload, admin: true }),
  ),
  hostile(
    'core-obj-kind-mismatch',
    ['REQ-OBJ-002'],
    'a record typ whose payload kind is "party" is refused',
    ['schema-violation'],
    (f) => withPayload(f, { ...f.payload, kind: 'party' }),
  ),
  hostile('core-obj-version', ['REQ-OBJ-002'], 'a payload with v 2 is refused', ['schema-violation'], (f) =>
    withPayload(f, { ...f.payload, v: 2 }),
  ),
  ...(
    [
      ['fraction', '2026-01-01T00:00:00.000Z', 'fractional seconds'],
      ['offset', '2026-01-01T09:00:00+09:00', 'a time zone offset'],
      ['lowercase', '2026-01-01t00:00:00z', 'lowercase t and z'],
      ['impossible-date', '2026-02-30T00:00:00Z', 'a date that does not exist'],
      ['leap-second', '2025-12-31T23:59:60Z', 'a leap second'],
    ] as const
  ).map(([name, value, what]) =>
    hostile(
      `core-obj-timestamp-${name}`,
      ['REQ-OBJ-001'],
      `a timestamp with ${what} is refused`,
      ['schema-violation'],
      (f) => withPayload(f, { ...f.payload, valid_from: value }),
    ),
  ),
  hostile(
    'core-record-conditional-without-conditions',
    ['REQ-RECORD-002'],
    'a conditional purpose without conditions is refused',
    ['schema-violation'],
    (f) => withPayload(f, { ...f.payload, purposes: { 'generate.character': 'conditional' } }),
  ),
  hostile(
    'core-record-valid-until-before-from',
    ['REQ-RECORD-002'],
    'valid_until not later than valid_from is refused',
    ['schema-violation'],
    (f) => withPayload(f, { ...f.payload, valid_until: f.payload.valid_from }),
  ),
  hostile(
    'core-record-unknown-purpose',
    ['REQ-PURPOSE-003'],
    'a record with a purpose outside the vocabulary is refused',
    ['schema-violation', 'unknown-purpose'],
    (f) => withPayload(f, { ...f.payload, purposes: { 'train.everything': 'allow' } }),
  ),
  hostile(
    'core-record-invalid-identifier',
    ['REQ-RECORD-001', 'REQ-ID-002', 'REQ-ID-004'],
    'a record with an invalid identifier (bad ISBN check digit) is refused',
    ['schema-violation', 'invalid-identifier'],
    (f) => withPayload(f, { ...f.payload, work: { type: 'work', ids: ['isbn:9784088725094'] } }),
  ),
  hostile(
    'core-record-unnormalized-identifier',
    ['REQ-RECORD-001', 'REQ-ID-004'],
    'a record with an identifier not in normalized form (ISBN with hyphens) is refused',
    ['schema-violation', 'invalid-identifier'],
    (f) => withPayload(f, { ...f.payload, work: { type: 'work', ids: ['isbn:978-4-08-872509-3'] } }),
  ),
  hostile(
    'core-record-language-tag',
    ['REQ-ID-032'],
    'a title keyed by an ill-formed language tag is refused',
    ['schema-violation'],
    (f) =>
      withPayload(f, {
        ...f.payload,
        work: { ...(f.payload.work as object), titles: { 'not a tag!': 'x' } },
      }),
  ),
  // Ill-formed under RFC 5646 §2.1, one defect each (spec/identifiers.md REQ-ID-032).
  ...(
    [
      ['en-a1', 'titles', 'a two-character subtag that is no region (a singleton needs a subtag)'],
      ['ja-Latn-Hira', 'aliases', 'two scripts'],
      ['de-419-DE', 'titles', 'two regions'],
      ['en--US', 'aliases', 'an empty subtag'],
      ['ja_JP', 'titles', 'an underscore'],
      ['ja-u', 'aliases', 'an extension singleton without a subtag'],
      ['en-x', 'titles', 'a private-use singleton without a subtag'],
      ['toolonglang', 'aliases', 'a primary subtag of more than 8 letters'],
    ] as const
  ).map(([tag, member, what], n) =>
    hostile(
      `core-record-language-tag-${n + 1}`,
      ['REQ-ID-032'],
      `a record with ${member} keyed by "${tag}" (${what}) is refused`,
      ['schema-violation'],
      (f) =>
        withPayload(f, {
          ...f.payload,
          work: {
            ...(f.payload.work as object),
            [member]: { [tag]: member === 'titles' ? 'x' : ['x'] },
          },
        }),
    ),
  ),
  hostile(
    'core-record-empty-folded-title',
    ['REQ-ID-034'],
    'a title whose folded form is empty (ideographic spaces) is refused',
    ['schema-violation', 'invalid-request'],
    (f) =>
      withPayload(f, {
        ...f.payload,
        work: { ...(f.payload.work as object), titles: { en: '\u3000 \u3000' } },
      }),
  ),
  hostile(
    'core-record-issued-in-future',
    ['REQ-API-034'],
    'a record issued more than 300 seconds in the future is refused as schema-violation',
    ['schema-violation'],
    async (f) => {
      const t = f.ctx.time(900);
      return withPayload(f, { ...f.payload, issued_at: t, valid_from: t });
    },
  ),
]);
