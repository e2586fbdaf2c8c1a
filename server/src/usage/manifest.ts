/**
 * The body of a usage publication (spec/usage.md §3): a compact JWS alone (`application/jose`), or
 * the JWS on the first line of an `application/x-ndjson` body followed by the manifest, one item per
 * line, whose bytes hash to the declaration's `manifest.sha256` and whose lines number `count`.
 */
import { hash } from 'node:crypto';
import { BODY_JSON_LIMITS, checkJsonLimits, KyodakuError, schemas } from '@kyodaku/client';
import type { Context } from 'hono';
import { limitBody } from '../http/body.ts';

/** Largest body of a declaration with its manifest. */
export const MAX_MANIFEST_BODY_BYTES = 64 * 1024 * 1024;
export const usageBodyLimit = limitBody(MAX_MANIFEST_BODY_BYTES);

export interface UsageBody {
  jws: string;
  /** The manifest's exact bytes, when the body carried one. */
  manifest?: Buffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function mediaTypeOf(c: Context): string {
  return (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

export async function readUsageBody(c: Context): Promise<UsageBody> {
  const type = mediaTypeOf(c);
  if (type !== 'application/jose' && type !== 'application/x-ndjson') {
    throw new KyodakuError(
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      'send a declaration as application/jose, or with its manifest as application/x-ndjson',
    );
  }
  const body = Buffer.from(await c.req.arrayBuffer());
  if (type === 'application/jose') return { jws: body.toString('latin1') };
  const newline = body.indexOf(0x0a);
  if (newline < 0)
    throw new KyodakuError('ERR_INVALID_REQUEST', 'the manifest is missing after the JWS line');
  return { jws: body.subarray(0, newline).toString('latin1'), manifest: body.subarray(newline + 1) };
}

/** The items of a manifest, checked against the declaration's reference (REQ-USAGE-004). */
export function manifestItems(bytes: Buffer, ref: schemas.UsageDeclaration['manifest'] & object) {
  if (hash('sha256', bytes, 'hex') !== ref.sha256) {
    throw new KyodakuError('ERR_INVALID_REQUEST', 'the manifest does not hash to manifest.sha256');
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new KyodakuError('ERR_PAYLOAD_UTF8', 'the manifest is not valid UTF-8');
  }
  if (!text.endsWith('\n')) throw new KyodakuError('ERR_INVALID_REQUEST', 'every manifest line ends with LF');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length !== ref.count) {
    throw new KyodakuError(
      'ERR_INVALID_REQUEST',
      `the manifest has ${lines.length} lines, not manifest.count`,
    );
  }
  return lines.map((line, i) => {
    checkJsonLimits(line, BODY_JSON_LIMITS, `manifest line ${i + 1}`);
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new KyodakuError('ERR_PAYLOAD_JSON', `manifest line ${i + 1} is not JSON`);
    }
    const item = schemas.UsageItem.safeParse(value);
    if (!item.success) {
      const issue = item.error.issues[0];
      throw new KyodakuError(
        'ERR_SCHEMA',
        `manifest line ${i + 1}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
    }
    return item.data;
  });
}
