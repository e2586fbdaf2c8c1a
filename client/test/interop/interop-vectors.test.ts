/** spec/vectors/interop.json: every foreign input reads as the leaf values the spec says, every export writes as it says. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cawgAssertionFor,
  combine,
  type LeafPermissions,
  permissionsOfTdm,
  preferenceFor,
  readCawgAssertion,
  readPreference,
  readRsl,
  readTdmHeaders,
  robotsLinesFor,
  tdmDeclarationFor,
  tdmHeadersFor,
} from '../../src/interop/index.ts';
import { PURPOSE_LEAVES, type PurposeLeaf } from '../../src/purposes.ts';

interface Vector {
  tcId: number;
  requirements: string[];
  comment: string;
  flags: string[];
  input: Record<string, unknown> & { direction: 'read' | 'write' | 'combine'; format?: string };
  result: 'valid' | 'invalid';
  expected?: unknown;
}

const file = JSON.parse(
  readFileSync(new URL('../../../spec/vectors/interop.json', import.meta.url), 'utf8'),
) as {
  numberOfTests: number;
  tests: Vector[];
};

function read(input: Vector['input']): { value: unknown; errors: unknown[] } {
  const text = input.text as string;
  switch (input.format) {
    case 'aipref':
      return readPreference(text);
    case 'tdm-headers': {
      const parsed = readTdmHeaders(input.reservation as string, input.policy as string | null);
      return { value: parsed.value && permissionsOfTdm(parsed.value), errors: parsed.errors };
    }
    case 'cawg': {
      const parsed = readCawgAssertion(text);
      return { value: parsed.value.permissions, errors: parsed.errors };
    }
    case 'rsl': {
      const parsed = readRsl(text);
      return {
        value: parsed.value.map((c) => ({ url: c.url, permissions: c.permissions })),
        errors: parsed.errors,
      };
    }
    default:
      throw new Error(`no reader for ${input.format}`);
  }
}

function write(input: Vector['input']): unknown {
  const leaves = input.leaves as LeafPermissions;
  switch (input.format) {
    case 'aipref':
      return preferenceFor(leaves);
    case 'robots':
      return robotsLinesFor(input.paths as string[], leaves);
    case 'tdm':
      return tdmHeadersFor(
        tdmDeclarationFor(leaves, (input.policy as string | undefined) ?? 'https://unused.example/'),
      );
    case 'cawg':
      return Object.fromEntries(
        Object.entries(cawgAssertionFor(leaves, 'https://terms.example/').data.entries).map(([k, v]) => [
          k,
          v.use,
        ]),
      );
    default:
      throw new Error(`no writer for ${input.format}`);
  }
}

describe('spec/vectors/interop.json', () => {
  it('counts its tests', () => expect(file.tests).toHaveLength(file.numberOfTests));
  for (const v of file.tests) {
    it(`tcId ${v.tcId}: ${v.comment} (${v.requirements.join(', ')})`, () => {
      if (v.input.direction === 'combine') {
        const given = v.input.registry as LeafPermissions;
        const registry = Object.fromEntries(
          PURPOSE_LEAVES.map((leaf) => [leaf, { decision: given[leaf] ?? 'deny', reasons: ['vector'] }]),
        ) as unknown as Parameters<typeof combine>[0];
        const signals = (v.input.signals as LeafPermissions[]).map((permissions, i) => ({
          source: `signal ${i + 1}`,
          said: 'vector',
          permissions,
        }));
        const verdicts = combine(registry, signals);
        const expected = v.expected as LeafPermissions;
        expect(
          Object.fromEntries(
            Object.keys(expected).map((leaf) => [leaf, verdicts[leaf as PurposeLeaf].decision]),
          ),
        ).toEqual(expected);
        return;
      }
      if (v.input.direction === 'write') {
        expect(write(v.input)).toEqual(v.expected);
        return;
      }
      const { value, errors } = read(v.input);
      if (v.result === 'invalid') {
        expect(errors.length).toBeGreaterThan(0);
        return;
      }
      expect(errors).toEqual([]);
      expect(value).toEqual(v.expected);
    });
  }
});
