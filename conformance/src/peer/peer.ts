/**
 * A small in-process peer the suite serves itself for the `federation` cases (spec/conformance.md
 * §3, spec/federation.md): its own node key, a log the suite writes (parties, attestations, records,
 * revocations, and hand-made forgeries), signed checkpoints (C2SP signed note), the entries feed,
 * inclusion and consistency proofs and `tlog-tiles`, all built from @kyodaku/client primitives. It
 * listens on loopback under a random base path, so that a target never confuses two peers even when
 * a port is reused. Knobs let a case make it misbehave: a rewritten entry, a shrinking or wrongly
 * signed checkpoint, a feed that serves other entries than the signed log or leaves some out, error
 * answers, lying metadata, or a new node key (a key rotation the target's operator re-pins).
 */
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import {
  consistencyProof,
  createAttestation,
  createAttestationRevocation,
  createParty,
  createRecord,
  createRevocation,
  formatCheckpointBody,
  generateKeyPair,
  importSigner,
  inclusionProof,
  leafHashOfEntry,
  type Party,
  type PrivateJwk,
  type PublicJwk,
  type RecordInput,
  rangeHash,
  rawPublicKey,
  type Signer,
  signCheckpoint,
  signObject,
  toTimestamp,
  verifierKeyString,
} from '@kyodaku/client';
import { Hono } from 'hono';

export interface PeerKeyPair {
  kid: string;
  publicJwk: PublicJwk;
  privateJwk: PrivateJwk;
  signer: Signer;
}

export interface PeerParty extends PeerKeyPair {
  party: Party;
  partyJws: string;
}

export interface Logged {
  id: string;
  jws: string;
  index: number;
}

export interface PeerOptions {
  /** The origin of the peer's log (`node.origin`). */
  origin: string;
  /** Listen address; the target must be able to reach it (default 127.0.0.1). */
  host?: string;
}

