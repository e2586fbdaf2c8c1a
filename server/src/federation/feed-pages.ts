/**
 * A peer's entries feed read a page at a time (spec/federation.md §5 steps 3 and 4): each page
 * fetched with the proof that places it in the checkpointed tree, and proven there by extending the
 * compact range the follower keeps.
 */
import { type Checkpoint, leafHash, MerkleTreeBuilder, verifyConsistency } from '@kyodaku/client';
import { PeerInconsistentError } from './checkpoint-acceptance.ts';
import type { PeerClient } from './peer-client.ts';

export interface FetchedPage {
  start: number;
  entries: Array<{ index: number; jws: string }>;
  proof: Uint8Array[];
}

/** The head of the followed log: the last index read and the compact range up to it. */
export interface FeedHead {
  cursor: number;
  peaks: Buffer;
}

function peaksOf(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < buf.length; i += 32) out.push(buf.subarray(i, i + 32));
  return out;
}

/**
 * Reads the page of at most `pageSize` entries from `start` and the proof that places it in the
 * checkpointed tree. A page that does not start at `start`, has a gap or a repeated index, or is
 * empty is a malformed answer (REQ-FED-023): it throws a plain error, so the follower backs off and
 * reads it again.
 */
export async function fetchPage(
  client: PeerClient,
  start: number,
  checkpoint: Checkpoint,
  pageSize: number,
): Promise<FetchedPage> {
  const want = Math.min(pageSize, checkpoint.size - start);
  const page = await client.entries(start - 1, want);
  if (page.entries.length === 0) throw new Error(`the peer served no entry after ${start - 1}`);
  const entries = page.entries.slice(0, want);
  entries.forEach((e, i) => {
    if (e.index !== start + i) {
      throw new Error(`the peer's feed is not contiguous: index ${e.index} where ${start + i} was expected`);
    }
  });
  const end = start + entries.length;
  const proof = end === checkpoint.size ? [] : await client.consistency(end, checkpoint.size);
  return { start, entries, proof };
}

/**
 * Proves a page in the checkpointed tree from the head before it and returns the head after it;
 * entries the checkpoint does not cover make the peer inconsistent (`entries-not-covered`).
 */
export function provePage(
  page: FetchedPage,
  head: FeedHead,
  checkpoint: Checkpoint,
  notes: { note: string; keptNote: string | null },
): FeedHead {
  const { start, entries } = page;
  if (start !== head.cursor + 1) throw new Error('pages out of order');
  const builder = MerkleTreeBuilder.restore(start, peaksOf(head.peaks));
  for (const e of entries) builder.append(leafHash(Buffer.from(e.jws, 'utf8')));
  const end = start + entries.length;
  const root = builder.root();
  const proven =
    end === checkpoint.size
      ? verifyConsistency(end, end, [], root, checkpoint.rootHash)
      : verifyConsistency(end, checkpoint.size, page.proof, root, checkpoint.rootHash);
  if (!proven) {
    throw new PeerInconsistentError(
      'entries-not-covered',
      `the entries ${start}..${end - 1} the peer served are not those of its signed log of size ${checkpoint.size}`,
      { kept: notes.keptNote, offending: notes.note },
    );
  }
  return { cursor: end - 1, peaks: Buffer.concat(builder.peaks) };
}
