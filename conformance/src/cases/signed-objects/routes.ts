/**
 * The routes that accept a signed object (spec/kyodaku.md §5.3), each with a valid object to send
 * (its `Subject`) and how to see that a refused one changed nothing: the publishing endpoints of
 * parties, records and revocations, each kind inside a bulk publication, the administrative requests
 * at the attestation endpoints and at `POST /v1/peers`.
 */
import { type ObjectKind, objectIdOf, type Signer, schemas, signObject } from '@kyodaku/client';
import type { Profile } from '../../case.ts';
import type { Context } from '../../context.ts';
import { equal, expectJson } from '../../expect.ts';
import type { HttpResponse } from '../../http.ts';
import { splitJws } from '../../jws-craft.ts';

export type Header = Record<string, unknown>;
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

export interface Route {
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
