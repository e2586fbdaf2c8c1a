/**
 * Decisions (spec/http-api.md §5): one item by GET, batches by POST. The hot path: no database, no
 * zod on the ids, and a miss (the usual answer under opt-in) is a precomputed string.
 */
import {
  isPurpose,
  KyodakuError,
  type Purpose,
  problemTypeOf,
  schemas,
  toTimestamp,
  tryNormalizeIdentifier,
} from '@kyodaku/client';
import { Hono } from 'hono';
import { jsonBodyLimit, readJson } from '../http/body.ts';
import type { NodeContext } from '../node-context.ts';
import { missTail } from './answer-templates.ts';
import { JsonArrayBody } from './json-array-body.ts';

/** Most `id` parameters of one single-item query (REQ-QUERY-005). */
export const MAX_QUERY_IDS = 100;

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' };

function validAt(at: unknown): string {
  if (typeof at !== 'string' || !schemas.Timestamp.safeParse(at).success) {
    throw new KyodakuError('ERR_INVALID_REQUEST', 'at must be an RFC 3339 UTC timestamp with whole seconds');
  }
  return at;
}

function invalidRequest(message: string): never {
  throw new KyodakuError('ERR_INVALID_REQUEST', message);
}

/** `receipt` is read by the receipt middleware (log/receipts.ts) after the answer. */
const BATCH_MEMBERS = new Set(['ids', 'purposes', 'at', 'receipt']);
const INVALID_IDENTIFIER = problemTypeOf('ERR_INVALID_IDENTIFIER');

function parseBatch(body: unknown): { ids: string[]; purposes: Purpose[]; at?: string } {
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    invalidRequest('the body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const key of Object.keys(b)) if (!BATCH_MEMBERS.has(key)) invalidRequest(`unknown member "${key}"`);
  const { ids, purposes } = b;
  if (!Array.isArray(ids)) invalidRequest('ids must be an array of identifiers');
  if (ids.length > schemas.LIMITS.maxBatchIds) {
    throw new KyodakuError('ERR_BATCH_TOO_LARGE', `at most ${schemas.LIMITS.maxBatchIds} ids per batch`);
  }
  if (ids.length === 0) invalidRequest('ids must not be empty');
  for (const id of ids) {
    if (typeof id !== 'string' || id.length > 2048)
      invalidRequest('every id must be a string of at most 2048 characters');
  }
  if (
    !Array.isArray(purposes) ||
    purposes.length === 0 ||
    purposes.length > schemas.LIMITS.maxBatchPurposes
  ) {
    invalidRequest(`purposes must be an array of 1..${schemas.LIMITS.maxBatchPurposes} purposes`);
  }
  for (const p of purposes) {
    if (typeof p !== 'string') invalidRequest('every purpose must be a string');
    if (!isPurpose(p)) throw new KyodakuError('ERR_UNKNOWN_PURPOSE', `unknown purpose ${JSON.stringify(p)}`);
  }
  if (new Set(purposes).size !== purposes.length) invalidRequest('purposes must be unique');
  return {
    ids: ids as string[],
    purposes: purposes as Purpose[],
    ...(b.at !== undefined && { at: validAt(b.at) }),
  };
}

/**
 * On a mirror, adds `origins` (record id -> origin) to an answer tail that names records
 * (spec/federation.md REQ-FED-032); elsewhere the tail is unchanged.
 */
export function withOrigins(node: NodeContext, tail: string): string {
  const federation = node.federation;
  if (federation === undefined || !federation.isMirror || tail.includes('"records":[]}')) return tail;
  const answer = JSON.parse(`{${tail}`) as {
    records: string[];
    leaves?: Record<string, { records: string[] }>;
  };
  const ids = new Set(answer.records);
  for (const leaf of Object.values(answer.leaves ?? {})) for (const id of leaf.records) ids.add(id);
  if (ids.size === 0) return tail;
  return `${tail.slice(0, -1)},"origins":${JSON.stringify(federation.originsOf(ids))}}`;
}

export function decisionRoutes(node: NodeContext) {
  const index = node.index;
  // The node's time as a timestamp, made once per second rather than once per request.
  let second = Number.NaN;
  let stamp = '';
  const now = () => {
    const ms = node.now();
    if (Math.floor(ms / 1000) !== second) {
      second = Math.floor(ms / 1000);
      stamp = toTimestamp(ms);
    }
    return stamp;
  };
  return new Hono()
    .get('/v1/decision', (c) => {
      const query = c.req.queries();
      const purposes = query.purpose;
      const purpose = purposes?.[0];
      if (purpose === undefined || purposes!.length !== 1 || !isPurpose(purpose)) {
        throw new KyodakuError('ERR_UNKNOWN_PURPOSE', 'purpose must name one purpose of the vocabulary');
      }
      const rawIds = query.id;
      if (rawIds === undefined || rawIds.length === 0) {
        throw new KyodakuError('ERR_INVALID_IDENTIFIER', 'give the item as one or more id parameters');
      }
      if (rawIds.length > MAX_QUERY_IDS) invalidRequest(`at most ${MAX_QUERY_IDS} id parameters`);
      const ids = rawIds.map((raw) => {
        const id = tryNormalizeIdentifier(raw);
        if (id === undefined) throw new KyodakuError('ERR_INVALID_IDENTIFIER', 'an id does not normalize');
        return id;
      });
      const atParam = query.at;
      if (atParam !== undefined && atParam.length !== 1) invalidRequest('give at most one at');
      const at = atParam === undefined ? now() : validAt(atParam[0]);
      const tail = withOrigins(node, index.answer(ids, purpose, at, true) ?? missTail(purpose, true));
      return c.body(
        `{"ids":${JSON.stringify(ids)},"purpose":"${purpose}","at":"${at}",${tail}`,
        200,
        JSON_HEADERS,
      );
    })
    .post('/v1/decisions', jsonBodyLimit, async (c) => {
      const { ids, purposes, at: atGiven } = parseBatch(await readJson(c));
      const at = atGiven ?? now();
      // Per purpose, the end of an item after `{"id":…` for a miss and for an invalid identifier.
      const missItems = purposes.map((p) => `,"purpose":"${p}",${missTail(p, false)}`);
      const errorItems = purposes.map(
        (p) =>
          `,"purpose":"${p}","error":{"type":"${INVALID_IDENTIFIER}","detail":"the identifier does not normalize"}}`,
      );
      const body = new JsonArrayBody(`{"at":"${at}","results":[`, ']}');
      for (const raw of ids) {
        const open = `{"id":${JSON.stringify(raw)}`;
        const id = tryNormalizeIdentifier(raw);
        const one = id === undefined ? undefined : [id];
        for (let k = 0; k < purposes.length; k++) {
          if (one === undefined) {
            body.push(open + errorItems[k]);
            continue;
          }
          const tail = index.answer(one, purposes[k]!, at, false);
          body.push(
            tail === undefined
              ? open + missItems[k]
              : `${open},"purpose":"${purposes[k]}",${withOrigins(node, tail)}`,
          );
        }
      }
      return c.body(body.bytes(), 200, JSON_HEADERS);
    });
}
