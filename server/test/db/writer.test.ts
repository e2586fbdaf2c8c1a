/** The store's writer (src/db/writer.ts): inline for small transactions, a thread for large ones. */
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InStatement } from '@libsql/client';
import { afterEach, expect, it } from 'vitest';
import { openDb } from '../../src/db/open.ts';
import { openWriter } from '../../src/db/writer.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One multi-row INSERT of `n` checkpoints (enough bound values to go to the writer thread). */
function checkpoints(from: number, n: number): InStatement[] {
  const args = [];
  for (let i = from; i < from + n; i++)
    args.push(i, Buffer.alloc(32, i % 256), `note ${i}`, '2026-11-23T00:00:00Z');
  return [
    {
      sql: `insert into log_checkpoints (size, root, note, signed_at) values ${Array.from({ length: n }, () => '(?, ?, ?, ?)').join(', ')}`,
      args,
    },
  ];
}

async function opened() {
  const parent = mkdtempSync(join(tmpdir(), 'kyodaku-writer-'));
  dirs.push(parent);
  const dir = join(parent, 'data');
  const url = `file:${join(dir, 'kyodaku.db')}`;
  const { client } = await openDb(url);
  const count = async () =>
    Number((await client.execute('select count(*) from log_checkpoints')).rows[0]![0]);
  return { dir, url, client, count };
}

it('commits small and large transactions in the order sent, visible to the main connection', async () => {
  const { url, client, count } = await opened();
  const writer = openWriter(url, client);
  const sent = [checkpoints(0, 1), checkpoints(1, 300), checkpoints(301, 1), checkpoints(302, 300)];
  await Promise.all(sent.map((stmts) => writer.batch(stmts)));
  expect(await count()).toBe(602);
  const sizes = (await client.execute('select size from log_checkpoints order by rowid')).rows.map((r) =>
    Number(r[0]),
  );
  expect(sizes).toEqual(Array.from({ length: 602 }, (_, i) => i));
  // A failing transaction on the thread changes nothing and says why.
  await expect(writer.batch([...checkpoints(700, 300), ...checkpoints(0, 1)])).rejects.toThrow(/UNIQUE/);
  expect(await count()).toBe(602);
  await writer.close();
  await expect(writer.batch(checkpoints(900, 1))).rejects.toThrow(/closed/);
  client.close();
});

it('starts a new thread after one was lost; the lost transaction changed nothing', async () => {
  const { dir, url, client, count } = await opened();
  const writer = openWriter(url, client);
  // The thread cannot open the database while its directory is away: it fails, and with it the
  // transaction it was sent.
  renameSync(dir, `${dir}.away`);
  await expect(writer.batch(checkpoints(0, 300))).rejects.toThrow();
  renameSync(`${dir}.away`, dir);
  await writer.batch(checkpoints(0, 300));
  expect(await count()).toBe(300);
  await writer.close();
  client.close();
});
