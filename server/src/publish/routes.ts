/**
 * Bulk publication (spec/http-api.md §3.5): up to max_batch_objects parties, records and
 * revocations in one request. Every entry is verified at once (the signatures in the thread pool),
 * then queued in the order given, so the store's group commit appends them together in that order;
 * the answer waits until every accepted entry is durable. A fault of the node is answered truthfully:
 * when nothing was stored the whole request is refused with it (503 for a storage fault, REQ-API-085),
 * else each entry that was not stored carries it as its problem.
 */
import { KyodakuError, schemas } from '@kyodaku/client';
import { Hono } from 'hono';
import { storageFaultOf } from '../db/storage-fault.ts';
import { publicationsBodyLimit, readJson } from '../http/body.ts';
import { problemBodyOf } from '../http/problem.ts';
import { logRefOf } from '../objects/views.ts';
import type { Publisher } from './publisher.ts';

/** The entries of a PublicationRequest; too many is 413 before any other check (REQ-API-080). */
function entriesOf(body: unknown): string[] {
  const objects = (body as { objects?: unknown } | null)?.objects;
  if (Array.isArray(objects) && objects.length > schemas.LIMITS.maxBatchObjects) {
    throw new KyodakuError(
      'ERR_BATCH_TOO_LARGE',
      `at most ${schemas.LIMITS.maxBatchObjects} objects per publication request`,
    );
  }
  const parsed = schemas.PublicationRequest.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new KyodakuError(
      'ERR_INVALID_REQUEST',
      `not a publication request: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
    );
  }
  return parsed.data.objects;
}

/** Why an entry was not stored, as the KyodakuError its result carries (a fault of the node is logged). */
function failureOf(reason: unknown): KyodakuError {
  if (reason instanceof KyodakuError) return reason;
  const fault = storageFaultOf(reason);
  if (fault !== undefined) return fault;
  console.error('kyodaku-server: unexpected error in a bulk publication:', reason);
  return new KyodakuError('ERR_INTERNAL', 'the node failed to store this entry; the fault is logged');
}

/** A refused entry's result. */
function refused(failure: KyodakuError): schemas.PublicationResult {
  const problem = problemBodyOf(failure);
  return { status: problem.status, problem };
}

export function publicationRoutes(publisher: Publisher) {
  return new Hono().post('/v1/publications', publicationsBodyLimit, async (c) => {
    const entries = entriesOf(await readJson(c));
    const verified = await Promise.allSettled(entries.map((jws) => publisher.verifyAny(jws)));
    // Queued in entry order (store() queues synchronously) with one token: committed in one group.
    const together = {};
    const stored = verified.map((v) =>
      v.status === 'fulfilled' ? v.value.store(together) : Promise.reject(v.reason),
    );
    const settled = await Promise.allSettled(stored);
    const failures = settled.map((s) => (s.status === 'rejected' ? failureOf(s.reason) : undefined));
    if (failures.every((f) => f !== undefined)) {
      // Nothing was stored: a fault of the node refuses the request whole, storing nothing.
      const fault = failures.find((f) => f.code === 'ERR_STORAGE') ?? failures.find((f) => f.status >= 500);
      if (fault !== undefined) throw fault;
    }
    const results = settled.map((s, i): schemas.PublicationResult => {
      if (s.status === 'rejected') return refused(failures[i]!);
      const { kind, stored: obj, location } = s.value;
      return { status: 201, id: obj.id, kind, location, log: logRefOf(obj) };
    });
    return c.json({ results } satisfies schemas.PublicationResponse, 200, { 'cache-control': 'no-store' });
  });
}
