/** Requests to the node that serves the page (same origin), with problem+json errors as messages. */
import type { schemas } from '@kyodaku/client/browser';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

async function failure(res: Response): Promise<ApiError> {
  let type = 'about:blank';
  let message = `${res.status} ${res.statusText}`;
  try {
    const problem = (await res.json()) as { type?: string; title?: string; detail?: string };
    type = problem.type ?? type;
    message = problem.detail ?? problem.title ?? message;
  } catch {
    // Not a problem document: the status line says it.
  }
  return new ApiError(res.status, type, message);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export async function getText(path: string): Promise<string> {
  const res = await fetch(path, { cache: 'no-store' });
  if (!res.ok) throw await failure(res);
  return res.text();
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** Publishes one signed object (application/jose) at a path such as /v1/records. */
export async function postJws<T>(path: string, jws: string): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/jose', accept: 'application/json' },
    body: jws,
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

let metadata: Promise<schemas.WellKnown> | undefined;

/** The node's /.well-known/kyodaku, read once per page load. */
export function wellKnown(): Promise<schemas.WellKnown> {
  metadata ??= getJson<schemas.WellKnown>('/.well-known/kyodaku');
  metadata.catch(() => {
    metadata = undefined;
  });
  return metadata;
}
