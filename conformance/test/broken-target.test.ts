/** The suite must be able to fail: against a node that verifies nothing, the hostile cases FAIL. */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSuite } from '../src/runner.ts';
import { type BrokenTarget, startBrokenTarget } from './fixtures/broken-target.ts';

const BIN = fileURLToPath(new URL('../bin/kyodaku-conformance.js', import.meta.url));

describe('Should fail a node that accepts unsigned records', () => {
  let target: BrokenTarget;
  beforeAll(async () => {
    target = await startBrokenTarget();
  });
  afterAll(() => target.close());

  it('fails the hostile signature cases and the attestation check', async () => {
    const report = await runSuite({
      target: target.url,
      adminKey: target.adminKey,
      only: [
        'core-sig-*',
        'core-record-unattested',
        'core-record-unregistered-issuer',
        'core-publications-entry-problems',
      ],
    });
    const status = Object.fromEntries(report.cases.map((c) => [c.id, c.status]));
    for (const id of [
      'core-sig-alg-none',
      'core-sig-alg-hs256',
      'core-sig-tampered-payload',
      'core-sig-signature-other-key',
      'core-sig-kid-other-party',
      'core-sig-header-jwk',
      'core-sig-payload-duplicate-member',
      'core-sig-typ-party',
      'core-record-unattested',
      'core-record-unregistered-issuer',
      'core-publications-entry-problems',
    ]) {
      expect(status[id], id).toBe('FAILED');
    }
    expect(report.summary.failed).toBeGreaterThan(10);
    const none = report.cases.find((c) => c.id === 'core-sig-alg-none');
    expect(none?.message).toContain('unsupported-algorithm');
    expect(report.requirements['REQ-SIG-002']?.failed).toBeGreaterThan(0);
  });

  it('exits 1 from the command line and says failed > 0 in the JSON report', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kyodaku-conf-'));
    const key = join(dir, 'admin.key');
    await writeFile(key, JSON.stringify(target.adminKey));
    const report = join(dir, 'report.json');
    const run = promisify(execFile)(process.execPath, [
      BIN,
      '--target',
      target.url,
      '--admin-key',
      key,
      '--only',
      'core-sig-alg-*',
      '--report',
      report,
    ]);
    await expect(run).rejects.toMatchObject({ code: 1 });
    const json = JSON.parse(await readFile(report, 'utf8'));
    expect(json.summary.failed).toBeGreaterThan(0);
    const stdout = ((await run.catch((e) => e)) as { stdout: string }).stdout;
    expect(stdout).toMatch(/FAIL {2}core-sig-alg-none {2}\[REQ-SIG-002, REQ-API-011, REQ-ERR-001\]/);
  });
});

describe('Should fail a node that allows by default', () => {
  let target: BrokenTarget;
  beforeAll(async () => {
    target = await startBrokenTarget({ allowByDefault: true });
  });
  afterAll(() => target.close());

  it('fails the default-deny case', async () => {
    const report = await runSuite({
      target: target.url,
      adminKey: target.adminKey,
      only: ['REQ-DECIDE-001'],
    });
    expect(report.cases.find((c) => c.id === 'core-decide-default-deny')?.status).toBe('FAILED');
    expect(report.summary.failed).toBeGreaterThan(0);
  });
});
