/**
 * The federation cases must be able to fail: a mirror that takes forged objects from a peer, keeps
 * reading a peer it unfollowed, and never backs off (it reads its peers only when asked for their
 * status).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { federationCases } from '../src/cases/federation/index.ts';
import { runSuite } from '../src/runner.ts';
import { type BrokenMirror, startBrokenMirror } from './fixtures/broken-mirror.ts';

let target: BrokenMirror;
const budget = process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS;
beforeAll(async () => {
  target = await startBrokenMirror();
  // The broken mirror never does what some cases wait for; do not wait the default 90 s for it.
  process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS = '3000';
});
afterAll(async () => {
  if (budget === undefined) delete process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS;
  else process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS = budget;
  await target.close();
});

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

it('Should fail a mirror that goes on reading a peer it unfollowed', async () => {
  const report = await runSuite({
    target: target.url,
    adminKey: target.adminKey,
    cases: federationCases,
    only: ['federation-unfollow'],
  });
  const unfollow = report.cases.find((c) => c.id === 'federation-unfollow');
  expect(unfollow?.status).toBe('FAILED');
  expect(unfollow?.message).toMatch(/requests to the peer after unfollowing it/);
  expect(report.requirements['REQ-FED-051']?.failed).toBe(1);
}, 60_000);

it('Should warn about a mirror that does not back off, and fail it with --strict', async () => {
  for (const strict of [false, true]) {
    const report = await runSuite({
      target: target.url,
      adminKey: target.adminKey,
      cases: federationCases,
      only: ['federation-follow-backoff'],
      strict,
    });
    const backoff = report.cases.find((c) => c.id === 'federation-follow-backoff');
    expect(backoff?.status).toBe(strict ? 'FAILED' : 'WARNING');
    expect(backoff?.message).toMatch(/answered 503/);
  }
}, 60_000);
