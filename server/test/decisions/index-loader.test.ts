/**
 * The start-up load gives the same index as the writes did: a seeded registry (disputes, a revoked
 * and a superseded record, conditions, url patterns) reloaded from the database answers every
 * stored identifier and purpose exactly as the live index does (plus a superseded record).
 */
import { PURPOSES, takesEffectAt, toTimestamp } from '@kyodaku/client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { recordIds } from '../../src/db/schema.ts';
import { DecisionIndex } from '../../src/decisions/decision-index.ts';
import { loadRecordIndex } from '../../src/decisions/index-loader.ts';
import { AttestationStore } from '../../src/parties/attestation-store.ts';
import { seed } from '../../src/seed.ts';
import { makeNode, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

it('reloads a seeded registry into an index that answers as the live one', async () => {
  await seed(t.app, t.adminSigner);
  // A superseded record and one with an end of validity.
  const p = await t.party();
  const ids = ['isbn:9784088725093'];
  const first = await p.record({ ids, purposes: { train: 'allow' }, valid_until: '2030-01-01T00:00:00Z' });
  expect((await t.postJws('/v1/records', first.jws)).status).toBe(201);
  const second = await p.record({ ids, purposes: { train: 'deny' }, supersedes: first.id });
  const published = await t.postJws('/v1/records', second.jws);
  expect(published.status).toBe(201);
  const { received_at } = (await published.json()) as { received_at: string };
  const live = t.node.index;
  const loaded = new DecisionIndex();
  // The attestations as the store loads them at start-up (the loader reads records only).
  await new AttestationStore(t.node.objects, loaded).load();
  const identifiers = [
    ...new Set((await t.node.objects.db.select().from(recordIds)).map((r) => r.identifier)),
  ];
  expect(identifiers.length).toBeGreaterThan(5);
  await loadRecordIndex(t.node.objects.db, loaded);
  expect(loaded.size).toBe(live.size);
  const times = [
    toTimestamp(t.node.now()),
    '2025-01-01T00:00:00Z',
    '2026-06-01T00:00:00Z',
    '2027-06-01T00:00:00Z',
    '2031-01-01T00:00:00Z',
  ];
  let answered = 0;
  for (const id of [...identifiers, 'url:https://seikai.example/works/hoshi-no-umi/ep1']) {
    const ids = id.endsWith('*') ? [`${id.slice(0, -1)}x`] : [id];
    for (const purpose of PURPOSES) {
      for (const at of times) {
        const want = live.answer(ids, purpose, at, true);
        if (want !== undefined) answered++;
        expect(loaded.answer(ids, purpose, at, true), `${ids} ${purpose} ${at}`).toBe(want);
        expect(
          loaded
            .candidates(ids)
            .map((s) => JSON.stringify(s))
            .sort(),
        ).toEqual(
          live
            .candidates(ids)
            .map((s) => JSON.stringify(s))
            .sort(),
        );
      }
    }
  }
  expect(answered).toBeGreaterThan(0);
  const states = loaded.candidates(ids);
  expect(states.find((s) => s.id === first.id)?.supersededAt).toBe(
    takesEffectAt(second.payload.issued_at, received_at),
  );
  expect(states.find((s) => s.id === first.id)?.record.valid_until).toBe('2030-01-01T00:00:00Z');
});
