/**
 * /healthz (liveness) and /readyz (readiness: the database answers, the log's head is loaded and
 * signed, no entry waits too long for a checkpoint, a signing error is visible).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toTimestamp } from '@kyodaku/client';
import { afterEach, expect, it, vi } from 'vitest';
import { signedParty } from '../../../client/test/helpers/parties.ts';
import { createApp } from '../../src/app.ts';
import { openNode } from '../../src/node.ts';
import { P, problemType } from '../helpers.ts';

let dir: string | undefined;
let node: Awaited<ReturnType<typeof openNode>> | undefined;
afterEach(() => {
  node?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  node = undefined;
  dir = undefined;
});

let clock = Date.parse('2026-03-01T00:00:00Z');

/** A node whose checkpointer waits ten minutes after an append, so that the test decides when it signs. */
async function open() {
  dir = mkdtempSync(join(tmpdir(), 'kyodaku-ops-'));
  node = await openNode({
    db: `file:${join(dir, 'kyodaku.db')}`,
    dataDir: dir,
    now: () => clock,
    checkpointIntervalMs: 600_000,
  });
  return { node, app: createApp(node) };
}

async function register(app: ReturnType<typeof createApp>) {
  const { party } = await signedParty({ issuedAt: toTimestamp(clock - 60_000) });
  const res = await app.request('/v1/parties', {
    method: 'POST',
    body: party.jws,
    headers: { 'content-type': 'application/jose' },
  });
  expect(res.status).toBe(201);
}

it('Should answer /healthz with 200 while the process serves', async () => {
  const { app } = await open();
  const res = await app.request('/healthz');
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok' });
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect((await app.request('/healthz', { method: 'POST' })).status).toBe(405);
});

it('Should be ready when the database answers and the log is signed', async () => {
  const { app, node } = await open();
  const res = await app.request('/readyz');
  expect(res.status).toBe(200);
  const body = (await res.json()) as {
    status: string;
    checks: { database: unknown; log: Record<string, unknown> };
  };
  expect(body.status).toBe('ready');
  expect(body.checks.database).toEqual({ ok: true });
  expect(body.checks.log).toMatchObject({
    ok: true,
    size: node.objects.size,
    checkpoint: { size: node.objects.size },
    unsigned_for_ms: 0,
    signing_error: null,
  });
});

it('Should not be ready while an appended entry has waited too long for a checkpoint', async () => {
  const { app } = await open();
  await register(app);
  clock += 29_000;
  expect((await app.request('/readyz')).status).toBe(200);
  clock += 2_000;
  const res = await app.request('/readyz');
  expect(res.status).toBe(503);
  expect(await problemType(res.clone())).toBe(P('unavailable'));
  const body = (await res.json()) as {
    detail: string;
    checks: { log: { ok: boolean; unsigned_for_ms: number } };
  };
  expect(body.checks.log).toMatchObject({ ok: false, unsigned_for_ms: 31_000 });
  expect(body.detail).toMatch(/waited 31000 ms for a signed checkpoint/);
  // A checkpoint asked for is signed at once; the node is ready again.
  expect((await app.request('/v1/log/checkpoint')).status).toBe(200);
  expect((await app.request('/readyz')).status).toBe(200);
});

it('Should not be ready when the database does not answer, and show the signing error', async () => {
  const { app, node } = await open();
  await register(app);
  node.client.close();
  const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
  expect((await app.request('/v1/log/checkpoint')).status).toBe(500);
  expect(logged).toHaveBeenCalled();
  logged.mockRestore();
  clock += 60_000;
  const res = await app.request('/readyz');
  expect(res.status).toBe(503);
  const body = (await res.json()) as {
    type: string;
    checks: { database: { ok: boolean; error: string }; log: { signing_error: { message: string } | null } };
  };
  expect(body.type).toBe(P('unavailable'));
  expect(body.checks.database.ok).toBe(false);
  expect(body.checks.database.error.length).toBeGreaterThan(0);
  expect(body.checks.log.signing_error?.message.length).toBeGreaterThan(0);
  // Liveness does not depend on the database.
  expect((await app.request('/healthz')).status).toBe(200);
});
