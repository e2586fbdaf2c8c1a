/** Vectors of valid signed objects (objects.json) and of hostile JWS (jws-rejections.json). */
import {
  canonicalJson,
  createAttestation,
  createParty,
  createRecord,
  createRevocation,
  type ErrorCode,
  type ObjectKind,
  problemTypeOf,
  type SignedObject,
  signObject,
} from '@kyodaku/client';
import { b64, hmacWithPublicKey, malleateS, nonCanonicalBase64url, signRaw } from './hostile-jws.ts';
import type { TestKey, TestKeyName } from './test-keys.ts';
import { type VectorBase, vectorFile } from './vector-file.ts';

const T0 = '2026-01-10T00:00:00Z';

/** The UTF-8 bytes of `text` with raw bytes inserted right after the first occurrence of `marker`. */
function insertBytes(text: string, marker: string, bytes: number[]): Uint8Array {
  const at = text.indexOf(marker) + marker.length;
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]);
}

export async function sampleObjects(keys: Record<TestKeyName, TestKey>) {
  const publisherParty = createParty({
    key: keys.publisher.jwk,
    role: 'rights-holder',
    names: { ja: '星海社出版', en: 'Seikai Publishing' },
    contact: { url: 'https://seikai.example/ai' },
    issued_at: '2026-01-05T00:00:00Z',
  });
  const attestation = await createAttestation({
    node: keys.node.kid,
    party: publisherParty,
    issued_at: '2026-01-06T00:00:00Z',
  });
  const record = createRecord({
    iss: keys.publisher.kid,
    work: {
      type: 'character',
      ids: ['kyodaku:seikai/hoshi-no-umi/char/aoi'],
      titles: { ja: '葵', en: 'Aoi', 'ja-Latn': 'Aoi' },
      aliases: { ja: ['あおい'] },
    },
    purposes: { train: 'deny', 'generate.character': 'conditional', search: 'allow' },
    conditions: {
      attribution: { required: true, text: { ja: '©星海社出版', en: '© Seikai Publishing' } },
      compensation: { model: 'per-use', currency: 'JPY', amount: '50', unit: 'generated image' },
      territory: ['JP'],
    },
    issued_at: T0,
  });
  const signedRecord = await signObject('record', record, keys.publisher.signer);
  const revocation = createRevocation({
    iss: keys.publisher.kid,
    record: signedRecord.id,
    reason: 'licence ended',
    issued_at: '2026-02-01T00:00:00Z',
  });
  return {
    party: await signObject('party', publisherParty, keys.publisher.signer),
    attestation: await signObject('attestation', attestation, keys.node.signer),
    record: signedRecord,
    revocation: await signObject('revocation', revocation, keys.publisher.signer),
  };
}

export async function buildObjectVectors(keys: Record<TestKeyName, TestKey>) {
  const objects = await sampleObjects(keys);
  const signer: Record<string, TestKeyName> = {
    party: 'publisher',
    attestation: 'node',
    record: 'publisher',
    revocation: 'publisher',
  };
  return vectorFile(
    'kyodaku-signed-objects',
    'spec/kyodaku.md#5-signing',
    Object.values(objects).map((o) => ({
      requirements: ['REQ-SIG-001', 'REQ-SIG-005', 'REQ-SIG-008', 'REQ-SIG-011'],
      comment: `a valid ${o.kind} signed by the test key "${signer[o.kind]}"`,
      flags: [],
      result: 'valid' as const,
      input: { kind: o.kind, signer: signer[o.kind], jws: o.jws },
      output: { id: o.id, header: o.header, payload: o.payload },
    })),
  );
}

interface RejectionVector extends Omit<VectorBase, 'tcId'> {
  input: { kind: ObjectKind; jws: string; key: TestKeyName };
  error?: ErrorCode;
  problem?: string;
}

