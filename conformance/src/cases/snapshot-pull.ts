/** Pulling a node's snapshot as a client must (spec/snapshot.md §6): the snapshot profile's cases share it. */
import {
  type Checkpoint,
  loadSnapshot,
  type OfflineSnapshot,
  parseVerifierKey,
  type SnapshotInput,
  schemas,
} from '@kyodaku/client';
import type { Context } from '../context.ts';
import { check, equal, expectJson } from '../expect.ts';
import { CaseFailure } from '../outcome.ts';

/** GET /v1/snapshot, verified with every filter file; fails the case on anything a client refuses. */
export async function pull(ctx: Context): Promise<{
  snapshot: OfflineSnapshot;
  checkpoint: Checkpoint;
  input: SnapshotInput;
  /** The filter files by SHA-256, as a client keeps them (the base of a later delta). */
  files: Map<string, Uint8Array>;
}> {
  const res = await ctx.http.get('/v1/snapshot');
  const input = expectJson(res, 200, schemas.SnapshotResponse, 'GET /v1/snapshot (REQ-SNAP-002)');
  const log = ctx.suite.wellKnown.log;
  check(log !== undefined, 'the metadata has no log verifier key');
  const files = new Map<string, Uint8Array>();
  try {
    const loaded = await loadSnapshot(
      input,
      { nodeKey: ctx.suite.wellKnown.node.key, verifier: parseVerifierKey(log.verifier_key) },
      async (ref) => {
        const file = await ctx.http.get(ref.url);
        equal(file.status, 200, `GET ${ref.url} (REQ-SNAP-008)`);
        files.set(ref.sha256, file.bytes);
        return file.bytes;
      },
      ctx.time(),
    );
    return { ...loaded, input, files };
  } catch (error) {
    throw new CaseFailure(`the snapshot does not verify: ${(error as Error).message}`);
  }
}

/** Pulls until the snapshot covers the log up to `size` (the node rebuilds on request, REQ-SNAP-007). */
export async function pullCovering(ctx: Context, size: number) {
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < 100; i++) {
    const pulled = await pull(ctx);
    if (pulled.snapshot.manifest.evaluated_at[0]!.size >= size) return pulled;
    if (Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new CaseFailure(`no snapshot covered the log up to size ${size} within 20 s (REQ-SNAP-007)`);
}
