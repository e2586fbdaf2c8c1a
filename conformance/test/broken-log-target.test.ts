/** The log cases must be able to fail: a node that rewrites history, lies in proofs or shrinks. */
import { afterEach, describe, expect, it } from 'vitest';
import { logCases } from '../src/cases/log/index.ts';
import { runSuite } from '../src/runner.ts';
import { type BrokenLogTarget, type LogDefect, startBrokenLogTarget } from './fixtures/broken-log-target.ts';

let target: BrokenLogTarget | undefined;
afterEach(async () => {
  await target?.close();
  target = undefined;
});

async function statuses(mode: LogDefect) {
  target = await startBrokenLogTarget(mode);
  const report = await runSuite({ target: target.url, adminKey: target.adminKey, cases: logCases });
  return {
    report,
    status: Object.fromEntries(report.cases.map((c) => [c.id, c.status])),
    message: (id: string) => report.cases.find((c) => c.id === id)?.message ?? '',
  };
}

describe('Should fail a log node that misbehaves', () => {
  it('a rewritten history fails the consistency case', async () => {
    const { status, message, report } = await statuses('rewrite');
    expect(status['log-checkpoint-consistent']).toBe('FAILED');
    expect(message('log-checkpoint-consistent')).toMatch(/rewritten/);
    expect(report.requirements['REQ-LOG-013']?.failed).toBeGreaterThan(0);
    // The well-formed parts still pass: the suite blames the defect, not everything.
    expect(status['log-checkpoint-signed']).toBe('PASSED');
  });

  it('a bad inclusion proof fails the inclusion case', async () => {
    const { status, message } = await statuses('bad-inclusion');
    expect(status['log-inclusion-fresh']).toBe('FAILED');
    expect(message('log-inclusion-fresh')).toMatch(/does not verify/);
    expect(status['log-checkpoint-consistent']).toBe('PASSED');
  });

  it('a checkpoint smaller than an earlier one fails', async () => {
    const { status, message } = await statuses('shrink');
    expect(status['log-checkpoint-consistent']).toBe('FAILED');
    expect(message('log-checkpoint-consistent')).toMatch(/REQ-LOG-013/);
  });
});
