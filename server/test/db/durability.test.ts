/**
 * Durable storage (spec/http-api.md REQ-API-015, REQ-API-084): every connection that writes
 * acknowledged data runs `synchronous = FULL` in WAL mode, so a commit has flushed the WAL before
 * the node answers. Per-connection pragmas do not carry over to a new connection (DESIGN.md §7):
 * they are read back from the connections that write, the writer thread's included.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { openNode } from '../../src/node.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const FULL = 2;

it('REQ-API-015: the main connection and the writer thread both write with synchronous=FULL in WAL mode', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-durability-'));
  dirs.push(dir);
  const node = await openNode({ db: `file:${join(dir, 'kyodaku.db')}`, dataDir: dir });
  try {
    expect(node.pragmas).toMatchObject({ journal_mode: 'wal', synchronous: FULL, busy_timeout: 5000 });
    const { main, thread } = await node.writerPragmas();
    for (const connection of [main, thread]) {
      expect(connection).toMatchObject({ journal_mode: 'wal', synchronous: FULL, busy_timeout: 5000 });
    }
  } finally {
    node.close();
  }
});

it('a database size cap holds on every connection that writes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kyodaku-durability-'));
  dirs.push(dir);
  const node = await openNode({
    db: `file:${join(dir, 'kyodaku.db')}`,
    dataDir: dir,
    maxDbBytes: 8 * 1024 * 1024,
  });
  try {
    const { main, thread } = await node.writerPragmas();
    expect(main.max_page_count).toBe(2048);
    expect(thread?.max_page_count).toBe(2048);
  } finally {
    node.close();
  }
});
