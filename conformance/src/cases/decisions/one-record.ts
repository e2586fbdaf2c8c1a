/**
 * Decisions on what one record says (kyodaku.md §7, §8): default deny, an acknowledged record
 * counting within seconds, each value with its reason and terms, purposes inherited down the tree
 * and asked as a group.
 */
import { PURPOSE_LEAVES, PURPOSES, type RecordInput, type schemas } from '@kyodaku/client';
import { type Case, defineCases } from '../../case.ts';
import { equal } from '../../expect.ts';
import { CONDITIONS, expectMembers, PER_PURPOSE, publishForNewWork, type WorkType } from './support.ts';

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

export const oneRecordDecisionCases: Case[] = defineCases([
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
]);
