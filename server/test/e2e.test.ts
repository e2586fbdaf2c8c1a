/** End to end: the real `kyodaku-server start` process on an ephemeral loopback port, restarted on the same files. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createRecord,
  importSigner,
  type PrivateJwk,
  schemas,
  signObject,
  toTimestamp,
} from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedParty } from '../../client/test/helpers/parties.ts';

const BIN = fileURLToPath(new URL('../bin/kyodaku-server.js', import.meta.url));

interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function startServer(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      KYODAKU_DATA_DIR: dataDir,
      KYODAKU_DB: undefined,
      INIT_CWD: dataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
  });
  child.stderr!.on('data', (d) => {
    out += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    const check = () => {
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return { child, url, output: () => out };
}

async function stopServer(running: Running): Promise<void> {
  if (running.child.exitCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      running.child.kill('SIGKILL');
    }, 5000);
    running.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    running.child.kill('SIGTERM');
  });
}

const post = (url: string, body: string, type = 'application/jose') =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': type } });

describe('kyodaku-server over real HTTP', () => {
  let dir: string;
  let server: Running;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kyodaku-e2e-'));
    server = await startServer(dir);
  });
  afterAll(async () => {
    await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the node key and the admin key with mode 0600 and says where they are', () => {
    for (const name of ['node.key', 'admin.key']) {
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
      expect(server.output()).toContain(join(dir, name));
    }
  });

  it('serves every endpoint, keeps its data across a restart, and never overwrites its keys', async () => {
    const adminKeyBefore = readFileSync(join(dir, 'admin.key'), 'utf8');
    const admin = await importSigner(JSON.parse(adminKeyBefore) as PrivateJwk);
    const wellKnown = schemas.WellKnown.parse(
      await (await fetch(`${server.url}/.well-known/kyodaku`)).json(),
    );
    expect(wellKnown.admin_key).toBe(admin.kid);

    const { keys, signer, party } = await signedParty({
      names: { ja: '星海社出版', en: 'Seikai Publishing' },
    });
    expect((await post(`${server.url}/v1/parties`, party.jws)).status).toBe(201);
    const attest = await signObject(
      'admin',
      {
        kind: 'admin',
        v: 1,
        action: 'attest',
        party: keys.kid,
        issued_at: toTimestamp(),
        nonce: 'e2e-nonce-0000000001',
      },
      admin,
    );
    expect((await post(`${server.url}/v1/attestations`, attest.jws)).status).toBe(201);
    const record = await signObject(
      'record',
      createRecord({
        iss: keys.kid,
        work: {
          type: 'character',
          ids: ['kyodaku:seikai/hoshi-no-umi/char/aoi'],
          titles: { ja: '葵', en: 'Aoi' },
        },
        purposes: { 'generate.character': 'allow', train: 'deny' },
        issued_at: toTimestamp(Date.now() - 1000),
      }),
      signer,
    );
    expect((await post(`${server.url}/v1/records`, record.jws)).status).toBe(201);
    const query = () =>
      `${server.url}/v1/decision?id=kyodaku:seikai/hoshi-no-umi/char/aoi&purpose=generate.character`;
    expect(((await (await fetch(query())).json()) as { decision: string }).decision).toBe('allow');
    const batch = await post(
      `${server.url}/v1/decisions`,
      JSON.stringify({
        ids: ['kyodaku:seikai/hoshi-no-umi/char/aoi', 'isbn:9784088725093'],
        purposes: ['train'],
      }),
      'application/json',
    );
    const results = ((await batch.json()) as { results: Array<{ decision: string }> }).results;
    expect(results.map((r) => r.decision)).toEqual(['deny', 'deny']);
    const oversized = await post(`${server.url}/v1/records`, 'a'.repeat(70_000));
    expect(oversized.status).toBe(413);
    expect(oversized.headers.get('content-type')).toBe('application/problem+json');

    await stopServer(server);
    server = await startServer(dir);
    expect(readFileSync(join(dir, 'admin.key'), 'utf8')).toBe(adminKeyBefore);
    expect(server.output()).toMatch(/using admin key/);

    const view = schemas.RecordView.parse(
      await (await fetch(`${server.url}/v1/records/${record.id}`)).json(),
    );
    expect(view.jws).toBe(record.jws);
    expect(((await (await fetch(query())).json()) as { decision: string }).decision).toBe('allow');
    const partyView = schemas.PartyView.parse(
      await (await fetch(`${server.url}/v1/parties/${keys.kid}`)).json(),
    );
    expect(partyView.status).toBe('attested');
    expect((await post(`${server.url}/v1/records`, record.jws)).status).toBe(409);
    const work = schemas.WorkView.parse(
      await (
        await fetch(`${server.url}/v1/works/${encodeURIComponent('kyodaku:seikai/hoshi-no-umi/char/aoi')}`)
      ).json(),
    );
    expect(work.records).toHaveLength(1);
  });
});
