/**
 * KyodakuNode: a typed HTTP client of a registry node (spec/http-api.md) over fetch. Every answer is
 * validated with the shared message schemas; every failure is a KyodakuError: a problem+json answer
 * keeps its stable code (from the problem `type`, else from the status) and the problem in `detail`;
 * a connection failure or timeout is ERR_NETWORK.
 */
import type { z } from 'zod';
import { type CrawlerSigner, signingFetch } from './crawler-identity/crawler-request.ts';
import { codeOfProblemType, codeOfStatus, KyodakuError } from './errors.ts';
import { type SignedObject, signObject } from './jws.ts';
import type { Signer } from './keys.ts';
import type { Purpose } from './purposes.ts';
import {
  AttestationRevocationView,
  AttestationView,
  BatchDecisionResponse,
  ConsistencyProofResponse,
  Decision,
  DelegationList,
  DelegationRevocationView,
  DelegationView,
  InclusionProofResponse,
  KeyChangeView,
  KeyCompromiseView,
  LIMITS,
  PartyKeys,
  PartyView,
  PeerList,
  PeerStatus,
  Problem,
  PromptCheckResponse,
  PublicationResponse,
  type PublicationResult,
  RecordList,
  RecordView,
  RevocationView,
  SnapshotDeltaResponse,
  SnapshotResponse,
  WellKnown,
  WorkView,
} from './schemas/messages.ts';
import type { AdminRequest } from './schemas/objects.ts';
import { toTimestamp } from './time.ts';

export interface KyodakuNodeOptions {
  /** The fetch to use (default: the global fetch). */
  fetch?: typeof fetch;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Extra headers sent with every request (e.g. a user agent naming the crawler). */
  headers?: Record<string, string>;
  /**
   * Sign every request as this crawler (Web Bot Auth, spec/crawler-identity.md), so the node's
   * receipts name it.
   */
  crawler?: CrawlerSigner;
}

/** A signed object to publish: its compact JWS, or the result of signObject. */
export type JwsInput = string | Pick<SignedObject, 'jws'>;

/** An admin request's action and its members, without the envelope the SDK adds. */
type AdminAction = AdminRequest extends infer R
  ? R extends AdminRequest
    ? Omit<R, 'kind' | 'v' | 'issued_at' | 'nonce'>
    : never
  : never;

/** A random nonce for an admin request: 16 random bytes, base64url (22 characters). */
function adminNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64url');
}

function jwsOf(input: JwsInput): string {
  return typeof input === 'string' ? input.trim() : input.jws;
}

export class KyodakuNode {
  /** The node's base URL, always ending in `/`. */
  readonly baseUrl: URL;
  readonly #fetch: typeof fetch;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;

