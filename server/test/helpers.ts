/** Test helpers: a node on a temporary database, parties with fresh keys, signed requests. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createRecord,
  createRevocation,
  importSigner,
  type PrivateJwk,
  type RecordInput,
  type Signer,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import pg from 'pg';
import { signedParty } from '../../client/test/helpers/parties.ts';
import { createApp } from '../src/app.ts';
import { openNode } from '../src/node.ts';
import type { TileSink } from '../src/tiles/tile-sink.ts';

export type TestNode = Awaited<ReturnType<typeof makeNode>>;

/**
 * The database of a test node: a file in `dir`, or, when the tests run on PostgreSQL
 * (vitest.pg.config.ts sets KYODAKU_TEST_PG_URL), a new database on the test cluster.
 */
export async function testDatabase(dir: string): Promise<string> {
  const server = process.env.KYODAKU_TEST_PG_URL;
  if (server === undefined) return `file:${join(dir, 'kyodaku.db')}`;
  const name = `kyodaku_${randomBytes(8).toString('hex')}`;
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  return server.replace(/\/[^/]*$/, `/${name}`);
}

/** Whether the tests run on the PostgreSQL engine (npm run test:pg). */
export const onPostgres = process.env.KYODAKU_TEST_PG_URL !== undefined;

export async function makeNode(options: { now?: () => number; tiles?: TileSink; origin?: string } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-test-'));
  const db = await testDatabase(dir);
  const node = await openNode({ db, dataDir: dir, ...options });
  const app = createApp(node);
  const adminSigner = await importSigner(
    JSON.parse(readFileSync(join(dir, 'admin.key'), 'utf8')) as PrivateJwk,
  );
  let nonce = 0;
  const t = {
    dir,
    /** The database URL (a file in `dir`, or a PostgreSQL database). */
    db,
    node,
    app,
    adminSigner,
    close() {
      node.close();
      rmSync(dir, { recursive: true, force: true });
    },
    postJws(path: string, jws: string, contentType = 'application/jose') {
      return app.request(path, { method: 'POST', body: jws, headers: { 'content-type': contentType } });
    },
    postJson(path: string, body: unknown) {
      return app.request(path, {
        method: 'POST',
        body: typeof body === 'string' ? body : JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
    },
    get(path: string) {
      return app.request(path);
    },
    /** An admin request signed with the node's admin key (or another signer). */
    async admin(payload: Record<string, unknown>, signer: Signer = adminSigner) {
      nonce++;
      const request = {
        kind: 'admin',
        v: 1,
        issued_at: toTimestamp(node.now()),
        nonce: `nonce-${String(nonce).padStart(12, '0')}`,
        ...payload,
      };
      // biome-ignore lint/suspicious/noExplicitAny: payload shapes vary per test
      return signObject('admin', request as any, signer);
    },
    /** Registers a party with a fresh key; attests it unless told not to. */
    async party(
      role: 'rights-holder' | 'performer' | 'agency' | 'ai-developer' = 'rights-holder',
      attest = true,
    ) {
      const { keys, signer, party } = await signedParty({ role, issuedAt: toTimestamp(node.now() - 60_000) });
      const registered = await t.postJws('/v1/parties', party.jws);
      if (registered.status !== 201) throw new Error(`party registration failed: ${await registered.text()}`);
      let attestationId: string | undefined;
      if (attest) {
        const response = await t.postJws(
          '/v1/attestations',
          (await t.admin({ action: 'attest', party: keys.kid })).jws,
        );
        if (response.status !== 201) throw new Error(`attestation failed: ${await response.text()}`);
        attestationId = ((await response.json()) as { id: string }).id;
      }
      return {
        id: keys.kid,
        signer,
        keys,
        party,
        attestationId,
        record: (input: Partial<RecordInput> & { ids?: string[] } = {}) => {
          const { ids, ...rest } = input;
          return signObject(
            'record',
            createRecord({
              iss: keys.kid,
              work: { type: 'work', ids: ids ?? ['isbn:9784088725093'] },
              purposes: { all: 'deny' },
              issued_at: toTimestamp(node.now() - 1000),
              ...rest,
            }),
            signer,
          );
        },
        revocation: (record: string, issuedAt?: string) =>
          signObject(
            'revocation',
            createRevocation({ iss: keys.kid, record, issued_at: issuedAt ?? toTimestamp(node.now()) }),
            signer,
          ),
      };
    },
  };
  return t;
}

export async function problemType(response: Response): Promise<string> {
  const body = (await response.json()) as { type: string; status: number };
  if (response.headers.get('content-type') !== 'application/problem+json') {
    throw new Error(`not a problem: ${response.headers.get('content-type')}`);
  }
  if (body.status !== response.status) throw new Error('problem status differs from HTTP status');
  return body.type;
}

export const P = (slug: string) => `urn:kyodaku:problem:${slug}`;
