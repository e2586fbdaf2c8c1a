/**
 * Decision vectors (decisions.json): record states and a query, with the expected answer written
 * here by hand from spec/kyodaku.md §8. The generator refuses to write a case the code disagrees with.
 */
import type { ConsentRecord, DecisionQuery, Permission, Reason, RecordState } from '@kyodaku/client';
import { vectorFile } from './vector-file.ts';

const A = 'A'.repeat(43);
const B = 'B'.repeat(43);
const id = (n: number) => n.toString(16).padStart(64, '0');
const CHAR = 'kyodaku:seikai/hoshi-no-umi/char/aoi';
const URL = 'url:https://manga.example/hoshi-no-umi/vol1/p1.png';

function rec(
  n: number,
  over: Partial<ConsentRecord> & { ids?: string[] },
  state: Partial<RecordState> = {},
): RecordState {
  const { ids, ...rest } = over;
  return {
    id: id(n),
    record: {
      kind: 'record',
      v: 1,
      iss: A,
      work: { type: 'character', ids: ids ?? [CHAR] },
      purposes: { all: 'deny' },
      valid_from: '2026-01-01T00:00:00Z',
      issued_at: '2026-01-01T00:00:00Z',
      ...rest,
    },
    ...state,
  };
}

const terms = { compensation: { model: 'per-use' as const, currency: 'JPY', amount: '50' } };
const AT = '2026-06-01T00:00:00Z';

/** Common terms, other fees for training, and per-use fees and a territory for one leaf (§7.3). */
const perPurpose = {
  attribution: { required: true },
  compensation: { model: 'free' as const },
  by_purpose: {
    train: { compensation: { model: 'flat-fee' as const, currency: 'JPY', amount: '100000' } },
    'generate.character': { compensation: terms.compensation, territory: ['JP'] },
  },
};

interface Expected {
  decision: Permission;
  reasons: Reason[];
  records: string[];
  disputed: boolean;
  conditionsFrom?: string[];
  /** The conditions the answer carries, when the case is about which (kyodaku.md §7.3). */
  conditions?: Array<{ record: string; conditions: Record<string, unknown> }>;
  leaves?: Record<string, Permission>;
}

type Case = [
  comment: string,
  requirements: string[],
  records: RecordState[],
  query: Partial<DecisionQuery>,
  expected: Expected,
];