export async function buildRejectionVectors(keys: Record<TestKeyName, TestKey>) {
  const { record, party } = await sampleObjects(keys);
  const publisher = keys.publisher;
  const payload = canonicalJson(record.payload);
  const header = (h: Record<string, unknown>) => canonicalJson(h);
  const good = { alg: 'Ed25519', kid: publisher.kid, typ: 'kyodaku-record+jws' };
  const [goodH, goodP, goodS] = record.jws.split('.') as [string, string, string];
  const withPayload = (p: Record<string, unknown>) => signRaw(publisher, header(good), canonicalJson(p));

  const cases: RejectionCase[] = [
    ['the reference record', ['REQ-SIG-007'], 'valid', null, record.jws],
    [
      'alg EdDSA is accepted as a synonym for the same key type',
      ['REQ-SIG-002'],
      'valid',
      null,
      signRaw(publisher, header({ ...good, alg: 'EdDSA' }), payload),
    ],
    [
      'alg none with an empty signature',
      ['REQ-SIG-002'],
      'alg-none',
      'ERR_JWS_ALG',
      `${b64(header({ ...good, alg: 'none' }))}.${goodP}.`,
    ],
    [
      'alg HS256 keyed with the public key (algorithm confusion)',
      ['REQ-SIG-002'],
      'alg-confusion',
      'ERR_JWS_ALG',
      hmacWithPublicKey(publisher, header({ ...good, alg: 'HS256' }), payload),
    ],
    [
      'alg ES256',
      ['REQ-SIG-002'],
      'other-alg',
      'ERR_JWS_ALG',
      signRaw(publisher, header({ ...good, alg: 'ES256' }), payload),
    ],
    [
      'alg missing',
      ['REQ-SIG-002'],
      'other-alg',
      'ERR_JWS_ALG',
      signRaw(publisher, header({ kid: good.kid, typ: good.typ }), payload),
    ],
    [
      'jwk header member (embedded key)',
      ['REQ-SIG-001'],
      'embedded-key',
      'ERR_JWS_HEADER',
      signRaw(
        publisher,
        header({ ...good, jwk: { kty: 'OKP', crv: 'Ed25519', x: publisher.jwk.x } }),
        payload,
      ),
    ],
    [
      'jku header member',
      ['REQ-SIG-001'],
      'embedded-key',
      'ERR_JWS_HEADER',
      signRaw(publisher, header({ ...good, jku: 'https://attacker.example/jwks.json' }), payload),
    ],
    [
      'x5u header member',
      ['REQ-SIG-001'],
      'embedded-key',
      'ERR_JWS_HEADER',
      signRaw(publisher, header({ ...good, x5u: 'https://attacker.example/cert.pem' }), payload),
    ],
    [
      'x5c header member',
      ['REQ-SIG-001'],
      'embedded-key',
      'ERR_JWS_HEADER',
      signRaw(publisher, header({ ...good, x5c: ['MIIB'] }), payload),
    ],
    [
      'crit header member',
      ['REQ-SIG-001'],
      'crit',
      'ERR_JWS_HEADER',
      signRaw(publisher, header({ ...good, crit: ['exp'], exp: 1 }), payload),
    ],
    [
      'b64 false',
      ['REQ-SIG-001'],
      'crit',
      'ERR_JWS_HEADER',
      signRaw(publisher, header({ ...good, b64: false, crit: ['b64'] }), payload),
    ],
    [
      'typ of a party on the record endpoint',
      ['REQ-SIG-004'],
      'typ',
      'ERR_JWS_TYP',
      signRaw(publisher, header({ ...good, typ: 'kyodaku-party+jws' }), payload),
    ],
    [
      'typ missing',
      ['REQ-SIG-004'],
      'typ',
      'ERR_JWS_TYP',
      signRaw(publisher, header({ alg: 'Ed25519', kid: good.kid }), payload),
    ],
    [
      'typ JWT',
      ['REQ-SIG-004'],
      'typ',
      'ERR_JWS_TYP',
      signRaw(publisher, header({ ...good, typ: 'JWT' }), payload),
    ],
    [
      'kid is not a thumbprint',
      ['REQ-SIG-003'],
      'kid',
      'ERR_JWS_HEADER',
      signRaw(publisher, header({ ...good, kid: 'key-1' }), payload),
    ],
    [
      'kid and signature of another key for the same issuer',
      ['REQ-SIG-003'],
      'kid',
      'ERR_JWS_KID',
      signRaw(keys.mallory, header({ ...good, kid: keys.mallory.kid }), payload),
    ],
    [
      'kid of the issuer, signature by another key',
      ['REQ-SIG-007'],
      'signature',
      'ERR_SIGNATURE',
      signRaw(keys.mallory, header(good), payload),
    ],
    [
      'payload tampered after signing',
      ['REQ-SIG-008'],
      'tampered',
      'ERR_SIGNATURE',
      `${goodH}.${b64(payload.replace('"train":"deny"', '"train":"allow"'))}.${goodS}`,
    ],
    [
      'signature bit flipped',
      ['REQ-SIG-007'],
      'tampered',
      'ERR_SIGNATURE',
      `${goodH}.${goodP}.${b64(Buffer.from(goodS, 'base64url').map((b, i) => (i === 0 ? b ^ 1 : b)))}`,
    ],
    [
      'S + L: a malleated signature',
      ['REQ-SIG-007'],
      'malleability',
      'ERR_SIGNATURE',
      malleateS(record.jws) ?? record.jws,
    ],
    [
      'signature of 63 bytes',
      ['REQ-SIG-007'],
      'malformed',
      'ERR_JWS_INVALID',
      `${goodH}.${goodP}.${b64(Buffer.from(goodS, 'base64url').subarray(1))}`,
    ],
    [
      'signature with non-canonical base64url trailing bits',
      ['REQ-SIG-006'],
      'base64url',
      'ERR_JWS_INVALID',
      `${goodH}.${goodP}.${nonCanonicalBase64url(goodS)}`,
    ],
    ['padding characters', ['REQ-SIG-006'], 'base64url', 'ERR_JWS_INVALID', `${goodH}.${goodP}.${goodS}==`],
    [
      'standard base64 alphabet',
      ['REQ-SIG-006'],
      'base64url',
      'ERR_JWS_INVALID',
      `${goodH}.${goodP}.${goodS.replace(/-/g, '+').replace(/_/g, '/')}+/`,
    ],
    ['two parts', ['REQ-SIG-006'], 'malformed', 'ERR_JWS_INVALID', `${goodH}.${goodP}`],
    ['four parts', ['REQ-SIG-006'], 'malformed', 'ERR_JWS_INVALID', `${record.jws}.${goodS}`],
    ['empty string', ['REQ-SIG-006'], 'malformed', 'ERR_JWS_INVALID', ''],
    [
      'header with whitespace (not JCS)',
      ['REQ-SIG-001'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, JSON.stringify(good, null, 1), payload),
    ],
    [
      'header with members out of order',
      ['REQ-SIG-001'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, JSON.stringify({ typ: good.typ, kid: good.kid, alg: good.alg }), payload),
    ],
    [
      'payload with whitespace',
      ['REQ-SIG-005'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, header(good), JSON.stringify(record.payload, null, 2)),
    ],
    [
      'payload with members out of order',
      ['REQ-SIG-005'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, header(good), `{"v":1,${payload.slice(1).replace(',"v":1', '')}`),
    ],
    [
      'payload with a duplicate member',
      ['REQ-SIG-005'],
      'duplicate',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, header(good), payload.replace('"purposes":{', '"purposes":{"train":"allow",')),
    ],
    [
      'payload with a duplicate member, last value differs',
      ['REQ-SIG-005'],
      'duplicate',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, header(good), payload.replace('"v":1,', '"v":2,"v":1,')),
    ],
    [
      'payload with an escape that JCS does not use',
      ['REQ-SIG-005'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, header(good), payload.replace('"kind":"record"', '"kind":"rec\\u006frd"')),
    ],
    [
      'payload number 1.0 instead of 1',
      ['REQ-SIG-005'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, header(good), payload.replace('"v":1', '"v":1.0')),
    ],
    [
      'payload with invalid UTF-8 (lone continuation byte)',
      ['REQ-SIG-005'],
      'utf8',
      'ERR_PAYLOAD_UTF8',
      signRaw(publisher, header(good), insertBytes(payload, '"kind":"rec', [0x80])),
    ],
    [
      'payload with an overlong UTF-8 encoding',
      ['REQ-SIG-005'],
      'utf8',
      'ERR_PAYLOAD_UTF8',
      signRaw(publisher, header(good), insertBytes(payload, '"kind":"rec', [0xc0, 0xaf])),
    ],
    [
      'payload with an encoded surrogate (CESU-8)',
      ['REQ-SIG-005'],
      'utf8',
      'ERR_PAYLOAD_UTF8',
      signRaw(publisher, header(good), insertBytes(payload, '"kind":"rec', [0xed, 0xa0, 0x80])),
    ],
    [
      'payload with a byte order mark',
      ['REQ-SIG-005'],
      'utf8',
      'ERR_PAYLOAD_JSON',
      signRaw(
        publisher,
        header(good),
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(payload)]),
      ),
    ],
    [
      'payload is a JSON array',
      ['REQ-SIG-005'],
      'json',
      'ERR_PAYLOAD_JSON',
      signRaw(publisher, header(good), `[${payload}]`),
    ],
    [
      'payload is not JSON',
      ['REQ-SIG-005'],
      'json',
      'ERR_PAYLOAD_JSON',
      signRaw(publisher, header(good), 'kind=record'),
    ],
    [
      'header is not JSON',
      ['REQ-SIG-005'],
      'json',
      'ERR_PAYLOAD_JSON',
      `${b64('alg=Ed25519')}.${goodP}.${goodS}`,
    ],
    [
      'payload member the schema does not define',
      ['REQ-SIG-010'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, licence: 'everything' }),
    ],
    [
      'payload identifier not in normalized form',
      ['REQ-SIG-010', 'REQ-RECORD-001'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, work: { ...record.payload.work, ids: ['ISBN:4-08-872509-3'] } }),
    ],
    [
      'payload version 2',
      ['REQ-SIG-010', 'REQ-OBJ-002'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, v: 2 }),
    ],
    [
      'payload kind party under a record typ',
      ['REQ-OBJ-002'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, kind: 'party' }),
    ],
    [
      'payload with an unknown purpose',
      ['REQ-PURPOSE-003'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, purposes: { 'train.everything': 'allow' } }),
    ],
    [
      'conditional purpose without conditions',
      ['REQ-RECORD-002'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, conditions: undefined }),
    ],
    [
      'valid_until before valid_from',
      ['REQ-RECORD-002'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, valid_until: '2025-01-01T00:00:00Z' }),
    ],
    [
      'timestamp with fractional seconds',
      ['REQ-OBJ-001'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, issued_at: '2026-01-10T00:00:00.000Z' }),
    ],
    [
      'timestamp with an offset',
      ['REQ-OBJ-001'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, issued_at: '2026-01-10T09:00:00+09:00' }),
    ],
    [
      'timestamp that is not a real instant',
      ['REQ-OBJ-001'],
      'schema',
      'ERR_SCHEMA',
      withPayload({ ...record.payload, valid_from: '2026-02-30T00:00:00Z' }),
    ],
    [
      'JWS longer than 65,535 bytes',
      ['REQ-SIG-009'],
      'size',
      'ERR_TOO_LARGE',
      withPayload({
        ...record.payload,
        work: {
          ...record.payload.work,
          aliases: Object.fromEntries(
            ['en', 'ja', 'fr', 'de', 'ko', 'zh', 'es', 'it'].map((lang) => [
              lang,
              Array(50).fill(lang.repeat(100)),
            ]),
          ),
        },
      }),
    ],
  ];
  const partyCases: typeof cases = [
    [
      'a party signed by the key it carries',
      ['REQ-OBJ-003'],
      'valid',
      null,
      { kind: 'party', key: 'publisher', jws: party.jws },
    ],
    [
      'a party whose kid is not the key it carries',
      ['REQ-OBJ-003', 'REQ-SIG-003'],
      'kid',
      'ERR_JWS_KID',
      {
        kind: 'party',
        key: 'publisher',
        jws: signRaw(
          keys.mallory,
          header({ alg: 'Ed25519', kid: keys.mallory.kid, typ: 'kyodaku-party+jws' }),
          canonicalJson(party.payload),
        ),
      },
    ],
    [
      'a party with a small-order public key (the identity point)',
      ['REQ-SIG-014'],
      'small-order',
      'ERR_KEY_INVALID',
      {
        kind: 'party',
        key: 'publisher',
        jws: signRaw(
          publisher,
          header({ alg: 'Ed25519', kid: publisher.kid, typ: 'kyodaku-party+jws' }),
          canonicalJson({
            ...party.payload,
            key: { kty: 'OKP', crv: 'Ed25519', x: 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
          }),
        ),
      },
    ],
    [
      'a party with a non-canonical point encoding (y = p)',
      ['REQ-SIG-014'],
      'non-canonical-key',
      'ERR_KEY_INVALID',
      {
        kind: 'party',
        key: 'publisher',
        jws: signRaw(
          publisher,
          header({ alg: 'Ed25519', kid: publisher.kid, typ: 'kyodaku-party+jws' }),
          canonicalJson({
            ...party.payload,
            key: {
              kty: 'OKP',
              crv: 'Ed25519',
              x: b64(Buffer.from('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', 'hex')),
            },
          }),
        ),
      },
    ],
  ];
  const jsonCases = await buildJsonCases(keys, { record, party });
  const tests: RejectionVector[] = [...cases, ...partyCases, ...jsonCases].map(
    ([comment, requirements, flag, error, jws]) => {
      const input =
        typeof jws === 'string' ? { kind: 'record' as const, key: 'publisher' as const, jws } : jws;
      const result = flag === 'valid' ? 'valid' : 'invalid';
      return {
        requirements,
        comment,
        flags: result === 'invalid' ? [flag] : [],
        result,
        input,
        ...(error && { error, problem: problemTypeOf(error) }),
      };
    },
  );
  return vectorFile('kyodaku-jws-verification', 'spec/kyodaku.md#5-signing', tests, {
    key: 'input.key names the test key bound to the issuer (spec/vectors/test-keys.json); any other kid is not bound',
  });
}

