/** Reading request bodies at the edge: JWS bodies (application/jose) and JSON bodies, with limits. */
import { BODY_JSON_LIMITS, checkJsonLimits, isWellFormedJson, KyodakuError, schemas } from '@kyodaku/client';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/** Refuses a body over `maxSize` bytes with 413 payload-too-large, without reading more than that. */
export function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new KyodakuError('ERR_TOO_LARGE', `the request body is over ${maxSize} bytes`);
    },
  });
}

export const jwsBodyLimit = limitBody(schemas.LIMITS.maxJwsBytes);
export const jsonBodyLimit = limitBody(schemas.LIMITS.maxBodyBytes);

/**
 * A body limit that does not touch the body stream when the request declares its length: hono's
 * bodyLimit reads `c.req.raw.body`, which makes @hono/node-server build a WHATWG Request and stream
 * for every request; checking `content-length` lets `c.req.text()` read the body straight from the
 * socket (the larger part of the HTTP cost of a publication). Without a content-length (chunked),
 * the body is counted as it is read by `fallback`.
 */
function declaredLengthLimit(maxSize: number, fallback: MiddlewareHandler): MiddlewareHandler {
  return (c, next) => {
    const length = c.req.header('content-length');
    if (
      length !== undefined &&
      /^\d{1,15}$/.test(length) &&
      c.req.header('transfer-encoding') === undefined
    ) {
      if (Number(length) > maxSize)
        throw new KyodakuError('ERR_TOO_LARGE', `the request body is over ${maxSize} bytes`);
      return next();
    }
    return fallback(c, next);
  };
}

/** The limit of the publishing routes (one JWS, or a bulk publication's JSON). */
export const publishBodyLimit = declaredLengthLimit(schemas.LIMITS.maxJwsBytes, jwsBodyLimit);
export const publicationsBodyLimit = declaredLengthLimit(schemas.LIMITS.maxBodyBytes, jsonBodyLimit);

const utf8 = new TextDecoder('utf-8', { fatal: true });

function mediaTypeOf(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

/** The compact JWS of an `application/jose` body (REQ-API-010). */
export async function readJws(c: Context): Promise<string> {
  if (mediaTypeOf(c) !== 'application/jose') {
    throw new KyodakuError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send the signed object as application/jose');
  }
  return c.req.text();
}

/**
 * The parsed JSON of an `application/json` body; JSON nested too deep or too wide is 400
 * json-too-complex, checked before it is parsed (REQ-JSON-003); malformed JSON, and strings with a
 * lone surrogate (not I-JSON, REQ-JSON-004), are 400 malformed-json.
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = mediaTypeOf(c);
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new KyodakuError('ERR_UNSUPPORTED_MEDIA_TYPE', 'send the request as application/json');
  }
  let text: string;
  try {
    text = utf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new KyodakuError('ERR_PAYLOAD_JSON', 'the request body is not JSON: it is not valid UTF-8');
  }
  checkJsonLimits(text, BODY_JSON_LIMITS, 'the request body');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new KyodakuError('ERR_PAYLOAD_JSON', 'the request body is not JSON');
  }
  if (!isWellFormedJson(value)) {
    throw new KyodakuError('ERR_PAYLOAD_JSON', 'the request body has a string with a lone surrogate');
  }
  return value;
}
