/** The federation cases must be able to fail: a mirror that takes forged objects from a peer. */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { federationCases } from '../src/cases/federation/index.ts';
import { runSuite } from '../src/runner.ts';
import { type BrokenMirror, startBrokenMirror } from './fixtures/broken-mirror.ts';

let target: BrokenMirror;
beforeAll(async () => {
  target = await startBrokenMirror();
});
afterAll(() => target.close());

it('Should fail a mirror that accepts forged objects from a peer', async () => {
  const report = await runSuite({
    target: target.url,
    adminKey: target.adminKey,
    cases: federationCases,
    only: ['federation-forged-objects-refused'],
  });
  const forged = report.cases.find((c) => c.id === 'federation-forged-objects-refused');
  expect(forged?.status).toBe('FAILED');
  expect(forged?.message).toMatch(/refused/);
  expect(report.requirements['REQ-FED-013']?.failed).toBe(1);
});
