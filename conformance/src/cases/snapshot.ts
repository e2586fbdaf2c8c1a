/**
 * The `snapshot` profile (spec/snapshot.md): the suite is the client. It fetches the manifest and
 * its checkpoint, verifies both and every filter file as a client must (REQ-SNAP-009), then checks
 * that the identifiers and patterns its own records allow are positive in their group, that the
 * identifiers they deny are negative (but for the filter's 2^-16 chance), and that a positive is
 * confirmed online by a batch decision with a receipt (REQ-SNAP-010).
 */
import { schemas, verifyReceipt } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';
import { snapshotDeltaCases } from './snapshot-delta.ts';
import { pull, pullCovering } from './snapshot-pull.ts';

const DAY_MS = 24 * 3600 * 1000;

export const snapshotCases: Case[] = defineCases([
  {
    id: 'snapshot-wk-profile',
    requirements: ['REQ-SNAP-001'],
    level: 'MUST',
    profile: 'snapshot',
    title: 'the metadata lists snapshot and the node answers GET /v1/snapshot',
    async run(ctx) {
      check(ctx.suite.wellKnown.profiles.includes('snapshot'), 'profiles lacks "snapshot"');
      expectJson(await ctx.http.get('/v1/snapshot'), 200, schemas.SnapshotResponse, 'GET /v1/snapshot');
    },
  },
  {
    id: 'snapshot-manifest',
    requirements: [
      'REQ-SNAP-002',
      'REQ-SNAP-003',
      'REQ-SNAP-005',
      'REQ-SNAP-007',
      'REQ-SNAP-008',
      'REQ-SNAP-009',
    ],
    level: 'MUST',
    profile: 'snapshot',
    title:
      'the manifest is signed by the node key, bound to a checkpoint of its log, fresh, and names filter files of the right size and hash',
    async run(ctx) {
      const { snapshot, checkpoint } = await pull(ctx);
      const m = snapshot.manifest;
      equal(m.node, ctx.suite.wellKnown.node.id, 'node (REQ-SNAP-002)');
      equal(checkpoint.origin, ctx.suite.wellKnown.log?.origin, 'the checkpoint origin (REQ-SNAP-003)');
      check(
        Date.parse(m.expires_at) - Date.parse(m.issued_at) <= DAY_MS,
        `expires_at ${m.expires_at} is more than 24 hours after issued_at ${m.issued_at} (REQ-SNAP-007)`,
      );
      check(
        m.expires_at > ctx.time(),
        `the node served a manifest that expired at ${m.expires_at} (REQ-SNAP-007)`,
      );
      const unknown = await ctx.http.get(`/v1/snapshot/filters/${'0'.repeat(64)}`);
      expectProblem(unknown, 'not-found');
    },
  },
  {
    id: 'snapshot-allowing-keys',
    requirements: ['REQ-SNAP-004', 'REQ-SNAP-006', 'REQ-SNAP-010'],
    level: 'MUST',
    profile: 'snapshot',
    title:
      'what records allow is positive in its group and confirmed online with a receipt; what they deny is negative',
    async run(ctx) {
      const party = await ctx.sharedParty('snapshot');
      const allowed = ctx.workId('snap-allow');
      const character = ctx.workId('snap-character');
      const base = ctx.urlBase();
      const denied = Array.from({ length: 20 }, () => ctx.workId('snap-deny'));
      const published = [
        await ctx.publishRecord(party, {
          work: { type: 'work', ids: [allowed] },
          purposes: { 'train.genai': 'allow' },
        }),
        await ctx.publishRecord(party, {
          work: { type: 'character', ids: [character] },
          purposes: { 'generate.character': 'conditional' },
          conditions: { attribution: { required: true } },
        }),
        await ctx.publishRecord(party, {
          work: { type: 'work', ids: [`${base}*`] },
          purposes: { search: 'allow' },
        }),
        await ctx.publishRecord(party, { work: { type: 'work', ids: denied }, purposes: { all: 'deny' } }),
      ];
      const size = Math.max(...published.map((p) => (p.view.log?.index ?? 0) + 1));
      const { snapshot } = await pullCovering(ctx, size);
      check(
        snapshot.mayAllow([allowed], 'train.genai'),
        `${allowed} (train.genai allowed) is negative (REQ-SNAP-004)`,
      );
      check(
        snapshot.mayAllow([character], 'generate.character'),
        `${character} (generate.character conditional) is negative (REQ-SNAP-004)`,
      );
      const url = `${base}page.html`;
      check(
        snapshot.mayAllow([url], 'search'),
        `${url} under an allowing pattern is negative (REQ-SNAP-004, REQ-SNAP-010)`,
      );
      check(
        !snapshot.mayAllow([allowed], 'tdm'),
        `${allowed} is positive for tdm, which no record allows (REQ-SNAP-006)`,
      );
      const falsePositives = denied.filter((id) => snapshot.mayAllow([id], 'train.genai'));
      check(
        falsePositives.length <= 1,
        `${falsePositives.length} of 20 denied identifiers are positive (a 2^-16 filter gives 0 or 1) (REQ-SNAP-006)`,
      );
      // A positive is confirmed online (REQ-SNAP-010), with a receipt.
      const nonce = ctx.nonce();
      const query = { ids: [allowed, url], purposes: ['train.genai', 'search'] };
      const res = await ctx.postJson('/v1/decisions', { ...query, receipt: { nonce } });
      const answer = expectJson(res, 200, schemas.BatchDecisionResponse, 'POST /v1/decisions');
      const decisions = answer.results.map((r) => ('decision' in r ? r.decision : 'error'));
      equal(decisions, ['allow', 'deny', 'deny', 'allow'], 'the confirmed decisions (id × purpose)');
      const receipt = (answer as { receipt?: unknown }).receipt;
      check(typeof receipt === 'string', 'the confirmation has no receipt');
      await verifyReceipt(receipt, ctx.suite.wellKnown.node.key, { nonce, query });
    },
  },
  ...snapshotDeltaCases,
]);
