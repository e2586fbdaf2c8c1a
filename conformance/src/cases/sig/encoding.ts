/**
 * Hostile JWS on the record endpoint, in its form: the algorithm, header members, the signature's
 * length, base64url, the compact serialization and the header's canonical JSON (spec/kyodaku.md §5).
 */
import { type Case, defineCases } from '../../case.ts';
import { check } from '../../expect.ts';
import { b64, bytesOf, craftJws, splitJws } from '../../jws-craft.ts';
import { fixture, hostile, RECORD_TYP, withHeader } from './fixture.ts';

export const sigEncodingCases: Case[] = defineCases([
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
      // jwk, jku, x5c and crit: every route, in signed-objects/
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
]);
