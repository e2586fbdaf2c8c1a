/** Shared steps of the log cases: the advertised log key, verified checkpoints, proofs, tiles. */
import {
  type Checkpoint,
  decodeProof,
  LogVerificationError,
  type NoteVerifier,
  parseVerifierKey,
  rawPublicKey,
  verifyCheckpoint,
} from '@kyodaku/client';
import type { Context } from '../../context.ts';
import { check } from '../../expect.ts';
import { CaseFailure } from '../../outcome.ts';

/** The log key the node advertises (REQ-API-070), checked to be node.key named by node.origin. */
export function logVerifier(ctx: Context): NoteVerifier {
  const wk = ctx.suite.wellKnown as typeof ctx.suite.wellKnown & {
    log?: { origin?: unknown; verifier_key?: unknown; checkpoint_url?: unknown };
  };
  check(wk.profiles.includes('log'), 'profiles does not list "log" (REQ-API-070)');
  check(wk.log !== undefined && typeof wk.log === 'object', 'metadata has no "log" member (REQ-API-070)');
  check(
    wk.log.origin === wk.node.origin,
    `log.origin ${String(wk.log.origin)} is not node.origin (REQ-API-070)`,
  );
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(String(wk.log.verifier_key));
  } catch (error) {
    throw new CaseFailure(`log.verifier_key does not parse: ${(error as Error).message} (REQ-API-070)`);
  }
  check(verifier.name === wk.node.origin, 'the verifier key is not named by node.origin (REQ-LOG-008)');
  check(
    Buffer.compare(verifier.publicKey, rawPublicKey(wk.node.key)) === 0,
    'the verifier key is not node.key (REQ-API-070, REQ-API-003)',
  );
  return verifier;
}

/** GET /v1/log/checkpoint, verified under the advertised key (REQ-API-071, REQ-LOG-011). */
export async function fetchCheckpoint(ctx: Context): Promise<Checkpoint & { note: string }> {
  const verifier = logVerifier(ctx);
  const res = await ctx.http.get('/v1/log/checkpoint');
  check(res.status === 200, `GET /v1/log/checkpoint: expected 200, got ${res.status} (REQ-API-071)`);
  try {
    return { ...verifyCheckpoint(res.text, verifier), note: res.text };
  } catch (error) {
    const code = error instanceof LogVerificationError ? ` ${error.code}` : '';
    throw new CaseFailure(
      `the checkpoint does not verify under the advertised key:${code} ${(error as Error).message}`,
    );
  }
}

/** The proof hashes of a proof response, checked to be canonical base64 of 32 bytes. */
export function proofOf(json: unknown, what: string): Uint8Array[] {
  const proof = (json as { proof?: unknown } | undefined)?.proof;
  try {
    return decodeProof(proof);
  } catch (error) {
    throw new CaseFailure(`${what}: ${(error as Error).message}`);
  }
}

export const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
export const unb64 = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

/** A tlog-tiles path element for tile index n. */
export function tileIndexPath(n: number): string {
  const groups: string[] = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** Raw bytes of a GET (tiles are binary; the suite's Http reads text). */
export async function getBytes(
  ctx: Context,
  path: string,
): Promise<{ status: number; bytes: Uint8Array; headers: Headers }> {
  const res = await fetch(ctx.suite.target.replace(/\/+$/, '') + path, {
    signal: AbortSignal.timeout(ctx.suite.timeoutMs),
  });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()), headers: res.headers };
}
