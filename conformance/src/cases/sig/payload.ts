/**
 * Hostile JWS on the record endpoint, in its payload: canonical JSON (RFC 8785), UTF-8, size, the
 * object schema and version, timestamps, and the purposes, identifiers and language tags of a record.
 */
import { type Case, defineCases } from '../../case.ts';
import { bytesOf, sortDeep } from '../../jws-craft.ts';
import { hostile, payloadBytes, payloadText, withPayload } from './fixture.ts';

export const sigPayloadCases: Case[] = defineCases([
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
