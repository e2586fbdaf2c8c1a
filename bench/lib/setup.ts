/** What the benchmarks share: number options, a node in a temp dir, attested issuers, fast record signing. */
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  canonicalJson,
  createParty,
  generateKeyPair,
  importSigner,
  type PrivateJwk,
  type Signer,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { createApp } from '../../server/src/app.ts';
import { openNode } from '../../server/src/node.ts';

/** `--name N` from the command line, or the fallback. */
export function numberArg(name: string, fallback: number, min = 0): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < min) throw new Error(`--${name} needs a number of at least ${min}`);
  return value;
}

export const b64u = (s: string | Buffer) => Buffer.from(s).toString('base64url');

export type Post = (path: string, body: string) => Response | Promise<Response>;

/** A node on a database file in `dir`, its in-process app, its admin signer and a JWS poster. */
export async function benchNode(dir: string, options: { db?: string; origin?: string } = {}) {
  const node = await openNode({
    db: `file:${join(dir, options.db ?? 'bench.db')}`,
    dataDir: dir,
    ...(options.origin && { origin: options.origin }),
  });
  const app = createApp(node);
  const admin = await importSigner(JSON.parse(readFileSync(join(dir, 'admin.key'), 'utf8')) as PrivateJwk);
  const post: Post = (path, body) =>
    app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/jose' } });
  return { node, app, admin, post };
}

/** A rights holder registered and attested through the API, with what signing its records needs. */
export interface BenchIssuer {
  kid: string;
  privateJwk: PrivateJwk;
  keyObject: KeyObject;
  /** The base64url protected header of its records. */
  header: string;
}

export async function attestedIssuers(
  post: Post,
  admin: Signer,
  count: number,
  label: string,
): Promise<BenchIssuer[]> {
  const issuers: BenchIssuer[] = [];
  for (let i = 0; i < count; i++) {
    const keys = await generateKeyPair();
    const party = await signObject(
      'party',
      createParty({
        key: keys.publicJwk,
        role: 'rights-holder',
        names: { en: `${label} ${i}` },
        issued_at: toTimestamp(Date.now() - 60_000),
      }),
      await importSigner(keys.privateJwk),
    );
    if ((await post('/v1/parties', party.jws)).status !== 201) throw new Error('party registration failed');
    const request = await signObject(
      'admin',
      {
        kind: 'admin',
        v: 1,
        action: 'attest',
        party: keys.kid,
        issued_at: toTimestamp(),
        nonce: `${label.replace(/[^A-Za-z0-9_-]/g, '-')}-nonce-${String(i).padStart(8, '0')}`,
      },
      admin,
    );
    if ((await post('/v1/attestations', request.jws)).status !== 201) throw new Error('attestation failed');
    issuers.push({
      kid: keys.kid,
      privateJwk: keys.privateJwk,
      keyObject: createPrivateKey({ key: { ...keys.privateJwk }, format: 'jwk' }),
      header: b64u(canonicalJson({ alg: 'Ed25519', kid: keys.kid, typ: 'kyodaku-record+jws' })),
    });
  }
  return issuers;
}

/** A real Ed25519 record JWS over the JCS payload, signed with node:crypto (fast, for loading). */
export function signRecordJws(issuer: BenchIssuer, payload: unknown): string {
  const input = `${issuer.header}.${b64u(canonicalJson(payload))}`;
  return `${input}.${b64u(sign(null, Buffer.from(input), issuer.keyObject))}`;
}
