/** Usage declarations and labels (spec/usage.md) against spec/vectors/usage.json. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkObject, KyodakuError, type PublicJwk, verifyLabel } from '../src/index.ts';
import { readJson, SPEC_VECTORS } from './helpers/vectors.ts';

interface UsageVector {
  tcId: number;
  comment: string;
  flags: string[];
  result: 'valid' | 'invalid';
  input: { jws?: string; manifest?: string; label?: string; revocation?: string; at?: string };
  output?: { id?: string; payload?: Record<string, unknown>; status?: string };
  problem?: string;
}

const { tests } = readJson<{ tests: UsageVector[] }>(SPEC_VECTORS, 'usage.json');
const keys = readJson<{ keys: Array<{ name: string; jwk: PublicJwk & { d?: string } }> }>(
  SPEC_VECTORS,
  'test-keys.json',
);
const node = keys.keys.find((k) => k.name === 'node')!.jwk;
const nodeKey: PublicJwk = { crv: 'Ed25519', kty: 'OKP', x: node.x };

describe('spec/vectors/usage.json', () => {
  it.each(tests.filter((t) => !t.flags.includes('label')))(
    'declaration $tcId $comment',
    ({ input, result, output, problem }) => {
      if (result === 'valid') {
        const checked = checkObject(input.jws, 'usage-declaration');
        expect(checked.payload).toEqual(output!.payload);
        if (input.manifest !== undefined) {
          const ref = checked.payload.manifest!;
          expect(createHash('sha256').update(input.manifest).digest('hex')).toBe(ref.sha256);
          expect(input.manifest.split('\n').length - 1).toBe(ref.count);
        }
      } else {
        let error: unknown;
        try {
          checkObject(input.jws, 'usage-declaration');
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(KyodakuError);
        expect((error as KyodakuError).problemType).toBe(problem);
      }
    },
  );

  it.each(tests.filter((t) => t.flags.includes('label')))(
    'label $tcId $comment',
    async ({ input, output }) => {
      const verdict = await verifyLabel(input.label!, nodeKey, input.at!, input.revocation).then(
        (v) => v.status,
        () => 'invalid',
      );
      expect(verdict).toBe(output!.status);
    },
  );
});
