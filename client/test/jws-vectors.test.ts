/** Signed objects and hostile JWS from spec/vectors (REQ-SIG-*), through the public verify functions. */
import { describe, expect, it } from 'vitest';
import {
  type ErrorCode,
  KyodakuError,
  type ObjectKind,
  objectIdOf,
  type PrivateJwk,
  publicJwkOf,
  verifyObject,
  verifyParty,
} from '../src/index.ts';
import { readJson, SPEC_VECTORS } from './helpers/vectors.ts';

interface TestKeyFile {
  keys: Array<{ name: string; kid: string; jwk: PrivateJwk }>;
}
const keys = new Map(readJson<TestKeyFile>(SPEC_VECTORS, 'test-keys.json').keys.map((k) => [k.name, k]));

function resolverFor(name: string) {
  const key = keys.get(name)!;
  return (kid: string) => {
    if (kid !== key.kid) throw new KyodakuError('ERR_JWS_KID', 'kid is not bound to the issuer');
    return publicJwkOf(key.jwk);
  };
}

function verify(kind: ObjectKind, jws: string, keyName: string) {
  return kind === 'party' ? verifyParty(jws) : verifyObject(jws, kind, resolverFor(keyName));
}

interface ObjectVector {
  tcId: number;
  comment: string;
  input: { kind: ObjectKind; signer: string; jws: string };
  output: { id: string; header: unknown; payload: unknown };
}

describe('spec/vectors/objects.json', () => {
  const { tests } = readJson<{ tests: ObjectVector[] }>(SPEC_VECTORS, 'objects.json');
  it.each(tests)('$tcId $comment', async ({ input, output }) => {
    const verified = await verify(input.kind, input.jws, input.signer);
    expect(verified.id).toBe(output.id);
    expect(await objectIdOf(input.jws)).toBe(output.id);
    expect(verified.header).toEqual(output.header);
    expect(verified.payload).toEqual(output.payload);
  });
});

interface RejectionVector {
  tcId: number;
  comment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  input: { kind: ObjectKind; key: string; jws: string };
  error?: ErrorCode;
  problem?: string;
}

describe('spec/vectors/jws-rejections.json', () => {
  const { tests } = readJson<{ tests: RejectionVector[] }>(SPEC_VECTORS, 'jws-rejections.json');

  it('covers every failure of the verification order', () => {
    const codes = new Set(tests.map((t) => t.error).filter(Boolean));
    for (const code of [
      'ERR_TOO_LARGE',
      'ERR_JWS_INVALID',
      'ERR_JWS_HEADER',
      'ERR_JWS_ALG',
      'ERR_JWS_TYP',
      'ERR_JWS_KID',
      'ERR_SIGNATURE',
      'ERR_PAYLOAD_UTF8',
      'ERR_PAYLOAD_JSON',
      'ERR_PAYLOAD_NONCANONICAL',
      'ERR_JSON_TOO_COMPLEX',
      'ERR_SCHEMA',
      'ERR_KEY_INVALID',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it.each(tests)('$tcId $comment ($result)', async ({ input, result, error, problem }) => {
    if (result !== 'invalid') {
      await expect(verify(input.kind, input.jws, input.key)).resolves.toMatchObject({ kind: input.kind });
      return;
    }
    const failure = await verify(input.kind, input.jws, input.key).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(KyodakuError);
    expect((failure as KyodakuError).code).toBe(error);
    expect((failure as KyodakuError).problemType).toBe(problem);
  });
});

describe('hostile values that are not strings', () => {
  it.each([undefined, null, 42, {}, [], Buffer.from('a.b.c')])(
    'rejects %s with ERR_JWS_INVALID',
    async (value) => {
      await expect(verifyObject(value, 'record', resolverFor('publisher'))).rejects.toMatchObject({
        code: 'ERR_JWS_INVALID',
      });
    },
  );
});
