/**
 * The suite proves its negative claims (spec/conformance.md §7): for every rejection requirement a
 * broken node accepts what the requirement says to refuse (fixtures/broken-behaviours.ts), and the
 * suite, run against it with only the cases that test that requirement negatively, must FAIL a case
 * citing the requirement. The broken nodes are one reference node behind a lenient proxy whose defect
 * changes from test to test, and the broken mirror for what a follower must refuse.
 */
import { readFileSync } from 'node:fs';
import type { PrivateJwk } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServerProcess, startServer } from '../../client/test/helpers/server-process.ts';
import type { Case } from '../src/case.ts';
import { ALL_CASES } from '../src/cases/index.ts';
import { specRequirements } from '../src/coverage.ts';
import { runSuite } from '../src/runner.ts';
import { BROKEN_BEHAVIOURS, type BrokenBehaviour } from './fixtures/broken-behaviours.ts';
import { type BrokenMirror, startBrokenMirror } from './fixtures/broken-mirror.ts';
import { type LenientProxy, startLenientProxy } from './fixtures/lenient-proxy.ts';

const rejections = new Set(
  specRequirements()
    .filter((r) => r.rejects)
    .map((r) => r.id),
);

/** Whether a case id matches one of the globs (`*` is any text). */
const matches = (id: string, globs: readonly string[]) =>
  globs.some((g) => new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(id));

/** The cases run against a broken node: those testing its requirement (negatively, if it is a rejection). */
function casesFor(b: BrokenBehaviour): Case[] {
  const testing = ALL_CASES.filter((c) =>
    rejections.has(b.requirement)
      ? c.refuses?.includes(b.requirement)
      : c.requirements.includes(b.requirement),
  );
  return b.only ? testing.filter((c) => matches(c.id, b.only!)) : testing;
}

let server: ServerProcess;
let proxy: LenientProxy;
let mirror: BrokenMirror;
let adminKey: PrivateJwk;
const budget = process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS;

beforeAll(async () => {
  server = await startServer({
    env: {
      KYODAKU_FOLLOW_POLL_MS: '100',
      KYODAKU_FOLLOW_BACKOFF_MS: '200',
      // A receipt budget small enough for the suite to exhaust, refilled slowly enough (2.5 a second) that a loaded machine still sees it empty.
      KYODAKU_RATE_RECEIPT_BURST: '20',
      KYODAKU_RATE_RECEIPTS_PER_MINUTE: '150',
    },
  });
  adminKey = JSON.parse(readFileSync(server.adminKeyPath, 'utf8')) as PrivateJwk;
  proxy = await startLenientProxy(server.url);
  mirror = await startBrokenMirror();
  // A broken node never does what some federation cases wait for; the reference node does it in well under this.
  process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS = '10000';
}, 60_000);

afterAll(async () => {
  if (budget === undefined) delete process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS;
  else process.env.KYODAKU_CONFORMANCE_FEDERATION_WAIT_MS = budget;
  await mirror?.close();
  await proxy?.close();
  await server?.stop();
});

describe('the broken nodes', () => {
  it('include one for every rejection requirement of the spec', () => {
    const declared = new Set(BROKEN_BEHAVIOURS.map((b) => b.requirement));
    expect([...rejections].filter((id) => !declared.has(id))).toEqual([]);
  });

  it('each run at least one case', () => {
    expect(BROKEN_BEHAVIOURS.filter((b) => casesFor(b).length === 0).map((b) => b.bug)).toEqual([]);
  });

  it('are made from a node that passes: without a defect the proxy passes every case they run', async () => {
    const ids = new Set(
      BROKEN_BEHAVIOURS.filter((b) => b.defect !== 'broken-mirror').flatMap((b) =>
        casesFor(b).map((c) => c.id),
      ),
    );
    const report = await runSuite({
      target: proxy.url,
      adminKey,
      cases: ALL_CASES.filter((c) => ids.has(c.id)),
    });
    expect(
      report.cases
        .filter((c) => c.status !== 'PASSED')
        .map((c) => `${c.id}: ${c.status} ${c.message.split('\n')[0]}`),
    ).toEqual([]);
  }, 300_000);
});

describe('Should fail a node that breaks a requirement', () => {
  for (const b of BROKEN_BEHAVIOURS) {
    it(`${b.requirement}: a node that ${b.bug}`, async () => {
      const onMirror = b.defect === 'broken-mirror';
      if (!onMirror) proxy.defect = b.defect as Exclude<BrokenBehaviour['defect'], 'broken-mirror'>;
      const report = await runSuite({
        target: onMirror ? mirror.url : proxy.url,
        adminKey: onMirror ? mirror.adminKey : adminKey,
        cases: casesFor(b),
      }).finally(() => {
        proxy.defect = undefined;
      });
      const failed = report.cases.filter(
        (c) => c.status === 'FAILED' && c.requirements.includes(b.requirement),
      );
      const expected = b.fails ? failed.filter((c) => matches(c.id, b.fails!)) : failed;
      expect(
        expected.map((c) => c.id),
        `no case citing ${b.requirement}${b.fails ? ` among ${b.fails.join(', ')}` : ''} failed; statuses: ${report.cases
          .map((c) => `${c.id} ${c.status}`)
          .join(', ')}`,
      ).not.toEqual([]);
    }, 120_000);
  }
});
