/**
 * Snapshot deltas and the rebuild bound (spec/snapshot.md §7, REQ-SNAP-011..017): the suite holds a
 * snapshot as a client would, publishes records that allow, and asks for a delta from the snapshot
 * it holds; it verifies the delta as a client must (signature, chain, file) and checks that the base
 * with the delta applied answers positive for what the new records allow. Unknown, current and
 * malformed bases get the problems §7.3 names; a new allowing record reaches the snapshot within the
 * bound.
 */
import {
  type DeltaInput,
  loadSnapshotWithDelta,
  parseVerifierKey,
  schemas,
  snapshotIdOf,
} from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import { CaseFailure } from '../outcome.ts';
import { pull, pullCovering } from './snapshot-pull.ts';

/** REQ-SNAP-017's bound, and how often the suite looks meanwhile. */
const REBUILD_BOUND_MS = 60_000;
const POLL_MS = 1000;

export const snapshotDeltaCases: Case[] = defineCases([
  {
    id: 'snapshot-delta',
    requirements: [
      'REQ-SNAP-011',
      'REQ-SNAP-012',
      'REQ-SNAP-013',
      'REQ-SNAP-014',
      'REQ-SNAP-015',
      'REQ-SNAP-016',
    ],
    level: 'MUST',
    profile: 'snapshot',
    title:
      'a delta from a snapshot the client holds is signed, leads to the current manifest, and with it applied what new records allow is positive',
    async run(ctx) {
      const base = await pull(ctx);
      const party = await ctx.sharedParty('snapshot');
      const allowed = ctx.workId('snap-delta-allow');
      const prefix = ctx.urlBase();
      const published = [
        await ctx.publishRecord(party, {
          work: { type: 'work', ids: [allowed] },
          purposes: { train: 'allow' },
        }),
        await ctx.publishRecord(party, {
          work: { type: 'work', ids: [`${prefix}*`] },
          purposes: { tdm: 'allow' },
        }),
      ];
      await pullCovering(ctx, Math.max(...published.map((p) => (p.view.log?.index ?? 0) + 1)));
      const from = snapshotIdOf(base.input.snapshot);
      const res = await ctx.http.get(`/v1/snapshot/delta?from=${from}`);
      const input: DeltaInput = expectJson(
        res,
        200,
        schemas.SnapshotDeltaResponse,
        `GET /v1/snapshot/delta?from= a snapshot served moments ago (REQ-SNAP-012)`,
      );
      const log = ctx.suite.wellKnown.log;
      check(log !== undefined, 'the metadata has no log verifier key');
      let applied: Awaited<ReturnType<typeof loadSnapshotWithDelta>>;
      try {
        applied = await loadSnapshotWithDelta(
          base.input,
          input,
          { nodeKey: ctx.suite.wellKnown.node.key, verifier: parseVerifierKey(log.verifier_key) },
          async (ref) => base.files.get(ref.sha256)!,
          async (delta) => {
            const file = await ctx.http.get(delta.url);
            equal(file.status, 200, `GET ${delta.url} (REQ-SNAP-012)`);
            return file.bytes;
          },
          ctx.time(),
        );
      } catch (error) {
        throw new CaseFailure(
          `the delta does not verify: ${(error as Error).message} (REQ-SNAP-011, REQ-SNAP-013)`,
        );
      }
      const { snapshot } = applied;
      check(
        snapshot.mayAllow([allowed], 'train.genai'),
        `${allowed} (train allowed) is negative with the delta (REQ-SNAP-015)`,
      );
      check(
        !snapshot.mayAllow([allowed], 'search'),
        `${allowed} is positive for search, which no record allows (REQ-SNAP-015)`,
      );
      const url = `${prefix}page.html`;
      check(
        snapshot.mayAllow([url], 'tdm'),
        `${url} under a pattern the delta adds is negative (REQ-SNAP-015)`,
      );
    },
  },
  {
    id: 'snapshot-delta-unavailable',
    requirements: ['REQ-SNAP-012'],
    level: 'MUST',
    profile: 'snapshot',
    title: 'a delta from an unknown base or from the current snapshot is 404 not-found; a malformed base 400',
    async run(ctx) {
      expectProblem(await ctx.http.get(`/v1/snapshot/delta?from=${'0'.repeat(64)}`), 'not-found');
      const { input } = await pull(ctx);
      const current = await ctx.http.get(`/v1/snapshot/delta?from=${snapshotIdOf(input.snapshot)}`);
      // The node may have made a newer snapshot meanwhile: then a delta from this one is due.
      if (current.status !== 200) expectProblem(current, 'not-found');
      expectProblem(await ctx.http.get('/v1/snapshot/delta?from=xyz'), 'invalid-request');
      expectProblem(await ctx.http.get('/v1/snapshot/delta'), 'invalid-request');
      expectProblem(await ctx.http.get(`/v1/snapshot/deltas/${'0'.repeat(64)}`), 'not-found');
    },
  },
  {
    id: 'snapshot-rebuild-bound',
    requirements: ['REQ-SNAP-017'],
    level: 'MUST',
    profile: 'snapshot',
    title: 'once a snapshot was served, a newly published allowing record is in the snapshot within 60 s',
    async run(ctx) {
      await pull(ctx);
      const party = await ctx.sharedParty('snapshot');
      const allowed = ctx.workId('snap-rebuild');
      await ctx.publishRecord(party, {
        work: { type: 'work', ids: [allowed] },
        purposes: { input: 'allow' },
      });
      const deadline = Date.now() + REBUILD_BOUND_MS;
      for (let i = 0; i < REBUILD_BOUND_MS / POLL_MS + 1; i++) {
        if ((await pull(ctx)).snapshot.mayAllow([allowed], 'input')) return;
        if (Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      throw new CaseFailure(
        `${allowed} (input allowed) is not in the snapshot 60 s after it was published (REQ-SNAP-017)`,
      );
    },
  },
]);
