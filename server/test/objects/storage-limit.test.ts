/**
 * A node process with a capped database (KYODAKU_DB_MAX_BYTES): a bulk publication too large for
 * the room left fails on the writer thread's connection with SQLITE_FULL, is refused whole with 503
 * storage-unavailable and Retry-After, and stores nothing (REQ-API-080, REQ-API-085, REQ-ERR-007);
 * the node keeps serving, and a publication that fits is still accepted.
 */
import {
  createRecord,
  KyodakuNode,
  parseVerifierKey,
  signObject,
  toTimestamp,
  verifyCheckpoint,
} from '@kyodaku/client';
import { afterAll, expect, it } from 'vitest';
import { attestedParty } from '../../../client/test/helpers/parties.ts';
import { type ServerProcess, startServer } from '../../../client/test/helpers/server-process.ts';

let server: ServerProcess | undefined;
afterAll(() => server?.stop());

it('REQ-API-085: a bulk publication past the size cap is refused whole and stores nothing; the node keeps serving', async () => {
  server = await startServer({ env: { KYODAKU_DB_MAX_BYTES: String(1024 * 1024) } });
  expect(server.output()).toContain('at most 1048576 bytes');
  const party = await attestedParty(server);
  const wk = (await (await fetch(`${server.url}/.well-known/kyodaku`)).json()) as {
    log: { verifier_key: string };
  };
  const logSize = async () => {
    const note = await (await fetch(`${server!.url}/v1/log/checkpoint`)).text();
    return verifyCheckpoint(note, parseVerifierKey(wk.log.verifier_key)).size;
  };
  const sign = (i: number) =>
    signObject(
      'record',
      createRecord({
        iss: party.kid,
        work: { type: 'work', ids: [`url:https://cap.example/works/${i}`] },
        purposes: { 'train.genai': 'deny' },
        issued_at: toTimestamp(Date.now() - 30_000),
      }),
      party.signer,
    );
  const records = await Promise.all(Array.from({ length: 1000 }, (_, i) => sign(i)));
  const before = await logSize();

  const response = await fetch(`${server.url}/v1/publications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ objects: records.map((r) => r.jws) }),
  });
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(((await response.json()) as { type: string }).type).toBe('urn:kyodaku:problem:storage-unavailable');
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(await logSize()).toBe(before);
  expect((await fetch(`${server.url}/v1/records/${records[0]!.id}`)).status).toBe(404);

  // Still serving: a decision, and a small publication that fits.
  const node = new KyodakuNode(server.url);
  expect((await node.decide({ ids: 'url:https://cap.example/works/1', purpose: 'train' })).decision).toBe(
    'deny',
  );
  const one = await sign(5000);
  expect((await node.publishRecord(one)).id).toBe(one.id);
  expect(await logSize()).toBe(before + 1);
  expect(server.output()).toMatch(/storage fault SQLITE_FULL/);
}, 60_000);
