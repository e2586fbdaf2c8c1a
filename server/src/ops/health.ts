/**
 * Liveness and readiness (docs/operations.md): `GET /healthz` answers while the process serves
 * HTTP; `GET /readyz` answers 200 when the node can do its work: the database answers, the log's
 * head is loaded and signed, and no appended entry has waited longer than `maxUnsignedMs` for a
 * checkpoint. Otherwise 503 `unavailable`, with the failing check and the last signing error.
 */
import { toTimestamp } from '@kyodaku/client';
import { Hono } from 'hono';
import { problem } from '../http/problem.ts';
import type { NodeContext } from '../node-context.ts';

export interface ReadinessOptions {
  /** Longest wait of an appended entry for a signed checkpoint before the node is not ready (ms). */
  maxUnsignedMs: number;
}

export interface Readiness {
  ready: boolean;
  checks: {
    database: { ok: boolean; error?: string };
    log: {
      ok: boolean;
      size: number;
      checkpoint: { size: number; signed_at: string | null } | null;
      unsigned_for_ms: number;
      signing_error: { message: string; at: string } | null;
    };
  };
}

const NO_STORE = { 'cache-control': 'no-store' };

export async function readiness(node: NodeContext, options: ReadinessOptions): Promise<Readiness> {
  let database: Readiness['checks']['database'] = { ok: true };
  try {
    await node.ping?.();
  } catch (error) {
    database = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const now = node.now();
  const checkpoints = node.log.checkpoints;
  const latest = checkpoints.latest;
  const status = checkpoints.status();
  const unsignedForMs = status.unsignedSince === undefined ? 0 : Math.max(0, now - status.unsignedSince);
  const log: Readiness['checks']['log'] = {
    ok: latest !== undefined && unsignedForMs <= options.maxUnsignedMs,
    size: node.objects.size,
    checkpoint:
      latest === undefined
        ? null
        : {
            size: latest.size,
            signed_at: status.signedAt === undefined ? null : toTimestamp(status.signedAt),
          },
    unsigned_for_ms: unsignedForMs,
    signing_error:
      status.lastError === undefined ? null : { message: status.lastError.message, at: status.lastError.at },
  };
  return { ready: database.ok && log.ok, checks: { database, log } };
}

function notReadyDetail(checks: Readiness['checks']): string {
  const reasons: string[] = [];
  if (!checks.database.ok) reasons.push(`the database does not answer (${checks.database.error})`);
  if (checks.log.checkpoint === null) reasons.push('the log has no signed checkpoint');
  else if (!checks.log.ok) {
    reasons.push(
      `log entries have waited ${checks.log.unsigned_for_ms} ms for a signed checkpoint` +
        (checks.log.signing_error === null
          ? ''
          : ` (last signing error: ${checks.log.signing_error.message})`),
    );
  }
  return `the node is not ready: ${reasons.join('; ')}`;
}

export function healthRoutes(node: NodeContext, options: ReadinessOptions) {
  return new Hono()
    .get('/healthz', (c) => c.json({ status: 'ok' }, 200, NO_STORE))
    .get('/readyz', async (c) => {
      const { ready, checks } = await readiness(node, options);
      if (!ready) return problem('ERR_UNAVAILABLE', notReadyDetail(checks), { checks });
      return c.json({ status: 'ready', checks }, 200, NO_STORE);
    });
}
