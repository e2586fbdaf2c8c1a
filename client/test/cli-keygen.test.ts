/** `kyodaku keygen` and the binary itself (no node needed). */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { REPO_ROOT } from './helpers/server-process.ts';

const dir = () => mkdtempSync(join(tmpdir(), 'kyodaku-cli-'));

describe('kyodaku (binary)', () => {
  it('Should print help for the program and for every command', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    for (const command of ['keygen', 'party', 'record', 'check', 'verify', 'attest']) {
      expect(top.stdout).toContain(command);
    }
    for (const args of [
      ['record', 'create', '--help'],
      ['check', '--help'],
      ['party', 'register', '--help'],
    ]) {
      const help = await runCli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Usage: kyodaku');
    }
  });

  it('Should be linked as a workspace bin, so `npx kyodaku` works from the repository', () => {
    const linked = spawnSync(join(REPO_ROOT, 'node_modules/.bin/kyodaku'), ['--version'], {
      encoding: 'utf8',
    });
    expect(linked.status).toBe(0);
    expect(linked.stdout.trim()).toBe('0.1.0');
  });

  it('Should exit 1 with one error line on a usage error', async () => {
    const result = await runCli(['keygen']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("error: missing required argument 'file'");
  });
});

describe('kyodaku keygen', () => {
  it('Should write a private Ed25519 JWK with mode 0600 and print its kid', async () => {
    const d = dir();
    const result = await runCli(['keygen', 'me.key', '--public', 'me.pub', '--json'], { cwd: d });
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { kid: string };
    const jwk = JSON.parse(readFileSync(join(d, 'me.key'), 'utf8')) as Record<string, string>;
    expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: printed.kid });
    expect(jwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(d, 'me.key')).mode & 0o777).toBe(0o600);
    const pub = JSON.parse(readFileSync(join(d, 'me.pub'), 'utf8')) as Record<string, string>;
    expect(pub).toEqual({ kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: printed.kid });
  });

  it('Should never overwrite an existing file without --force', async () => {
    const d = dir();
    writeFileSync(join(d, 'me.key'), 'precious');
    const refused = await runCli(['keygen', 'me.key'], { cwd: d });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      'error: me.key exists; not overwriting a key without --force (urn:kyodaku:problem:conflict)',
    );
    expect(readFileSync(join(d, 'me.key'), 'utf8')).toBe('precious');

    const json = await runCli(['keygen', 'me.key', '--json'], { cwd: d });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ type: 'urn:kyodaku:problem:conflict', status: 409 });

    const forced = await runCli(['keygen', 'me.key', '--force'], { cwd: d });
    expect(forced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(d, 'me.key'), 'utf8'))).toMatchObject({ kty: 'OKP' });
    expect(statSync(join(d, 'me.key')).mode & 0o777).toBe(0o600);
  });
});
