/**
 * Storage faults (issue 16): a database that is full, read-only or locked by another connection is a
 * fault of the node's storage, not of the request. The node answers 503 `storage-unavailable` with
 * Retry-After (spec/http-api.md REQ-ERR-007), stores nothing of a refused request, and tells the
 * truth about every entry of a bulk publication (REQ-API-080, REQ-API-083, REQ-API-085). Every
 * fault here is SQLite's own: a page limit (`PRAGMA max_page_count`) makes SQLITE_FULL happen for
 * any user, root included; a second connection holding the write lock gives SQLITE_BUSY.
 */
import { join } from 'node:path';
import { schemas } from '@kyodaku/client';
import { createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, P, problemType, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

async function count(table: string): Promise<number> {
  return Number((await t.node.client.execute(`SELECT count(*) FROM ${table}`)).rows[0]![0]);
}

/** Lets the node's database grow by at most `pages` pages from now (SQLITE_FULL past that). */
async function capGrowth(pages: number): Promise<void> {
  const used = Number((await t.node.client.execute('PRAGMA page_count')).rows[0]![0]);
  await t.node.client.execute(`PRAGMA max_page_count = ${used + pages}`);
}

const uncapped = () => t.node.client.execute('PRAGMA max_page_count = 4294967294');

describe('a full database', () => {
  it('REQ-API-080/085: a bulk publication that meets a full database stores nothing and answers 503 with Retry-After', async () => {
    const p = await t.party();
    const records = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        p.record({ ids: [`url:https://full.example/works/${i}`, `url:https://full.example/alt/${i}`] }),
      ),
    );
    const objectsBefore = await count('objects');
    const sizeBefore = t.node.objects.size;
    // Room for one record or two, not for ten: a group commit fails, single ones would not.
    await capGrowth(2);
    const response = await t.postJson('/v1/publications', { objects: records.map((r) => r.jws) });
    expect(response.status, await response.clone().text()).toBe(503);
    expect(await problemType(response)).toBe(P('storage-unavailable'));
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    // Nothing stored, nothing in memory: the log, the index and the decisions are as before.
    expect(await count('objects')).toBe(objectsBefore);
    expect(await count('records')).toBe(0);
    expect(t.node.objects.size).toBe(sizeBefore);
    expect(t.node.objects.tree.size).toBe(sizeBefore);
    const decision = await t.get(
      `/v1/decision?id=${encodeURIComponent('url:https://full.example/works/3')}&purpose=train`,
    );
    expect(((await decision.json()) as { reasons: string[] }).reasons).toEqual(['no-record']);

    // Once there is room again the same request is accepted whole, at the next indexes.
    await uncapped();
    const again = await t.postJson('/v1/publications', { objects: records.map((r) => r.jws) });
    expect(again.status).toBe(200);
    const results = schemas.PublicationResponse.parse(await again.json()).results;
    expect(results.map((r) => r.status)).toEqual(records.map(() => 201));
    expect(results.map((r) => (r as { log: { index: number } }).log.index)).toEqual(
      records.map((_, i) => sizeBefore + i),
    );
    expect(await count('records')).toBe(10);
  });

  it('REQ-ERR-007: a single publication answers 503 storage-unavailable with Retry-After and stores nothing', async () => {
    const p = await t.party();
    // A record larger than a page: it cannot fit into what room the last pages have left.
    const record = await p.record({
      ids: Array.from({ length: 24 }, (_, i) => `url:https://full.example/${'long-path/'.repeat(30)}${i}`),
    });
    expect(record.jws.length).toBeGreaterThan(8192);
    const before = await count('objects');
    await capGrowth(0);
    const response = await t.postJws('/v1/records', record.jws);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await problemType(response)).toBe(P('storage-unavailable'));
    expect(await count('objects')).toBe(before);
    expect((await t.get(`/v1/records/${record.id}`)).status).toBe(404);
    await uncapped();
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
  });
});

describe('a read-only database', () => {
  it('REQ-ERR-007: publications answer 503 storage-unavailable; decisions and reads are still served', async () => {
    const p = await t.party();
    const kept = await p.record({ ids: ['url:https://ro.example/kept'], purposes: { all: 'allow' } });
    expect((await t.postJws('/v1/records', kept.jws)).status).toBe(201);
    await t.node.client.execute('PRAGMA query_only = 1'); // SQLITE_READONLY on every write
    try {
      const refused = await t.postJws(
        '/v1/records',
        (await p.record({ ids: ['url:https://ro.example/new'] })).jws,
      );
      expect(refused.status).toBe(503);
      expect(await problemType(refused)).toBe(P('storage-unavailable'));
      expect(refused.headers.get('retry-after')).not.toBeNull();
      const bulk = await t.postJson('/v1/publications', {
        objects: [(await p.record({ ids: ['url:https://ro.example/bulk'] })).jws],
      });
      expect(bulk.status).toBe(503);
      expect(await problemType(bulk)).toBe(P('storage-unavailable'));
      const decision = await t.get(
        `/v1/decision?id=${encodeURIComponent('url:https://ro.example/kept')}&purpose=train`,
      );
      expect(decision.status).toBe(200);
      expect((await t.get(`/v1/records/${kept.id}`)).status).toBe(200);
    } finally {
      await t.node.client.execute('PRAGMA query_only = 0');
    }
  });
});

describe('a database locked by another process', () => {
  it('REQ-ERR-007: a publication waits for the lock, then answers 503 with Retry-After; once free it is accepted', async () => {
    const p = await t.party();
    const record = await p.record({ ids: ['url:https://busy.example/one'] });
    const other = createClient({ url: `file:${join(t.dir, 'kyodaku.db')}` });
    const lock = await other.transaction('write'); // BEGIN IMMEDIATE: holds the write lock
    try {
      const response = await t.postJws('/v1/records', record.jws);
      expect(response.status).toBe(503);
      expect(await problemType(response)).toBe(P('storage-unavailable'));
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await lock.rollback();
      other.close();
    }
    // The node's connection was replaced after the fault (libsql leaves a busy statement in
    // progress); the new one has the same pragmas.
    expect((await t.postJws('/v1/records', record.jws)).status).toBe(201);
    expect((await t.node.writerPragmas()).main).toMatchObject({ synchronous: 2, busy_timeout: 5000 });
  }, 20_000);
});

describe('checkpoints', () => {
  it('a checkpoint that cannot be stored is logged, kept in lastError, answered 503, and signed once storage is back', async () => {
    const p = await t.party();
    expect((await t.postJws('/v1/records', (await p.record()).jws)).status).toBe(201);
    // Before the scheduled checkpoint (within 250 ms) is written.
    await t.node.client.execute('PRAGMA query_only = 1');
    const checkpoints = t.node.log.checkpoints;
    await expect.poll(() => checkpoints.lastError, { timeout: 5000 }).toBeDefined();
    expect(checkpoints.lastError).toMatchObject({ size: t.node.objects.size });
    expect(checkpoints.lastError!.signedSize).toBeLessThan(t.node.objects.size);
    const response = await t.get('/v1/log/checkpoint');
    expect(response.status).toBe(503);
    expect(await problemType(response)).toBe(P('storage-unavailable'));
    await t.node.client.execute('PRAGMA query_only = 0');
    // Tried again by itself, with nothing new appended.
    await expect.poll(() => checkpoints.lastError, { timeout: 10_000 }).toBeUndefined();
    expect(checkpoints.latest?.size).toBe(t.node.objects.size);
  }, 20_000);
});