type RejectionCase = [string, string[], string, ErrorCode | null, RejectionVector['input'] | string];

/** `[` × depth then `]` × depth: arrays nested `depth` levels deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

/**
 * Lone surrogates (REQ-JSON-002) and JSON beyond the limits of REQ-JSON-001, one place per vector:
 * a string value, a member name, the header, each kind a node accepts; depth, members, elements.
 * Appended after the older vectors so that their tcIds stay as they were.
 */
async function buildJsonCases(
  keys: Record<TestKeyName, TestKey>,
  { record, party }: { record: SignedObject<'record'>; party: SignedObject<'party'> },
): Promise<RejectionCase[]> {
  const publisher = keys.publisher;
  const good = { alg: 'Ed25519', kid: publisher.kid, typ: 'kyodaku-record+jws' };
  const goodHeader = canonicalJson(good);
  const payload = canonicalJson(record.payload);
  // canonicalJson writes a lone surrogate as a \uXXXX escape, as JSON.stringify does: the attack.
  const withWork = (work: Record<string, unknown>) =>
    signRaw(
      publisher,
      goodHeader,
      canonicalJson({ ...record.payload, work: { ...record.payload.work, ...work } }),
    );
  /** The record payload with a last member `"x"` (sorting after every other): only `value` differs. */
  const withMember = (value: string) =>
    signRaw(publisher, goodHeader, `${payload.slice(0, -1)},"x":${value}}`);
  const zeroSignature = b64(new Uint8Array(64));
  const kindOf = (kind: ObjectKind, key: TestKeyName, jws: string) => ({ kind, key, jws });
  const revocation = await signObject(
    'revocation',
    createRevocation({ iss: publisher.kid, record: record.id, issued_at: '2026-02-01T00:00:00Z' }),
    publisher.signer,
  );
  const admin = {
    kind: 'admin',
    v: 1,
    action: 'revoke-attestation',
    attestation: record.id,
    issued_at: T0,
    nonce: 'vector-nonce-0001',
  };
  return [
    [
      'payload string with an escaped lone high surrogate',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      withWork({ titles: { ...record.payload.work.titles, en: 'A\ud800oi' } }),
    ],
    [
      'payload string with an escaped lone low surrogate',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      withWork({ aliases: { ja: ['\udc00あおい'] } }),
    ],
    [
      'payload string with a low surrogate before a high one (two lone surrogates)',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      withWork({ titles: { en: '\ude00\ud83d' } }),
    ],
    [
      'payload member name with an escaped lone surrogate',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      withWork({ titles: { 'en\udbff': 'Aoi' } }),
    ],
    [
      'header string with an escaped lone surrogate',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, canonicalJson({ ...good, typ: `${good.typ}\ud800` }), payload),
    ],
    [
      'a character outside the BMP (a surrogate pair in UTF-16) written as UTF-8',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'valid',
      null,
      withWork({ titles: { ...record.payload.work.titles, en: 'Aoi 😀' } }),
    ],
    [
      'a character outside the BMP written as an escaped surrogate pair (JCS writes it as UTF-8)',
      ['REQ-SIG-005'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      signRaw(publisher, goodHeader, payload.replace('"en":"Aoi"', '"en":"Aoi \\ud83d\\ude00"')),
    ],
    [
      'a party whose name holds an escaped lone surrogate',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      kindOf(
        'party',
        'publisher',
        signRaw(
          publisher,
          canonicalJson({ alg: 'Ed25519', kid: publisher.kid, typ: 'kyodaku-party+jws' }),
          canonicalJson({ ...party.payload, names: { ...party.payload.names, en: 'Seikai \udfff' } }),
        ),
      ),
    ],
    [
      'a record revocation whose reason holds an escaped lone surrogate',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      kindOf(
        'revocation',
        'publisher',
        signRaw(
          publisher,
          canonicalJson({ alg: 'Ed25519', kid: publisher.kid, typ: 'kyodaku-revocation+jws' }),
          canonicalJson({ ...revocation.payload, reason: 'licence \ud800ended' }),
        ),
      ),
    ],
    [
      'an admin request whose reason holds an escaped lone surrogate',
      ['REQ-JSON-002', 'REQ-SIG-005'],
      'lone-surrogate',
      'ERR_PAYLOAD_NONCANONICAL',
      kindOf(
        'admin',
        'admin',
        signRaw(
          keys.admin,
          canonicalJson({ alg: 'Ed25519', kid: keys.admin.kid, typ: 'kyodaku-admin+jws' }),
          canonicalJson({ ...admin, reason: '\udc00' }),
        ),
      ),
    ],
    [
      'header member nesting arrays 5,000 deep, with an all-zero signature',
      ['REQ-JSON-001'],
      'depth',
      'ERR_JSON_TOO_COMPLEX',
      `${b64(`{"alg":${nested(5_000)}}`)}.${b64('{}')}.${zeroSignature}`,
    ],
    [
      'header nesting 33 levels (one more than allowed)',
      ['REQ-JSON-001'],
      'depth',
      'ERR_JSON_TOO_COMPLEX',
      signRaw(publisher, `${goodHeader.slice(0, -1)},"x":${nested(32)}}`, payload),
    ],
    [
      'payload member nesting arrays 5,000 deep',
      ['REQ-JSON-001'],
      'depth',
      'ERR_JSON_TOO_COMPLEX',
      withMember(nested(5_000)),
    ],
    [
      'payload member nesting objects 2,000 deep',
      ['REQ-JSON-001'],
      'depth',
      'ERR_JSON_TOO_COMPLEX',
      withMember(`${'{"a":'.repeat(2_000)}0${'}'.repeat(2_000)}`),
    ],
    [
      'payload nesting 33 levels (one more than allowed)',
      ['REQ-JSON-001'],
      'depth',
      'ERR_JSON_TOO_COMPLEX',
      withMember(nested(32)),
    ],
    [
      'payload nesting 32 levels: within the limit, refused by its schema',
      ['REQ-JSON-001', 'REQ-SIG-010'],
      'schema',
      'ERR_SCHEMA',
      withMember(nested(31)),
    ],
    [
      'payload object with 1,001 members',
      ['REQ-JSON-001'],
      'members',
      'ERR_JSON_TOO_COMPLEX',
      withMember(
        `{${Array.from({ length: 1_001 }, (_, i) => `"m${String(i).padStart(4, '0')}":0`).join(',')}}`,
      ),
    ],
    [
      'payload object with 1,000 members: within the limit, refused by its schema',
      ['REQ-JSON-001', 'REQ-SIG-010'],
      'schema',
      'ERR_SCHEMA',
      withMember(
        `{${Array.from({ length: 1_000 }, (_, i) => `"m${String(i).padStart(4, '0')}":0`).join(',')}}`,
      ),
    ],
    [
      'payload array with 1,001 elements',
      ['REQ-JSON-001'],
      'elements',
      'ERR_JSON_TOO_COMPLEX',
      withMember(`[${Array(1_001).fill(0).join(',')}]`),
    ],
    [
      'payload array with 1,000 elements: within the limit, refused by its schema',
      ['REQ-JSON-001', 'REQ-SIG-010'],
      'schema',
      'ERR_SCHEMA',
      withMember(`[${Array(1_000).fill(0).join(',')}]`),
    ],
    [
      'brackets and commas inside strings do not count',
      ['REQ-JSON-001', 'REQ-SIG-010'],
      'schema',
      'ERR_SCHEMA',
      withMember(JSON.stringify(`${'[{'.repeat(40)},,,\\"${']}'.repeat(40)}`)),
    ],
    [
      'payload number beyond the range of a double (1e400)',
      ['REQ-SIG-005'],
      'non-canonical',
      'ERR_PAYLOAD_NONCANONICAL',
      withMember('1e400'),
    ],
  ];
}
