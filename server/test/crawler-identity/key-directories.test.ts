/** KeyDirectories: cached fetches, remembered failures and the bound on fetches in flight. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, importSigner } from '@kyodaku/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KeyDirectoryServer,
  keyDirectoryServer,
} from '../../../client/test/helpers/key-directory-server.ts';
import { KeyDirectories } from '../../src/crawler-identity/key-directories.ts';

const PATH = '/.well-known/http-message-signatures-directory';
let good: KeyDirectoryServer;
let failing: KeyDirectoryServer;
let kid: string;

beforeAll(async () => {
  const keys = await generateKeyPair();
  kid = keys.kid;
  good = await keyDirectoryServer([
    { publicJwk: keys.publicJwk, signer: await importSigner(keys.privateJwk) },
  ]);
  failing = await keyDirectoryServer([], { status: 503 });
});
afterAll(async () => {
  await good.close();
  await failing.close();
});

describe('KeyDirectories', () => {
  it('Should fetch a directory once and serve its keys from memory until it expires', async () => {
    let now = Date.now();
    const directories = new KeyDirectories({ now: () => now });
    expect(await directories.key(`${good.origin}${PATH}`, kid)).toMatchObject({ kty: 'OKP' });
    expect(await directories.key(`${good.origin}${PATH}`, 'x'.repeat(43))).toBeUndefined();
    const fetched = good.fetches();
    now += 3_600_001;
    await directories.key(`${good.origin}${PATH}`, kid);
    expect(good.fetches()).toBe(fetched + 1);
  });

  it('Should remember a failure for a minute, then ask again', async () => {
    let now = Date.now();
    const directories = new KeyDirectories({ now: () => now });
    const url = `${failing.origin}${PATH}`;
    await expect(directories.key(url, kid)).rejects.toMatchObject({ code: 'ERR_CRAWLER_KEY' });
    await expect(directories.key(url, kid)).rejects.toMatchObject({ code: 'ERR_CRAWLER_KEY' });
    expect(failing.fetches()).toBe(1);
    now += 60_001;
    await expect(directories.key(url, kid)).rejects.toMatchObject({ code: 'ERR_CRAWLER_KEY' });
    expect(failing.fetches()).toBe(2);
  });

  it('Should refuse to start more fetches than its bound, and time out a silent directory', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const directories = new KeyDirectories({ now: Date.now, maxInFlight: 1, timeoutMs: 300 });
    const first = directories.key(`${origin}${PATH}`, kid);
    await expect(directories.key(`${good.origin}${PATH}`, kid)).rejects.toThrow(/too many key directories/);
    await expect(first).rejects.toThrow(/cannot be fetched/);
    expect(await directories.key(`${good.origin}${PATH}`, kid)).toMatchObject({ kty: 'OKP' });
    silent.closeAllConnections();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });
});
