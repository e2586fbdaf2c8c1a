/** Reading objects the node shows: the payload of a compact JWS, without verifying it (views only). */
import type { schemas } from '@kyodaku/client/browser';

/** The bytes of base64url text; throws on characters outside the alphabet. */
export function base64urlBytes(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

export function payloadOf(jws: string): Record<string, unknown> | undefined {
  const part = jws.split('.')[1];
  if (part === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(base64urlBytes(part)));
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The size line of a checkpoint note (the second line), for browsing; verification parses it fully. */
export function checkpointSize(note: string): number {
  const size = Number(note.split('\n')[1]);
  return Number.isSafeInteger(size) ? size : 0;
}

export type RecordView = schemas.RecordView & { origin?: string };
export type WorkType = schemas.RecordView['record']['work']['type'];
