/**
 * Bulk publication (spec/http-api.md §3.5): up to max_batch_objects parties, records and
 * revocations in one request. Every entry is verified at once (the signatures in the thread pool),
 * then queued in the order given, so the store's group commit appends them together in that order;
 * the answer waits until every accepted entry is durable.
 */
import { KyodakuError, schemas } from '@kyodaku/client';
import { Hono } from 'hono';
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

/** A refused entry's result; anything but a KyodakuError is a fault of the node and fails the request. */
function refused(reason: unknown): schemas.PublicationResult {
  if (!(reason instanceof KyodakuError)) throw reason;
  const problem = problemBodyOf(reason);
  return { status: problem.status, problem };
}

export function publicationRoutes(publisher: Publisher) {
  return new Hono().post('/v1/publications', publicationsBodyLimit, async (c) => {
    const entries = entriesOf(await readJson(c));
    const verified = await Promise.allSettled(entries.map((jws) => publisher.verifyAny(jws)));
    // Queued in entry order (store() queues synchronously), committed together.
    const stored = verified.map((v) =>
      v.status === 'fulfilled' ? v.value.store() : Promise.reject(v.reason),
    );
    const settled = await Promise.allSettled(stored);
    const results = settled.map((s): schemas.PublicationResult => {
      if (s.status === 'rejected') return refused(s.reason);
      const { kind, stored: obj, location } = s.value;
      return { status: 201, id: obj.id, kind, location, log: logRefOf(obj) };
    });
    return c.json({ results } satisfies schemas.PublicationResponse, 200, { 'cache-control': 'no-store' });
  });
}
