/** `kyodaku log verify` and `kyodaku verify-receipt` against a real node process. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let party: Awaited<ReturnType<typeof attestedParty>>;
const dir = mkdtempSync(join(tmpdir(), 'kyodaku-cli-log-'));
const state = join(dir, 'checkpoints.json');

beforeAll(async () => {
  server = await startServer();
  party = await attestedParty(server);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(['--node', server.url, ...args]);

it('log verify: trusts the first checkpoint, accepts a consistent larger one, exits 2 on a rewritten history', async () => {
  await party.publish({
    work: { type: 'work', ids: ['url:https://cli-log.example/1'] },
    purposes: { all: 'deny' },
  });
  const first = await cli('--json', 'log', 'verify', '--state', state);
  expect(first.code, first.stderr).toBe(0);
  expect(JSON.parse(first.stdout)).toMatchObject({ status: 'first' });
  const same = await cli('--json', 'log', 'verify', '--state', state);
  expect(JSON.parse(same.stdout)).toMatchObject({ status: 'same' });
  await party.publish({
    work: { type: 'work', ids: ['url:https://cli-log.example/2'] },
    purposes: { all: 'deny' },
  });
  const newer = await cli('log', 'verify', '--state', state);
  expect(newer.code, newer.stderr).toBe(0);
  expect(newer.stdout).toMatch(/consistent with the kept checkpoint of size \d+/);
  // Pretend the kept checkpoint had another root: the node's log no longer extends it.
  const kept = JSON.parse(readFileSync(state, 'utf8')) as {
    checkpoints: Record<string, { root: string; size: number }>;
  };
  for (const cp of Object.values(kept.checkpoints)) {
    cp.root = Buffer.alloc(32, 7).toString('base64');
    cp.size -= 1;
  }
  writeFileSync(state, JSON.stringify(kept));
  const forked = await cli('--json', 'log', 'verify', '--state', state);
  expect(forked.code).toBe(2);
  expect(JSON.parse(forked.stdout)).toMatchObject({ valid: false, code: 'ERR_LOG_FORK' });
});

it('verify-receipt: offline with the node key, online with --inclusion; a tampered receipt exits 2', async () => {
  const view = await party.publish({
    work: { type: 'work', ids: ['url:https://cli-log.example/r'] },
    purposes: { all: 'allow' },
  });
  expect(view.id).toBeDefined();
  const nonce = 'cli-receipt-nonce-0001';
  const id = 'url:https://cli-log.example/r';
  const answer = await (
    await fetch(
      `${server.url}/v1/decision?id=${encodeURIComponent(id)}&purpose=train.genai&receipt=1&nonce=${nonce}`,
    )
  ).text();
  const file = join(dir, 'answer.json');
  writeFileSync(file, answer);
  const wk = (await (await fetch(`${server.url}/.well-known/kyodaku`)).json()) as { node: { key: unknown } };
  const keyFile = join(dir, 'node.jwk');
  writeFileSync(keyFile, JSON.stringify(wk.node.key));
  const queryFile = join(dir, 'query.json');
  writeFileSync(queryFile, JSON.stringify({ ids: [id], purpose: 'train.genai' }));

  const offline = await runCli([
    'verify-receipt',
    file,
    '--node-key',
    keyFile,
    '--nonce',
    nonce,
    '--query',
    queryFile,
  ]);
  expect(offline.code, offline.stderr).toBe(0);
  expect(offline.stdout).toMatch(/^ok {2}receipt by node/);
  const online = await cli('--json', 'verify-receipt', file, '--inclusion');
  expect(online.code, online.stderr).toBe(0);
  expect((JSON.parse(online.stdout) as { checks: string[] }).checks.join(' ')).toMatch(
    /receipt entry \d+ in checkpoint/,
  );

  const wrongNonce = await runCli([
    'verify-receipt',
    file,
    '--node-key',
    keyFile,
    '--nonce',
    'another-nonce-000000',
  ]);
  expect(wrongNonce.code).toBe(2);
  const body = JSON.parse(answer) as { receipt: string };
  const [h, p, s] = body.receipt.split('.') as [string, string, string];
  const tampered = join(dir, 'tampered.jws');
  writeFileSync(tampered, `${h}.${p}.${s.startsWith('A') ? `B${s.slice(1)}` : `A${s.slice(1)}`}`);
  const bad = await runCli(['verify-receipt', tampered, '--node-key', keyFile]);
  expect(bad.code).toBe(2);
});
