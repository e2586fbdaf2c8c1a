/**
 * The signature, header, `typ` and key mutations of spec/kyodaku.md §5.3 that every route taking a
 * signed object must refuse (or, for the few harmless ones, accept), each with the check that must
 * catch it and the requirements it cites.
 */
import { createHmac } from 'node:crypto';
import { canonicalJson, type Signer, toTimestamp } from '@kyodaku/client';
import type { Context } from '../../context.ts';
import { b64, craftJws, malleateSignature, splitJws } from '../../jws-craft.ts';
import type { Header, Route, Subject } from './routes.ts';

/** What a mutation needs to know of the place the object goes to. */
export type Place = Pick<Route, 'kind' | 'otherTyp'>;

/** A mutation: what it changes and which check of kyodaku.md §5.3 must catch it. */
export interface Mutation {
  name: string;
  /** The mutated object, for titles ("with one bit of its signature flipped"). */
  what: string;
  /** `signature` and `key` mutations forge who signed the object. */
  family: 'signature' | 'key' | 'typ' | 'alg' | 'header';
  requirements(route: Route): string[];
  /** The problem types a node answers (names after urn:kyodaku:problem:), or `accepted`. */
  expect(route: Route): string[] | 'accepted';
  build(ctx: Context, place: Place, subject: Subject): Promise<string>;
  /** The id, title and requirements this case had on the record endpoint before the table. */
  recordCase?: { id: string; title: string };
}

/** The same header and payload signed by `signer`. */
const resign = (subject: Subject, header: Header, signer: Signer = subject.signer) =>
  craftJws({ header, payload: subject.payload, signer });

/** The valid JWS with its signature bytes changed by `change`. */
function withSignature(subject: Subject, change: (signature: Uint8Array) => Uint8Array): string {
  const [h, p, s] = splitJws(subject.valid);
  return `${h}.${p}.${b64(change(new Uint8Array(Buffer.from(s, 'base64url'))))}`;
}

/** The problem of a key the node does not bind to the issuer (§5.3 step 11, http-api.md §3.4). */
const foreignKey = (route: Route) => (route.signedBy === 'admin' ? ['unauthorized'] : ['unknown-key']);

/** The requirements of a key that is not the issuer's, per kind of route. */
function keyRequirements(route: Route): string[] {
  if (route.signedBy === 'self') return ['REQ-SIG-003', 'REQ-API-021', 'REQ-OBJ-003'];
  if (route.signedBy === 'admin') return ['REQ-API-050'];
  return route.kind === 'record' ? ['REQ-SIG-003', 'REQ-API-030'] : ['REQ-SIG-003'];
}

