/** The log's origin is fixed on first start and kept beside the keys (spec/http-api.md REQ-API-005). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemas } from '@kyodaku/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, SERVER_BIN, startServer } from '../../client/test/helpers/server-process.ts';
import { createApp } from '../src/app.ts';
import { openNode } from '../src/node.ts';
import { OriginError } from '../src/node-origin.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kyodaku-origin-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (options: { origin?: string; defaultOrigin?: string } = {}) =>
  openNode({ db: `file:${join(dir, 'kyodaku.db')}`, dataDir: dir, ...options });

/** The origin the node announces and the origin line of the checkpoint it serves. */
async function announced(node: Awaited<ReturnType<typeof open>>) {
  const app = createApp(node);
  const wk = schemas.WellKnown.parse(await (await app.request('/.well-known/kyodaku')).json());
  const note = await (await app.request('/v1/log/checkpoint')).text();
  return { metadata: wk.node.origin, log: wk.log?.origin, checkpoint: note.slice(0, note.indexOf('\n')) };
}

describe('the log origin', () => {
  it('REQ-API-005: the origin of the first start stays when the default changes (another port)', async () => {
    const first = await open({ defaultOrigin: '127.0.0.1:8787/kyodaku' });
    expect(await announced(first)).toEqual({
      metadata: '127.0.0.1:8787/kyodaku',
      log: '127.0.0.1:8787/kyodaku',
      checkpoint: '127.0.0.1:8787/kyodaku',
    });
    first.close();
    const second = await open({ defaultOrigin: '127.0.0.1:9999/kyodaku' });
    expect(await announced(second)).toEqual({
      metadata: '127.0.0.1:8787/kyodaku',
      log: '127.0.0.1:8787/kyodaku',
      checkpoint: '127.0.0.1:8787/kyodaku',
    });
    second.close();
  });

  it('REQ-API-005: a configured origin other than the log’s refuses to start; the same one starts', async () => {
    (await open({ origin: 'registry.example/kyodaku' })).close();
    await expect(open({ origin: 'other.example/kyodaku' })).rejects.toThrow(OriginError);
    const again = await open({ origin: 'registry.example/kyodaku' });
    expect((await announced(again)).checkpoint).toBe('registry.example/kyodaku');
    again.close();
  });

  it('a data directory from before the origin was kept takes the origin of its signed checkpoints', async () => {
    (await open({ defaultOrigin: 'old.example:1/kyodaku' })).close();
    unlinkSync(join(dir, 'origin'));
    const node = await open({ defaultOrigin: 'old.example:2/kyodaku' });
    expect((await announced(node)).metadata).toBe('old.example:1/kyodaku');
    node.close();
    // A kept origin that disagrees with the signed checkpoints is a damaged data directory.
    writeFileSync(join(dir, 'origin'), 'tampered.example/kyodaku\n');
    await expect(open()).rejects.toThrow(/signed under the origin old\.example:1\/kyodaku/);
  });

  it('kyodaku-server start exits 1 and says why when KYODAKU_ORIGIN differs from the log’s', async () => {
    const server = await startServer({ dataDir: dir, env: { KYODAKU_ORIGIN: 'first.example/kyodaku' } });
    await server.stop();
    const run = spawnSync(process.execPath, [SERVER_BIN, 'start'], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        KYODAKU_DATA_DIR: dir,
        KYODAKU_DB: `file:${join(dir, 'kyodaku.db')}`,
        KYODAKU_ORIGIN: 'second.example/kyodaku',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("this node's log has the origin first.example/kyodaku");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
