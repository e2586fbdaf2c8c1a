/**
 * One table of signature, header, `typ` and key mutations (spec/kyodaku.md §5.3), applied to every
 * route that accepts a signed object: the publishing endpoints of parties, records and revocations,
 * each kind inside a bulk publication, the administrative requests at the attestation endpoints and
 * at `POST /v1/peers`. Every case is generated from a (route, mutation) pair and its id derived from
 * them (`core-jws-<route>-<mutation>`), so that no route is left with fewer checks than another. The
 * record endpoint keeps the ids its hand-written cases had (`core-sig-…`). Payload, encoding and
 * size checks, which do not depend on the kind, stay in sig.ts.
 */
import { createHmac } from 'node:crypto';
import {
  canonicalJson,
  type ObjectKind,
  objectIdOf,
  type Signer,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import type { Case, Profile } from '../case.ts';
import type { Context } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import type { HttpResponse } from '../http.ts';
import { b64, craftJws, malleateSignature, splitJws } from '../jws-craft.ts';

type Header = Record<string, unknown>;
type Payload = Record<string, unknown>;

/** A valid object for a route, not yet sent, and how to see that a refused mutation of it changed nothing. */
export interface Subject {
  header: Header;
  payload: Payload;
  /** The key that may sign it (the issuer's, or the admin key). */
  signer: Signer;
  /** The public key `x` of that key, what an algorithm-confusion attack keys an HMAC with. */
  publicX: string;
  /** The valid compact JWS. */
  valid: string;
  /** Asserts that a refused object left no trace (nothing stored, nothing revoked or attested). */
  unchanged(ctx: Context, jws: string): Promise<void>;
}

/** Who signs the objects of a route, which decides what a foreign key is refused as. */
type SignedBy = 'self' | 'party' | 'admin';

interface Route {
  /** The route part of the case id. */
  name: string;
  /** The object, for titles ("a record revocation", "an attest request"). */
  what: string;
  profile: Profile;
  kind: ObjectKind;
  signedBy: SignedBy;
  /** A `typ` of another kind, which this route must refuse as type-mismatch. */
  otherTyp: string;
  /** Requirement ids of the route, cited by every case on it. */
  requirements: readonly string[];
  /** More requirement ids of the route for mutations that forge who signed (signature and key). */
  authenticity: readonly string[];
  prepare(ctx: Context): Promise<Subject>;
  /** Sends the object; answers as a response (a bulk publication's result reads as one). */
  submit(ctx: Context, jws: string): Promise<HttpResponse>;
  /** The answer of this route to a valid object. */
  acceptedAs: number;
}

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

const TYP: Record<string, string> = {
  party: 'kyodaku-party+jws',
  record: 'kyodaku-record+jws',
  revocation: 'kyodaku-revocation+jws',
  admin: 'kyodaku-admin+jws',
};

const payloadOf = (jws: string): Payload =>
  JSON.parse(Buffer.from(splitJws(jws)[1], 'base64url').toString('utf8'));

/** A valid signed object and its parts. */
async function subjectOf(
  kind: 'party' | 'record' | 'revocation' | 'admin',
  payload: Payload,
  signer: Signer,
  publicX: string,
  unchanged: Subject['unchanged'],
): Promise<Subject> {
  // biome-ignore lint/suspicious/noExplicitAny: a payload of the route's kind
  const signed = await signObject(kind, payload as any, signer);
  return {
    header: { alg: 'Ed25519', kid: signer.kid, typ: TYP[kind] },
    payload: payloadOf(signed.jws),
    signer,
    publicX,
    valid: signed.jws,
    unchanged,
  };
}

async function partySubject(ctx: Context): Promise<Subject> {
  const victim = await ctx.newParty();
  return subjectOf('party', victim.party, victim.signer, victim.publicJwk.x, async (c) => {
    await c.expectNotStored(`/v1/parties/${victim.kid}`);
  });
}

async function recordSubject(ctx: Context): Promise<Subject> {
  const victim = await ctx.sharedParty('jws-victim');
  const work = ctx.workId('jws');
  const record = await ctx.signRecord(victim, {
    work: { type: 'work', ids: [work] },
    purposes: { all: 'allow' },
  });
  return subjectOf('record', payloadOf(record.jws), victim.signer, victim.publicJwk.x, async (c, jws) => {
    await c.expectNotStored(`/v1/records/${await objectIdOf(jws)}`);
    const d = await c.decision(work, 'train.genai');
    equal(
      [d.decision, d.reasons],
      ['deny', ['no-record']],
      `decision for ${work}, named only by the refused record`,
    );
  });
}

async function revocationSubject(ctx: Context): Promise<Subject> {
  const owner = await ctx.sharedParty('jws-victim');
  const work = ctx.workId('jws-revoked');
  const record = await ctx.publishRecord(owner, {
    work: { type: 'work', ids: [work] },
    purposes: { all: 'allow' },
  });
  const payload = { kind: 'revocation', v: 1, iss: owner.kid, record: record.id, issued_at: ctx.time(-30) };
  return subjectOf('revocation', payload, owner.signer, owner.publicJwk.x, async (c, jws) => {
    await c.expectNotStored(`/v1/revocations/${await objectIdOf(jws)}`);
    equal(
      (await c.recordView(record.id)).status,
      'current',
      "status of the owner's record after a refused revocation",
    );
    equal((await c.decision(work, 'train.genai')).decision, 'allow', "decision for the owner's record");
  });
}

async function attestSubject(ctx: Context): Promise<Subject> {
  const party = await ctx.party('rights-holder', { attest: false });
  const payload = {
    kind: 'admin',
    v: 1,
    action: 'attest',
    party: party.kid,
    issued_at: ctx.time(),
    nonce: ctx.nonce(),
  };
  return subjectOf('admin', payload, ctx.admin, ctx.admin.x, async (c) => {
    const view = expectJson(
      await c.http.get(`/v1/parties/${party.kid}`),
      200,
      schemas.PartyView,
      'GET the party',
    );
    equal(view.attestations.length, 0, 'attestations of the party after a refused attest request');
  });
}

async function revokeAttestationSubject(ctx: Context): Promise<Subject> {
  const party = await ctx.party();
  const attestation = party.attestationId!;
  const payload = {
    kind: 'admin',
    v: 1,
    action: 'revoke-attestation',
    attestation,
    issued_at: ctx.time(),
    nonce: ctx.nonce(),
  };
  return subjectOf('admin', payload, ctx.admin, ctx.admin.x, async (c) => {
    const view = expectJson(
      await c.http.get(`/v1/attestations/${attestation}`),
      200,
      schemas.AttestationView,
      'GET the attestation',
    );
    equal(view.revoked, false, 'the attestation after a refused revoke-attestation request');
  });
}

async function unfollowSubject(ctx: Context): Promise<Subject> {
  ctx.suite.counter.n += 1;
  const url = `http://127.0.0.1:9/never-followed/${ctx.suite.runId}/${ctx.suite.counter.n}`;
  const payload = { kind: 'admin', v: 1, action: 'unfollow', url, issued_at: ctx.time(), nonce: ctx.nonce() };
  return subjectOf('admin', payload, ctx.admin, ctx.admin.x, async () => {});
}

/** A bulk publication of one entry; its result reads as the answer of a single endpoint. */
async function publishOne(ctx: Context, jws: string): Promise<HttpResponse> {
  const res = await ctx.postJson('/v1/publications', { objects: [jws] });
  const body = expectJson(res, 200, schemas.PublicationResponse, 'POST /v1/publications');
  equal(body.results.length, 1, 'number of results');
  const result = body.results[0] as { status: number; problem?: unknown };
  const refused = result.status >= 400;
  return {
    status: result.status,
    headers: new Headers(),
    contentType: refused ? 'application/problem+json' : 'application/json',
    text: JSON.stringify(result),
    bytes: new TextEncoder().encode(JSON.stringify(result)),
    json: refused ? result.problem : result,
  };
}

const post = (path: string) => (ctx: Context, jws: string) => ctx.post(path, jws);

const SINGLE = ['REQ-API-011'];
const BULK = ['REQ-API-081', 'REQ-API-011'];

export const ROUTES: readonly Route[] = [
  ...(
    [
      ['party', 'a party registration', partySubject, 'kyodaku-record+jws', []],
      ['record', 'a consent record', recordSubject, 'kyodaku-party+jws', []],
      ['revocation', 'a record revocation', revocationSubject, 'kyodaku-record+jws', ['REQ-API-040']],
    ] as const
  ).flatMap(([kind, what, prepare, otherTyp, authenticity]): Route[] => [
    {
      name: kind,
      what,
      profile: 'core',
      kind,
      signedBy: kind === 'party' ? 'self' : 'party',
      otherTyp,
      requirements: SINGLE,
      authenticity,
      prepare,
      submit: post(kind === 'party' ? '/v1/parties' : `/v1/${kind}s`),
      acceptedAs: 201,
    },
    {
      name: `publication-${kind}`,
      what: `${what} in a bulk publication`,
      profile: 'core',
      kind,
      signedBy: kind === 'party' ? 'self' : 'party',
      // Only parties, records and revocations are published in bulk; any other typ is refused.
      otherTyp: TYP.admin!,
      requirements: BULK,
      authenticity,
      prepare,
      submit: publishOne,
      acceptedAs: 201,
    },
  ]),
  {
    name: 'admin-attest',
    what: 'an attest request',
    profile: 'core',
    kind: 'admin',
    signedBy: 'admin',
    otherTyp: 'kyodaku-attestation+jws',
    requirements: SINGLE,
    authenticity: ['REQ-API-050'],
    prepare: attestSubject,
    submit: post('/v1/attestations'),
    acceptedAs: 201,
  },
  {
    name: 'admin-revoke-attestation',
    what: 'a revoke-attestation request',
    profile: 'core',
    kind: 'admin',
    signedBy: 'admin',
    otherTyp: 'kyodaku-attestation-revocation+jws',
    requirements: SINGLE,
    authenticity: ['REQ-API-050'],
    prepare: revokeAttestationSubject,
    submit: post('/v1/attestations/revocations'),
    acceptedAs: 201,
  },
  {
    name: 'peers-unfollow',
    what: 'an unfollow request',
    profile: 'federation',
    kind: 'admin',
    signedBy: 'admin',
    otherTyp: 'kyodaku-party+jws',
    requirements: ['REQ-API-011', 'REQ-FED-050'],
    authenticity: ['REQ-API-050'],
    prepare: unfollowSubject,
    submit: post('/v1/peers'),
    // A verified unfollow of a URL the node never followed.
    acceptedAs: 404,
  },
];

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

function caseOf(route: Route, mutation: Mutation): Case {
  const expected = mutation.expect(route);
  const accepted = expected === 'accepted';
  const forged = mutation.family === 'signature' || mutation.family === 'key';
  const own = [...mutation.requirements(route)];
  const requirements = accepted
    ? own
    : [...new Set([...own, ...route.requirements, ...(forged ? route.authenticity : []), 'REQ-ERR-001'])];
  const legacy = route.name === 'record' ? mutation.recordCase : undefined;
  const outcome = accepted ? 'is accepted' : `is refused as ${expected.join(' or ')}`;
  return {
    id: legacy?.id ?? `${route.profile}-jws-${route.name}-${mutation.name}`,
    requirements,
    refuses: accepted ? [] : requirements.filter((r) => r !== 'REQ-ERR-001'),
    level: 'MUST',
    profile: route.profile,
    title: legacy?.title ?? `${route.what} ${mutation.what} ${outcome}`,
    async run(ctx) {
      const subject = await route.prepare(ctx);
      const jws = await mutation.build(ctx, route, subject);
      const res = await route.submit(ctx, jws);
      if (accepted) {
        check(
          res.status === route.acceptedAs,
          `${route.what} ${mutation.what}: expected ${route.acceptedAs} (accepted), got ${res.status} ${res.text.slice(0, 200)}`,
        );
        return;
      }
      expectProblem(res, ...expected);
      await subject.unchanged(ctx, jws);
    },
  };
}

/** Every (route, mutation) case, route by route. */
export const signedObjectCases: Case[] = ROUTES.flatMap((route) => MUTATIONS.map((m) => caseOf(route, m)));
