/**
 * Crawler identity in the CLI against a reference node process (spec/crawler-identity.md): a key
 * from `kyodaku keygen`, its directory printed by `kyodaku crawler-directory` and served on a
 * loopback port, `check`, `prompt-check`, `snapshot pull` and `check --offline` signed with
 * `--crawler-key` and `--signature-agent`; the confirmations' receipts name the crawler.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { attestedParty } from './helpers/parties.ts';
import { type ServerProcess, startServer } from './helpers/server-process.ts';

let server: ServerProcess;
let cwd: string;
let directory: Server;
let origin: string;
let served: { headers: Record<string, string>; body: string } | undefined;
let kid: string;

function kyodaku(...args: string[]) {
  return runCli(args, { cwd, env: { KYODAKU_NODE: server.url } });
}

beforeAll(async () => {
  server = await startServer();
  cwd = mkdtempSync(join(tmpdir(), 'kyodaku-crawler-'));
  const party = await attestedParty(server);
  await party.publish({
    work: { type: 'work', ids: ['isbn:9784088725093'] },
    purposes: { 'train.genai': 'allow' },
  });
  directory = createServer((req, res) => {
    if (served === undefined || req.url !== '/.well-known/http-message-signatures-directory')
      res.writeHead(404).end();
    else res.writeHead(200, served.headers).end(served.body);
  });
  await new Promise<void>((resolve) => directory.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(directory.address() as AddressInfo).port}`;
  const keygen = await kyodaku('keygen', 'crawler.key', '--json');
  kid = JSON.parse(keygen.stdout).kid;
  await kyodaku('keygen', 'stranger.key');
});
afterAll(async () => {
  await new Promise<void>((resolve) => directory?.close(() => resolve()));
  await server?.stop();
});

describe('kyodaku crawler-directory and --crawler-key', () => {
  it('Should print a key directory signed by the key, for the origin given', async () => {
    const result = await kyodaku('crawler-directory', origin, '--key', 'crawler.key', '--json');
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as {
      url: string;
      headers: Record<string, string>;
      body: unknown;
    };
    expect(printed.url).toBe(`${origin}/.well-known/http-message-signatures-directory`);
    expect(printed.headers['content-type']).toBe('application/http-message-signatures-directory+json');
    expect(printed.headers['signature-input']).toContain(`keyid="${kid}"`);
    expect(printed.body).toMatchObject({ keys: [{ kty: 'OKP', crv: 'Ed25519', kid }] });
    served = { headers: printed.headers, body: JSON.stringify(printed.body) };
    const text = await kyodaku('crawler-directory', origin, '--key', 'crawler.key');
    expect(text.stdout).toContain('signature-input: binding0=');
  });

  it('Should check, prompt-check and pull a snapshot signed as the crawler', async () => {
    const agent = ['--crawler-key', 'crawler.key', '--signature-agent', origin];
    const check = await kyodaku('check', 'isbn:9784088725093', '--purpose', 'train.genai', ...agent);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    const prompt = await kyodaku('prompt-check', 'a cat on a sofa', ...agent);
    expect(prompt.code).toBe(0);
    expect((await kyodaku('snapshot', 'pull', '--dir', 'snap', ...agent)).code).toBe(0);
  });

  it('Should name the crawler in the receipts of check --offline confirmations', async () => {
    writeFileSync(join(cwd, 'ids.txt'), 'isbn:9784088725093\nurl:https://nobody.example/1\n');
    const result = await kyodaku(
      'check',
      '--offline',
      '--snapshot',
      'snap',
      '--file',
      'ids.txt',
      '--purpose',
      'train.genai',
      '--receipts',
      'receipts.jsonl',
      '--json',
      '--crawler-key',
      'crawler.key',
      '--signature-agent',
      origin,
    );

    expect(result.code).toBe(0);
    const [line] = readFileSync(join(cwd, 'receipts.jsonl'), 'utf8').trim().split('\n');
    const receipt = JSON.parse(line!).receipt as string;
    const payload = JSON.parse(Buffer.from(receipt.split('.')[1]!, 'base64url').toString('utf8'));
    expect(payload.crawler).toEqual({
      keyid: kid,
      agent: `${origin}/.well-known/http-message-signatures-directory`,
    });
    writeFileSync(join(cwd, 'receipt.json'), JSON.stringify({ receipt }));
    const wk = (await (await fetch(`${server.url}/.well-known/kyodaku`)).json()) as {
      node: { key: unknown };
    };
    writeFileSync(join(cwd, 'node.jwk'), JSON.stringify(wk.node.key));
    const verified = await kyodaku('verify-receipt', 'receipt.json', '--node-key', 'node.jwk');
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(
      `asked by crawler ${kid} (${origin}/.well-known/http-message-signatures-directory)`,
    );
  });

  it('Should fail (exit 3) with the problem when the key is unknown to the node', async () => {
    const result = await kyodaku(
      'check',
      'isbn:9784088725093',
      '--purpose',
      'train.genai',
      '--crawler-key',
      'stranger.key',
      '--json',
    );
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).toContain('urn:kyodaku:problem:unknown-crawler-key');
  });

  it('Should refuse --signature-agent without --crawler-key, and one that is not https or loopback', async () => {
    const alone = await kyodaku(
      'check',
      'isbn:9784088725093',
      '--purpose',
      'train.genai',
      '--signature-agent',
      origin,
    );
    expect(alone.code).not.toBe(0);
    expect(alone.stderr).toContain('--signature-agent needs --crawler-key');
    const plain = await kyodaku(
      'check',
      'isbn:9784088725093',
      '--purpose',
      'train.genai',
      '--crawler-key',
      'crawler.key',
      '--signature-agent',
      'http://crawler.example',
    );
    expect(plain.code).toBe(3);
  });
});
