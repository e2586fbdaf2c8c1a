/**
 * Two node processes' worth of state on one PostgreSQL database, in one test process: two
 * `openNode`s on the same database and data directory. A publication appended by one is taken up
 * by the other (its follower, or its own next append, which catches up under the log head's lock
 * first): dense seq across both, both trees at the same root, decisions and attestations known to
 * both; exactly one holds the sequencer's lease and the other adopts its checkpoints; an append
 * planned against a stale size writes nothing (StaleLogError).
 */
import { afterAll, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { openPgPool } from '../../src/db/pg-client.ts';
import { pgWriter, StaleLogError } from '../../src/db/pg-writer.ts';
import { openNode } from '../../src/node.ts';
import { makeNode, onPostgres, type TestNode } from '../helpers.ts';

const nodes: TestNode[] = [];
const others: Array<Awaited<ReturnType<typeof openNode>>> = [];
afterAll(() => {
  for (const o of others) o.close();
  for (const n of nodes) n.close();
});

async function until(probe: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200 && !(await probe()); i++) await new Promise((r) => setTimeout(r, 25));
}

it('two nodes on one database append to one log and answer alike', async () => {
  // npm run test:pg (vitest.pg.config.ts) gives every test node a PostgreSQL database.
  expect(onPostgres, 'run with npm run test:pg').toBe(true);
  const a = await makeNode();
  nodes.push(a);
  // The second "process" on the same database and data directory (the same keys and origin).
  const b = await openNode({ db: a.db, dataDir: a.dir });
  others.push(b);

  const party = await a.party(); // party, admin request, attestation: through A
  const first = await party.record({ ids: ['url:https://shared.example/a'], purposes: { all: 'allow' } });
  expect((await a.postJws('/v1/records', first.jws)).status).toBe(201);
  // B follows A's appends and knows the attestation: it accepts the same issuer's record.
  await until(() => b.objects.size === a.node.objects.size);
  const appB = createApp(b);
  const second = await party.record({ ids: ['url:https://shared.example/b'], purposes: { all: 'allow' } });
  const response = await appB.request('/v1/records', {
    method: 'POST',
    body: second.jws,
    headers: { 'content-type': 'application/jose' },
  });
  expect(response.status).toBe(201);
  expect(((await response.json()) as { log: { index: number } }).log.index).toBe(4);

  await until(() => a.node.objects.size === 5);
  expect(a.node.objects.size).toBe(5);
  expect(Buffer.from(a.node.objects.tree.root())).toEqual(Buffer.from(b.objects.tree.root()));
  for (const app of [a.app, appB]) {
    for (const item of ['url:https://shared.example/a', 'url:https://shared.example/b']) {
      const d = (await (
        await app.request(`/v1/decision?id=${encodeURIComponent(item)}&purpose=train.genai`)
      ).json()) as {
        decision: string;
      };
      expect(d.decision, item).toBe('allow');
    }
  }
  const { rows } = await b.client.execute('SELECT seq FROM objects ORDER BY seq');
  expect(rows.map((r) => Number(r.seq))).toEqual([0, 1, 2, 3, 4]);

  // One signer: the other serves the checkpoint the signer stored, of the same log.
  const notes = await Promise.all(
    [a.app, appB].map(async (app) => (await app.request('/v1/log/checkpoint')).text()),
  );
  expect(notes[0]).toBe(notes[1]);
  expect(notes[0]).toContain('\n5\n');

  // An append planned against a stale size is refused by the head's compare-and-swap.
  const pool = openPgPool(a.db, 1);
  try {
    await expect(pgWriter(pool).batch([], { from: 3, to: 4 })).rejects.toBeInstanceOf(StaleLogError);
  } finally {
    await pool.end();
  }
});
