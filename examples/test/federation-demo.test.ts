/** The federation example, run as its documented command: two origins and a mirror on loopback. */
import { expect, it } from 'vitest';
import { runCommand } from '../../client/test/helpers/cli.ts';

const demo = () =>
  runCommand('npx', ['tsx', 'examples/federation/federation-demo.ts'], { timeoutMs: 60_000 });

it('runs: the mirror answers for both origins, names each origin, and denies an unknown item', {
  timeout: 70_000,
}, async () => {
  const { code, stdout, stderr } = await demo();
  expect(code, stderr).toBe(0);
  expect(stdout).toMatch(/publishers\.demo\/kyodaku: following, cursor \d+, lag 0/);
  expect(stdout).toMatch(/voices\.demo\/kyodaku: following, cursor \d+, lag 0/);
  expect(stdout).toMatch(
    /input\.index +url:https:\/\/seikai\.example\/manga\/vol1\.html +→ allow .*from publishers\.demo/,
  );
  expect(stdout).toMatch(/generate\.voice +kyodaku:voices\/aoi +→ conditional .*from voices\.demo/);
  // A dispute across nodes: both origins named (in either order), the most restrictive answer wins.
  const disputed = stdout.split('\n').find((line) => line.includes('→ deny (disputed)'));
  expect(disputed).toMatch(
    /from (publishers\.demo\/kyodaku, voices|voices\.demo\/kyodaku, publishers)\.demo\/kyodaku/,
  );
  expect(stdout).toMatch(/url:https:\/\/unknown\.example\/page +→ deny +\[no-record\]/);
});
