/**
 * The one error path: every failure becomes an RFC 9457 `application/problem+json` response with
 * a stable `type` from the library's ERROR_CODES. Never a stack trace; a storage fault is a 503
 * `storage-unavailable` with Retry-After (REQ-ERR-007); an unexpected error is a 500
 * `internal-error` with a generic detail, logged to stderr.
 */
import {
  codeOfStatus,
  ERROR_CODES,
  type ErrorCode,
  KyodakuError,
  problemTypeOf,
  type schemas,
} from '@kyodaku/client';

type Problem = schemas.Problem;

import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { storageFaultOf } from '../db/storage-fault.ts';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const TITLES: Partial<Record<ErrorCode, string>> = {
  ERR_NOT_FOUND: 'Not found',
  ERR_INTERNAL: 'Internal error',
};

function titleOf(code: ErrorCode): string {
  const slug = ERROR_CODES[code][0];
  return TITLES[code] ?? slug.charAt(0).toUpperCase() + slug.slice(1).replaceAll('-', ' ');
}

/** The problem details object of an error code. */
export function problemBody(code: ErrorCode, detail?: string, extra?: Record<string, unknown>): Problem {
  return {
    type: problemTypeOf(code),
    title: titleOf(code),
    status: ERROR_CODES[code][1],
    ...(detail && { detail }),
    ...extra,
  };
}

function problemResponse(body: Problem): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': PROBLEM_MEDIA_TYPE, 'cache-control': 'no-store' },
  });
}

export function problem(code: ErrorCode, detail?: string, extra?: Record<string, unknown>): Response {
  return problemResponse(problemBody(code, detail, extra));
}

/** A KyodakuError as a problem object; an `id` in its detail (e.g. of a duplicate) becomes a member. */
export function problemBodyOf(error: KyodakuError): Problem {
  const detail = error.detail as { id?: unknown; citations?: unknown } | undefined;
  const extra =
    detail && typeof detail === 'object' && typeof detail.id === 'string' ? { id: detail.id } : undefined;
  // The failed citations of a usage declaration (spec/usage.md REQ-USAGE-012).
  if (error.code === 'ERR_CITATION' && Array.isArray(detail?.citations)) {
    return problemBody(error.code, error.message, { citations: detail.citations });
  }
  return problemBody(error.code, error.message, extra);
}

/** A KyodakuError as a problem response; a `retryAfter` (seconds) in its detail becomes Retry-After. */
export function problemOf(error: KyodakuError): Response {
  const response = problemResponse(problemBodyOf(error));
  const retryAfter = (error.detail as { retryAfter?: unknown } | undefined)?.retryAfter;
  if (typeof retryAfter === 'number') response.headers.set('retry-after', String(retryAfter));
  return response;
}

/**
 * Whether the client went away in the middle of its request (it closed the connection while its
 * body was on its way): not a fault of the node, and nobody is left to read an answer.
 */
function clientGone(error: Error, c: Context): boolean {
  const { code, message } = error as Error & { code?: unknown };
  return (code === 'ECONNRESET' && message === 'aborted') || c.req.raw.signal?.aborted === true;
}

export const onError: ErrorHandler = (error: Error, c: Context) => {
  if (error instanceof KyodakuError) return problemOf(error);
  if (error instanceof HTTPException) {
    const code = codeOfStatus(error.status);
    return problem(code, code === 'ERR_INTERNAL' ? 'the node failed to answer' : error.message || undefined);
  }
  const fault = storageFaultOf(error);
  if (fault !== undefined) return problemOf(fault);
  if (clientGone(error, c))
    return problem('ERR_INVALID_REQUEST', 'the client closed the connection mid-request');
  console.error('kyodaku-server: unexpected error:', error);
  return problem('ERR_INTERNAL', 'the node failed to answer; the fault is logged');
};

export const notFound: NotFoundHandler = (c: Context) =>
  problem('ERR_NOT_FOUND', `no resource at ${c.req.path}`);

/** Handler for a known path with a method it does not serve (REQ-ERR-004). */
export function methodNotAllowed(allow: string) {
  return (c: Context) => {
    const response = problem('ERR_METHOD', `${c.req.method} is not supported here; use ${allow}`);
    response.headers.set('allow', allow);
    return response;
  };
}
