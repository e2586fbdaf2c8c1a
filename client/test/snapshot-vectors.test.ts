/** Snapshot filters (spec/snapshot.md §4) against spec/vectors/snapshot-filters.json. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fuseContains, murmur3, parseFilterFile } from '../src/index.ts';

interface Vector {
  tcId: number;
  comment: string;
  flags: string[];
  input: { bytes?: string; seed?: number; file?: string; queries?: Array<{ id: string; positive: boolean }> };
  output: unknown;
  result: 'valid' | 'invalid';
}

const file = JSON.parse(
  readFileSync(new URL('../../spec/vectors/snapshot-filters.json', import.meta.url), 'utf8'),
) as { tests: Vector[] };

describe('spec/vectors/snapshot-filters.json', () => {
  for (const v of file.tests) {
    it(`${v.tcId}: ${v.comment}`, () => {
      if (v.flags.includes('murmur3')) {
        expect(murmur3(Buffer.from(v.input.bytes!, 'hex'), v.input.seed!)).toBe(v.output);
        return;
      }
      const bytes = Buffer.from(v.input.file!, 'base64');
      if (v.result === 'invalid') {
        expect(() => parseFilterFile(bytes)).toThrowError(
          expect.objectContaining({ code: 'ERR_SNAPSHOT_INVALID' }),
        );
        return;
      }
      const { filter, patterns } = parseFilterFile(bytes);
      expect({ patterns, keys: filter.keyCount }).toEqual(v.output);
      for (const q of v.input.queries!) expect(fuseContains(filter, q.id), q.id).toBe(q.positive);
    });
  }
  it('holds positives for every identifier a filter was built from', () => {
    const built = file.tests.find(
      (v) => v.flags.includes('filter') && (v.output as { keys: number }).keys > 0,
    )!;
    expect(built.input.queries!.filter((q) => q.positive).length).toBeGreaterThanOrEqual(5);
  });
});
