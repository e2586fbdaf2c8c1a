/** Snapshot deltas (spec/snapshot.md §7) against spec/vectors/snapshot-deltas.json, through the client's own path. */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyGroupDelta,
  buildFuseFilter,
  type GroupFilter,
  keyHash64,
  OfflineSnapshot,
  parseDeltaFile,
  parseFilterFile,
  schemas,
} from '../src/index.ts';

interface Vector {
  tcId: number;
  comment: string;
  flags: string[];
  input: {
    id?: string;
    seedHi?: number;
    seedLo?: number;
    group?: schemas.SnapshotGroup;
    base?: string;
    delta?: string;
    queries?: Array<{ id: string; positive: boolean }>;
  };
  output: unknown;
  result: 'valid' | 'invalid';
}

const file = JSON.parse(
  readFileSync(new URL('../../spec/vectors/snapshot-deltas.json', import.meta.url), 'utf8'),
) as { tests: Vector[] };

const hex64 = (h: bigint) => h.toString(16).padStart(16, '0');

describe('spec/vectors/snapshot-deltas.json', () => {
  for (const v of file.tests) {
    it(`${v.tcId}: ${v.comment}`, () => {
      const { input } = v;
      if (v.flags.includes('key-hash')) {
        expect(hex64(keyHash64(input.id!, input.seedHi!, input.seedLo!))).toBe(v.output);
        return;
      }
      const delta = Buffer.from(input.delta!, 'base64');
      if (v.result === 'invalid') {
        expect(() => parseDeltaFile(delta)).toThrowError(
          expect.objectContaining({ code: 'ERR_SNAPSHOT_INVALID' }),
        );
        return;
      }
      const changes = parseDeltaFile(delta);
      const empty: GroupFilter = { filter: buildFuseFilter([]), patterns: [] };
      const groups = new Map(
        schemas.SNAPSHOT_GROUPS.map((g, i) => {
          const base = g === input.group ? parseFilterFile(Buffer.from(input.base!, 'base64')) : empty;
          return [g, applyGroupDelta(base, changes[i]!)] as const;
        }),
      );
      const section = changes.find((c) => c.group === input.group)!;
      expect({
        added: [...section.added].map(hex64),
        removed: [...section.removed].map(hex64),
        patterns: section.patternsAdded,
      }).toEqual(v.output);
      const snapshot = new OfflineSnapshot({} as schemas.Snapshot, groups);
      for (const q of input.queries!) expect(snapshot.mayAllow([q.id], input.group!), q.id).toBe(q.positive);
    });
  }
});

describe('parseDeltaFile on hostile bytes', () => {
  const valid = Buffer.from(file.tests.find((v) => v.flags.includes('delta'))!.input.delta!, 'base64');
  it('refuses every change of a valid file it cannot parse with ERR_SNAPSHOT_INVALID, never another error', () => {
    fc.assert(
      fc.property(
        fc.nat(valid.length - 1),
        fc.integer({ min: 1, max: 255 }),
        fc.nat(valid.length),
        (at, xor, cut) => {
          const bytes = Buffer.from(valid);
          bytes[at]! ^= xor;
          for (const candidate of [bytes, bytes.subarray(0, cut)]) {
            try {
              parseDeltaFile(candidate);
            } catch (error) {
              expect((error as { code?: string }).code).toBe('ERR_SNAPSHOT_INVALID');
            }
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('refuses counts that promise more key hashes than the bounds before reading them', () => {
    const huge = Buffer.from(valid);
    huge.writeUInt32LE(0xffffffff, 8);
    expect(() => parseDeltaFile(huge)).toThrowError(/more than 65536 key hashes/);
  });
});
