/** REQ-INTEROP-003: unsigned signals only restrict; the strictest wins. */
import { describe, expect, it } from 'vitest';
import { combine } from '../../src/interop/index.ts';
import { type Permission, PURPOSE_LEAVES, type PurposeLeaf } from '../../src/purposes.ts';

function registry(values: Partial<Record<PurposeLeaf, Permission>>) {
  return Object.fromEntries(
    PURPOSE_LEAVES.map((leaf) => [
      leaf,
      { decision: values[leaf] ?? 'deny', reasons: [values[leaf] ? 'granted' : 'no-record'] },
    ]),
  ) as Record<PurposeLeaf, { decision: Permission; reasons: string[] }>;
}

describe('combine (REQ-INTEROP-003)', () => {
  it('an unsigned allow never lifts a registry deny', () => {
    const verdicts = combine(registry({}), [
      { source: 'robots.txt line 3', said: 'train-ai=y', permissions: { 'train.genai': 'allow' } },
    ]);
    expect(verdicts['train.genai'].decision).toBe('deny');
    expect(verdicts['train.genai'].why[1]).toMatch(/ignored \(an unsigned signal cannot allow\)/);
  });

  it('an unsigned deny lowers a registry allow, and says so', () => {
    const verdicts = combine(registry({ 'train.genai': 'allow', search: 'allow' }), [
      {
        source: 'tdm-reservation header',
        said: 'tdm-reservation: 1',
        permissions: { 'train.genai': 'deny' },
      },
    ]);
    expect(verdicts['train.genai']).toEqual({
      decision: 'deny',
      why: [
        'registry: allow (granted)',
        'tdm-reservation header: tdm-reservation: 1 → deny (stricter: wins)',
      ],
    });
    expect(verdicts.search.decision).toBe('allow');
  });

  it('an unsigned conditional lowers allow to conditional but not deny', () => {
    const verdicts = combine(registry({ 'input.system': 'allow' }), [
      {
        source: 'cawg',
        said: 'constrained',
        permissions: { 'input.system': 'conditional', 'input.user': 'conditional' },
      },
    ]);
    expect(verdicts['input.system'].decision).toBe('conditional');
    expect(verdicts['input.user'].decision).toBe('deny');
  });
});
