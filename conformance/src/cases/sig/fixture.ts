/**
 * What the hostile JWS cases on the record endpoint share: a valid signed record of a victim party
 * (not published), JWS built from its parts, and a case that posts one and expects it refused with
 * nothing stored.
 */
import { objectIdOf } from '@kyodaku/client';
import type { Case } from '../../case.ts';
import type { Context, TestParty } from '../../context.ts';
import { check, expectProblem } from '../../expect.ts';
import { bytesOf, craftJws, sortDeep, splitJws } from '../../jws-craft.ts';

export const RECORD_TYP = 'kyodaku-record+jws';

export interface Fixture {
  ctx: Context;
  victim: TestParty;
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** A valid signed record (not published) of the victim. */
  valid: string;
}

export async function fixture(ctx: Context): Promise<Fixture> {
  const victim = await ctx.sharedParty('sig-victim');
  const valid = await ctx.signRecord(victim, { purposes: { all: 'allow' } });
  const payload = JSON.parse(Buffer.from(splitJws(valid.jws)[1], 'base64url').toString('utf8'));
  return {
    ctx,
    victim,
    header: { alg: 'Ed25519', kid: victim.kid, typ: RECORD_TYP },
    payload,
    valid: valid.jws,
  };
}

/** Posts a hostile JWS to /v1/records, expects the problem, and checks that nothing was stored. */
async function refused(ctx: Context, jws: string | Uint8Array, types: string[]): Promise<void> {
  const res = await ctx.post('/v1/records', jws);
  expectProblem(res, ...types);
  if (typeof jws === 'string') await ctx.expectNotStored(`/v1/records/${await objectIdOf(jws)}`);
}

export function hostile(
  id: string,
  requirements: string[],
  title: string,
  types: string[],
  build: (f: Fixture) => Promise<string | Uint8Array>,
): Case {
  return {
    id,
    requirements: [...requirements, 'REQ-API-011', 'REQ-ERR-001'],
    refuses: [...requirements, 'REQ-API-011'],
    level: 'MUST',
    profile: 'core',
    title,
    async run(ctx) {
      const f = await fixture(ctx);
      await refused(ctx, await build(f), types);
    },
  };
}

/** A JWS with the fixture's payload and the given header, signed by the victim's key. */
export const withHeader = (f: Fixture, header: Record<string, unknown> | string) =>
  craftJws({ header, payload: f.payload, signer: f.victim.signer });

/** A JWS with the fixture's header and the given payload bytes, signed by the victim's key. */
export const withPayload = (f: Fixture, payload: Record<string, unknown> | string | Uint8Array) =>
  craftJws({ header: f.header, payload, signer: f.victim.signer });

/** The canonical payload text with `replace` applied at the first occurrence of `find`. */
export function payloadText(f: Fixture, find: string, replace: string): string {
  const text = JSON.stringify(sortDeep(f.payload));
  check(text.includes(find), `internal: "${find}" not in the payload`);
  return text.replace(find, replace);
}

/** Bytes of the canonical payload with raw bytes spliced in place of `marker`. */
export function payloadBytes(f: Fixture, marker: string, raw: number[]): Uint8Array {
  const text = payloadText(f, '"kind":"record"', `"kind":"record","x":"${marker}"`);
  const [before, after] = text.split(marker) as [string, string];
  return new Uint8Array([...bytesOf(before), ...raw, ...bytesOf(after)]);
}
