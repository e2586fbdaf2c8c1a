/** The demo registry: really signed, idempotent, and it shows a disputed, a revoked and a conditional answer. */
import { schemas } from '@kyodaku/client';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { seed } from '../src/seed.ts';
import { makeNode, type TestNode } from './helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

it('seeds a demo registry twice without failing and answers from it', async () => {
  const first = await seed(t.app, t.adminSigner);
  expect(first.created).toBeGreaterThan(10);
  const second = await seed(t.app, t.adminSigner);
  expect(second.created).toBe(0);

  const aoi = schemas.Decision.parse(
    await (
      await t.get('/v1/decision?id=kyodaku:seikai.example/hoshi-no-umi/char/aoi&purpose=generate.character')
    ).json(),
  );
  expect(aoi).toMatchObject({ decision: 'conditional', disputed: true });
  const voice = schemas.Decision.parse(
    await (
      await t.get('/v1/decision?id=kyodaku:seiran.example/voice/asagiri-sou&purpose=generate.voice')
    ).json(),
  );
  expect(voice.decision).toBe('conditional');
  expect(voice.conditions?.[0]?.conditions.compensation?.currency).toBe('JPY');
  const pv = schemas.WorkView.parse(
    await (
      await t.get(`/v1/works/${encodeURIComponent('kyodaku:gekko.example/anime/hoshi-no-umi/pv1')}`)
    ).json(),
  );
  expect(pv.records.map((r) => r.status)).toEqual(['revoked']);
  const page = schemas.Decision.parse(
    await (
      await t.get(
        `/v1/decision?id=${encodeURIComponent('url:https://seikai.example/hoshi-no-umi/vol1/p3.png')}&purpose=search`,
      )
    ).json(),
  );
  expect(page.decision).toBe('allow');
});
