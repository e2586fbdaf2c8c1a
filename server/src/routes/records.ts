/** Consent records: publish, get, list by issuer (spec/http-api.md §3.2). */
import { KyodakuError, schemas, toTimestamp } from '@kyodaku/client';
import { Hono, type MiddlewareHandler } from 'hono';
import { jwsBodyLimit, readJws } from '../http-body.ts';
import { issuerKeyOf, verifySigned } from '../log/verify.ts';
import type { NodeContext } from '../node-context.ts';
import { recordRowOf } from '../store.ts';
import { logRefOf, recordStatus, recordView } from '../views.ts';

/**
 * jwsBodyLimit for the publishing routes, without touching the body stream when the request
 * declares its length: hono's bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build
 * a WHATWG Request and stream for every request; checking `content-length` lets `c.req.text()` read
 * the body straight from the socket (the larger part of the HTTP cost of a publication). Without a
 * content-length (chunked), the body is counted as it is read, as before.
 */
export const publishBodyLimit: MiddlewareHandler = (c, next) => {
  const length = c.req.header('content-length');
  if (length !== undefined && /^\d{1,15}$/.test(length) && c.req.header('transfer-encoding') === undefined) {
    const max = schemas.LIMITS.maxJwsBytes;
    if (Number(length) > max)
      throw new KyodakuError('ERR_TOO_LARGE', `the request body is over ${max} bytes`);
    return next();
  }
  return jwsBodyLimit(c, next);
};

/** How far in the future of the node's clock a record's issued_at may lie (REQ-API-034). */
export const MAX_FUTURE_S = 300;

export function recordRoutes(node: NodeContext) {
  const { store } = node;
  const resolveKey = issuerKeyOf(store);

  async function view(id: string) {
    const row = await store.recordRow(id);
    const obj = row && (await store.objectById(id));
    if (row === undefined || obj === undefined) {
      // A followed record, with its origin (spec/federation.md REQ-FED-033).
      const [followed] = (await node.federation?.recordViews([id], node.now())) ?? [];
      if (followed !== undefined) return followed as schemas.RecordView;
      throw new KyodakuError('ERR_NOT_FOUND', 'no such record');
    }
    return recordView(node.federation?.withFollowedChanges(row) ?? row, obj, node.now());
  }

  return new Hono()
    .post('/v1/records', publishBodyLimit, async (c) => {
      const record = await verifySigned(await readJws(c), 'record', resolveKey);
      const nowMs = node.now();
      const now = toTimestamp(nowMs);
      if (Date.parse(record.payload.issued_at) > nowMs + MAX_FUTURE_S * 1000) {
        throw new KyodakuError('ERR_SCHEMA', `issued_at is more than ${MAX_FUTURE_S} s in the future`);
      }
      const attestation = store.index.attestationAt(record.payload.iss, now);
      if (attestation === undefined) {
        throw new KyodakuError('ERR_UNATTESTED', 'the issuer key has no attestation in force at this node');
      }
      if (attestation.role === 'ai-developer') {
        throw new KyodakuError('ERR_FORBIDDEN', 'an AI developer does not publish consent records');
      }
      const stored = await store.putRecord(record, now);
      // The view of the new record from memory (recordView without reading it back).
      const body: schemas.RecordView = {
        id: stored.id,
        jws: stored.jws,
        received_at: stored.receivedAt,
        log: logRefOf(stored),
        record: record.signedPayload as schemas.RecordView['record'],
        status: recordStatus(recordRowOf(stored.id, stored.seq, record.payload), toTimestamp(node.now())),
      };
      return c.json(body, 201, { location: `/v1/records/${record.id}` });
    })
    .get('/v1/records', async (c) => {
      const issuer = c.req.query('issuer');
      if (issuer === undefined || !schemas.KeyId.safeParse(issuer).success) {
        throw new KyodakuError('ERR_INVALID_REQUEST', 'issuer must be a party id');
      }
      const limitText = c.req.query('limit') ?? '100';
      const limit = /^[1-9]\d{0,6}$/.test(limitText) ? Number(limitText) : 0;
      if (limit < 1 || limit > schemas.LIMITS.maxPageSize) {
        throw new KyodakuError('ERR_INVALID_REQUEST', `limit must be 1..${schemas.LIMITS.maxPageSize}`);
      }
      const cursor = c.req.query('cursor');
      if (cursor !== undefined && !/^\d{1,15}$/.test(cursor)) {
        throw new KyodakuError('ERR_INVALID_REQUEST', 'cursor is not one this node issued');
      }
      const rows = await store.recordsOfIssuer(issuer, cursor === undefined ? -1 : Number(cursor), limit + 1);
      const page = rows.slice(0, limit);
      const body: schemas.RecordList = {
        records: page.map(({ record, object }) =>
          recordView(node.federation?.withFollowedChanges(record) ?? record, object, node.now()),
        ),
        next_cursor: rows.length > limit ? String(page[page.length - 1]!.record.seq) : null,
      };
      return c.json(body);
    })
    .get('/v1/records/:id', async (c) => {
      return c.json(await view(c.req.param('id')), 200, { 'cache-control': 'no-cache' });
    });
}
