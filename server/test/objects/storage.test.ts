import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeNode, onPostgres, type TestNode } from '../helpers.ts';

let t: TestNode;
beforeEach(async () => {
  t = await makeNode();
});
afterEach(() => t.close());

describe('storage', () => {
  it('every accepted object gets a dense seq from 0 (admin requests included)', async () => {
    const p = await t.party(); // party, admin request, attestation
    await t.postJws('/v1/records', (await p.record()).jws);
    const rows = await t.node.client.execute('SELECT seq, kind FROM objects ORDER BY seq');
    expect(rows.rows.map((r) => [Number(r.seq), r.kind])).toEqual([
      [0, 'party'],
      [1, 'admin'],
      [2, 'attestation'],
      [3, 'record'],
    ]);
  });

  // SQLite's pragmas; PostgreSQL's durability is the server's (synchronous_commit).
  it.skipIf(onPostgres)('the database runs in WAL mode with its pragmas on its connection', () => {
    expect(t.node.pragmas).toMatchObject({ journal_mode: 'wal', busy_timeout: 5000 });
  });
});
