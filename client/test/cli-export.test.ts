/** `kyodaku export` (spec/interop.md §9): the node's exports through the CLI and the SDK. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRsl } from '../src/interop/index.ts';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;
let recordId: string;
const SITE = 'url:https://manga.example/series/*';

beforeAll(async () => {
  server = await startServer();
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-export-'));
  const party = await attestedParty(server);
  recordId = (
    await party.publish({
      work: { type: 'work', ids: [SITE] },
      purposes: { all: 'deny', search: 'allow', 'input.system': 'allow' },
    })
  ).id;
});
afterAll(() => server?.stop());

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url } });
}

describe('kyodaku export', () => {
  it('prints the aipref value, with the header fields on stderr', async () => {
    const result = await kyodaku('export', '--format', 'aipref', SITE);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('train-ai=n, ai-use=y, search=y\n');
    expect(result.stderr).toContain('content-usage: train-ai=n, ai-use=y, search=y');
    expect(result.stderr).toContain(`kyodaku-records: ${recordId}`);
  });

  it('writes license.xml with --out', async () => {
    const result = await kyodaku('export', '--format', 'rsl', SITE, '--out', 'license.xml');
    expect(result.code, result.stderr).toBe(0);
    const read = readRsl(readFileSync(join(cwd, 'license.xml'), 'utf8'));
    expect(read.errors).toEqual([]);
    expect(read.value[0]).toMatchObject({
      url: '/series/',
      permissions: { search: 'allow', 'input.system': 'deny' },
    });
  });

  it('prints JSON with --json', async () => {
    const result = await kyodaku('--json', 'export', '--format', 'tdmrep', SITE);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      headers: Record<string, string>;
      body: string;
      content_type: string;
    };
    expect(json.headers['tdm-reservation']).toBe('1');
    expect(JSON.parse(json.body)).toEqual([{ location: '/series/', 'tdm-reservation': 1 }]);
  });

  it("fails with the node's problem for a format that needs a url", async () => {
    const result = await kyodaku('export', '--format', 'robots', 'isbn:9784088725093');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/url: identifier.*invalid-request/);
  });

  it('refuses an unknown format before asking the node', async () => {
    const result = await kyodaku('export', '--format', 'pdf', SITE);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--format is one of/);
  });
});
