/**
 * Backdated objects (spec/kyodaku.md §8, REQ-DECIDE-010/011): a record, revocation or superseding
 * record counts only from the time the node logged it, so an answer for a time T is never
 * contradicted by an object logged after T. In-process with an injected clock.
 */
import { schemas, toTimestamp } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DecisionIndex } from '../../src/decisions/decision-index.ts';
import { loadRecordIndex } from '../../src/decisions/index-loader.ts';
import { makeNode, type TestNode } from '../helpers.ts';

const ISBN = 'isbn:9784088725093';
const T0 = Date.parse('2026-03-01T00:00:00Z');
let clock = T0;
let t: TestNode;
beforeEach(async () => {
  clock = T0;
  t = await makeNode({ now: () => clock });
});
afterEach(() => t.close());

async function decisionAt(at: string) {
  const response = await t.get(`/v1/decision?id=${ISBN}&purpose=train.genai&at=${at}`);
  expect(response.status).toBe(200);
  return schemas.Decision.parse(await response.json());
}

describe('backdated objects', () => {
  it('REQ-DECIDE-010: a backdated revocation does not change an answer for a time before it was logged', async () => {
    const p = await t.party();
    const record = await p.record({ purposes: { train: 'allow' }, issued_at: toTimestamp(clock - 1000) });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    clock += 60_000;
    const at = toTimestamp(clock - 30_000);
    expect((await decisionAt(at)).decision).toBe('allow');
    clock += 60_000;
    const revocation = await p.revocation(record.id, toTimestamp(T0));
    expect((await t.postJws('/v1/revocations', revocation.jws)).status).toBe(201);
    expect((await decisionAt(at)).decision).toBe('allow');
    expect((await decisionAt(toTimestamp(clock))).decision).toBe('deny');
    const view = schemas.RecordView.parse(await (await t.get(`/v1/records/${record.id}`)).json());
    expect(view.revoked_at).toBe(toTimestamp(clock));
  });

  it('REQ-DECIDE-010: a backdated superseding record does not change an answer for a time before it was logged', async () => {
    const p = await t.party();
    const first = await p.record({ purposes: { train: 'allow' }, issued_at: toTimestamp(clock - 1000) });
    expect((await t.postJws('/v1/records', first.jws)).status).toBe(201);
    clock += 60_000;
    const at = toTimestamp(clock - 30_000);
    expect((await decisionAt(at)).decision).toBe('allow');
    clock += 60_000;
    const second = await p.record({
      purposes: { train: 'deny' },
      supersedes: first.id,
      issued_at: toTimestamp(T0),
    });
    expect((await t.postJws('/v1/records', second.jws)).status).toBe(201);
    const again = await decisionAt(at);
    expect(again.decision).toBe('allow');
    expect(again.records).toEqual([first.id]);
    expect((await decisionAt(toTimestamp(clock))).decision).toBe('deny');
  });

  it('REQ-DECIDE-011: a backdated record does not count before it was logged (no record, deny)', async () => {
    const p = await t.party();
    clock += 3_600_000;
    const record = await p.record({ purposes: { train: 'allow' }, issued_at: toTimestamp(T0) });
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    const before = await decisionAt(toTimestamp(T0 + 60_000));
    expect(before).toMatchObject({ decision: 'deny', reasons: ['no-record'], records: [] });
    expect((await decisionAt(toTimestamp(clock))).decision).toBe('allow');
  });

  it('the index loaded at start-up keeps the logged times', async () => {
    const p = await t.party();
    const record = await p.record({ purposes: { train: 'allow' }, issued_at: toTimestamp(clock - 1000) });
    await t.postJws('/v1/records', record.jws);
    clock += 60_000;
    const at = toTimestamp(clock - 30_000);
    clock += 60_000;
    await t.postJws('/v1/revocations', (await p.revocation(record.id, toTimestamp(T0))).jws);
    const fresh = new DecisionIndex();
    await loadRecordIndex(t.node.objects.db, fresh);
    expect(fresh.candidates([ISBN])).toEqual(t.node.index.candidates([ISBN]));
    const [state] = fresh.candidates([ISBN]);
    expect(state?.revokedAt).toBe(toTimestamp(clock));
    expect(state?.loggedAt).toBe(toTimestamp(T0));
    expect(at < state!.revokedAt!).toBe(true);
  });
});
