/**
 * What a case gets: an HTTP client that records its exchanges, the target's metadata, and fixtures
 * that create fresh test parties (random keys per run) and attest them with the admin key given to
 * the suite (spec/conformance.md, "Bootstrap").
 */
import { randomBytes } from 'node:crypto';
import type { Party } from '@kyodaku/client';
import {
  createParty,
  createRecord,
  generateKeyPair,
  importSigner,
  type PrivateJwk,
  type PublicJwk,
  type RecordInput,
  type Signer,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { check, expectJson } from './expect.ts';
import { Http, type HttpResponse } from './http.ts';
import { CaseSkip } from './outcome.ts';

export const JOSE = 'application/jose';

export interface SuiteState {
  target: string;
  timeoutMs: number;
  wellKnown: schemas.WellKnown;
  /** The node's admin key (with its public `x`), when the suite was given it. */
  admin: (Signer & { x: string }) | undefined;
  /** Random per run, so that the suite can run again and again against the same node. */
  runId: string;
  counter: { n: number };
  /** Parties shared by cases that only need some attested issuer (created on first use). */
  shared: Map<string, Promise<TestParty>>;
}

export interface TestKey {
  privateJwk: PrivateJwk;
  publicJwk: PublicJwk;
  kid: string;
  signer: Signer;
}

export interface TestParty extends TestKey {
  party: Party;
  partyJws: string;
  /** The id of the attestation the suite obtained, when the party was attested. */
  attestationId?: string;
}

export interface Published {
  id: string;
  jws: string;
}

export type Role = Party['role'];

export class Context {
  readonly http: Http;

  constructor(readonly suite: SuiteState) {
    this.http = new Http(suite.target, suite.timeoutMs);
  }

  get limits(): schemas.WellKnown['limits'] {
    return this.suite.wellKnown.limits;
  }

  skip(reason: string): never {
    throw new CaseSkip(reason);
  }

  /** The node's admin key; a case that needs it is SKIPPED when the suite was not given it. */
  get admin(): Signer & { x: string } {
    if (this.suite.admin === undefined) this.skip('needs the admin key of the node (--admin-key)');
    return this.suite.admin;
  }

  /** A timestamp `offsetSeconds` from now (whole seconds, UTC). */
  time(offsetSeconds = 0): string {
    return toTimestamp(Date.now() + offsetSeconds * 1000);
  }

  /** A fresh `kyodaku:` work identifier, unique to this run. */
  workId(label = 'work'): string {
    this.suite.counter.n += 1;
    return `kyodaku:conformance.test/${this.suite.runId}/${label}-${this.suite.counter.n}`;
  }

  /** A fresh URL prefix (without the `*`) unique to this run. */
  urlBase(): string {
    this.suite.counter.n += 1;
    return `url:https://conformance.example/${this.suite.runId}/${this.suite.counter.n}/`;
  }

  nonce(): string {
    return randomBytes(18).toString('base64url');
  }

  async newKey(): Promise<TestKey> {
    const pair = await generateKeyPair();
    return { ...pair, signer: await importSigner(pair.privateJwk) };
  }

  /** Signs a party object for a fresh key (not registered). */
  async newParty(role: Role = 'rights-holder', issuedAt = this.time(-120)): Promise<TestParty> {
    const key = await this.newKey();
    const party = createParty({
      key: key.publicJwk,
      role,
      names: { en: `Conformance ${role} ${this.suite.runId}`, ja: '適合性試験' },
      issued_at: issuedAt,
    });
    const signed = await signObject('party', party, key.signer);
    return { ...key, party, partyJws: signed.jws };
  }

  post(path: string, body: string | Uint8Array, contentType = JOSE): Promise<HttpResponse> {
    return this.http.request('POST', path, { body, contentType });
  }

  postJson(path: string, body: unknown): Promise<HttpResponse> {
    return this.post(path, JSON.stringify(body), 'application/json');
  }

  /** Registers a fresh party and (unless `attest: false`) attests it; asserts every step. */
  async party(
    role: Role = 'rights-holder',
    options: { attest?: boolean; expiresAt?: string } = {},
  ): Promise<TestParty> {
    const party = await this.newParty(role);
    const res = await this.post('/v1/parties', party.partyJws);
    expectJson(res, 201, schemas.PartyView, 'registering a test party');
    if (options.attest === false) return party;
    const attestation = await this.attest(party.kid, { expiresAt: options.expiresAt });
    return { ...party, attestationId: attestation.id };
  }

  /** An attested party shared across cases of this run (for cases that only need some issuer). */
  sharedParty(name: string, role: Role = 'rights-holder'): Promise<TestParty> {
    let party = this.suite.shared.get(name);
    if (party === undefined) {
      party = this.party(role);
      party.catch(() => this.suite.shared.delete(name));
      this.suite.shared.set(name, party);
    }
    return party;
  }

  /** An admin request signed with `signer` (the admin key unless given), as a compact JWS. */
  async adminRequest(
    body:
      | { action: 'attest'; party: string; role?: Role; expires_at?: string }
      | { action: 'revoke-attestation'; attestation: string; reason?: string },
    options: { signer?: Signer; issuedAt?: string } = {},
  ): Promise<string> {
    const payload = {
      kind: 'admin' as const,
      v: 1 as const,
      issued_at: options.issuedAt ?? this.time(),
      nonce: this.nonce(),
      ...body,
    };
    return (await signObject('admin', payload, options.signer ?? this.admin)).jws;
  }

  /** Attests a registered party with the admin key; asserts 201 and returns the attestation view. */
  async attest(
    partyId: string,
    options: { role?: Role; expiresAt?: string } = {},
  ): Promise<schemas.AttestationView> {
    const jws = await this.adminRequest({
      action: 'attest',
      party: partyId,
      ...(options.role && { role: options.role }),
      ...(options.expiresAt && { expires_at: options.expiresAt }),
    });
    const res = await this.post('/v1/attestations', jws);
    return expectJson(
      res,
      201,
      schemas.AttestationView,
      'attesting a test party with the admin key (REQ-CONF-001)',
    );
  }

  async revokeAttestation(attestationId: string): Promise<schemas.AttestationRevocationView> {
    const jws = await this.adminRequest({ action: 'revoke-attestation', attestation: attestationId });
    const res = await this.post('/v1/attestations/revocations', jws);
    return expectJson(res, 201, schemas.AttestationRevocationView, 'revoking an attestation');
  }

  /**
   * A signed record of `party`. Defaults: one fresh work id, `train` allowed, issued two minutes
   * ago (so that a node whose clock is slightly behind still counts it).
   */
  async signRecord(
    party: TestKey & { kid: string },
    input: Partial<RecordInput> = {},
    signer?: Signer,
  ): Promise<Published> {
    const issuedAt = input.issued_at ?? this.time(-120);
    const payload = createRecord({
      iss: party.kid,
      work: { type: 'work', ids: [this.workId()] },
      purposes: { train: 'allow' },
      ...input,
      issued_at: issuedAt,
      valid_from: input.valid_from ?? issuedAt,
    });
    const signed = await signObject('record', payload, signer ?? party.signer);
    return { id: signed.id, jws: signed.jws };
  }

  /** Publishes a record and asserts 201 with its view. */
  async publishRecord(
    party: TestParty,
    input: Partial<RecordInput> = {},
  ): Promise<Published & { view: schemas.RecordView }> {
    const record = await this.signRecord(party, input);
    const res = await this.post('/v1/records', record.jws);
    const view = expectJson(res, 201, schemas.RecordView, 'publishing a record');
    return { ...record, view };
  }

  async revokeRecord(party: TestParty, recordId: string, issuedAt = this.time(-60)): Promise<Published> {
    const signed = await signObject(
      'revocation',
      { kind: 'revocation', v: 1, iss: party.kid, record: recordId, issued_at: issuedAt },
      party.signer,
    );
    const res = await this.post('/v1/revocations', signed.jws);
    expectJson(res, 201, schemas.RevocationView, 'revoking a record');
    return { id: signed.id, jws: signed.jws };
  }

  /** GET /v1/decision; asserts 200 and the Decision schema. */
  async decision(ids: string | string[], purpose: string, at?: string): Promise<schemas.DecisionResponse> {
    const res = await this.http.get(decisionPath(ids, purpose, at));
    return expectJson(res, 200, schemas.Decision, `decision for ${[ids].flat().join(', ')} / ${purpose}`);
  }

  async recordView(id: string): Promise<schemas.RecordView> {
    const res = await this.http.get(`/v1/records/${id}`);
    return expectJson(res, 200, schemas.RecordView, `GET /v1/records/${id}`);
  }

  /** Asserts that nothing is stored under an object id (REQ-API-011: a refused object is not kept). */
  async expectNotStored(path: string): Promise<void> {
    const res = await this.http.get(path);
    check(res.status === 404, `a refused object must not be stored, but GET ${path} gave ${res.status}`);
  }
}

export function decisionPath(ids: string | string[], purpose: string | undefined, at?: string): string {
  const params = new URLSearchParams();
  for (const id of [ids].flat()) params.append('id', id);
  if (purpose !== undefined) params.append('purpose', purpose);
  if (at !== undefined) params.append('at', at);
  return `/v1/decision?${params}`;
}