const cases: Case[] = [
  [
    'no record at all: deny',
    ['REQ-DECIDE-001', 'REQ-PURPOSE-001'],
    [],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'a record for another work does not count',
    ['REQ-DECIDE-001'],
    [rec(1, { ids: ['kyodaku:other'], purposes: { all: 'allow' } })],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'leaf allowed explicitly',
    ['REQ-PURPOSE-002', 'REQ-DECIDE-007'],
    [rec(1, { purposes: { 'train.genai': 'allow' } })],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'leaf inherits from its group',
    ['REQ-PURPOSE-002'],
    [rec(1, { purposes: { train: 'allow' } })],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'leaf inherits from all',
    ['REQ-PURPOSE-002'],
    [rec(1, { purposes: { all: 'allow' } })],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'leaf value overrides its group',
    ['REQ-PURPOSE-002'],
    [rec(1, { purposes: { train: 'allow', 'train.genai': 'deny' } })],
    {},
    { decision: 'deny', reasons: ['denied'], records: [id(1)], disputed: false },
  ],
  [
    'record silent on the purpose: deny, not-granted',
    ['REQ-PURPOSE-001', 'REQ-PURPOSE-002'],
    [rec(1, { purposes: { search: 'allow' } })],
    {},
    { decision: 'deny', reasons: ['not-granted'], records: [id(1)], disputed: false },
  ],
  [
    'conditional returns the conditions',
    ['REQ-DECIDE-006'],
    [rec(1, { purposes: { train: 'conditional' }, conditions: terms })],
    {},
    {
      decision: 'conditional',
      reasons: ['conditional'],
      records: [id(1)],
      disputed: false,
      conditionsFrom: [id(1)],
    },
  ],
  [
    'before valid_from the record does not count',
    ['REQ-DECIDE-003'],
    [rec(1, { purposes: { all: 'allow' }, valid_from: '2026-07-01T00:00:00Z' })],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'at valid_until the record has expired',
    ['REQ-DECIDE-003'],
    [rec(1, { purposes: { all: 'allow' }, valid_until: AT })],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'one second before valid_until it counts',
    ['REQ-DECIDE-003'],
    [rec(1, { purposes: { all: 'allow' }, valid_until: '2026-06-01T00:00:01Z' })],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'a record issued after the query time does not count',
    ['REQ-DECIDE-003'],
    [
      rec(1, {
        purposes: { all: 'allow' },
        issued_at: '2026-06-02T00:00:00Z',
        valid_from: '2026-01-01T00:00:00Z',
      }),
    ],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'revoked before the query time',
    ['REQ-DECIDE-003'],
    [rec(1, { purposes: { all: 'allow' } }, { revokedAt: '2026-05-01T00:00:00Z' })],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'revoked after the query time still counts then',
    ['REQ-DECIDE-003'],
    [rec(1, { purposes: { all: 'allow' } }, { revokedAt: '2026-07-01T00:00:00Z' })],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'superseded record gives way to its successor',
    ['REQ-DECIDE-003'],
    [
      rec(1, { purposes: { all: 'allow' } }, { supersededAt: '2026-03-01T00:00:00Z' }),
      rec(2, { purposes: { all: 'deny' }, issued_at: '2026-03-01T00:00:00Z', supersedes: id(1) }),
    ],
    {},
    { decision: 'deny', reasons: ['denied'], records: [id(2)], disputed: false },
  ],
  [
    'the newest record of one issuer decides',
    ['REQ-DECIDE-004'],
    [
      rec(1, { purposes: { all: 'allow' } }),
      rec(2, { purposes: { all: 'deny' }, issued_at: '2026-02-01T00:00:00Z' }),
    ],
    {},
    { decision: 'deny', reasons: ['denied'], records: [id(2)], disputed: false },
  ],
  [
    'the newest record of one issuer decides, even when it is more permissive',
    ['REQ-DECIDE-004'],
    [
      rec(1, { purposes: { all: 'deny' } }),
      rec(2, { purposes: { all: 'allow' }, issued_at: '2026-02-01T00:00:00Z' }),
    ],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(2)], disputed: false },
  ],
  [
    'two issuers disagree: most restrictive, disputed',
    ['REQ-DECIDE-005'],
    [rec(1, { purposes: { all: 'allow' } }), rec(2, { iss: B, purposes: { train: 'deny' } })],
    {},
    { decision: 'deny', reasons: ['granted', 'denied', 'disputed'], records: [id(1), id(2)], disputed: true },
  ],
  [
    'two issuers, allow and conditional: conditional, disputed',
    ['REQ-DECIDE-005', 'REQ-DECIDE-006'],
    [
      rec(1, { purposes: { all: 'allow' } }),
      rec(2, { iss: B, purposes: { all: 'conditional' }, conditions: terms }),
    ],
    {},
    {
      decision: 'conditional',
      reasons: ['granted', 'conditional', 'disputed'],
      records: [id(1), id(2)],
      disputed: true,
      conditionsFrom: [id(2)],
    },
  ],
  [
    'two issuers who both allow: allow, still disputed',
    ['REQ-DECIDE-005'],
    [rec(1, { purposes: { all: 'allow' } }), rec(2, { iss: B, purposes: { all: 'allow' } })],
    {},
    { decision: 'allow', reasons: ['granted', 'disputed'], records: [id(1), id(2)], disputed: true },
  ],
  [
    'a URL prefix pattern matches a URL under it',
    ['REQ-DECIDE-007'],
    [rec(1, { ids: ['url:https://manga.example/hoshi-no-umi/*'], purposes: { all: 'allow' } })],
    { ids: [URL] },
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'a URL prefix pattern does not match a URL outside it',
    ['REQ-DECIDE-001'],
    [rec(1, { ids: ['url:https://manga.example/other/*'], purposes: { all: 'allow' } })],
    { ids: [URL] },
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'any of several identifiers of one item matches',
    ['REQ-DECIDE-007'],
    [rec(1, { ids: [`sha256:${'ab'.repeat(32)}`], purposes: { all: 'allow' } })],
    { ids: [URL, `sha256:${'ab'.repeat(32)}`] },
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'the newest record decides even when it is silent on the purpose',
    ['REQ-DECIDE-004', 'REQ-PURPOSE-002'],
    [
      rec(1, { purposes: { all: 'allow' } }),
      rec(2, { purposes: { search: 'allow' }, issued_at: '2026-02-01T00:00:00Z' }),
    ],
    {},
    { decision: 'deny', reasons: ['not-granted'], records: [id(2)], disputed: false },
  ],
  [
    'a supersession takes effect at the successor issued_at, before the successor is valid',
    ['REQ-DECIDE-003'],
    [
      rec(1, { purposes: { all: 'allow' } }, { supersededAt: '2026-03-01T00:00:00Z' }),
      rec(2, {
        purposes: { all: 'allow' },
        issued_at: '2026-03-01T00:00:00Z',
        valid_from: '2026-07-01T00:00:00Z',
        supersedes: id(1),
      }),
    ],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'group purpose: most restrictive leaf, with leaves',
    ['REQ-DECIDE-008'],
    [rec(1, { purposes: { train: 'allow', 'train.finetune': 'deny' } })],
    { purpose: 'train' },
    {
      decision: 'deny',
      reasons: ['granted', 'denied'],
      records: [id(1)],
      disputed: false,
      leaves: { 'train.genai': 'allow', 'train.finetune': 'deny', 'train.nongen': 'allow' },
    },
  ],
  [
    'group purpose all over a record that allows training only',
    ['REQ-DECIDE-008', 'REQ-PURPOSE-001'],
    [rec(1, { purposes: { train: 'allow' } })],
    { purpose: 'generate' },
    {
      decision: 'deny',
      reasons: ['not-granted'],
      records: [id(1)],
      disputed: false,
      leaves: {
        'generate.character': 'deny',
        'generate.voice': 'deny',
        'generate.likeness': 'deny',
        'generate.style': 'deny',
      },
    },
  ],
  [
    'group purpose with a conditional leaf',
    ['REQ-DECIDE-008', 'REQ-DECIDE-006'],
    [rec(1, { purposes: { generate: 'allow', 'generate.voice': 'conditional' }, conditions: terms })],
    { purpose: 'generate' },
    {
      decision: 'conditional',
      reasons: ['granted', 'conditional'],
      records: [id(1)],
      disputed: false,
      conditionsFrom: [id(1)],
      leaves: {
        'generate.character': 'allow',
        'generate.voice': 'conditional',
        'generate.likeness': 'allow',
        'generate.style': 'allow',
      },
    },
  ],
  [
    'a backdated record does not count before the node logged it: no record, deny',
    ['REQ-DECIDE-011', 'REQ-DECIDE-001'],
    [rec(1, { purposes: { all: 'allow' } }, { loggedAt: '2026-07-01T00:00:00Z' })],
    {},
    { decision: 'deny', reasons: ['no-record'], records: [], disputed: false },
  ],
  [
    'a backdated record counts once the node logged it',
    ['REQ-DECIDE-011'],
    [rec(1, { purposes: { all: 'allow' } }, { loggedAt: '2026-05-01T00:00:00Z' })],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'a backdated record logged later does not displace the record that counted then',
    ['REQ-DECIDE-011', 'REQ-DECIDE-004'],
    [
      rec(1, { purposes: { all: 'allow' }, issued_at: '2026-02-01T00:00:00Z' }),
      rec(
        2,
        { purposes: { all: 'deny' }, issued_at: '2026-03-01T00:00:00Z' },
        { loggedAt: '2026-07-01T00:00:00Z' },
      ),
    ],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'a revocation issued before the query time but logged after it takes effect when logged',
    ['REQ-DECIDE-010', 'REQ-DECIDE-003'],
    [
      rec(
        1,
        { purposes: { all: 'allow' } },
        // The revocation says 2026-02-01 and was logged 2026-07-01: it took effect then.
        { loggedAt: '2026-01-01T00:00:00Z', revokedAt: '2026-07-01T00:00:00Z' },
      ),
    ],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'a backdated successor does not count, nor displace its predecessor, before it was logged',
    ['REQ-DECIDE-010', 'REQ-DECIDE-011'],
    [
      rec(1, { purposes: { all: 'allow' } }, { supersededAt: '2026-07-01T00:00:00Z' }),
      rec(
        2,
        { purposes: { all: 'deny' }, issued_at: '2026-03-01T00:00:00Z', supersedes: id(1) },
        { loggedAt: '2026-07-01T00:00:00Z' },
      ),
    ],
    {},
    { decision: 'allow', reasons: ['granted'], records: [id(1)], disputed: false },
  ],
  [
    'a backdated successor decides once logged',
    ['REQ-DECIDE-010', 'REQ-DECIDE-011'],
    [
      rec(1, { purposes: { all: 'allow' } }, { supersededAt: '2026-07-01T00:00:00Z' }),
      rec(
        2,
        { purposes: { all: 'deny' }, issued_at: '2026-03-01T00:00:00Z', supersedes: id(1) },
        { loggedAt: '2026-07-01T00:00:00Z' },
      ),
    ],
    { at: '2026-07-01T00:00:00Z' },
    { decision: 'deny', reasons: ['denied'], records: [id(2)], disputed: false },
  ],
  [
    "terms per purpose: the leaf's own by_purpose entry replaces the members it names",
    ['REQ-DECIDE-006'],
    [rec(1, { purposes: { all: 'conditional' }, conditions: perPurpose })],
    { purpose: 'generate.character' },
    {
      decision: 'conditional',
      reasons: ['conditional'],
      records: [id(1)],
      disputed: false,
      conditionsFrom: [id(1)],
      conditions: [
        {
          record: id(1),
          conditions: {
            attribution: { required: true },
            compensation: { model: 'per-use', currency: 'JPY', amount: '50' },
            territory: ['JP'],
          },
        },
      ],
    },
  ],
  [
    "terms per purpose: a leaf without an entry takes its group's",
    ['REQ-DECIDE-006'],
    [rec(1, { purposes: { all: 'conditional' }, conditions: perPurpose })],
    { purpose: 'train.finetune' },
    {
      decision: 'conditional',
      reasons: ['conditional'],
      records: [id(1)],
      disputed: false,
      conditionsFrom: [id(1)],
      conditions: [
        {
          record: id(1),
          conditions: {
            attribution: { required: true },
            compensation: { model: 'flat-fee', currency: 'JPY', amount: '100000' },
          },
        },
      ],
    },
  ],
  [
    'terms per purpose: a leaf no entry covers takes the common conditions',
    ['REQ-DECIDE-006'],
    [rec(1, { purposes: { all: 'conditional' }, conditions: perPurpose })],
    { purpose: 'search' },
    {
      decision: 'conditional',
      reasons: ['conditional'],
      records: [id(1)],
      disputed: false,
      conditionsFrom: [id(1)],
      conditions: [
        { record: id(1), conditions: { attribution: { required: true }, compensation: { model: 'free' } } },
      ],
    },
  ],
];

export function buildDecisionVectors() {
  return vectorFile(
    'kyodaku-decisions',
    'spec/kyodaku.md#8-decisions',
    cases.map(([comment, requirements, records, query, expected]) => ({
      requirements,
      comment,
      flags: [],
      result: 'valid' as const,
      input: {
        records,
        query: { ids: query.ids ?? [CHAR], purpose: query.purpose ?? 'train.genai', at: query.at ?? AT },
      },
      expected,
    })),
    {
      records:
        'record states: verified payloads, with loggedAt (when the deciding node logged the record; absent: it counts from issued_at) and revokedAt/supersededAt when a revocation or successor is in force (the later of its issued_at and the time it was logged, REQ-DECIDE-010); issuer keys are taken as attested',
      reasons: 'order of reasons is not significant',
    },
  );
}
