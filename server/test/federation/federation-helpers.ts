/**
 * Federation test helpers: handles on real node processes (publish, attest, follow over HTTP with
 * the node's own admin key) and a hand-made peer whose log the test writes, to serve forged
 * objects or a rewritten history.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import {
  canonicalJson,
  consistencyProof,
  createAttestation,
  createRecord,
  createRevocation,
  formatCheckpointBody,
  generateKeyPair,
  importSigner,
  leafHash,
  type PrivateJwk,
  type RecordInput,
  rootFromLeafHashes,
  type Signer,
  signCheckpoint,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { Hono } from 'hono';
import { type PartyRole, signedParty } from '../../../client/test/helpers/parties.ts';
import type { ServerProcess } from '../../../client/test/helpers/server-process.ts';

export interface RemoteNode {
  url: string;
  nodeKey: string;
  origin: string;
  admin: Signer;
  post(path: string, jws: string): Promise<Response>;
  get<T = unknown>(path: string): Promise<T>;
  adminRequest(payload: Record<string, unknown>): Promise<string>;
  /** An admin request signed as is, without the library's schema check (for invalid payloads). */
  rawAdminRequest(payload: Record<string, unknown>): Promise<string>;
  follow(peer: { url: string; nodeKey: string }): Promise<Response>;
  party(role?: 'rights-holder' | 'performer' | 'agency', name?: string): Promise<RemoteParty>;
}

export interface RemoteParty {
  id: string;
  signer: Signer;
  record(input: Partial<RecordInput> & { ids: string[] }): Promise<{ id: string; jws: string }>;
  revoke(record: string): Promise<{ id: string; jws: string }>;
}

const nonce = () => randomBytes(12).toString('base64url');