/** What the peer's metadata claims instead of the truth (REQ-FED-002 cases). */
export interface MetadataLie {
  nodeId?: string;
  origin?: string;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const problem = (type: string, status: number, detail = type) =>
  new Response(JSON.stringify({ type: `urn:kyodaku:problem:${type}`, title: type, status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
const DECIMAL = /^(0|[1-9]\d{0,15})$/;

export async function newKeyPair(): Promise<PeerKeyPair> {
  const pair = await generateKeyPair();
  return { ...pair, signer: await importSigner(pair.privateJwk) };
}

export class SuitePeer {
  readonly origin: string;
  /** Base URL, with a random path prefix and no trailing slash. */
  url = '';
  /** The node key; rotateNodeKey() replaces it. */
  node: PeerKeyPair;
  readonly admin: PeerKeyPair;
  /** The log: the exact entries, in index order. Cases may rewrite an entry to fork the log. */
  readonly entries: string[] = [];
  /** Paths (with query) of every request the peer answered. */
  readonly requests: string[] = [];
  /** The same requests with the time each arrived (ms since the epoch) and the status answered. */
  readonly log: Array<{ path: string; at: number; status: number }> = [];
  /** Answer this many of the next requests (any path) with 503, as a peer in trouble would. */
  failNext = 0;
  /** Every checkpoint the peer signed: size -> base64 root. */
  readonly signed = new Map<number, string>();
  /** Sign checkpoints for this size instead of the log's (a frozen or shrunk checkpoint). */
  checkpointSize: number | undefined;
  /** Sign checkpoints with this key instead of the node key (a checkpoint that does not verify). */
  checkpointSeed: Uint8Array | undefined;
  /** The feed serves these entries instead of the logged ones (index -> entry). */
  readonly feedOverride = new Map<number, string>();
  /** The feed leaves these indexes out (a non-contiguous feed). */
  readonly feedSkip = new Set<number>();
  /** At most this many entries per feed page, whatever `limit` asks. */
  feedPageMax = 1000;
  lie: MetadataLie = {};
  #seed: Uint8Array;
  #server: Server | undefined;

  private constructor(origin: string, node: PeerKeyPair, admin: PeerKeyPair) {
    this.origin = origin;
    this.node = node;
    this.admin = admin;
    this.#seed = new Uint8Array(Buffer.from(node.privateJwk.d, 'base64url'));
  }

  static async start(options: PeerOptions): Promise<SuitePeer> {
    const peer = new SuitePeer(options.origin, await newKeyPair(), await newKeyPair());
    await peer.#listen(options.host ?? '127.0.0.1');
    return peer;
  }

  /** A new node key: metadata, checkpoints and attestations from now on use it. */
  async rotateNodeKey(): Promise<void> {
    this.node = await newKeyPair();
    this.#seed = new Uint8Array(Buffer.from(this.node.privateJwk.d, 'base64url'));
  }

  /** Requests (with their times) that arrived after `from` of the log, whose path starts with `prefix`. */
  logSince(from: number, prefix = ''): Array<{ path: string; at: number; status: number }> {
    return this.log.slice(from).filter((r) => r.path.startsWith(prefix));
  }

  /** The size the next checkpoint covers. */
  get size(): number {
    return this.checkpointSize ?? this.entries.length;
  }

  leaf = (i: number): Uint8Array => leafHashOfEntry(this.entries[i]!);

  append(jws: string): number {
    this.entries.push(jws);
    return this.entries.length - 1;
  }

  time(offsetSeconds: number): string {
    return toTimestamp(Date.now() + offsetSeconds * 1000);
  }

  /** A fresh party (not logged). */
  async newParty(role: Party['role'] = 'rights-holder'): Promise<PeerParty> {
    const key = await newKeyPair();
    const party = createParty({
      key: key.publicJwk,
      role,
      names: { en: `Peer ${role} of ${this.origin}` },
      issued_at: this.time(-600),
    });
    const signed = await signObject('party', party, key.signer);
    return { ...key, party, partyJws: signed.jws };
  }

  /** A party registered on the peer and attested by its node key (both logged). */
  async party(role: Party['role'] = 'rights-holder'): Promise<PeerParty & { attestation: Logged }> {
    const party = await this.newParty(role);
    this.append(party.partyJws);
    return { ...party, attestation: await this.attest(party) };
  }

  /** An attestation of `party` signed by `signer` (the peer's node key unless given), logged. */
  async attest(
    party: PeerParty,
    options: { signer?: PeerKeyPair; node?: string; issuedAt?: string } = {},
  ): Promise<Logged> {
    const signer = options.signer ?? this.node;
    const payload = await createAttestation({
      node: options.node ?? signer.kid,
      party: party.party,
      issued_at: options.issuedAt ?? this.time(-300),
    });
    const signed = await signObject('attestation', payload, signer.signer);
    return { id: signed.id, jws: signed.jws, index: this.append(signed.jws) };
  }

  async revokeAttestation(attestationId: string, issuedAt = this.time(-1)): Promise<Logged> {
    const payload = createAttestationRevocation({
      node: this.node.kid,
      attestation: attestationId,
      issued_at: issuedAt,
    });
    const signed = await signObject('attestation-revocation', payload, this.node.signer);
    return { id: signed.id, jws: signed.jws, index: this.append(signed.jws) };
  }

  /** A record of `party` (signed, not logged). */
  async signRecord(party: PeerKeyPair, input: Partial<RecordInput> & { ids: string[] }) {
    const { ids, ...rest } = input;
    const issuedAt = rest.issued_at ?? this.time(-120);
    return signObject(
      'record',
      createRecord({
        iss: party.kid,
        work: { type: 'work', ids },
        purposes: { train: 'allow' },
        ...rest,
        issued_at: issuedAt,
        valid_from: rest.valid_from ?? issuedAt,
      }),
      party.signer,
    );
  }

  async record(party: PeerKeyPair, input: Partial<RecordInput> & { ids: string[] }): Promise<Logged> {
    const signed = await this.signRecord(party, input);
    return { id: signed.id, jws: signed.jws, index: this.append(signed.jws) };
  }

  async revoke(party: PeerKeyPair, recordId: string, issuedAt = this.time(-1)): Promise<Logged> {
    const signed = await signObject(
      'revocation',
      createRevocation({ iss: party.kid, record: recordId, issued_at: issuedAt }),
      party.signer,
    );
    return { id: signed.id, jws: signed.jws, index: this.append(signed.jws) };
  }

  /** The signed note of the checkpoint for the current size (and remembers its root). */
  checkpoint(): string {
    const size = Math.min(this.size, this.entries.length);
    const rootHash = rangeHash(this.leaf, 0, size);
    this.signed.set(size, b64(rootHash));
    const body = formatCheckpointBody({ origin: this.origin, size, rootHash });
    return signCheckpoint(body, { name: this.origin, privateKey: this.checkpointSeed ?? this.#seed });
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  }

  async #listen(host: string): Promise<void> {
    const prefix = `/peer-${randomBytes(8).toString('hex')}`;
    const app = new Hono().basePath(prefix);
    app.use(async (c, next) => {
      const path = c.req.path.slice(prefix.length) + new URL(c.req.url).search;
      this.requests.push(path);
      const entry = { path, at: Date.now(), status: 0 };
      this.log.push(entry);
      if (this.failNext > 0) {
        this.failNext -= 1;
        entry.status = 503;
        return problem('unavailable', 503);
      }
      await next();
      entry.status = c.res.status;
    });
    app.get('/.well-known/kyodaku', (c) =>
      c.json({
        spec_version: '0.1',
        software: 'kyodaku-conformance-peer/0.1.0',
        node: {
          id: this.lie.nodeId ?? this.node.kid,
          key: this.node.publicJwk,
          name: 'Conformance suite peer',
          origin: this.lie.origin ?? this.origin,
        },
        admin_key: this.admin.kid,
        admin_public_key: this.admin.publicJwk,
        profiles: ['core', 'log'],
        log: {
          origin: this.origin,
          checkpoint_url: '/v1/log/checkpoint',
          verifier_key: verifierKeyString(this.origin, rawPublicKey(this.node.publicJwk)),
        },
        limits: {
          max_body_bytes: 4194304,
          max_jws_bytes: 65535,
          max_batch_ids: 10000,
          max_batch_purposes: 16,
          max_page_size: 1000,
          max_batch_objects: 1000,
        },
      }),
    );
    app.get('/v1/log/checkpoint', (c) =>
      c.body(this.checkpoint(), 200, {
        'content-type': 'text/plain; charset=utf-8',
        'cache-control': 'no-store',
      }),
    );
    const int = (text: string | undefined) => (text !== undefined && DECIMAL.test(text) ? Number(text) : -1);
    app.get('/v1/log/proof/inclusion', (c) => {
      const index = int(c.req.query('index'));
      const size = int(c.req.query('size'));
      if (!(index >= 0 && index < size && size <= this.entries.length))
        return problem('invalid-request', 400);
      const proof = inclusionProof(this.leaf, index, size);
      return c.json({ index, size, leaf_hash: b64(this.leaf(index)), proof: proof.map(b64) });
    });
    app.get('/v1/log/proof/consistency', (c) => {
      const from = int(c.req.query('from'));
      const to = int(c.req.query('to'));
      if (!(from > 0 && from <= to && to <= this.entries.length)) return problem('invalid-request', 400);
      return c.json({ from, to, proof: consistencyProof(this.leaf, from, to).map(b64) });
    });
    app.get('/v1/log/entries', (c) => {
      const afterText = c.req.query('after');
      const after = afterText === undefined ? -1 : int(afterText);
      const limit = int(c.req.query('limit') ?? '100');
      if ((afterText !== undefined && after < 0) || limit < 1 || limit > 1000) {
        return problem('invalid-request', 400);
      }
      const end = Math.min(this.entries.length, after + 1 + Math.min(limit, this.feedPageMax));
      const page: Array<{ index: number; jws: string }> = [];
      for (let i = after + 1; i < end; i++) {
        if (this.feedSkip.has(i)) continue;
        page.push({ index: i, jws: this.feedOverride.get(i) ?? this.entries[i]! });
      }
      return c.json({ entries: page, next: end >= this.entries.length ? null : end - 1 });
    });
    app.get('/v1/log/tile/entries/*', (c) => {
      const t = parseTile(c.req.path.slice(`${prefix}/v1/log/tile/entries/`.length));
      if (t === undefined || t.n * 256 + t.width > this.size) return problem('not-found', 404);
      const parts: Buffer[] = [];
      for (let i = t.n * 256; i < t.n * 256 + t.width; i++) {
        const bytes = Buffer.from(this.entries[i]!, 'utf8');
        const len = Buffer.alloc(2);
        len.writeUInt16BE(bytes.length);
        parts.push(len, bytes);
      }
      return c.body(Buffer.concat(parts), 200, { 'content-type': 'application/octet-stream' });
    });
    app.get('/v1/log/tile/:level/*', (c) => {
      const level = int(c.req.param('level'));
      const t = parseTile(c.req.path.slice(`${prefix}/v1/log/tile/${c.req.param('level')}/`.length));
      const span = 256 ** level;
      if (t === undefined || level < 0 || level > 5) return problem('not-found', 404);
      const first = t.n * 256;
      if ((first + t.width) * span > this.size) return problem('not-found', 404);
      const out = Buffer.alloc(32 * t.width);
      for (let i = 0; i < t.width; i++) {
        out.set(rangeHash(this.leaf, (first + i) * span, (first + i + 1) * span), 32 * i);
      }
      return c.body(out, 200, { 'content-type': 'application/octet-stream' });
    });
    app.notFound(() => problem('not-found', 404));

    const server = await new Promise<Server>((resolve, reject) => {
      const s = serve({ fetch: app.fetch, hostname: host, port: 0 }, () => resolve(s as Server));
      (s as Server).once('error', reject);
    });
    this.#server = server;
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const name = host.includes(':') ? `[${host}]` : host;
    this.url = `http://${name}:${port}${prefix}`;
  }
}

/** `x001/234[.p/W]` -> tile index and width. */
function parseTile(path: string): { n: number; width: number } | undefined {
  const m = /^((?:x\d{3}\/)*)(\d{3})(?:\.p\/(\d{1,3}))?$/.exec(path);
  if (!m) return undefined;
  const n = Number(`${(m[1] ?? '').replace(/x|\//g, '')}${m[2]}`);
  const width = m[3] === undefined ? 256 : Number(m[3]);
  if (width < 1 || width > 256) return undefined;
  return { n, width };
}
