/** Decisions for one item (http-api.md §5.1, kyodaku.md §7, §8). */
import { PURPOSE_LEAVES, PURPOSES, type RecordInput, schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../case.ts';
import { type Context, decisionPath, type Published } from '../context.ts';
import { check, equal, expectJson, expectProblem } from '../expect.ts';

/** Common terms and others for one leaf (kyodaku.md §7.3, "Terms per purpose"). */
const PER_PURPOSE = {
  attribution: { required: true },
  compensation: { model: 'free' as const },
  by_purpose: {
    'generate.character': {
      compensation: { model: 'per-use' as const, currency: 'JPY', amount: '80', unit: 'image' },
      territory: ['JP'],
    },
  },
};

const CONDITIONS = {
  attribution: { required: true },
  compensation: { model: 'per-use' as const, currency: 'JPY', amount: '50' },
};

type WorkType = RecordInput['work']['type'];

/** Publishes a record of the shared publisher that names a fresh work id; returns both. */
async function publishForNewWork(
  ctx: Context,
  input: Omit<Partial<RecordInput>, 'work'>,
  type: WorkType = 'work',
): Promise<{ work: string; record: Published }> {
  const p = await ctx.sharedParty('publisher');
  const work = ctx.workId();
  const record = await ctx.publishRecord(p, { work: { type, ids: [work] }, ...input });
  return { work, record };
}

/** The members of the decision that `expected` names must equal it (the others are not checked). */
function expectMembers(
  d: schemas.DecisionResponse,
  expected: Partial<schemas.DecisionResponse>,
  what: string,
) {
  const actual = Object.fromEntries(Object.keys(expected).map((k) => [k, d[k as keyof typeof d]]));
  equal(actual, expected, what);
}

/**
 * One record names a fresh work with one value for the purpose asked: the answer is that value with
 * its reason, and names the record. `answer` gives the members the decision must have.
 */
const ONE_RECORD: {
  id: string;
  requirements: string[];
  title: string;
  type?: WorkType;
  publish: Omit<Partial<RecordInput>, 'work'>;
  purpose: string;
  answer(work: string, record: string): Partial<schemas.DecisionResponse>;
}[] = [
  {
    id: 'core-decide-allow',
    requirements: ['REQ-DECIDE-007', 'REQ-QUERY-001'],
    title: 'allow: decision allow, reason granted, records names the record',
    publish: { purposes: { 'train.genai': 'allow' } },
    purpose: 'train.genai',
    answer: (work, record) => ({
      decision: 'allow',
      reasons: ['granted'],
      records: [record],
      disputed: false,
      ids: [work],
      purpose: 'train.genai',
    }),
  },
  {
    id: 'core-decide-deny',
    requirements: ['REQ-DECIDE-007', 'REQ-QUERY-001'],
    title: 'deny: decision deny, reason denied, records names the record',
    publish: { purposes: { 'train.genai': 'deny' } },
    purpose: 'train.genai',
    answer: (_, record) => ({ decision: 'deny', reasons: ['denied'], records: [record] }),
  },
  {
    id: 'core-decide-conditional',
    requirements: ['REQ-DECIDE-006', 'REQ-DECIDE-007'],
    title: 'conditional: the answer carries the conditions with the record id',
    type: 'character',
    publish: { purposes: { 'generate.character': 'conditional' }, conditions: CONDITIONS },
    purpose: 'generate.character',
    answer: (_, record) => ({
      decision: 'conditional',
      reasons: ['conditional'],
      records: [record],
      conditions: [{ record, conditions: CONDITIONS }],
    }),
  },
  {
    id: 'core-decide-conditions-per-purpose',
    requirements: ['REQ-DECIDE-006'],
    title: 'terms per purpose: the answer carries the conditions the record gives for the leaf asked',
    type: 'character',
    publish: { purposes: { all: 'conditional' }, conditions: PER_PURPOSE },
    purpose: 'generate.character',
    answer: (_, record) => ({
      decision: 'conditional',
      reasons: ['conditional'],
      records: [record],
      conditions: [
        {
          record,
          conditions: { attribution: { required: true }, ...PER_PURPOSE.by_purpose['generate.character'] },
        },
      ],
    }),
  },
  {
    id: 'core-decide-conditions-common',
    requirements: ['REQ-DECIDE-006'],
    title: 'terms per purpose: a leaf no by_purpose entry covers gets the common conditions',
    type: 'character',
    publish: { purposes: { all: 'conditional' }, conditions: PER_PURPOSE },
    purpose: 'search',
    answer: (_, record) => ({
      decision: 'conditional',
      reasons: ['conditional'],
      records: [record],
      conditions: [
        { record, conditions: { attribution: { required: true }, compensation: { model: 'free' } } },
      ],
    }),
  },
];

export const decisionCases: Case[] = defineCases([
  {
    id: 'core-decide-default-deny',
    requirements: ['REQ-PURPOSE-001', 'REQ-DECIDE-001', 'REQ-QUERY-001'],
    level: 'MUST',
    profile: 'core',
    title: 'an identifier with no record is deny / no-record for every purpose and group',
    async run(ctx) {
      const id = ctx.workId('nobody');
      for (const purpose of PURPOSES) {
        const d = await ctx.decision(id, purpose);
        equal(
          [d.decision, d.reasons, d.records, d.disputed],
          ['deny', ['no-record'], [], false],
          `decision for ${purpose}`,
        );
      }
    },
  },
  {
    id: 'core-decide-reflects-acknowledged',
    requirements: ['REQ-API-094'],
    level: 'MUST',
    profile: 'core',
    title: 'a decision reflects an acknowledged record within 5 seconds of the acknowledgement',
    async run(ctx) {
      const { work, record } = await publishForNewWork(ctx, { purposes: { 'train.genai': 'allow' } });
      const acknowledged = Date.now();
      let d = await ctx.decision(work, 'train.genai');
      while (d.decision !== 'allow' && Date.now() - acknowledged < 5000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        d = await ctx.decision(work, 'train.genai');
      }
      expectMembers(d, { decision: 'allow', records: [record.id] }, 'decision 5 s after the acknowledgement');
    },
  },
  ...ONE_RECORD.map(
    ({ id, requirements, title, type, publish, purpose, answer }): Case => ({
      id,
      requirements,
      level: 'MUST',
      profile: 'core',
      title,
      async run(ctx) {
        const { work, record } = await publishForNewWork(ctx, publish, type);
        expectMembers(await ctx.decision(work, purpose), answer(work, record.id), 'decision');
      },
    }),
  ),
  {
    id: 'core-decide-purpose-inheritance',
    requirements: ['REQ-PURPOSE-002'],
    level: 'MUST',
    profile: 'core',
    title: 'a leaf takes its own value, else its group, else all; a silent record is deny / not-granted',
    async run(ctx) {
      const { work } = await publishForNewWork(ctx, {
        purposes: { all: 'conditional', train: 'allow', 'train.finetune': 'deny' },
        conditions: CONDITIONS,
      });
      const expected: Record<string, string> = {
        'train.genai': 'allow',
        'train.finetune': 'deny',
        'train.nongen': 'allow',
        search: 'conditional',
        'generate.voice': 'conditional',
      };
      for (const [leaf, value] of Object.entries(expected))
        equal((await ctx.decision(work, leaf)).decision, value, `decision for ${leaf}`);
      const { work: silent } = await publishForNewWork(ctx, { purposes: { train: 'allow' } });
      const d = await ctx.decision(silent, 'search');
      equal(
        [d.decision, d.reasons],
        ['deny', ['not-granted']],
        'decision for a purpose the record is silent on',
      );
    },
  },
  {
    id: 'core-decide-group',
    requirements: ['REQ-QUERY-004', 'REQ-DECIDE-008'],
    level: 'MUST',
    profile: 'core',
    title: 'a group query answers every leaf in `leaves` and the most restrictive leaf value',
    async run(ctx) {
      const { work } = await publishForNewWork(ctx, {
        purposes: {
          train: 'allow',
          'train.nongen': 'conditional',
          input: 'allow',
          generate: 'allow',
          'generate.style': 'deny',
        },
        conditions: CONDITIONS,
      });
      const train = await ctx.decision(work, 'train');
      equal(
        Object.keys(train.leaves ?? {}).sort(),
        ['train.finetune', 'train.genai', 'train.nongen'],
        'leaves of train',
      );
      equal(train.decision, 'conditional', 'decision for train (allow, allow, conditional)');
      equal(train.leaves?.['train.nongen']?.decision, 'conditional', 'leaf train.nongen');
      const input = await ctx.decision(work, 'input');
      equal(input.decision, 'allow', 'decision for input (all leaves allow)');
      const generate = await ctx.decision(work, 'generate');
      equal(generate.decision, 'deny', 'decision for generate (generate.style denies)');
      const all = await ctx.decision(work, 'all');
      equal(Object.keys(all.leaves ?? {}).sort(), [...PURPOSE_LEAVES].sort(), 'leaves of all');
      equal(all.decision, 'deny', 'decision for all (tdm and search are silent)');
      equal(all.leaves?.tdm?.reasons, ['not-granted'], 'reasons of the silent leaf tdm');
    },
  },
  {
    id: 'core-decide-newest-of-issuer',
    requirements: ['REQ-DECIDE-004', 'REQ-DECIDE-007'],
    level: 'MUST',
    profile: 'core',
    title: 'among records of one issuer (no supersedes), the newest issued_at decides',
    async run(ctx) {
      const p = await ctx.party();
      const work = ctx.workId();
      const newer = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'deny' },
        issued_at: ctx.time(-100),
      });
      await ctx.publishRecord(p, {
        work: { type: 'work', ids: [work] },
        purposes: { train: 'allow' },
        issued_at: ctx.time(-200),
      });
      const d = await ctx.decision(work, 'train.genai');
      equal([d.decision, d.records, d.disputed], ['deny', [newer.id], false], 'decision');
    },
  },
  {
    id: 'core-decide-tie-greater-id',
    requirements: ['REQ-DECIDE-009', 'REQ-DECIDE-004', 'REQ-DECIDE-007'],
    level: 'MUST',
    profile: 'core',
    title:
      'two records of one issuer with the same issued_at: the greater object id decides, whichever the node received first',
    async run(ctx) {
      const p = await ctx.party();
      const issuedAt = ctx.time(-150);
      for (const greaterFirst of [true, false]) {
        const work = ctx.workId('tie');
        const [a, b] = await Promise.all(
          (['allow', 'deny'] as const).map(async (value) => ({
            value,
            ...(await ctx.signRecord(p, {
              work: { type: 'work', ids: [work] },
              purposes: { train: value },
              issued_at: issuedAt,
            })),
          })),
        );
        const [greater, lesser] = a!.id > b!.id ? [a!, b!] : [b!, a!];
        for (const r of greaterFirst ? [greater, lesser] : [lesser, greater]) {
          expectJson(await ctx.post('/v1/records', r.jws), 201, schemas.RecordView, 'publishing a record');
        }
        const d = await ctx.decision(work, 'train.genai');
        equal(
          [d.decision, d.records, d.disputed],
          [greater.value, [greater.id], false],
          `decision when the record with the ${greaterFirst ? 'greater' : 'lesser'} id was received first (REQ-DECIDE-009)`,
        );
      }
    },
  },
  {
    id: 'core-decide-disputed',
    requirements: ['REQ-DECIDE-005', 'REQ-DECIDE-007'],
    level: 'MUST',
    profile: 'core',
    title: 'two issuers claim one work: the most restrictive answer, marked disputed',
    async run(ctx) {
      const a = await ctx.party();
      const b = await ctx.party();
      const work = ctx.workId();
      const ra = await ctx.publishRecord(a, {
        work: { type: 'work', ids: [work] },
        purposes: { all: 'allow' },
      });
      const rb = await ctx.publishRecord(b, {
        work: { type: 'work', ids: [work] },
        purposes: { all: 'conditional' },
        conditions: CONDITIONS,
      });
      const d = await ctx.decision(work, 'search');
      equal([d.decision, d.disputed], ['conditional', true], 'decision');
      check(d.reasons.includes('disputed'), `reasons ${JSON.stringify(d.reasons)} lack "disputed"`);
      equal([...d.records].sort(), [ra.id, rb.id].sort(), 'records');
      equal(d.conditions, [{ record: rb.id, conditions: CONDITIONS }], 'conditions');
    },
  },
  {
    id: 'core-decide-several-ids',
    requirements: ['REQ-QUERY-005', 'REQ-ID-005', 'REQ-ID-003'],
    level: 'MUST',
    profile: 'core',
    title:
      'several ids of one item: answered in normalized form and order; a record naming any of them counts',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const sha = Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join(
        '',
      );
      const url = `${ctx.urlBase()}page`;
      await ctx.publishRecord(p, {
        work: { type: 'work', ids: [`sha256:${sha}`] },
        purposes: { train: 'allow' },
      });
      const d = await ctx.decision([url, `sha256:${sha.toUpperCase()}`], 'train.genai');
      equal(d.ids, [url, `sha256:${sha}`], 'ids');
      equal(d.decision, 'allow', 'decision');
    },
  },
  {
    id: 'core-decide-url-prefix',
    requirements: ['REQ-ID-016', 'REQ-ID-015'],
    level: 'MUST',
    profile: 'core',
    title: 'a url prefix pattern matches URLs that start with it, and nothing else',
    async run(ctx) {
      const p = await ctx.sharedParty('publisher');
      const base = ctx.urlBase();
      await ctx.publishRecord(p, { work: { type: 'work', ids: [`${base}*`] }, purposes: { train: 'allow' } });
      equal(
        (await ctx.decision(`${base}chapter/1`, 'train.genai')).decision,
        'allow',
        'a URL under the prefix',
      );
      equal(
        (await ctx.decision(`${base.slice(0, -1)}x/1`, 'train.genai')).decision,
        'deny',
        'a URL outside the prefix',
      );
    },
  },
  {
    id: 'core-decide-at',
    requirements: ['REQ-QUERY-003', 'REQ-DECIDE-003'],
    level: 'MUST',
    profile: 'core',
    title: '`at` given is answered as given; a record issued later than `at` does not count',
    async run(ctx) {
      const { work } = await publishForNewWork(ctx, {
        purposes: { train: 'allow' },
        issued_at: ctx.time(-30),
        valid_from: ctx.time(-30),
      });
      const at = ctx.time(600);
      const d = await ctx.decision(work, 'train.genai', at);
      equal([d.at, d.decision], [at, 'allow'], 'decision at a later time');
    },
  },
  {
    id: 'core-decide-backdated',
    requirements: ['REQ-DECIDE-010', 'REQ-DECIDE-011', 'REQ-DECIDE-003', 'REQ-QUERY-003'],
    level: 'MUST',
    profile: 'core',
    title:
      'a backdated revocation, superseding record or record does not change the answer for a time before the node logged it',
    async run(ctx) {
      const p = await ctx.party();
      const revoked = ctx.workId();
      const superseded = ctx.workId();
      const late = ctx.workId();
      const r = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [revoked] },
        purposes: { train: 'allow' },
      });
      const s = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [superseded] },
        purposes: { train: 'allow' },
      });
      // Both counted from when the node logged them; at that time the issuer was attested.
      const at = s.view.received_at > r.view.received_at ? s.view.received_at : r.view.received_at;
      equal((await ctx.decision(revoked, 'train.genai', at)).decision, 'allow', 'decision at T');
      equal((await ctx.decision(superseded, 'train.genai', at)).decision, 'allow', 'decision at T');
      equal((await ctx.decision(late, 'train.genai', at)).decision, 'deny', 'decision at T, no record');
      // The node's clock has reached T; a second later, whatever it logs is logged after T.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      // Issued (so they say) two minutes before T: before the record they revoke or supersede was logged.
      await ctx.revokeRecord(p, r.id, ctx.time(-110));
      const successor = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [superseded] },
        purposes: { train: 'deny' },
        supersedes: s.id,
        issued_at: ctx.time(-110),
      });
      const backdated = await ctx.publishRecord(p, {
        work: { type: 'work', ids: [late] },
        purposes: { train: 'allow' },
        issued_at: ctx.time(-110),
      });
      check(
        backdated.view.received_at > at && successor.view.received_at > at,
        `objects published after T were logged at ${backdated.view.received_at}, not after T = ${at}`,
      );
      const again = await ctx.decision(revoked, 'train.genai', at);
      equal([again.decision, again.records], ['allow', [r.id]], 'decision at T after a backdated revocation');
      const kept = await ctx.decision(superseded, 'train.genai', at);
      equal([kept.decision, kept.records], ['allow', [s.id]], 'decision at T after a backdated successor');
      expectMembers(
        await ctx.decision(late, 'train.genai', at),
        { decision: 'deny', reasons: ['no-record'], records: [] },
        'decision at T after a backdated record was logged',
      );
      equal((await ctx.decision(revoked, 'train.genai')).decision, 'deny', 'decision now, revoked');
      equal((await ctx.decision(superseded, 'train.genai')).decision, 'deny', 'decision now, superseded');
      equal((await ctx.decision(late, 'train.genai')).decision, 'allow', 'decision now, backdated record');
    },
  },
  {
    id: 'core-decide-bad-parameters',
    requirements: ['REQ-QUERY-002', 'REQ-PURPOSE-003'],
    refuses: ['REQ-QUERY-002', 'REQ-PURPOSE-003'],
    level: 'MUST',
    profile: 'core',
    title:
      'missing or unknown purpose, missing or invalid id, malformed `at`: each refused with its problem type',
    async run(ctx) {
      const id = ctx.workId();
      expectProblem(await ctx.http.get(decisionPath(id, undefined)), 'unknown-purpose');
      expectProblem(await ctx.http.get(decisionPath(id, 'train.everything')), 'unknown-purpose');
      expectProblem(await ctx.http.get(decisionPath(id, 'TRAIN')), 'unknown-purpose');
      expectProblem(await ctx.http.get(decisionPath([], 'train')), 'invalid-identifier');
      expectProblem(await ctx.http.get(decisionPath('isbn:123', 'train')), 'invalid-identifier');
      for (const at of ['2026-01-01', '2026-01-01T00:00:00.5Z', '2026-01-01T09:00:00+09:00', 'yesterday']) {
        expectProblem(await ctx.http.get(decisionPath(id, 'train', at)), 'invalid-request');
      }
    },
  },
  {
    id: 'core-decide-limits',
    requirements: ['REQ-QUERY-005'],
    refuses: ['REQ-QUERY-005'],
    level: 'MUST',
    profile: 'core',
    title:
      'more than 100 ids or more than one `at` is invalid-request; more than one purpose is unknown-purpose',
    async run(ctx) {
      const ids = Array.from(
        { length: 101 },
        (_, i) => `kyodaku:conformance.test/${ctx.suite.runId}/many-${i}`,
      );
      expectProblem(await ctx.http.get(decisionPath(ids, 'train')), 'invalid-request');
      const hundred = await ctx.decision(ids.slice(0, 100), 'train');
      equal(hundred.ids.length, 100, 'ids of a query with 100 ids');
      const at = ctx.time();
      expectProblem(
        await ctx.http.get(`${decisionPath(ctx.workId(), 'train', at)}&at=${at}`),
        'invalid-request',
      );
      expectProblem(
        await ctx.http.get(`${decisionPath(ctx.workId(), 'train')}&purpose=search`),
        'unknown-purpose',
      );
    },
  },
]);