async function expectStatus(response: Response, status: number, what: string): Promise<Response> {
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

export async function remoteNode(server: Pick<ServerProcess, 'url' | 'adminKeyPath'>): Promise<RemoteNode> {
  const url = server.url;
  const wk = (await (await fetch(`${url}/.well-known/kyodaku`)).json()) as {
    node: { id: string; origin: string };
  };
  const admin = await importSigner(JSON.parse(readFileSync(server.adminKeyPath, 'utf8')) as PrivateJwk);
  const post = (path: string, jws: string) =>
    fetch(`${url}${path}`, { method: 'POST', body: jws, headers: { 'content-type': 'application/jose' } });
  const adminRequest = async (payload: Record<string, unknown>) =>
    (
      await signObject(
        'admin',
        // biome-ignore lint/suspicious/noExplicitAny: payload shapes vary per action
        { kind: 'admin', v: 1, issued_at: toTimestamp(Date.now()), nonce: nonce(), ...payload } as any,
        admin,
      )
    ).jws;
  const rawAdminRequest = async (payload: Record<string, unknown>) => {
    const part = (value: unknown) => Buffer.from(canonicalJson(value), 'utf8').toString('base64url');
    const input = `${part({ alg: 'Ed25519', kid: admin.kid, typ: 'kyodaku-admin+jws' })}.${part({
      kind: 'admin',
      v: 1,
      issued_at: toTimestamp(Date.now()),
      nonce: nonce(),
      ...payload,
    })}`;
    const signature = await crypto.subtle.sign('Ed25519', admin.privateKey, Buffer.from(input, 'utf8'));
    return `${input}.${Buffer.from(signature).toString('base64url')}`;
  };
  const node: RemoteNode = {
    url,
    nodeKey: wk.node.id,
    origin: wk.node.origin,
    admin,
    post,
    async get<T>(path: string) {
      const response = await expectStatus(await fetch(`${url}${path}`), 200, `GET ${path}`);
      return (await response.json()) as T;
    },
    adminRequest,
    rawAdminRequest,
    async follow(peer) {
      return post(
        '/v1/peers',
        await adminRequest({ action: 'follow', url: peer.url, node_key: peer.nodeKey }),
      );
    },
    async party(role: PartyRole = 'rights-holder', name = `Test ${role}`) {
      const { keys, signer, party } = await signedParty({ role, names: { en: name } });
      await expectStatus(await post('/v1/parties', party.jws), 201, 'register party');
      await expectStatus(
        await post('/v1/attestations', await adminRequest({ action: 'attest', party: keys.kid })),
        201,
        'attest party',
      );
      return {
        id: keys.kid,
        signer,
        async record(input) {
          const { ids, ...rest } = input;
          const obj = await signObject(
            'record',
            createRecord({
              iss: keys.kid,
              work: { type: 'work', ids },
              purposes: { all: 'deny' },
              issued_at: toTimestamp(Date.now() - 1000),
              ...rest,
            }),
            signer,
          );
          await expectStatus(await post('/v1/records', obj.jws), 201, 'publish record');
          return obj;
        },
        async revoke(record) {
          const obj = await signObject(
            'revocation',
            createRevocation({ iss: keys.kid, record, issued_at: toTimestamp(Date.now()) }),
            signer,
          );
          await expectStatus(await post('/v1/revocations', obj.jws), 201, 'revoke record');
          return obj;
        },
      };
    },
  };
  return node;
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/**
 * A peer the test controls: its node key signs attestations and checkpoints; `entries` is its log,
 * which the test may append to or rewrite. It serves the metadata, checkpoint, consistency proofs
 * and entries feed of a node.
 */
export interface HandMadePeer {
  url: string;
  nodeKey: string;
  origin: string;
  signer: Signer;
  entries: string[];
  /** Every request it received: path with query, and when. */
  requests: Array<{ path: string; at: number }>;
  /** Indexes the entries feed leaves out (a feed page with a gap). */
  feedSkip: Set<number>;
  /** A party attested by this peer's node key, and records it signs (nothing is logged). */
  member(name: string): Promise<HandMadeMember>;
  close(): Promise<void>;
}

export interface HandMadeMember {
  id: string;
  party: { id: string; jws: string };
  attestation: { id: string; jws: string };
  record(identifier: string): Promise<{ id: string; jws: string }>;
}

export async function handMadePeer(origin: string): Promise<HandMadePeer> {
  const keys = await generateKeyPair();
  const signer = await importSigner(keys.privateJwk);
  const seed = new Uint8Array(Buffer.from(keys.privateJwk.d, 'base64url'));
  const entries: string[] = [];
  const leaves = () => entries.map((e) => leafHash(Buffer.from(e, 'utf8')));
  const requests: HandMadePeer['requests'] = [];
  const feedSkip = new Set<number>();
  const app = new Hono()
    .use(async (c, next) => {
      requests.push({ path: c.req.path + new URL(c.req.url).search, at: Date.now() });
      await next();
    })
    .get('/.well-known/kyodaku', (c) =>
      c.json({
        spec_version: '0.1',
        software: 'hand-made-peer',
        node: { id: keys.kid, key: keys.publicJwk, name: 'hand-made', origin },
        admin_key: keys.kid,
        admin_public_key: keys.publicJwk,
        profiles: ['core', 'log'],
      }),
    )
    .get('/v1/log/checkpoint', (c) => {
      const body = formatCheckpointBody({
        origin,
        size: entries.length,
        rootHash: rootFromLeafHashes(leaves()),
      });
      return c.text(signCheckpoint(body, { name: origin, privateKey: seed }));
    })
    .get('/v1/log/proof/consistency', (c) => {
      const from = Number(c.req.query('from'));
      const to = Number(c.req.query('to'));
      const hashes = leaves();
      const proof = consistencyProof((i) => hashes[i]!, from, to);
      return c.json({ from, to, proof: proof.map((h) => Buffer.from(h).toString('base64')) });
    })
    .get('/v1/log/entries', (c) => {
      const after = c.req.query('after');
      const start = after === undefined ? 0 : Number(after) + 1;
      const limit = Number(c.req.query('limit') ?? '100');
      const end = Math.min(entries.length, start + limit);
      return c.json({
        entries: entries
          .slice(start, end)
          .map((jws, i) => ({ index: start + i, jws }))
          .filter((e) => !feedSkip.has(e.index)),
        next: end < entries.length ? end - 1 : null,
      });
    });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((done) => server.once('listening', () => done()));
  const { port } = server.address() as { port: number };
  const member = async (name: string): Promise<HandMadeMember> => {
    const now = Date.now();
    const {
      keys: partyKeys,
      signer: partySigner,
      party,
    } = await signedParty({ names: { en: name }, issuedAt: toTimestamp(now - 120_000) });
    const attestation = await signObject(
      'attestation',
      await createAttestation({ node: keys.kid, party: party.payload, issued_at: toTimestamp(now - 60_000) }),
      signer,
    );
    return {
      id: partyKeys.kid,
      party: { id: party.id, jws: party.jws },
      attestation: { id: attestation.id, jws: attestation.jws },
      async record(identifier) {
        const record = await signObject(
          'record',
          createRecord({
            iss: partyKeys.kid,
            work: { type: 'work', ids: [identifier] },
            purposes: { 'train.genai': 'allow' },
            issued_at: toTimestamp(Date.now() - 30_000),
          }),
          partySigner,
        );
        return { id: record.id, jws: record.jws };
      },
    };
  };
  return {
    url: `http://127.0.0.1:${port}`,
    nodeKey: keys.kid,
    origin,
    signer,
    entries,
    requests,
    feedSkip,
    member,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
