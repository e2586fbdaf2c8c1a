/** Assertions for cases: each failure throws a CaseFailure that names what was expected. */
import { canonicalJson, schemas } from '@kyodaku/client';
import type { z } from 'zod';
import type { HttpResponse } from './http.ts';
import { CaseFailure } from './outcome.ts';

export const PROBLEM = 'urn:kyodaku:problem:';

/** The problem types of spec/http-api.md §6 with their statuses. */
export const PROBLEM_STATUS: Record<string, number> = {
  'malformed-jws': 400,
  'unsupported-algorithm': 400,
  'forbidden-header': 400,
  'type-mismatch': 400,
  'unknown-key': 400,
  'invalid-signature': 400,
  'invalid-utf8': 400,
  'malformed-json': 400,
  'non-canonical-json': 400,
  'json-too-complex': 400,
  'schema-violation': 400,
  'invalid-key': 400,
  'invalid-identifier': 400,
  'unknown-purpose': 400,
  'invalid-request': 400,
  unauthorized: 401,
  'invalid-crawler-signature': 401,
  'unknown-crawler-key': 401,
  'unattested-key': 403,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'duplicate-object': 409,
  'invalid-citation': 422,
  'payload-too-large': 413,
  'batch-too-large': 413,
  'unsupported-media-type': 415,
  'rate-limited': 429,
  'internal-error': 500,
  unavailable: 503,
  'request-timeout': 408,
  'storage-unavailable': 503,
};

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CaseFailure(message);
}

/** Deep equality of JSON values, member order ignored (compared in JCS form). */
export function equal(actual: unknown, expected: unknown, what: string): void {
  const a = actual === undefined ? 'undefined' : canonicalJson(actual);
  const e = expected === undefined ? 'undefined' : canonicalJson(expected);
  if (a !== e) throw new CaseFailure(`${what}: expected ${e}, got ${a}`);
}

function problemSummary(res: HttpResponse): string {
  const body = res.json as { type?: unknown; detail?: unknown } | undefined;
  if (body && typeof body === 'object' && 'type' in body) {
    return `${res.status} ${String(body.type)}${body.detail ? ` (${String(body.detail)})` : ''}`;
  }
  return `${res.status} ${res.text.slice(0, 200)}`;
}

/** Checks REQ-ERR-001 on any response with status >= 400. */
export function checkProblemShape(res: HttpResponse): void {
  if (res.status < 400) return;
  check(
    res.contentType === 'application/problem+json',
    `status ${res.status}: content type must be application/problem+json, got "${res.contentType}" (REQ-ERR-001)`,
  );
  const parsed = schemas.Problem.safeParse(res.json);
  check(
    parsed.success,
    `status ${res.status}: body is not a Problem (REQ-ERR-001): ${res.text.slice(0, 200)}`,
  );
  check(
    parsed.data.status === res.status,
    `problem status ${parsed.data.status} differs from HTTP status ${res.status} (REQ-ERR-001)`,
  );
  const name = parsed.data.type.startsWith(PROBLEM) ? parsed.data.type.slice(PROBLEM.length) : undefined;
  check(
    name !== undefined && PROBLEM_STATUS[name] !== undefined,
    `problem type ${parsed.data.type} is not one of spec/http-api.md §6 (REQ-ERR-001)`,
  );
}

/**
 * The response is the problem `type` (one of `types`, names after `urn:kyodaku:problem:`) with its
 * status from the table, as application/problem+json (REQ-ERR-001).
 */
export function expectProblem(res: HttpResponse, ...types: string[]): void {
  const statuses = new Set(types.map((t) => PROBLEM_STATUS[t]));
  const expected = types.map((t) => `${PROBLEM_STATUS[t]} ${PROBLEM}${t}`).join(' or ');
  check(res.status < 500, `expected ${expected}, got a server error: ${problemSummary(res)} (REQ-ERR-002)`);
  check(statuses.has(res.status), `expected ${expected}, got ${problemSummary(res)}`);
  checkProblemShape(res);
  const type = (res.json as { type: string }).type;
  check(
    types.some((t) => type === PROBLEM + t && PROBLEM_STATUS[t] === res.status),
    `expected ${expected}, got ${problemSummary(res)}`,
  );
}

/** The response has the status and a JSON body that validates against the schema. */
export function expectJson<T>(res: HttpResponse, status: number, schema: z.ZodType<T>, what: string): T {
  check(res.status === status, `${what}: expected ${status}, got ${problemSummary(res)}`);
  check(
    res.contentType === 'application/json',
    `${what}: expected content type application/json, got "${res.contentType}"`,
  );
  const parsed = schema.safeParse(res.json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CaseFailure(
      `${what}: body does not validate: ${issue?.path.join('.') || '(root)'}: ${issue?.message}: ${res.text.slice(0, 300)}`,
    );
  }
  return parsed.data;
}

/** The response's Location header names `path` (http-api.md REQ-API-013). */
export function expectLocation(res: HttpResponse, path: string): void {
  const location = res.headers.get('location');
  check(location?.endsWith(path), `Location ${location} does not name ${path}`);
}