  constructor(baseUrl: string | URL, options: KyodakuNodeOptions = {}) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new KyodakuError('ERR_INVALID_REQUEST', `not a node URL: ${String(baseUrl)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new KyodakuError('ERR_INVALID_REQUEST', `a node URL is http or https: ${url.href}`);
    }
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    url.search = '';
    url.hash = '';
    this.baseUrl = url;
    const base = options.fetch ?? globalThis.fetch;
    this.#fetch = options.crawler === undefined ? base : signingFetch(options.crawler, base);
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#headers = options.headers ?? {};
  }

  /** GET /.well-known/kyodaku: the node's metadata, keys and limits. */
  wellKnown(): Promise<WellKnown> {
    return this.#request('GET', '.well-known/kyodaku', WellKnown);
  }

  /** POST /v1/parties: registers (or updates) a party from its self-signed registration. */
  registerParty(jws: JwsInput): Promise<PartyView> {
    return this.#request('POST', 'v1/parties', PartyView, { jose: jwsOf(jws) });
  }

  /** GET /v1/parties/{id}: the party's current registration and the attestations the node holds. */
  getParty(partyId: string): Promise<PartyView> {
    return this.#request('GET', `v1/parties/${encodeURIComponent(partyId)}`, PartyView);
  }

  /** POST /v1/key-changes: binds a new key to a party (spec/kyodaku.md §6.4; signKeyChange). */
  changeKey(jws: JwsInput): Promise<KeyChangeView> {
    return this.#request('POST', 'v1/key-changes', KeyChangeView, { jose: jwsOf(jws) });
  }

  /** POST /v1/key-compromises: declares a former key compromised since a time (spec/kyodaku.md §6.5). */
  declareKeyCompromise(jws: JwsInput): Promise<KeyCompromiseView> {
    return this.#request('POST', 'v1/key-compromises', KeyCompromiseView, { jose: jwsOf(jws) });
  }

  /** POST /v1/delegations: the issuer delegates to an agent (spec/kyodaku.md §6.6). */
  delegate(jws: JwsInput): Promise<DelegationView> {
    return this.#request('POST', 'v1/delegations', DelegationView, { jose: jwsOf(jws) });
  }

  /** POST /v1/delegation-revocations: ends a delegation the issuer made. */
  revokeDelegation(jws: JwsInput): Promise<DelegationRevocationView> {
    return this.#request('POST', 'v1/delegation-revocations', DelegationRevocationView, { jose: jwsOf(jws) });
  }

  /** GET /v1/parties/{id}/delegations: the delegations a party made and those made to it. */
  getPartyDelegations(partyId: string): Promise<DelegationList> {
    return this.#request('GET', `v1/parties/${encodeURIComponent(partyId)}/delegations`, DelegationList);
  }

  /** GET /v1/parties/{id}/keys: the party's keys, oldest first, and its current key. */
  getPartyKeys(partyId: string): Promise<PartyKeys> {
    return this.#request('GET', `v1/parties/${encodeURIComponent(partyId)}/keys`, PartyKeys);
  }

  /** POST /v1/records: publishes a signed consent record. */
  publishRecord(jws: JwsInput): Promise<RecordView> {
    return this.#request('POST', 'v1/records', RecordView, { jose: jwsOf(jws) });
  }

  /** GET /v1/records/{id}: a record with its status now. */
  getRecord(id: string): Promise<RecordView> {
    return this.#request('GET', `v1/records/${encodeURIComponent(id)}`, RecordView);
  }

  /** GET /v1/records?issuer=: one page of an issuer's records, oldest first. */
  listRecords(issuer: string, page: { cursor?: string; limit?: number } = {}): Promise<RecordList> {
    const query = new URLSearchParams({ issuer });
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.cursor !== undefined) query.set('cursor', page.cursor);
    return this.#request('GET', `v1/records?${query}`, RecordList);
  }

  /** Every record of an issuer, page by page. */
  async *allRecords(issuer: string, pageSize?: number): AsyncGenerator<RecordView> {
    let cursor: string | undefined;
    do {
      const page = await this.listRecords(issuer, {
        ...(cursor !== undefined && { cursor }),
        ...(pageSize !== undefined && { limit: pageSize }),
      });
      yield* page.records;
      cursor = page.next_cursor ?? undefined;
    } while (cursor !== undefined);
  }

  /** POST /v1/revocations: publishes a signed record revocation. */
  revokeRecord(jws: JwsInput): Promise<RevocationView> {
    return this.#request('POST', 'v1/revocations', RevocationView, { jose: jwsOf(jws) });
  }

  /**
   * POST /v1/publications: publishes up to LIMITS.maxBatchObjects (1,000, what every node accepts)
   * parties, records and revocations in one request. The answer has one result per entry, in order:
   * `{status: 201, id, kind, location, log?}` or `{status, problem}` for a refused entry (refusals
   * are results, not errors). A failure of the whole request is thrown as a KyodakuError.
   */
  async publishMany(objects: readonly JwsInput[]): Promise<PublicationResult[]> {
    if (objects.length === 0) {
      throw new KyodakuError('ERR_INVALID_REQUEST', 'publishMany needs at least one object');
    }
    if (objects.length > LIMITS.maxBatchObjects) {
      throw new KyodakuError(
        'ERR_BATCH_TOO_LARGE',
        `publishMany takes at most ${LIMITS.maxBatchObjects} objects per request, not ${objects.length}`,
      );
    }
    const { results } = await this.#request('POST', 'v1/publications', PublicationResponse, {
      json: { objects: objects.map(jwsOf) },
    });
    if (results.length !== objects.length) {
      throw new KyodakuError(
        'ERR_SCHEMA',
        `POST /v1/publications: ${results.length} results for ${objects.length} objects`,
      );
    }
    return results;
  }

  /** GET /v1/works/{identifier}: every record the node holds that names the identifier. */
  work(identifier: string): Promise<WorkView> {
    return this.#request('GET', `v1/works/${encodeURIComponent(identifier)}`, WorkView);
  }

  /** GET /v1/decision: the decision for one item (named by one or more identifiers) and purpose. */
  decide(query: { ids: string | readonly string[]; purpose: Purpose | string; at?: string }) {
    const params = new URLSearchParams();
    for (const id of typeof query.ids === 'string' ? [query.ids] : query.ids) params.append('id', id);
    params.set('purpose', query.purpose);
    if (query.at !== undefined) params.set('at', query.at);
    return this.#request('GET', `v1/decision?${params}`, Decision);
  }

  /** POST /v1/decisions: one result per (identifier, purpose) pair, in order. */
  decideBatch(query: {
    ids: readonly string[];
    purposes: readonly (Purpose | string)[];
    at?: string;
    /** Ask for a signed receipt (the log profile): the answer's `receipt`, to check with verifyReceipt. */
    nonce?: string;
  }): Promise<BatchDecisionResponse & { receipt?: unknown }> {
    const body = {
      ids: query.ids,
      purposes: query.purposes,
      ...(query.at !== undefined && { at: query.at }),
      ...(query.nonce !== undefined && { receipt: { nonce: query.nonce } }),
    };
    return this.#request('POST', 'v1/decisions', BatchDecisionResponse, { json: body });
  }

  /**
   * POST /v1/prompt-checks (the generation profile, spec/generation.md): every registered title and
   * alias found in `text`, with the decision per purpose for each item found. With `nonce`, the
   * answer carries a signed receipt (`receipt`, `receipt_log`); verify it with verifyReceipt and the
   * query `{text, purposes, at?}`.
   */
  promptCheck(query: {
    text: string;
    purposes: readonly (Purpose | string)[];
    at?: string;
    nonce?: string;
  }): Promise<PromptCheckResponse & { receipt?: string }> {
    const body = {
      text: query.text,
      purposes: query.purposes,
      ...(query.at !== undefined && { at: query.at }),
      ...(query.nonce !== undefined && { receipt: { nonce: query.nonce } }),
    };
    return this.#request('POST', 'v1/prompt-checks', PromptCheckResponse, { json: body }) as Promise<
      PromptCheckResponse & { receipt?: string }
    >;
  }

  /** GET /v1/snapshot (the snapshot profile): the manifest and its checkpoint, unverified (loadSnapshot). */
  snapshot(): Promise<SnapshotResponse> {
    return this.#request('GET', 'v1/snapshot', SnapshotResponse);
  }

  /**
   * GET /v1/snapshot/delta?from= (the snapshot profile): a delta from the snapshot of that id (the
   * SHA-256 of its manifest JWS) to the current one, unverified (verifySnapshotDelta); its file is
   * fetched with snapshotFilter(delta.url). ERR_NOT_FOUND: no delta from it (fetch the whole snapshot).
   */
  snapshotDelta(from: string): Promise<SnapshotDeltaResponse> {
    return this.#request('GET', `v1/snapshot/delta?from=${encodeURIComponent(from)}`, SnapshotDeltaResponse);
  }

  /** GET a snapshot filter file, or a delta file, by the `url` its manifest or delta names (unverified: verifyFilterFile, verifyDeltaFile). */
  async snapshotFilter(path: string): Promise<Uint8Array> {
    const url = new URL(path.replace(/^\//, ''), this.baseUrl);
    let response: Response;
    let bytes: Uint8Array;
    try {
      response = await this.#fetch(url, {
        headers: this.#headers,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new KyodakuError('ERR_NETWORK', `GET ${url.href}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) throw problemError(response, new TextDecoder().decode(bytes), `GET ${url.pathname}`);
    return bytes;
  }

  /** GET /v1/log/checkpoint: the latest checkpoint as a signed note (unverified: verify it). */
  async checkpointNote(): Promise<string> {
    return (await this.#getText('v1/log/checkpoint', 'text/plain')).text;
  }

  /**
   * GET /v1/interop/{format} (spec/interop.md §9): the node's decision for the item named by `ids`,
   * every purpose leaf, as aipref, robots.txt lines, TDMRep, a CAWG assertion, RSL or ODRL; the body
   * as served, with its media type and header fields.
   */
  async exportItem(
    format: string,
    ids: readonly string[],
    at?: string,
  ): Promise<{ body: string; contentType: string; headers: Headers }> {
    const query = new URLSearchParams(ids.map((id) => ['id', id]));
    if (at !== undefined) query.set('at', at);
    const { response, text } = await this.#getText(
      `v1/interop/${encodeURIComponent(format)}?${query}`,
      '*/*',
    );
    return { body: text, contentType: response.headers.get('content-type') ?? '', headers: response.headers };
  }

  /** A GET whose answer is text, not JSON; a problem answer throws its KyodakuError. */
  async #getText(path: string, accept: string): Promise<{ response: Response; text: string }> {
    const url = new URL(path, this.baseUrl);
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        headers: { accept, ...this.#headers },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new KyodakuError('ERR_NETWORK', `GET ${url.href}: ${(error as Error).message}`, { cause: error });
    }
    if (!response.ok) throw problemError(response, text, `GET ${url.pathname}`);
    return { response, text };
  }

  /** GET /v1/log/proof/inclusion: the proof of entry `index` in the tree of `size` (unverified). */
  inclusionProof(index: number, size: number) {
    return this.#request('GET', `v1/log/proof/inclusion?index=${index}&size=${size}`, InclusionProofResponse);
  }

  /** GET /v1/log/proof/consistency: the proof that the tree of `to` extends that of `from` (unverified). */
  consistencyProof(from: number, to: number) {
    return this.#request('GET', `v1/log/proof/consistency?from=${from}&to=${to}`, ConsistencyProofResponse);
  }

  /** GET /v1/attestations/{id}. */
  getAttestation(id: string): Promise<AttestationView> {
    return this.#request('GET', `v1/attestations/${encodeURIComponent(id)}`, AttestationView);
  }

  /** POST /v1/attestations: asks the node (with its admin key) to attest a registered party's key. */
  async attest(
    adminSigner: Signer,
    input: { party: string; role?: Extract<AdminRequest, { action: 'attest' }>['role']; expires_at?: string },
  ): Promise<AttestationView> {
    const request = await this.#adminRequest(adminSigner, {
      action: 'attest',
      party: input.party,
      ...(input.role !== undefined && { role: input.role }),
      ...(input.expires_at !== undefined && { expires_at: input.expires_at }),
    });
    return this.#request('POST', 'v1/attestations', AttestationView, { jose: request.jws });
  }

  /** POST /v1/attestations/revocations: asks the node (with its admin key) to revoke an attestation. */
  async revokeAttestation(
    adminSigner: Signer,
    input: { attestation: string; reason?: string },
  ): Promise<z.infer<typeof AttestationRevocationView>> {
    const request = await this.#adminRequest(adminSigner, {
      action: 'revoke-attestation',
      attestation: input.attestation,
      ...(input.reason !== undefined && { reason: input.reason }),
    });
    return this.#request('POST', 'v1/attestations/revocations', AttestationRevocationView, {
      jose: request.jws,
    });
  }

  /** GET /v1/peers: the status of every peer the node follows (spec/federation.md §6.4). */
  peers(): Promise<PeerList> {
    return this.#request('GET', 'v1/peers', PeerList);
  }

  /**
   * POST /v1/peers `follow` (spec/federation.md §7.1): asks the node (with its admin key) to follow
   * the peer at `url`, pinning its node key id; also follows an unfollowed peer again (§7.2).
   */
  async followPeer(adminSigner: Signer, peer: { url: string; nodeKey: string }): Promise<PeerStatus> {
    const request = await this.#adminRequest(adminSigner, {
      action: 'follow',
      url: peer.url,
      node_key: peer.nodeKey,
    });
    return this.#request('POST', 'v1/peers', PeerStatus, { jose: request.jws });
  }

  /** POST /v1/peers `unfollow` (§7.2): the node stops polling the peer and keeps what it verified. */
  async unfollowPeer(adminSigner: Signer, url: string): Promise<PeerStatus> {
    const request = await this.#adminRequest(adminSigner, { action: 'unfollow', url });
    return this.#request('POST', 'v1/peers', PeerStatus, { jose: request.jws });
  }

  /**
   * POST /v1/peers `resume` (§7.3): follows a stopped-inconsistent peer again under the node key id
   * the operator pins anew, if its log still extends everything the node accepted from it.
   */
  async resumePeer(adminSigner: Signer, peer: { url: string; nodeKey: string }): Promise<PeerStatus> {
    const request = await this.#adminRequest(adminSigner, {
      action: 'resume',
      url: peer.url,
      node_key: peer.nodeKey,
    });
    return this.#request('POST', 'v1/peers', PeerStatus, { jose: request.jws });
  }

  #adminRequest(signer: Signer, action: AdminAction): Promise<SignedObject<'admin'>> {
    const payload = { kind: 'admin', v: 1, ...action, issued_at: toTimestamp(), nonce: adminNonce() };
    return signObject('admin', payload as AdminRequest, signer);
  }

  /** A request to the node answered with JSON of `schema` (for the SDK's other modules: usage-client.ts). */
  request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: { jose: string } | { json: unknown } | { ndjson: string },
  ): Promise<z.infer<S>> {
    return this.#request(method, path, schema, body);
  }

  async #request<S extends z.ZodType>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    body?: { jose: string } | { json: unknown } | { ndjson: string },
  ): Promise<z.infer<S>> {
    const url = new URL(path, this.baseUrl);
    const headers: Record<string, string> = { accept: 'application/json', ...this.#headers };
    let payload: string | undefined;
    if (body !== undefined && 'jose' in body) {
      headers['content-type'] = 'application/jose';
      payload = body.jose;
    } else if (body !== undefined && 'ndjson' in body) {
      headers['content-type'] = 'application/x-ndjson';
      payload = body.ndjson;
    } else if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    }
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method,
        headers,
        ...(payload !== undefined && { body: payload }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new KyodakuError(
        'ERR_NETWORK',
        timedOut
          ? `${method} ${url.href}: no answer within ${this.#timeoutMs} ms`
          : `${method} ${url.href}: ${(error as Error & { cause?: Error }).cause?.message ?? (error as Error).message}`,
        { cause: error },
      );
    }
    if (!response.ok) throw problemError(response, text, `${method} ${url.pathname}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new KyodakuError('ERR_SCHEMA', `${method} ${url.pathname}: the node answered with invalid JSON`);
    }
    const checked = schema.safeParse(json);
    if (!checked.success) {
      const issue = checked.error.issues[0];
      throw new KyodakuError(
        'ERR_SCHEMA',
        `${method} ${url.pathname}: unexpected answer: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
        { detail: checked.error.issues },
      );
    }
    return checked.data;
  }
}

/** The KyodakuError for a non-2xx answer, from its problem+json body when it has one. */
function problemError(response: Response, text: string, what: string): KyodakuError {
  let problem: Problem | undefined;
  try {
    const parsed = Problem.safeParse(JSON.parse(text));
    if (parsed.success) problem = parsed.data;
  } catch {
    // not JSON: fall back to the status
  }
  if (problem === undefined) {
    return new KyodakuError(codeOfStatus(response.status), `${what}: HTTP ${response.status}`, {
      detail: { status: response.status },
    });
  }
  const code = codeOfProblemType(problem.type) ?? codeOfStatus(response.status);
  return new KyodakuError(code, problem.detail ?? problem.title, { detail: problem });
}
