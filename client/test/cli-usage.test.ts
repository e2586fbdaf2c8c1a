/** `kyodaku usage declare|uses|report` and `kyodaku label verify|show` against a real node process. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signObject } from '../src/jws.ts';
import { KyodakuNode } from '../src/node-client.ts';
import { toTimestamp } from '../src/time.ts';
import { runCli } from './helpers/cli.ts';
import { adminSignerOf, attestedParty, signedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;

beforeAll(async () => {
  server = await startServer();
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-cli-usage-'));
});
afterAll(() => server?.stop());

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url } });
}

describe('kyodaku usage and label', () => {
  it('Should declare usage, show and verify the label offline, list uses, report, and see the label revoked', {
    timeout: 90_000,
  }, async () => {
    const holder = await attestedParty(server);
    const record = await holder.publish({
      work: { type: 'work', ids: ['doi:10.5555/usage-cli'] },
      purposes: { 'train.genai': 'conditional' },
      conditions: { compensation: { model: 'per-use', currency: 'JPY', amount: '5' } },
    });
    const workId = record.record.work.ids[0]!;
    const node = new KyodakuNode(server.url);
    const dev = await signedParty({ role: 'ai-developer' });
    await node.registerParty(dev.party);
    await node.attest(await adminSignerOf(server), { party: dev.keys.kid });
    writeFileSync(join(cwd, 'dev.key'), JSON.stringify(dev.keys.privateJwk));
    writeFileSync(join(cwd, 'node.pub'), JSON.stringify((await node.wellKnown()).node.key));
    // 260 items: more than fit inline, so the CLI sends a manifest.
    const items = Array.from({ length: 260 }, () => ({
      ids: [workId],
      purpose: 'train.genai',
      records: [record.id],
      uses: 2,
    }));
    writeFileSync(join(cwd, 'items.jsonl'), `${items.map((i) => JSON.stringify(i)).join('\n')}\n`);

    const declared = await kyodaku(
      'usage',
      'declare',
      'items.jsonl',
      '--key',
      'dev.key',
      '--name',
      'Hoshi Diffusion',
      '--subject-version',
      '2.1',
      '--from',
      '2026-01-01',
      '--until',
      '2099-01-01',
      '--json',
    );
    expect(declared.code, declared.stderr).toBe(0);
    const view = JSON.parse(declared.stdout) as {
      id: string;
      label: string;
      declaration: { manifest?: unknown };
    };
    expect(view.declaration.manifest).toMatchObject({ count: 260 });

    const shown = await kyodaku('label', 'show', view.label);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`label ${view.label}: valid`);
    const labelView = await (await fetch(`${server.url}/v1/labels/${view.label}`)).text();
    writeFileSync(join(cwd, 'label.json'), labelView);
    const offline = await kyodaku(
      'label',
      'verify',
      'label.json',
      '--node-key',
      'node.pub',
      '--node',
      'http://127.0.0.1:1',
    );
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain('Hoshi Diffusion 2.1');
    const late = await kyodaku(
      'label',
      'verify',
      'label.json',
      '--node-key',
      'node.pub',
      '--at',
      '2100-01-01',
    );
    expect(late.code).toBe(2);
    writeFileSync(join(cwd, 'holder.pub'), JSON.stringify(holder.publicJwk));
    const wrongKey = await kyodaku('label', 'verify', 'label.json', '--node-key', 'holder.pub');
    expect(wrongKey.code).toBe(2);

    const businesses = await kyodaku('usage', 'businesses');
    expect(businesses.code, businesses.stderr).toBe(0);
    expect(businesses.stdout).toContain(`${dev.keys.kid}  Test ai-developer`);
    expect(businesses.stdout).toContain('declarations 1');

    const uses = await kyodaku('usage', 'uses', '--holder', holder.kid, '--limit', '5');
    expect(uses.code, uses.stderr).toBe(0);
    expect(uses.stdout).toContain('train.genai');
    expect(uses.stdout).toContain('more: --cursor');

    const report = await kyodaku('usage', 'report', '--holder', holder.kid, '--node-key', 'node.pub');
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toContain('signature ok');
    expect(report.stdout).toContain('2600 JPY');

    // A citation of a record that no longer allows is refused with the node's problem.
    await node.revokeRecord(
      await signObject(
        'revocation',
        { kind: 'revocation', v: 1, iss: holder.kid, record: record.id, issued_at: toTimestamp() },
        holder.signer,
      ),
    );
    const refused = await kyodaku(
      'usage',
      'declare',
      'items.jsonl',
      '--key',
      'dev.key',
      '--name',
      'Hoshi Diffusion',
      '--subject-version',
      '2.2',
      '--from',
      '2026-01-01',
      '--until',
      '2099-01-01',
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('urn:kyodaku:problem:invalid-citation');
    let revoked = await kyodaku('label', 'show', view.label);
    for (let i = 0; i < 50 && revoked.code !== 2; i++) revoked = await kyodaku('label', 'show', view.label);
    expect(revoked.code).toBe(2);
    expect(revoked.stdout).toContain(`label ${view.label}: revoked`);
  });
});