const invalidSignature = () => ['invalid-signature'];

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'signature-bit-flip',
    what: 'with one bit of its signature flipped',
    family: 'signature',
    requirements: () => ['REQ-SIG-007'],
    expect: invalidSignature,
    build: async (_ctx, _route, s) =>
      withSignature(s, (sig) => {
        sig[10]! ^= 0x01;
        return sig;
      }),
    recordCase: { id: 'core-sig-signature-bit-flip', title: 'a signature with one bit flipped is refused' },
  },
  {
    name: 'signature-other-key',
    what: "with the issuer's kid and a signature by another key",
    family: 'signature',
    requirements: () => ['REQ-SIG-007'],
    expect: invalidSignature,
    build: async (ctx, _route, s) => resign(s, s.header, (await ctx.newKey()).signer),
    recordCase: {
      id: 'core-sig-signature-other-key',
      title: "the victim's kid with a signature by another key is refused as invalid-signature",
    },
  },
  {
    name: 'signature-malleated',
    what: 'with a malleated signature (S + L)',
    family: 'signature',
    requirements: () => ['REQ-SIG-007'],
    expect: invalidSignature,
    build: async (_ctx, _route, s) => withSignature(s, malleateSignature),
    recordCase: {
      id: 'core-sig-signature-malleated',
      title: 'a malleated signature (S + L) is refused: strict RFC 8032, S < L',
    },
  },
  {
    name: 'tampered-payload',
    what: 'whose payload was changed after signing',
    family: 'signature',
    requirements: () => ['REQ-SIG-008'],
    expect: invalidSignature,
    build: async (_ctx, route, s) => {
      const changed =
        route.kind === 'record'
          ? { ...s.payload, purposes: { ...(s.payload.purposes as object), search: 'allow' } }
          : { ...s.payload, issued_at: toTimestamp(Date.parse(String(s.payload.issued_at)) - 1000) };
      const [h, , sig] = splitJws(s.valid);
      return `${h}.${b64(canonicalJson(changed))}.${sig}`;
    },
    recordCase: {
      id: 'core-sig-tampered-payload',
      title: 'a payload changed after signing (deny turned into allow) is refused as invalid-signature',
    },
  },
  {
    name: 'typ-other-kind',
    what: 'with the typ of another kind',
    family: 'typ',
    requirements: () => ['REQ-SIG-004'],
    expect: () => ['type-mismatch'],
    build: async (_ctx, route, s) => resign(s, { ...s.header, typ: route.otherTyp }),
    recordCase: { id: 'core-sig-typ-party', title: 'a party typ on the record endpoint is refused' },
  },
  {
    name: 'typ-jwt',
    what: 'with typ "JWT"',
    family: 'typ',
    requirements: () => ['REQ-SIG-004'],
    expect: () => ['type-mismatch'],
    build: async (_ctx, _route, s) => resign(s, { ...s.header, typ: 'JWT' }),
    recordCase: { id: 'core-sig-typ-jwt', title: 'typ "JWT" is refused' },
  },
  {
    name: 'typ-missing',
    what: 'without typ',
    family: 'typ',
    requirements: () => ['REQ-SIG-004'],
    expect: () => ['type-mismatch'],
    build: async (_ctx, _route, s) => resign(s, { alg: s.header.alg, kid: s.header.kid }),
    recordCase: { id: 'core-sig-typ-missing', title: 'a header without typ is refused' },
  },
  {
    name: 'alg-none',
    what: 'with alg "none" and an empty signature',
    family: 'alg',
    requirements: () => ['REQ-SIG-002'],
    expect: () => ['unsupported-algorithm'],
    build: async (_ctx, _route, s) => craftJws({ header: { ...s.header, alg: 'none' }, payload: s.payload }),
    recordCase: { id: 'core-sig-alg-none', title: 'alg "none" with an empty signature is refused' },
  },
  {
    name: 'alg-hs256',
    what: 'with alg HS256 keyed with the public key (algorithm confusion)',
    family: 'alg',
    requirements: () => ['REQ-SIG-002'],
    expect: () => ['unsupported-algorithm'],
    build: async (_ctx, _route, s) => {
      const input = `${b64(canonicalJson({ ...s.header, alg: 'HS256' }))}.${b64(canonicalJson(s.payload))}`;
      const mac = createHmac('sha256', Buffer.from(s.publicX, 'base64url')).update(input).digest();
      return `${input}.${b64(new Uint8Array(mac))}`;
    },
    recordCase: {
      id: 'core-sig-alg-hs256',
      title: 'alg HS256 keyed with the public key (algorithm confusion) is refused',
    },
  },
  {
    name: 'alg-eddsa',
    what: 'with alg "EdDSA" for the same key',
    family: 'alg',
    requirements: () => ['REQ-SIG-002'],
    expect: () => 'accepted',
    build: async (_ctx, _route, s) => resign(s, { ...s.header, alg: 'EdDSA' }),
    recordCase: {
      id: 'core-sig-alg-eddsa',
      title: 'alg "EdDSA" for the same key is accepted as a synonym of Ed25519',
    },
  },
  ...(
    [
      ['jwk', 'an embedded attacker key (jwk)'],
      ['jku', 'a key URL (jku)'],
      ['x5c', 'a certificate chain (x5c)'],
      ['crit', 'an unknown crit member'],
    ] as const
  ).map(
    ([member, what]): Mutation => ({
      name: `header-${member}`,
      what: `with ${what} in its header`,
      family: 'header',
      requirements: () => ['REQ-SIG-001'],
      expect: () => ['forbidden-header'],
      build: async (ctx, _route, s) => {
        const attacker = await ctx.newKey();
        const extra: Header = {
          jwk: { jwk: attacker.publicJwk },
          jku: { jku: 'https://attacker.example/keys.json' },
          x5c: { x5c: ['MIIBszCCAVmgAwIBAgIUQ0Zk'] },
          crit: { crit: ['exp'], exp: 1 },
        }[member];
        // signed by the attacker when the header carries its key, else by the issuer
        return resign(s, { ...s.header, ...extra }, member === 'jwk' ? attacker.signer : s.signer);
      },
      recordCase: {
        id: `core-sig-header-${member}`,
        title: `a header with ${member === 'crit' ? 'a crit member' : what} is refused as forbidden-header`,
      },
    }),
  ),
  {
    name: 'kid-unknown',
    what: 'signed by a key no node knows, named in kid',
    family: 'key',
    requirements: keyRequirements,
    expect: foreignKey,
    build: async (ctx, _route, s) => {
      const stranger = await ctx.newKey();
      return resign(s, { ...s.header, kid: stranger.kid }, stranger.signer);
    },
  },
  {
    name: 'kid-other-party',
    what: "signed by another attested party's key, named in kid",
    family: 'key',
    requirements: keyRequirements,
    expect: foreignKey,
    build: async (ctx, _route, s) => {
      const other = await ctx.sharedParty('jws-other');
      return resign(s, { ...s.header, kid: other.kid }, other.signer);
    },
    recordCase: {
      id: 'core-sig-kid-other-party',
      title:
        "a record of the victim signed with another attested party's key (and kid) is refused as unknown-key",
    },
  },
  {
    name: 'kid-not-thumbprint',
    what: 'whose kid is not a thumbprint',
    family: 'key',
    requirements: (route) => (route.signedBy === 'admin' ? ['REQ-SIG-003', 'REQ-API-050'] : ['REQ-SIG-003']),
    expect: () => ['forbidden-header'],
    build: async (_ctx, _route, s) => resign(s, { ...s.header, kid: 'key-1' }),
    recordCase: { id: 'core-sig-kid-not-thumbprint', title: 'a kid that is not a thumbprint is refused' },
  },
];
