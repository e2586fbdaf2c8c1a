/** The federation example, run as its documented command: two origins and a mirror on loopback. */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { REPO_ROOT } from '../../client/test/helpers/server-process.ts';

function demo(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'examples/federation/federation-demo.ts'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo timed out\n${stdout}\n${stderr}`));
    }, 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

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
  expect(stdout).toMatch(/→ deny \(disputed\).*from publishers\.demo\/kyodaku, voices\.demo\/kyodaku/);
  expect(stdout).toMatch(/url:https:\/\/unknown\.example\/page +→ deny +\[no-record\]/);
});
