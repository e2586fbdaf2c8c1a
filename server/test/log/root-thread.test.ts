/**
 * The log root recomputed in a worker thread (log/root-thread.ts) is the root the tree builder
 * computes in the main thread, for sizes around page and power-of-two boundaries; a page that is
 * not whole hashes fails the check instead of answering a root.
 */
import { EMPTY_ROOT, leafHash, MerkleTreeBuilder } from '@kyodaku/client';
import { describe, expect, it } from 'vitest';
import { recomputeRootInThread } from '../../src/log/root-thread.ts';

function leaves(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));
}

async function* pages(hashes: Uint8Array[], perPage: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < hashes.length; at += perPage) {
    const page = hashes.slice(at, at + perPage);
    const bytes = new Uint8Array(32 * page.length);
    for (const [i, h] of page.entries()) bytes.set(h, 32 * i);
    yield bytes;
  }
}

describe('the log root thread', () => {
  it('answers the root of the main-thread builder, over pages of any size', async () => {
    for (const [n, perPage] of [
      [0, 5],
      [1, 5],
      [7, 3],
      [64, 64],
      [65, 10],
      [1000, 333],
    ] as const) {
      const hashes = leaves(n);
      const builder = new MerkleTreeBuilder();
      for (const h of hashes) builder.append(h);
      const root = await recomputeRootInThread(pages(hashes, perPage));
      expect(Buffer.from(root).toString('hex'), `${n} leaves`).toBe(
        Buffer.from(builder.root()).toString('hex'),
      );
    }
    expect(await recomputeRootInThread(pages([], 1))).toEqual(EMPTY_ROOT);
  });

  it('fails on a page that is not whole hashes, and when the pages cannot be read', async () => {
    async function* torn(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(33);
    }
    await expect(recomputeRootInThread(torn())).rejects.toThrow();
    async function* unreadable(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(32);
      throw new Error('log: leaf hashes missing in [1, 2)');
    }
    await expect(recomputeRootInThread(unreadable())).rejects.toThrow('leaf hashes missing');
  });
});
